"""Staff under load: signed-in staff entering, submitting, approving, returning and uploading at the same moment
through real `renkei serve` processes, while a reader times the public pages.

    .venv/bin/python benchmarks/staff_load.py                                   # 50 staff, SQLite, one server
    .venv/bin/python benchmarks/staff_load.py --backend postgresql --servers 2  # 50 staff, two servers, PostgreSQL

The database is made first (the bundled example, an open round for 令和8年度, one account per client, a draft
figure on every item the clients work on); then every client signs in through the sign-in form and works its
rounds: an editor submits its project's figures, a reviewer approves, returns or reopens whatever it finds, an
uploader sends a one-row actuals sheet of its municipality's share. Every answer is classified: applied (303, or
a 200 upload report), a friendly conflict (409), refused input (422), or a failure (5xx, another status, no
answer). Afterwards the audit trail is compared with what the clients saw: one ``review_status`` event per applied
write, by the same person, on the same record, and each record's version moved once per applied write.

Prints a Markdown table and exits 1 on any 5xx, failure or disagreement. Everything listens on 127.0.0.1, every
request has a timeout and the run stops by itself (``--max-seconds``). ``tests/web/staff/test_staff_load.py``
runs the same at a small scale.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from renkei.cli.portal import read_example_text
from renkei.domain.plan import indicator_key
from renkei.domain.workflow import RecordKind, Step
from renkei.reading.sheet import read_plan
from renkei.services import workflow
from renkei.services.accounts import create_user, set_project_assignment
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.store import repository
from renkei.store.actuals import actual_key
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database
from renkei.store.rounds import kpi_rows, project_rows
from renkei.store.tables import ActualRow, AuditEventRow

POSTGRES_URL = os.environ.get("RENKEI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery staple 0123"
SESSION_KEY = "staff-load-session-key-0123456789abcdef"
YEAR = 2026
AREA = "kitakyushu"
SETUP_ACTOR = "load-setup"
#: Share of clients by kind: editors enter and submit, reviewers approve/return/reopen, uploaders send sheets.
MIX = (("editor", 0.4), ("reviewer", 0.3), ("uploader", 0.3))
STARTUP_SECONDS = 120.0
REQUEST_TIMEOUT = 120.0

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN = re.compile(r'name="login_token" value="([^"]+)"')

T = TypeVar("T")

def run_in_own_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a new event loop in a thread of its own (the calling thread may already run one, as a
    test process running Playwright's synchronous API does)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def _form_version(page: str, action: str) -> int | None:
    """Return the version in the form posting to ``action`` on a page, or None when the page has no such form."""
    at = page.find(f'action="{action}"')
    if at < 0:
        return None
    found = re.search(r'name="version" value="(\d+)"', page[at:])
    return int(found.group(1)) if found else None


def _review_steps(page: str) -> list[str]:
    at = page.find('/review"')
    return re.findall(r'name="step" value="(approve|return|reopen)"', page[at:]) if at >= 0 else []


@dataclass(frozen=True, slots=True)
class Item:
    """A record the clients work on: a KPI's figure for the year, its total (part None) or one municipality's share."""

    kpi_id: int
    part: str | None
    project: str
    indicator: str

    @property
    def key(self) -> str:
        """Return the record's audit key."""
        return actual_key(self.kpi_id, YEAR, None, self.part)

    @property
    def page(self) -> str:
        """Return the record's entry page."""
        return f"/staff/kpis/{self.kpi_id}/{YEAR}" + (f"?part={self.part}" if self.part else "")


@dataclass(frozen=True, slots=True)
class Client:
    """One signed-in member of staff and what they work on."""

    username: str
    kind: str
    items: tuple[Item, ...]


@dataclass
class Workload:
    """The prepared database: its URL, the clients and every item reviewers may pick."""

    url: str
    clients: list[Client]
    items: list[Item]
    versions_before: dict[str, int]


