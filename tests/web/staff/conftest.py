"""Fixtures of the staff workspace's web tests: a seeded database per backend, cloned per test, and signed-in clients.

The seed is the bundled example plan with one account per role, an open round, a submitted actual, a submitted
evaluation, a pending text draft and a live session for every account (so tests need no password checks).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.engine import Dialect

from renkei.cli.portal import read_example_text
from renkei.domain.workflow import Step
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services import evaluations, partner_evaluations, project_text, workflow
from renkei.services.accounts import create_user, set_project_assignment
from renkei.services.areas import add_area
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.services.signin import csrf_token, sign_in
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.rounds import kpi_rows, project_rows
from renkei.store.tables import Base
from renkei.store.workspace_tables import StaffSessionRow
from renkei.web.app import create_app

KEY = "staff-test-session-key-0123456789abcdef"
PASSWORD = "correct horse battery staple"
#: The project the tests aim at: 消防指令業務… with five partners (行橋市 is one, 芦屋町 is not).
TARGET_SLUG = "8a5d0d0ac6"
#: Account name → (role, municipality code). "editor" is assigned the target project.
ACCOUNTS = {
    "admin": ("admin", None), "editor": ("editor", None), "editor2": ("editor", None),
    "yukuhashi": ("municipality", "402133"), "ashiya": ("municipality", "403814"), "viewer": ("viewer", None),
    "viewer2": ("viewer", None),
}


@dataclass
class Seed:
    """A seeded database: its URL, the target project and KPI, and each account's session token."""

    url: str
    project_id: int
    kpi_id: int
    tokens: dict[str, str] = field(default_factory=dict)
    clone: Callable[[], Iterator[str]] | None = None


def seed_database(url: str) -> Seed:
    """Import the example and create what every staff test starts from."""
    engine = create_engine_from_url(url)
    factory = create_session_factory(engine)
    try:
        with factory() as session:
            source = read_example_text()
            plan, findings = read_plan(source)
            result = import_plan(session=session, plan=plan, findings=findings, source_text=source, actor="seed")
            assert result.plan_id is not None
            # the example's area asks its partners for their own evaluations (連携市町による評価)
            add_area(session=session, area=replace(load_area("kitakyushu"), partner_evaluations=True), actor="seed")
            project = next(r for r in project_rows(session=session, plan_id=result.plan_id).values()
                           if r.slug == TARGET_SLUG)
            kpi = next(k for (pid, _), k in kpi_rows(session=session, plan_id=result.plan_id).items()
                       if pid == project.id)
            users = {name: create_user(session=session, username=name, role=role, password=PASSWORD, actor="seed",
                                       municipality_code=code) for name, (role, code) in ACCOUNTS.items()}
            set_project_assignment(session=session, username="editor", project_id=project.id, assigned=True,
                                   actor="seed")
            open_round(session=session, plan_id=result.plan_id, fiscal_year=2026, due_date=date(2027, 5, 31),
                       actor="seed")
            workflow.enter_actual(session=session, user=users["admin"], kpi_id=kpi.id, fiscal_year=2026, part=None,
                                  step=Step.SUBMIT, data=workflow.ActualInput("2"), expected_version=0)
            evaluations.enter_evaluation(session=session, user=users["editor"], project_id=project.id, step=Step.SUBMIT,
                                         data=evaluations.EvaluationInput("2026", "continue", "継続"),
                                         expected_version=0)
            partner_evaluations.enter_partner_evaluation(
                session=session, user=users["yukuhashi"], project_id=project.id, municipality_code="402133",
                data=partner_evaluations.PartnerEvaluationInput("2025", "B", "順調"), step=Step.SUBMIT,
                expected_version=0)
            project_text.save_text_draft(session=session, user=users["editor"], project_id=project.id,
                                         description="下書きの説明", effects="効果", roles=[("北九州市", "推進")],
                                         expected_version=0)
            settings = Settings(session_key=KEY)
            tokens = {name: sign_in(session=session, username=name, password=PASSWORD, address="127.0.0.1",
                                    key=KEY.encode(), settings=settings).token for name in ACCOUNTS}
            return Seed(url, project.id, kpi.id, tokens)
    finally:
        engine.dispose()


def freshen_sessions(url: str) -> None:
    """Mark the seeded sessions as used just now: the seed may outlive the idle limit on a slow run."""
    engine = create_engine_from_url(url)
    try:
        with engine.begin() as connection:
            connection.execute(update(StaffSessionRow).values(last_seen_at=datetime.now(UTC)))
    finally:
        engine.dispose()


