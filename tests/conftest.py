"""Shared fixtures: a fresh database per test (SQLite; PostgreSQL when reachable), cloned from a template
migrated once per session, and small plans.

Under pytest-xdist (``make test`` runs ``pytest -n auto --dist loadfile``) every worker is a session of its own:
its own temporary folder, SQLite template and PostgreSQL template database (named with the worker id). A test file
runs on one worker, so its module-scoped fixtures (an imported plan, a rendered report, a server) are built once.
"""

from __future__ import annotations

import functools
import os
import queue
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool
from tests.pg_tablespace import choose_tablespace

from renkei.domain.municipality import Area, Municipality
from renkei.domain.plan import (
    KPI,
    Budget,
    BudgetCell,
    BudgetCellStatus,
    Category,
    CostBasis,
    CostPrinciple,
    CostSharing,
    Partners,
    Plan,
    PolicyArea,
    Project,
    Role,
)
from renkei.domain.quantity import Direction, Quantity, QuantityKind
from renkei.services import accounts
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database

#: The server CI provides; override with RENKEI_TEST_POSTGRES_URL.
POSTGRES_URL = os.environ.get("RENKEI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def worker_id() -> str:
    """Return the pytest-xdist worker running this process ("gw0", "gw1", …), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_problem() -> str | None:
    engine = create_engine_from_url(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect means "not reachable"
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        engine.dispose()
    return None


@pytest.fixture(scope="session")
def postgres_reachable() -> None:
    """Skip loudly when PostgreSQL is down; fail instead when RENKEI_REQUIRE_POSTGRES=1 (CI)."""
    problem = _postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at {POSTGRES_URL} is not reachable ({problem})"
    if os.environ.get("RENKEI_REQUIRE_POSTGRES") == "1":
        pytest.fail(message + " and RENKEI_REQUIRE_POSTGRES=1", pytrace=False)
    pytest.skip(message + "; start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start`")


class Postgres:
    """The test server's scratch databases: empty or cloned from a template, each dropped after its use.

    Every PostgreSQL database a test makes goes through here (one admin engine per session and xdist worker). A
    name carries its purpose and the worker id, so a database left behind by a killed run says whose it was; the
    random part keeps concurrent runs on one server (several checkouts, several workers) apart.
    """

    def __init__(self, url: str) -> None:
        self.server_url = url
        self._admin: Engine | None = None
        self._dropping: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._dropper: threading.Thread | None = None
        self._drop_failures: list[str] = []

    def admin(self) -> Engine:
        """Return the engine of the server's default database, in AUTOCOMMIT (DDL cannot run in a transaction)."""
        if self._admin is None:
            self._admin = create_engine_from_url(self.server_url).execution_options(isolation_level="AUTOCOMMIT")
        return self._admin

    def execute(self, statement: str) -> None:
        """Run one statement on the server's default database, on its own."""
        with self.admin().connect() as connection:
            connection.execute(text(statement))

    @functools.cached_property
    def tablespace(self) -> str | None:
        """Return the tablespace the test databases go in (None: the default; see ``tests/pg_tablespace.py``)."""
        return choose_tablespace(self.admin())

    def url(self, database: str) -> str:
        """Return the URL of a database on the server (password kept, for a child process or a new engine)."""
        return make_url(self.server_url).set(database=database).render_as_string(hide_password=False)

    def create(self, purpose: str, template: str | None = None) -> str:
        """Create a database, empty or as a copy of ``template`` (which nobody may be connected to); return its name."""
        name = f"renkei_{purpose}_{worker_id()}_{uuid.uuid4().hex[:12]}"
        statement = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
        if self.tablespace is not None:  # in memory: a plain copy of the files, no WAL of them (tests/pg_tablespace.py)
            statement += f" STRATEGY FILE_COPY TABLESPACE {self.tablespace}"
        self.execute(statement)
        return name

    def drop(self, name: str) -> None:
        """Drop a database, closing whatever is still connected to it."""
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def drop_later(self, name: str) -> None:
        """Drop a database in the background, so that the test does not wait for it.

        DROP DATABASE waits for a checkpoint: 1.5-3 s each on this machine's disk, one after the other. Drops asked
        for at the same time share one checkpoint, so the queued ones go together (ten in 0.8 s instead of 34 s).
        :meth:`close` waits for every queued drop.
        """
        if self._dropper is None:
            self._dropper = threading.Thread(target=self._drop_queued, name="drop-databases", daemon=True)
            self._dropper.start()
        self._dropping.put(name)

    def _drop_queued(self) -> None:
        engine = create_engine(self.server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")

        def drop(name: str) -> None:
            try:
                with engine.connect() as connection:
                    connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            except Exception as error:  # reported by close(), at the end of the session
                self._drop_failures.append(f"{name}: {type(error).__name__}: {error}")

        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="drop-database") as pool:
            while True:
                batch = [self._dropping.get()]
                while not self._dropping.empty():
                    batch.append(self._dropping.get())
                list(pool.map(drop, [name for name in batch if name is not None]))
                if None in batch:
                    return

    @contextmanager
    def scratch(self, purpose: str, template: str | None = None) -> Iterator[str]:
        """Yield the URL of a new database (empty, or a copy of ``template``), dropped afterwards, in the background."""
        name = self.create(purpose, template)
        try:
            yield self.url(name)
        finally:
            self.drop_later(name)

    @contextmanager
    def scratch_schema(self) -> Iterator[str]:
        """Yield the URL of an empty schema of its own in the default database, dropped afterwards."""
        schema = f"t_{uuid.uuid4().hex[:16]}"
        self.execute(f"CREATE SCHEMA {schema}")
        options = f"-csearch_path={schema}" + (f" -cdefault_tablespace={self.tablespace}" if self.tablespace else "")
        url = make_url(self.server_url).update_query_dict({"options": options})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            self.execute(f"DROP SCHEMA {schema} CASCADE")

    def close(self) -> None:
        """Wait for the queued drops, then close the admin engine's connections (a later statement opens a new one)."""
        if self._dropper is not None:
            self._dropping.put(None)
            self._dropper.join()
            self._dropper = None
        failures, self._drop_failures = self._drop_failures, []
        assert not failures, "scratch databases not dropped:\n" + "\n".join(failures)
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None


@pytest.fixture(scope="session")
def postgres(postgres_reachable: None) -> Iterator[Postgres]:
    """Return the maker of scratch PostgreSQL databases (skips, or fails in CI, when the server is down)."""
    server = Postgres(POSTGRES_URL)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite file migrated once per test session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "renkei.db"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres: Postgres) -> Iterator[str]:
    """Yield the name of a PostgreSQL database migrated once per test session (per xdist worker), dropped at the end."""
    name = postgres.create("tpl")
    try:
        upgrade_database(postgres.url(name))
        yield name
    finally:
        postgres.drop_later(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """Return the database backend a test runs on: every database test runs on both."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_reachable")
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'renkei.db'}"
        return
    postgres: Postgres = request.getfixturevalue("postgres")
    with postgres.scratch_schema() as url:
        yield url


@pytest.fixture
def migrated_copy(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Yield the URL of a database at the newest revision: a copy of the session's migrated template.

    SQLite gets a copy of the template file; PostgreSQL a ``CREATE DATABASE … TEMPLATE`` clone, dropped
    afterwards. Migrating once per session instead of once per test is most of the database tests' time.
    """
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("db") / "renkei.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("postgres_template")
    postgres: Postgres = request.getfixturevalue("postgres")
    with postgres.scratch("t", template_name) as url:
        yield url


@pytest.fixture
def migrated_url(migrated_copy: str) -> str:
    """Return the URL of a database at the newest revision (a conftest below may hand out a richer copy)."""
    return migrated_copy


@pytest.fixture
def session(migrated_url: str) -> Iterator[Session]:
    """Yield a session on a freshly migrated database."""
    engine = create_engine_from_url(migrated_url)
    with create_session_factory(engine)() as session:
        yield session
    engine.dispose()


def make_area(slug: str = "kitakyushu", name: str = "北九州都市圏域") -> Area:
    """Build a small area: a lead city and two partners (real codes)."""
    members: tuple[Municipality, ...] = (
        Municipality("401005", "北九州市", "福岡県", "きたきゅうしゅうし"),
        Municipality("402133", "行橋市", "福岡県", "ゆくはしし"),
        Municipality("403814", "芦屋町", "福岡県", "あしやまち"),
    )
    if slug != "kitakyushu":
        members = (
            Municipality("402036", "久留米市", "福岡県", "くるめし"),
            Municipality("402168", "小郡市", "福岡県", "おごおりし"),
        )
    return Area(slug, name, members[0].code, members, 2026, 2030)


def make_kpi(indicator: str = "WEBページ閲覧数", target: float = 100000, line: int | None = 12) -> KPI:
    """Build a KPI: a baseline of none and a point target."""
    return KPI(
        indicator=indicator,
        baseline=Quantity("なし（令和7年度）", QuantityKind.NONE, fiscal_year=2025),
        target=Quantity(f"{target:,}回（令和12年度）", QuantityKind.POINT, value=target, unit="回", fiscal_year=2030),
        direction=Direction.INCREASE,
        line=line,
    )


STORY = "自分らしく歩む女性たちのストーリー発信事業"
FIRE = "消防指令業務の共同運用に係る調査研究事業"


def make_project(name: str = STORY, line: int = 2, **changes: object) -> Project:
    """Build a project sheet with every part filled in."""
    project = Project(
        name=name,
        line=line,
        policy_area=PolicyArea(1, "圏域全体の経済成長のけん引"),
        category=Category("a", "地域公共交通", "アフターコロナ"),
        description="圏域市町で活躍する多様な女性ロールモデルを紹介する。",
        effects=("女性のキャリア形成支援", "女性の定着によるまちの活性化"),
        partners=Partners(
            "行橋市、芦屋町、下関市", ("行橋市", "芦屋町"), ("402133", "403814"), ("下関市",), (), ("芦谷町",)
        ),
        budget=Budget(
            "千円",
            (
                BudgetCell(2026, "2,420", BudgetCellStatus.AMOUNT, 2420),
                BudgetCell(2027, "—", BudgetCellStatus.NONE),
                BudgetCell(2028, "未定", BudgetCellStatus.UNDETERMINED),
                BudgetCell(2029, "", BudgetCellStatus.NOT_STATED),
            ),
            note="備考",
            line=line + 3,
        ),
        roles=(Role("北九州市", ("本事業を推進する。",)), Role("連携市町", ("協力する。", "周知する。"))),
        cost_sharing=CostSharing(
            "原則として北九州市が負担する。",
            (CostPrinciple(CostBasis.LEAD_CITY, "原則として北九州市が負担する。"),),
        ),
        kpis=(make_kpi(line=line + 8), make_kpi("参加者数", 250.5, line=line + 9)),
        extra=(("備考", "再掲あり"),),
    )
    return replace(project, **changes)  # type: ignore[arg-type]


def make_plan(*projects: Project, slug: str = "kitakyushu", first_year: int = 2026, sha: str = "") -> Plan:
    """Build a plan of the given projects (three distinct ones by default)."""
    if not projects:
        projects = (
            make_project(),
            make_project(FIRE, line=20),
            make_project(STORY, line=40, relisted=True),
        )
    return Plan(
        slug,
        "北九州都市圏域" if slug == "kitakyushu" else "久留米広域連携中枢都市圏",
        first_year,
        first_year + 4,
        tuple(projects),
        sha,
        "第2次連携中枢都市圏ビジョン",
    )


class PlanBuilder:
    """The builders above, handed to tests as the ``build`` fixture (test modules cannot import conftest)."""

    STORY = STORY
    FIRE = FIRE
    area = staticmethod(make_area)
    kpi = staticmethod(make_kpi)
    project = staticmethod(make_project)
    plan = staticmethod(make_plan)


@pytest.fixture
def build() -> PlanBuilder:
    """Return the builders of small areas, projects, KPIs and plans."""
    return PlanBuilder()


@functools.cache
def _benchmark_document(sheets: int) -> str:
    """Return the benchmark generator's document of this many sheets (deterministic, so made once a worker)."""
    folder = str(Path(__file__).resolve().parents[1] / "benchmarks")
    import sys

    sys.path.insert(0, folder)
    try:
        from generate import generate_document
    finally:
        sys.path.remove(folder)
    return str(generate_document(sheets))


@pytest.fixture(scope="session")
def generated_document() -> Callable[[int], str]:
    """Return the function that writes the benchmarks' realistic document of N sheets."""
    return _benchmark_document



@pytest.fixture(scope="session")
def example_plan() -> Plan:
    """Return the example plan as read from the document."""
    from renkei.cli.portal import read_example_text
    from renkei.reading.sheet import read_plan

    plan, _ = read_plan(read_example_text())
    return plan


#: argon2id at its lowest cost: what every test in this process hashes with (see ``cheap_password_hashes``).
CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
#: What renkei.services.accounts hashes and verifies with in production, as the module set it up.
PRODUCTION_HASHING = (accounts.HASHER, accounts._DUMMY_HASH)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Hash staff passwords with argon2id at its lowest cost in the test process (~1 ms instead of ~0.1–0.3 s).

    The same algorithm and code paths run; only the cost parameters differ. The production ones stay tested: by
    the tests that take ``production_password_hashes`` (tests/services/test_accounts.py) and by every test that
    drives a ``renkei`` process of its own (the browser tests' servers, the production setup).
    """
    accounts.HASHER = CHEAP_HASHER
    accounts._DUMMY_HASH = CHEAP_HASHER.hash("renkei-no-such-user-padding")
    try:
        yield
    finally:
        accounts.HASHER, accounts._DUMMY_HASH = PRODUCTION_HASHING


@pytest.fixture
def production_password_hashes(monkeypatch: pytest.MonkeyPatch) -> PasswordHash:
    """Give one test the production argon2id hasher back (restored afterwards); return it."""
    monkeypatch.setattr(accounts, "HASHER", PRODUCTION_HASHING[0])
    monkeypatch.setattr(accounts, "_DUMMY_HASH", PRODUCTION_HASHING[1])
    return PRODUCTION_HASHING[0]


@pytest.hookimpl(trylast=True)  # after pytest's own grouping of tests by fixture, which the stable sort keeps
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the test files marked ``heavy`` to the front, keeping every file's own order.

    ``make test`` hands whole files to two xdist workers in collection order (``--dist loadfile
    --no-loadscope-reorder``). A file that takes minutes, started last, leaves one worker idle while the other
    finishes it; started first, the many short files fill in around it (longest first).
    """
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


#: The example's revision mid-period (issue 21): the fire KPI's target 25件 → 40件, one KPI dropped and one added.
REVISED_FIRE = ("火災原因調査鑑識・鑑定連携事業", "鑑識・鑑定及び研修・会議等実施件数")
REVISED_TRAINING = "消防法令に基づく規制業務に関する職員の育成"


def record_fire_actual(url: str, value: float, year: int = 2026) -> None:
    """Record an approved actual of the stored example's fire KPI (``REVISED_FIRE``) in the database at ``url``."""
    from renkei.domain.actual import Actual
    from renkei.store import repository

    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            plan_id = repository.list_plans(session=session)[0].id
            fire = repository.find_kpi(session=session, plan_id=plan_id, project=REVISED_FIRE[0],
                                       indicator=REVISED_FIRE[1])
            assert fire is not None
            repository.upsert_actual(session=session, kpi_id=fire.id, actual=Actual(year, value), actor="test")
            session.commit()
    finally:
        engine.dispose()


def _revised_example_text(text: str) -> str:
    assert text.count("25件（令和12年度までの累計）") == 1 and text.count("\t各種研修等の件数\t") == 1
    return (text.replace("25件（令和12年度までの累計）", "40件（令和12年度までの累計）")
            .replace("\t各種研修等の件数\t5件（令和7年度）\t\t\t5件（令和12年度）",
                     "\t各種研修等の受講者数\t50人（令和7年度）\t\t\t100人（令和12年度）"))


def _revise_example(session: Session, plan_id: int) -> None:
    """Record the fire KPI's approved actuals (4 in FY2026, 6 in FY2027), then import the example's revision
    (一部改正, 令和9年10月, in force from FY2027) into the stored example plan."""
    from datetime import date

    from renkei.cli.portal import read_example_text
    from renkei.domain.actual import Actual
    from renkei.domain.revision import Revision
    from renkei.reading.sheet import read_plan
    from renkei.services.areas import area_for_document
    from renkei.services.plan_import import import_plan
    from renkei.store import repository

    kpi = repository.find_kpi(session=session, plan_id=plan_id, project=REVISED_FIRE[0], indicator=REVISED_FIRE[1])
    assert kpi is not None
    for year, value in ((2026, 4.0), (2027, 6.0)):
        repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(year, value), actor="test")
    session.commit()
    text = _revised_example_text(read_example_text())
    area = area_for_document(session=session, slug="kitakyushu")
    plan, findings = read_plan(text, area=area)
    result = import_plan(session=session, plan=plan, findings=findings, source_text=text, area=area,
                         revision=Revision("一部改正", date(2027, 10, 1), 2027, reason="KPIの見直し",
                                           date_text="令和9年10月"))
    assert result.revision is not None and result.plan_id == plan_id


@pytest.fixture(scope="session")
def revise_example() -> Callable[[Session, int], None]:
    """Return the function that revises the stored example mid-period (see ``_revise_example``)."""
    return _revise_example


#: The sheet the example's second revision (in force from FY2028) withdraws whole.
WITHDRAWN_SHEET = "圏域内道路交通のネットワーク化にかかる連携"


def _withdraw_example_sheet(session: Session, plan_id: int) -> None:
    """After :func:`_revise_example`, import a second revision (改定, 令和10年4月1日, in force from FY2028) that
    withdraws the road sheet whole (its one KPI, 都市計画道路の整備率, goes with it)."""
    from datetime import date

    from renkei.cli.portal import read_example_text
    from renkei.domain.revision import Revision
    from renkei.reading.sheet import read_plan
    from renkei.services.areas import area_for_document
    from renkei.services.plan_import import import_plan

    blocks = _revised_example_text(read_example_text()).split("\n\n")
    (index,) = [i for i, b in enumerate(blocks) if b.lstrip().startswith(f"事業名\t{WITHDRAWN_SHEET}\t")]
    text = "\n\n".join([*blocks[:index], *blocks[index + 1:]])
    area = area_for_document(session=session, slug="kitakyushu")
    plan, findings = read_plan(text, area=area)
    result = import_plan(session=session, plan=plan, findings=findings, source_text=text, area=area,
                         revision=Revision("改定", date(2028, 4, 1), 2028, reason="事業の統合"))
    assert result.revision is not None and [e.name for e in result.diff.removed_projects] == [WITHDRAWN_SHEET]


@pytest.fixture(scope="session")
def withdraw_example_sheet() -> Callable[[Session, int], None]:
    """Return the function that withdraws a whole sheet of the revised example (see ``_withdraw_example_sheet``)."""
    return _withdraw_example_sheet