@dataclass
class Tally:
    """What the clients saw."""

    outcomes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    applied: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    write_seconds: list[float] = field(default_factory=list)
    sign_in_seconds: list[float] = field(default_factory=list)
    staff_page_seconds: list[float] = field(default_factory=list)
    public_seconds: list[float] = field(default_factory=list)
    public_statuses: Counter[int] = field(default_factory=Counter)


@dataclass
class Result:
    """A run's figures and the audit comparison."""

    backend: str
    servers: int
    clients: int
    seconds: float
    tally: Tally
    audit_mismatches: list[str]
    version_mismatches: list[str]

    @property
    def server_errors(self) -> int:
        """Return how many answers were 5xx (staff and public)."""
        return sum(n for s, n in self.tally.statuses.items() if s >= 500) + sum(
            n for s, n in self.tally.public_statuses.items() if s >= 500)

    @property
    def ok(self) -> bool:
        """Tell whether the run met every goal: no 5xx, no failure, the audit trail agrees."""
        return not (self.server_errors or self.tally.failures or self.audit_mismatches or self.version_mismatches)


# --- the database -----------------------------------------------------------------------------------------------


def prepare(url: str, clients: int, seed: int = 20261207) -> Workload:
    """Make the example's database with one account per client, an open round and a draft on every item."""
    upgrade_database(url)
    engine = create_engine_from_url(url)
    factory = create_session_factory(engine)
    chooser = random.Random(seed)
    try:
        with factory() as session:
            source = read_example_text()
            plan, findings = read_plan(source)
            plan_id = import_plan(session=session, plan=plan, findings=findings, source_text=source,
                                  actor=SETUP_ACTOR).plan_id
            assert plan_id is not None
            open_round(session=session, plan_id=plan_id, fiscal_year=YEAR, due_date=date(YEAR + 1, 5, 31),
                       actor=SETUP_ACTOR)
            setup = create_user(session=session, username=SETUP_ACTOR, role="admin", password=PASSWORD,
                                actor=SETUP_ACTOR)
            totals, shares = _reportable(session, plan_id, setup)
            kinds = [kind for kind, part in MIX for _ in range(round(part * clients))][:clients]
            kinds += ["reviewer"] * (clients - len(kinds))
            by_project: dict[int, list[Item]] = {}
            for project_id, item in totals:
                by_project.setdefault(project_id, []).append(item)
            projects = sorted(by_project)
            codes = sorted({item.part for item in shares if item.part})
            made: list[Client] = []
            for number, kind in enumerate(kinds):
                name = f"{kind}{number:03d}"
                if kind == "editor":  # three projects each (projects are shared when there are many editors)
                    mine = [projects[(3 * number + k) % len(projects)] for k in range(3)]
                    create_user(session=session, username=name, role="editor", password=PASSWORD, actor=SETUP_ACTOR)
                    for project_id in mine:
                        set_project_assignment(session=session, username=name, project_id=project_id, assigned=True,
                                               actor=SETUP_ACTOR)
                    made.append(Client(name, kind, tuple(i for p in mine for i in by_project[p])))
                elif kind == "uploader":
                    code = codes[number % len(codes)]
                    create_user(session=session, username=name, role="municipality", password=PASSWORD,
                                actor=SETUP_ACTOR, municipality_code=code)
                    made.append(Client(name, kind, tuple(i for i in shares if i.part == code)))
                else:
                    create_user(session=session, username=name, role="admin", password=PASSWORD, actor=SETUP_ACTOR)
                    made.append(Client(name, kind, ()))
            items = [item for _, item in totals] + list(shares)
            chooser.shuffle(items)
            versions = _versions(session, items)
        return Workload(url, made, items, versions)
    finally:
        engine.dispose()