class Seeds:
    """The seeded databases of this worker session, made on first use, one per backend."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, Seed] = {}
        self.cleanups: list[Callable[[], None]] = []

    def get(self, backend: str, request: pytest.FixtureRequest) -> Seed:
        """Return the backend's seeded database, seeding it the first time (``request`` gives the templates)."""
        if backend not in self.made:
            self.made[backend] = self._seed_sqlite(request) if backend == "sqlite" else self._seed_postgresql(request)
        return self.made[backend]

    def _seed_sqlite(self, request: pytest.FixtureRequest) -> Seed:
        template: Path = request.getfixturevalue("sqlite_template")
        path = self.folder / "seed.db"
        shutil.copy(template, path)
        seed = seed_database(f"sqlite:///{path}")
        cases = iter(range(1_000_000))

        def clone_sqlite() -> Iterator[str]:
            copy = self.folder / f"case-{next(cases)}.db"
            shutil.copy(path, copy)
            freshen_sessions(f"sqlite:///{copy}")
            try:
                yield f"sqlite:///{copy}"
            finally:
                copy.unlink(missing_ok=True)

        seed.clone = clone_sqlite
        return seed

    def _seed_postgresql(self, request: pytest.FixtureRequest) -> Seed:
        postgres = request.getfixturevalue("postgres")
        name = postgres.create("staff_seed", template=request.getfixturevalue("postgres_template"))
        self.cleanups.append(lambda: postgres.drop_later(name))
        seed = seed_database(postgres.url(name))

        def clone_postgres() -> Iterator[str]:
            with postgres.scratch("staff_case", template=name) as url:
                freshen_sessions(url)
                yield url

        seed.clone = clone_postgres
        return seed


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeds]:
    """Yield this worker's seeded databases (made on first use); the PostgreSQL ones are dropped at the end.

    Seeding (importing the example, creating seven accounts and their sessions) is done once per backend and xdist
    worker, not once per test file; every test gets a copy: a file copy on SQLite, ``CREATE DATABASE … TEMPLATE``
    on PostgreSQL.
    """
    made = Seeds(tmp_path_factory.mktemp("staff-seed"))
    try:
        yield made
    finally:
        for cleanup in made.cleanups:
            cleanup()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def seeded(request: pytest.FixtureRequest, seeds: Seeds) -> Seed:
    """Return the seeded database of a backend, with a function that clones it for one test."""
    return seeds.get(str(request.param), request)


class Desk:
    """A client of the staff workspace on one cloned database, signing in as any seeded account."""

    def __init__(self, url: str, seed: Seed, data_dir: Path) -> None:
        self.url = url
        self.seed = seed
        self.app = create_app(Settings(database_url=url, session_key=KEY, data_dir=data_dir))
        self.client = TestClient(self.app, base_url="http://testserver")

    def as_user(self, name: str | None) -> TestClient:
        """Use the client as a seeded account (None: anonymous)."""
        self.client.cookies.clear()
        if name is not None:
            self.client.cookies.set("renkei_session", self.seed.tokens[name])
        return self.client

    def csrf(self, name: str | None) -> str:
        """Return the CSRF token of an account's session (empty for anonymous)."""
        return csrf_token(KEY.encode(), self.seed.tokens[name]) if name else ""

    def post(self, name: str | None, path: str, data: dict[str, str] | None = None,
             files: dict[str, Any] | None = None) -> Any:
        """Post a form as an account, with its CSRF token."""
        client = self.as_user(name)
        return client.post(path, data={"csrf_token": self.csrf(name), **(data or {})}, files=files,
                           follow_redirects=False)

    def snapshot(self) -> dict[str, list[tuple[object, ...]]]:
        """Return every row of every table (sessions without their last-seen time), to compare before and after.

        Read through the application's own engine, with the statements compiled once per dialect: a test compares
        the whole database up to eight times, and compiling some forty selects each time was half of its time.
        """
        engine: Engine = self.app.state.engine
        with engine.connect() as connection:
            return {name: [tuple(row) for row in connection.exec_driver_sql(sql)]
                    for name, sql in snapshot_statements(engine.dialect)}

    def close(self) -> None:
        """Close the client and the application's connections."""
        self.client.close()
        self.app.state.engine.dispose()


SNAPSHOT_STATEMENTS: dict[str, tuple[tuple[str, str], ...]] = {}


def snapshot_statements(dialect: Dialect) -> tuple[tuple[str, str], ...]:
    """Return, for every table, its name and the SQL reading its rows in key order (without ``last_seen_at``)."""
    if dialect.name in SNAPSHOT_STATEMENTS:
        return SNAPSHOT_STATEMENTS[dialect.name]
    statements = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if c.name != "last_seen_at"]
        query = select(*columns).order_by(*table.primary_key.columns)
        statements.append((table.name, str(query.compile(dialect=dialect))))
    return SNAPSHOT_STATEMENTS.setdefault(dialect.name, tuple(statements))


@contextmanager
def opened_desk(seed: Seed, data_dir: Path, kind: type[Desk] = Desk) -> Iterator[Desk]:
    """Open a desk (or a subclass) on a fresh clone of a seeded database; close it and drop the clone afterwards."""
    assert seed.clone is not None
    clones = seed.clone()
    desk = kind(next(clones), seed, data_dir)
    try:
        yield desk
    finally:
        desk.close()
        for _ in clones:  # run the clone's cleanup
            pass


@pytest.fixture
def desk_factory(seeded: Seed, tmp_path: Path) -> Iterator[Callable[[], Desk]]:
    """Return a function opening a desk on a fresh clone of the seeded database (closed after the test)."""
    with ExitStack() as opened:
        yield lambda: opened.enter_context(opened_desk(seeded, tmp_path))


@pytest.fixture
def desk(desk_factory: Callable[[], Desk]) -> Desk:
    """Return a desk on a fresh clone of the seeded database."""
    return desk_factory()


@pytest.fixture(scope="module")
def shared_desk(seeded: Seed, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """Return one desk per module and backend, for tests that must change nothing: page views and refusals.

    Each such test still compares the database before and after what it does, so a write that should not have
    happened fails the test that made it; it only spares a clone and an application per test.
    """
    with opened_desk(seeded, tmp_path_factory.mktemp("shared-desk")) as desk:
        yield desk


def form_value(html: str, name: str) -> str:
    """Return the value of the first hidden input with this name in a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)