def _reportable(session: object, plan_id: int, setup: object) -> tuple[list[tuple[int, Item]], list[Item]]:
    """Return the KPI totals (with their project) and shares the clients can work on, each saved as a draft."""
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    plan = repository.load_plan(session=session, plan_id=plan_id)
    projects = {row.id: row for row in project_rows(session=session, plan_id=plan_id).values()}
    totals: list[tuple[int, Item]] = []
    shares: list[Item] = []
    for (project_id, _), kpi_row in sorted(kpi_rows(session=session, plan_id=plan_id).items(),
                                           key=lambda pair: pair[1].id):
        try:
            context = workflow.load_kpi(session=session, kpi_id=kpi_row.id)
        except LookupError:
            session.rollback()
            continue
        if context.kind is not RecordKind.ACTUAL:
            session.rollback()
            continue
        project = next(p for p in plan.projects if p.key == projects[project_id].key)
        kpi = next(k for k in project.kpis if indicator_key(k.indicator) == kpi_row.indicator_key)
        parts: list[str | None] = [None, *sorted(context.target.partner_codes)[:3]]
        for part in parts:
            item = Item(kpi_row.id, part, project.name, kpi.indicator)
            try:
                workflow.enter_actual(session=session, user=setup, kpi_id=kpi_row.id, fiscal_year=YEAR,  # type: ignore[arg-type]
                                      part=part, step=Step.SAVE, data=workflow.ActualInput("1"), expected_version=0)
            except (workflow.FormErrors, workflow.WorkflowDenied, LookupError):
                session.rollback()
                continue
            if part is None:
                totals.append((project_id, item))
            else:
                shares.append(item)
    return totals, shares


def _versions(session: object, items: list[Item]) -> dict[str, int]:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    found: dict[str, int] = {}
    for item in items:
        part = func.coalesce(ActualRow.municipality_code, "") == (item.part or "")
        found[item.key] = session.scalar(select(func.max(ActualRow.version)).where(
            ActualRow.kpi_id == item.kpi_id, ActualRow.fiscal_year == YEAR, ActualRow.month.is_(None), part)) or 0
    return found


def check_audit(workload: Workload, tally: Tally) -> tuple[list[str], list[str]]:
    """Compare the audit trail and the records' versions with the writes the clients saw applied."""
    engine = create_engine_from_url(workload.url)
    names = [c.username for c in workload.clients]
    try:
        with create_session_factory(engine)() as session:
            rows = session.execute(select(AuditEventRow.actor, AuditEventRow.action, AuditEventRow.entity_key).where(
                AuditEventRow.entity == "actual", AuditEventRow.field == "review_status",
                AuditEventRow.actor.in_(names))).all()
            audited: Counter[tuple[str, str, str]] = Counter((r[0], r[1], r[2]) for r in rows)
            versions = _versions(session, workload.items)
    finally:
        engine.dispose()
    audit_mismatches = [f"{key}: clients saw {tally.applied[key]} applied, the audit trail has {audited[key]}"
                        for key in sorted(set(audited) | set(tally.applied)) if audited[key] != tally.applied[key]]
    per_record: Counter[str] = Counter()
    for (_, _, record), count in tally.applied.items():
        per_record[record] += count
    version_mismatches = [
        f"{item.key}: version {workload.versions_before[item.key]} → {versions[item.key]}, "
        f"{per_record[item.key]} writes applied"
        for item in workload.items
        if versions[item.key] - workload.versions_before[item.key] != per_record[item.key]]
    return audit_mismatches, version_mismatches


# --- servers ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def servers(url: str, count: int, folder: Path) -> Iterator[list[str]]:
    """Run ``count`` `renkei serve` processes on the database (one session key); yield their base URLs."""
    processes: list[tuple[subprocess.Popen[bytes], Path]] = []
    bases: list[str] = []
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RENKEI_DATA_DIR": str(folder), "RENKEI_SESSION_KEY": SESSION_KEY}
    try:
        for number in range(count):
            port = free_port()
            log = folder / f"server-{number}.log"
            command = [sys.executable, "-c", "from renkei.cli import main; main()", "serve", "--host", "127.0.0.1",
                       "--port", str(port), "--database-url", url]
            with log.open("wb") as output:
                processes.append((subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env,
                                                   cwd=folder), log))
            bases.append(f"http://127.0.0.1:{port}")
        for (process, log), base in zip(processes, bases, strict=True):
            _wait_until_answering(process, log, base)
        yield bases
    finally:
        for process, _ in processes:
            process.terminate()
        for process, _ in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def _wait_until_answering(process: subprocess.Popen[bytes], log: Path, base: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"renkei serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(base + "/staff/login", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"renkei serve did not answer on {base} within {STARTUP_SECONDS:.0f} s:\n"
                       f"{log.read_text()[-3000:]}")


def server_errors_logged(folder: Path) -> list[str]:
    """Return the tracebacks' last lines the servers logged (a 500 the clients may not have seen)."""
    found: list[str] = []
    for log in sorted(folder.glob("server-*.log")):
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        found += [f"{log.name}: {line}" for line in lines if " 500 " in line or line.startswith("Traceback")]
    return found


# --- clients ----------------------------------------------------------------------------------------------------


class Staff:
    """One client: signs in through the form, then works its rounds."""

    def __init__(self, client: Client, base: str, workload: Workload, tally: Tally, chooser: random.Random) -> None:
        self.me = client
        self.base = base
        self.workload = workload
        self.tally = tally
        self.chooser = chooser
        self.http = httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, follow_redirects=False)

    async def get(self, path: str) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.http.get(path)
        except httpx.HTTPError as exc:
            self.tally.failures.append(f"{self.me.username} GET {path}: {type(exc).__name__} {exc}")
            return None
        self.tally.staff_page_seconds.append(time.perf_counter() - started)
        self.tally.statuses[response.status_code] += 1
        if response.status_code != 200:
            self.tally.failures.append(f"{self.me.username} GET {path}: {response.status_code}")
            return None
        return response

    async def post(self, path: str, data: dict[str, str], files: dict[str, tuple[str, bytes, str]] | None = None,
                   ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.http.post(path, data=data, files=files)
        except httpx.HTTPError as exc:
            self.tally.failures.append(f"{self.me.username} POST {path}: {type(exc).__name__} {exc}")
            return None
        self.tally.write_seconds.append(time.perf_counter() - started)
        self.tally.statuses[response.status_code] += 1
        return response

    async def sign_in(self) -> bool:
        page = await self.get("/staff/login")
        token = _LOGIN.search(page.text) if page is not None else None
        if token is None:
            return False
        answer = await self.post("/staff/login", {"username": self.me.username, "password": PASSWORD,
                                                  "login_token": token.group(1), "next": "/staff"})
        if answer is not None:
            self.tally.sign_in_seconds.append(self.tally.write_seconds.pop())
        if answer is None or answer.status_code != 303:
            self.tally.failures.append(f"{self.me.username} sign-in: {answer.status_code if answer else 'none'}")
            return False
        return True

    def classify(self, answer: httpx.Response | None, applied: tuple[str, str] | None) -> None:
        """Count an answer; an applied write is remembered as (actor, action, record) for the audit check."""
        if answer is None:
            return
        status = answer.status_code
        if status == 303 or (status == 200 and applied is not None and applied[0] == "actual.upload"):
            self.tally.outcomes["applied"] += 1
            if applied is not None:
                self.tally.applied[(self.me.username, applied[0], applied[1])] += 1
        elif status == 409:  # the record changed since the page was read, or the database was too busy to wait
            busy = "nothing was saved" in answer.text
            self.tally.outcomes["conflict (busy, try again)" if busy else "conflict (record changed)"] += 1
        elif status == 422:
            self.tally.outcomes["refused input"] += 1
            if os.environ.get("RENKEI_LOAD_DEBUG"):
                print(answer.request.url.path, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", answer.text))[-1500:])
        else:
            self.tally.outcomes[f"other {status}"] += 1
            self.tally.failures.append(f"{self.me.username} {answer.request.method} {answer.request.url.path}: "
                                       f"{status} {answer.text[:200]!r}")

    async def work(self, rounds: int, deadline: float) -> None:
        if not await self.sign_in():
            return
        for number in range(rounds):
            if time.monotonic() > deadline:
                return
            if self.me.kind == "reviewer":
                candidates = self.chooser.sample(self.workload.items, min(8, len(self.workload.items)))
            else:  # one's own records, starting from the next one (as a to-do list is worked through)
                start = number % len(self.me.items)
                candidates = list(self.me.items[start:] + self.me.items[:start])
            for item in candidates:
                if await self.take_step(item):
                    break
            else:
                self.tally.outcomes["nothing to do"] += 1
            if number % 3 == 2:
                await self.get("/staff")  # the to-do list, as people look at it between entries

    async def take_step(self, item: Item) -> bool:
        """Open the record's page and take this client's step when the page offers it; tell whether it did."""
        page = await self.get(item.page)
        if page is None:
            return True
        csrf = _CSRF.search(page.text)
        if csrf is None:
            return False
        if self.me.kind == "reviewer":
            return await self.review(item, page.text, csrf.group(1))
        enter = f"/staff/kpis/{item.kpi_id}/{YEAR}/enter"
        version = _form_version(page.text, enter)
        if version is None:
            if os.environ.get("RENKEI_LOAD_DEBUG"):
                print(self.me.username, item, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))[-1200:])
            return False
        if self.me.kind == "uploader":
            await self.upload(item)
            return True
        data = {"csrf_token": csrf.group(1), "version": str(version), "part": item.part or "total", "step": "submit",
                "value": str(self.chooser.randint(1, 900)), "comment": "", "evidence": "", "note": ""}
        self.classify(await self.post(enter, data), ("actual.submit", item.key))
        return True

    async def review(self, item: Item, page: str, csrf: str) -> bool:
        action = f"/staff/kpis/{item.kpi_id}/{YEAR}/review"
        version, steps = _form_version(page, action), _review_steps(page)
        if version is None or not steps:
            return False
        step = "reopen" if "reopen" in steps else ("approve" if self.chooser.random() < 0.7 else "return")
        data = {"csrf_token": csrf, "version": str(version), "part": item.part or "total", "step": step,
                "review_comment": "" if step == "approve" else "負荷試験の差し戻し・再開 / load test"}
        self.classify(await self.post(action, data), (f"actual.{step}", item.key))
        return True

    async def upload(self, item: Item) -> None:
        page = await self.get("/staff/upload")
        csrf = _CSRF.search(page.text) if page is not None else None
        if csrf is None:
            return
        sheet = (f"事業名,指標,年度,実績値:{item.part}\r\n"
                 f"\"{item.project}\",\"{item.indicator}\",{YEAR},{self.chooser.randint(1, 900)}\r\n")
        answer = await self.post("/staff/upload", {"csrf_token": csrf.group(1)},
                                 files={"file": ("share.csv", sheet.encode("utf-8"), "text/csv")})
        self.classify(answer, ("actual.upload", item.key))

    async def close(self) -> None:
        await self.http.aclose()


async def read_public(base: str, tally: Tally, stop: asyncio.Event) -> None:
    """Ask for public pages one after another until the staff are done, timing each."""
    paths = ["/", f"/a/{AREA}/", f"/a/{AREA}/projects", f"/a/{AREA}/kpis", f"/api/a/{AREA}/projects"]
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, follow_redirects=True) as http:
        number = 0
        while not stop.is_set():
            path = paths[number % len(paths)]
            number += 1
            started = time.perf_counter()
            try:
                response = await http.get(path)
            except httpx.HTTPError as exc:
                tally.failures.append(f"public GET {path}: {type(exc).__name__} {exc}")
                continue
            tally.public_seconds.append(time.perf_counter() - started)
            tally.public_statuses[response.status_code] += 1
            await asyncio.sleep(0.05)


async def drive(workload: Workload, bases: list[str], rounds: int, max_seconds: float, seed: int) -> Tally:
    """Run every client at once (spread over the servers) and a public reader per server; return the tally."""
    tally = Tally()
    deadline = time.monotonic() + max_seconds
    staff = [Staff(c, bases[n % len(bases)], workload, tally, random.Random(seed + n))
             for n, c in enumerate(workload.clients)]
    stop = asyncio.Event()
    readers = [asyncio.create_task(read_public(base, tally, stop)) for base in bases]
    try:
        await asyncio.gather(*(s.work(rounds, deadline) for s in staff))
    finally:
        stop.set()
        await asyncio.gather(*readers)
        await asyncio.gather(*(s.close() for s in staff))
    return tally


# --- a run ------------------------------------------------------------------------------------------------------


@contextmanager
def database(backend: str, folder: Path, postgres_url: str = POSTGRES_URL) -> Iterator[str]:
    """Yield the URL of a new empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'load.db'}"
        return
    name = f"renkei_load_{uuid.uuid4().hex[:12]}"
    admin = create_engine_from_url(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def run(backend: str, clients: int, rounds: int, servers_count: int, folder: Path, max_seconds: float = 600.0,
        seed: int = 20261207, postgres_url: str = POSTGRES_URL) -> Result:
    """Prepare a database, start the servers, drive the clients and check the audit trail."""
    with database(backend, folder, postgres_url) as url:
        workload = prepare(url, clients, seed)
        with servers(url, servers_count, folder) as bases:
            started = time.monotonic()
            tally = run_in_own_loop(drive(workload, bases, rounds, max_seconds, seed))
            seconds = time.monotonic() - started
        tally.failures += server_errors_logged(folder)
        audit, versions = check_audit(workload, tally)
    return Result(backend, servers_count, clients, seconds, tally, audit, versions)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(result: Result) -> str:
    """Return the run's figures as a Markdown table."""
    t = result.tally
    ms = 1000.0

    def timing(values: list[float]) -> str:
        if not values:
            return "—"
        return (f"p50 {statistics.median(values) * ms:.0f} ms, p95 {_percentile(values, 0.95) * ms:.0f} ms, "
                f"max {max(values) * ms:.0f} ms ({len(values)})")

    rows = [
        ("backend", f"{result.backend}, {result.servers} server process(es), {result.clients} staff"),
        ("wall time", f"{result.seconds:.1f} s"),
        ("staff answers by status", ", ".join(f"{s}: {n}" for s, n in sorted(t.statuses.items()))),
        ("writes", ", ".join(f"{k}: {n}" for k, n in sorted(t.outcomes.items()))),
        ("5xx (staff and public)", str(result.server_errors)),
        ("sign-ins (POST, password check)", timing(t.sign_in_seconds)),
        ("staff writes (POST)", timing(t.write_seconds)),
        ("staff pages (GET)", timing(t.staff_page_seconds)),
        ("public pages (GET)", timing(t.public_seconds)),
        ("public answers by status", ", ".join(f"{s}: {n}" for s, n in sorted(t.public_statuses.items()))),
        ("audit trail vs applied writes", "agrees" if not result.audit_mismatches else
         f"{len(result.audit_mismatches)} differences"),
        ("record versions vs applied writes", "agree" if not result.version_mismatches else
         f"{len(result.version_mismatches)} differences"),
        ("failures", str(len(t.failures))),
    ]
    lines = ["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    details = [*t.failures[:20], *result.audit_mismatches[:10], *result.version_mismatches[:10]]
    return "\n".join(lines + ([""] + [f"- {d}" for d in details] if details else []))


def main() -> int:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--servers", type=int, default=1, help="server processes on one database (default 1)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=8, help="writes each client tries (default 8)")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="stop starting new rounds after this")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--logs", type=Path, help="copy the servers' logs into this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="renkei-staff-load-") as folder:
        try:
            result = run(args.backend, args.clients, args.rounds, args.servers, Path(folder), args.max_seconds,
                         postgres_url=args.postgres_url)
        finally:
            if args.logs is not None:
                args.logs.mkdir(parents=True, exist_ok=True)
                for log in Path(folder).glob("server-*.log"):
                    shutil.copy(log, args.logs / log.name)
    print(report(result))
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
