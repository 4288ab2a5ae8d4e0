"""Soak: the production setup (nginx + 2 workers on PostgreSQL) at a fixed request rate for ten minutes, staff writing.

    make soak                                            # 600 s (SOAK_SECONDS), 20 public req/s, 1 staff write/s
    .venv/bin/python benchmarks/soak.py --seconds 120 --public-rate 10 --staff-rate 0.5

The run makes a PostgreSQL database of its own (dropped afterwards), starts deploy/serve_prod.py on free ports of
127.0.0.1 with a run folder in a temporary directory (the example plan is imported into the empty database), opens
the 令和8年度 reporting round and creates the staff accounts of the run (an admin who reviews, editors assigned to
projects). Then, until the time is up:

- public visitors ask nginx for distinct URLs (every project page and its API JSON, the lists with each filter
  value, municipality pages, the KPI list, the area list) at a fixed rate, open loop: a slow answer does not hold
  the next request back;
- staff work through the sign-in form and the staff forms with their CSRF tokens at a fixed rate: an editor submits
  a KPI's figure, the reviewer approves it, then reopens it, and round again, one write after another;
- the resident memory (RSS, /proc) of each renkei worker and each nginx process is sampled every 10 s.

It prints the errors (any 5xx, connection error or timeout; they must be zero), any other unexpected status,
latency percentiles (p50/p95/p99) of public and staff requests, and the memory over time with a verdict per process
(``flat_verdict``): **bounded** — its last-minute mean exceeds its second-minute mean by at most 10 % plus what it may
hold by design (a worker's response cache, ``RENKEI_RESPONSE_CACHE_MB``, which the distinct URLs fill in the first
minutes) — and **settled** — its last-minute mean within 5 % of its mean over the minute that ends two thirds into the
run, so a process still growing at the end fails whatever its bound. Exit status 0
when there were no errors, no unexpected answers and memory stayed flat; 1 otherwise; 2 on bad arguments or when
the setup could not start.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from renkei.services.accounts import StaffUser
from renkei.settings import Settings

REPOSITORY = Path(__file__).resolve().parents[1]
LAUNCHER = REPOSITORY / "deploy" / "serve_prod.py"
POSTGRES_URL = os.environ.get("RENKEI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
AREA = "kitakyushu"
YEAR = 2026
PASSWORD = "kumquat 7319 harbour lantern"
ACTOR = "soak-setup"
REVIEWER = "soak_reviewer"
EDITORS = 3
#: How many KPI figures the staff work on, round after round.
ITEMS = 24
#: Seconds to wait for the setup (the first start imports the example plan) and for one request.
START_WAIT = 400.0
REQUEST_TIMEOUT = 30.0
SAMPLE_EVERY = 10.0
#: Growth allowed from the second minute to the last, beyond what a process may hold by design.
FLAT_WITHIN = 0.10
#: Change allowed over the last third of the run: a process still growing then is not settled.
SETTLED_WITHIN = 0.05

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN = re.compile(r'name="login_token" value="([^"]+)"')
_TAGS_AND_SPACE = re.compile(r"<[^>]+>|\s+")


class SoakError(RuntimeError):
    """The soak cannot run: the message says why (Japanese, then English)."""


# --- arguments ----------------------------------------------------------------------------------------------------


def positive_number(text_value: str) -> float:
    """Read a finite number above zero.

    >>> positive_number("2.5")
    2.5
    """
    try:
        number = float(text_value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"正の数を指定してください / give a number above zero, not {text_value!r}")
    return number


def seconds_value(text_value: str) -> float:
    """Read the run's length in seconds: 10 to 86,400.

    >>> seconds_value("600")
    600.0
    """
    number = positive_number(text_value)
    if not 10 <= number <= 86_400:
        raise argparse.ArgumentTypeError(f"秒数は 10〜86400 / the length is 10 to 86400 seconds, not {text_value!r}")
    return number


def rate_value(text_value: str) -> float:
    """Read a rate in requests per second: above 0, at most 1,000.

    >>> rate_value("20")
    20.0
    """
    number = positive_number(text_value)
    if number > 1000:
        raise argparse.ArgumentTypeError(f"毎秒 1000 まで / a rate is at most 1000 per second: {text_value!r}")
    return number


def worker_count(text_value: str) -> int:
    """Read the number of workers (1 to 16).

    >>> worker_count("2")
    2
    """
    try:
        number = int(text_value)
    except ValueError:
        number = 0
    if not 1 <= number <= 16:
        raise argparse.ArgumentTypeError(f"ワーカーの数は 1〜16 / the number of workers is 1 to 16, not {text_value!r}")
    return number


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """Read the command line (bad values end in a message and exit status 2, never a traceback)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default_seconds = os.environ.get("SOAK_SECONDS") or "600"
    parser.add_argument("--seconds", type=seconds_value, default=None, metavar="S",
                        help=f"how long to run, 10-86400 (default SOAK_SECONDS or 600; now {default_seconds})")
    parser.add_argument("--public-rate", type=rate_value, default=20.0, metavar="R",
                        help="public requests per second (default 20)")
    parser.add_argument("--staff-rate", type=rate_value, default=1.0, metavar="R",
                        help="staff writes per second (default 1)")
    parser.add_argument("--workers", type=worker_count, default=2, metavar="N", help="renkei workers (default 2)")
    parser.add_argument("--postgres-url", default=POSTGRES_URL,
                        help="a PostgreSQL database to connect through; the soak makes and drops its own beside it")
    parser.add_argument("--nginx", default="/usr/sbin/nginx", help="the nginx program")
    parser.add_argument("--logs", type=Path, default=None, metavar="DIR",
                        help="keep the setup's log and nginx's access log in this folder")
    args = parser.parse_args(argv)
    if args.seconds is None:
        try:
            args.seconds = seconds_value(default_seconds)
        except argparse.ArgumentTypeError as error:
            parser.error(f"SOAK_SECONDS: {error}")
    try:
        parsed = make_url(args.postgres_url)
    except Exception:  # SQLAlchemy raises ArgumentError or ValueError for text it cannot read
        parser.error(f"--postgres-url を読めません / cannot read the URL {args.postgres_url!r}")
    if parsed.get_backend_name() != "postgresql" or parsed.host not in ("127.0.0.1", "localhost", None):
        parser.error("--postgres-url は 127.0.0.1 の PostgreSQL / the soak uses PostgreSQL on 127.0.0.1 only, not "
                     f"{parsed.render_as_string(hide_password=True)}")
    return args


# --- the database and the setup -----------------------------------------------------------------------------------


@contextmanager
def soak_database(postgres_url: str) -> Iterator[str]:
    """Yield the URL of a new empty PostgreSQL database of the run's own; drop it afterwards."""
    from sqlalchemy.exc import OperationalError

    from renkei.store.engine import create_engine_from_url

    name = f"renkei_soak_{uuid.uuid4().hex[:12]}"
    admin = create_engine_from_url(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        try:
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {name}"))
        except OperationalError as error:
            raise SoakError(f"PostgreSQL に接続できません / cannot reach PostgreSQL: {str(error).splitlines()[0]}"
                            ) from None
        print(f"database {name} created", flush=True)
        try:
            yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            print(f"database {name} dropped", flush=True)
    finally:
        admin.dispose()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Setup:
    """The running production setup."""

    launcher: subprocess.Popen[bytes]
    base: str
    log: Path


@contextmanager
def production(url: str, folder: Path, workers: int, nginx: str) -> Iterator[Setup]:
    """Start deploy/serve_prod.py on free ports; yield it once it says it runs; stop it (SIGTERM) afterwards."""
    listen, app = free_port(), free_port()
    log = folder / "serve-prod.log"
    command = [sys.executable, str(LAUNCHER), "--listen", f"127.0.0.1:{listen}", "--app", f"127.0.0.1:{app}",
               "--workers", str(workers), "--database-url", url, "--run-dir", str(folder / "run"), "--nginx", nginx]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RENKEI_DATA_DIR": str(folder / "data")}
    env.pop("RENKEI_SESSION_KEY", None)  # the workers share the key they make in the database
    with log.open("wb") as output:
        launcher = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=REPOSITORY, env=env)
    try:
        deadline = time.monotonic() + START_WAIT
        while "Production setup running at" not in log.read_text(errors="replace"):
            if launcher.poll() is not None or time.monotonic() > deadline:
                raise SoakError(f"本番構成が起動しません / the setup did not start (status {launcher.poll()}):\n"
                                + log.read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield Setup(launcher, f"http://127.0.0.1:{listen}", log)
    finally:
        if launcher.poll() is None:
            launcher.send_signal(signal.SIGTERM)
            try:
                launcher.wait(timeout=180)
            except subprocess.TimeoutExpired:
                launcher.kill()
                launcher.wait()


@dataclass(frozen=True)
class Staffing:
    """The run's accounts and the KPI figures they work on, with the editor responsible for each."""

    reviewer: str
    editors: list[str]
    items: list[tuple[int, str]]  # (kpi id, editor)


def prepare_staff(url: str) -> Staffing:
    """Open the 令和8年度 round and create the run's accounts: one reviewing admin, editors assigned to projects."""
    from renkei.services.accounts import create_user, set_project_assignment
    from renkei.services.rounds import open_round
    from renkei.store import repository
    from renkei.store.engine import create_engine_from_url, create_session_factory
    from renkei.store.rounds import kpi_rows

    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            plans = repository.list_plans(session=session, area_slug=AREA)
            if not plans:
                raise SoakError(f"圏域 {AREA} の計画がありません / no plan of the area {AREA} in the database")
            plan_id = plans[-1].id
            open_round(session=session, plan_id=plan_id, fiscal_year=YEAR, due_date=date(YEAR + 1, 5, 31),
                       actor=ACTOR)
            reviewer = create_user(session=session, username=REVIEWER, role="admin", password=PASSWORD, actor=ACTOR)
            editors = [create_user(session=session, username=f"soak_editor{number}", role="editor",
                                   password=PASSWORD, actor=ACTOR) for number in range(EDITORS)]
            by_project: dict[int, list[int]] = {}
            for (project_id, _), row in sorted(kpi_rows(session=session, plan_id=plan_id).items(),
                                               key=lambda pair: pair[1].id):
                by_project.setdefault(project_id, []).append(row.id)
            items: list[tuple[int, str]] = []
            for number, project_id in enumerate(sorted(by_project)):
                if len(items) >= ITEMS:
                    break
                editor = editors[number % len(editors)]
                set_project_assignment(session=session, username=editor.username, project_id=project_id,
                                       assigned=True, actor=ACTOR)
                items += [(kpi_id, editor.username) for kpi_id in by_project[project_id]
                          if takes_the_cycle(session, kpi_id, editor, reviewer)]
    finally:
        engine.dispose()
    if not items:
        raise SoakError("実績を報告する KPI がありません / the example has no KPI reported as a figure")
    return Staffing(REVIEWER, [editor.username for editor in editors], items[:ITEMS])


def takes_the_cycle(session: Session, kpi_id: int, editor: StaffUser, reviewer: StaffUser) -> bool:
    """Take a KPI's figure once round the run's cycle (submit, approve, reopen); tell whether every step was taken.

    Only figures that take all three are used in the run, so every step the staff take there is one the portal
    must accept: any refusal during the run is unexpected. A figure left returned starts the run's cycle.
    """
    from renkei.domain.workflow import Step
    from renkei.services import workflow

    try:
        workflow.enter_actual(session=session, user=editor, kpi_id=kpi_id, fiscal_year=YEAR, part=None,
                              data=workflow.ActualInput("1"), step=Step.SUBMIT, expected_version=0)
        workflow.review_actual(session=session, user=reviewer, kpi_id=kpi_id, fiscal_year=YEAR, part=None,
                               step=Step.APPROVE, comment="", expected_version=1)
        workflow.review_actual(session=session, user=reviewer, kpi_id=kpi_id, fiscal_year=YEAR, part=None,
                               step=Step.REOPEN, comment="長時間試験の準備 / soak setup", expected_version=2)
    except (LookupError, PermissionError, ValueError, workflow.ConflictError):  # not a figure this cycle fits
        session.rollback()
        return False
    return True


# --- memory -------------------------------------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """Return the processes below ``pid`` (children, their children, …)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found: list[int] = []
    frontier = [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent == frontier[-1]]
        frontier.pop()
        found += children
        frontier += children
    return found


def process_role(pid: int) -> str | None:
    """Name what a process of the setup is (renkei worker, nginx worker, …); None for helpers not measured."""
    try:
        command = (Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
    except OSError:
        return None
    if command.startswith("nginx: "):
        return command.split(" process")[0].replace("nginx: ", "nginx ").strip()
    if "spawn_main" in command:
        return "renkei worker"
    if "renkei.cli" in command and " serve" in command:
        return "renkei serve (parent)"
    return None


def rss_kib(pid: int) -> int | None:
    """Return a process's resident set size in KiB (VmRSS), or None when it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


@dataclass
class MemoryLog:
    """RSS samples per process: (seconds since the start, KiB)."""

    roles: dict[int, str] = field(default_factory=dict)
    samples: dict[int, list[tuple[float, int]]] = field(default_factory=dict)

    def sample(self, launcher: int, elapsed: float) -> None:
        """Record the RSS of every measured process of the setup now."""
        for pid in descendants(launcher):
            role = process_role(pid)
            size = rss_kib(pid) if role else None
            if role and size is not None:
                self.roles.setdefault(pid, role)
                self.samples.setdefault(pid, []).append((elapsed, size))


def sample_memory(log: MemoryLog, launcher: int, started: float, stop: threading.Event) -> None:
    """Sample the setup's memory every SAMPLE_EVERY seconds until told to stop."""
    while True:
        log.sample(launcher, time.monotonic() - started)
        if stop.wait(SAMPLE_EVERY):
            log.sample(launcher, time.monotonic() - started)
            return


def window_mean(samples: list[tuple[float, int]], start: float, end: float) -> float | None:
    """Return the mean of the samples taken in [start, end), or None when there are none.

    >>> window_mean([(0, 10), (60, 20), (70, 40), (130, 50)], 60, 120)
    30.0
    """
    chosen = [size for at, size in samples if start <= at < end]
    return statistics.fmean(chosen) if chosen else None


def flat_verdict(samples: list[tuple[float, int]], seconds: float, allowance_kib: int = 0,
                 ) -> tuple[str, bool | None]:
    """Tell whether a process's memory stayed flat: bounded and settled (the module's docstring); None when the run
    is too short to tell. ``allowance_kib`` is what the process may come to hold by design (a bounded cache).

    >>> flat_verdict([(t, 100) for t in range(0, 300, 10)], 300)
    ('+0.0 %', True)
    >>> flat_verdict([(t, 100 + t) for t in range(0, 300, 10)], 300)[1]
    False

    A cache filling to its bound over the first minutes, then steady, is flat; the same growth without a bound that
    allows it is not, and neither is growth that goes on to the end within the allowance:

    >>> filling = [(t, 100 + min(t, 400) // 10) for t in range(0, 610, 10)]
    >>> flat_verdict(filling, 600, allowance_kib=64)
    ('+29.0 % (bound 64 KiB)', True)
    >>> flat_verdict(filling, 600)[1]
    False
    >>> flat_verdict([(t, 100 + t // 10) for t in range(0, 610, 10)], 600, allowance_kib=64)[1]
    False
    """
    if seconds < 180:
        return "run < 3 min", None
    second = window_mean(samples, 60, 120)
    late = window_mean(samples, seconds * 2 / 3 - 60, seconds * 2 / 3)
    last = window_mean(samples, seconds - 60, seconds + SAMPLE_EVERY)
    if not second or not late or last is None:
        return "not sampled throughout", False
    change = (last - second) / second
    bounded = last - second <= FLAT_WITHIN * second + allowance_kib
    settled = abs(last - late) / late <= SETTLED_WITHIN
    bound = f" (bound {allowance_kib:,} KiB)" if allowance_kib else ""
    return f"{change * 100:+.1f} %{bound}", bounded and settled


# --- the load -----------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the visitors and the staff saw."""

    public_seconds: list[float] = field(default_factory=list)
    staff_seconds: list[float] = field(default_factory=list)
    sign_in_seconds: list[float] = field(default_factory=list)
    public_statuses: Counter[int] = field(default_factory=Counter)
    staff_statuses: Counter[int] = field(default_factory=Counter)
    writes: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # 5xx, connection errors, timeouts
    unexpected: list[str] = field(default_factory=list)  # any other answer the run did not expect
    public_urls: set[str] = field(default_factory=set)


def public_urls(base: str) -> list[str]:
    """Return the distinct public URLs to ask for, read from the portal's own API (pages, filters, JSON)."""
    area, api = f"/a/{AREA}", f"/api/a/{AREA}"
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        listing = http.get(f"{api}/projects", params={"limit": 100})
        listing.raise_for_status()
        slugs: list[str] = []
        body = listing.json()
        facets = body["facets"]
        while True:
            slugs += [project["slug"] for project in body["projects"]]
            if not body.get("next"):
                break
            body = http.get(body["next"]).json()
        members = http.get(f"{api}/municipalities")
        members.raise_for_status()
        codes = [member["code"] for member in members.json()]
    urls = [f"{area}/", f"{area}/projects", f"{area}/kpis", f"{area}/municipalities", f"{area}/map",
            f"{area}/method", f"{api}/summary", f"{api}/kpis", f"{api}/municipalities", f"{api}/projects",
            f"{area}/projects?q={quote('観光')}", f"{area}/projects?q={quote('子育て')}",
            f"{api}/projects?q={quote('子育て')}"]
    for facet in facets:
        for value in facet["values"]:
            query = f"{quote(facet['name'])}={quote(value['value'])}"
            urls += [f"{area}/projects?{query}", f"{api}/projects?{query}"]
    for slug in slugs:
        urls += [f"{area}/projects/{quote(slug)}", f"{api}/projects/{quote(slug)}"]
    for code in codes:
        urls += [f"{area}/municipalities/{code}", f"{api}/municipalities/{code}"]
    return list(dict.fromkeys(urls))


async def visit(http: httpx.AsyncClient, path: str, tally: Tally) -> None:
    """Ask for one public URL and count what came back."""
    started = time.perf_counter()
    try:
        response = await http.get(path)
    except httpx.HTTPError as error:
        tally.errors.append(f"public GET {path}: {type(error).__name__} {error}")
        return
    tally.public_seconds.append(time.perf_counter() - started)
    tally.public_statuses[response.status_code] += 1
    tally.public_urls.add(path)
    if response.status_code >= 500:
        tally.errors.append(f"public GET {path}: {response.status_code}")
    elif response.status_code != 200:
        tally.unexpected.append(f"public GET {path}: {response.status_code}")


async def drive_public(base: str, urls: list[str], rate: float, seconds: float, tally: Tally) -> None:
    """Ask for the URLs in turn at ``rate`` per second, open loop, for ``seconds``."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, limits=limits) as http:
        started = time.monotonic()
        pending: set[asyncio.Task[None]] = set()
        for number in range(int(seconds * rate)):
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(visit(http, urls[number % len(urls)], tally))
            pending.add(task)
            task.add_done_callback(pending.discard)
        await asyncio.gather(*pending)


class StaffMember:
    """One signed-in account of the run, working through nginx like a browser (Origin header, CSRF tokens)."""

    def __init__(self, username: str, base: str, tally: Tally) -> None:
        self.username = username
        self.tally = tally
        self.http = httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, headers={"Origin": base})

    async def call(self, method: str, path: str, data: dict[str, str] | None = None,
                   expect: int = 200) -> httpx.Response | None:
        """Send one request and count it; return the answer when it is the one expected."""
        started = time.perf_counter()
        try:
            response = await self.http.request(method, path, data=data)
        except httpx.HTTPError as error:
            self.tally.errors.append(f"{self.username} {method} {path}: {type(error).__name__} {error}")
            return None
        self.tally.staff_seconds.append(time.perf_counter() - started)
        self.tally.staff_statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.tally.errors.append(f"{self.username} {method} {path}: {response.status_code}")
            return None
        if response.status_code != expect:
            shown = _TAGS_AND_SPACE.sub(" ", response.text)[:300]
            self.tally.unexpected.append(f"{self.username} {method} {path}: {response.status_code} {shown!r}")
            return None
        return response

    async def sign_in(self) -> bool:
        """Sign in through the sign-in form."""
        page = await self.call("GET", "/staff/login")
        token = _LOGIN.search(page.text) if page is not None else None
        if token is None:
            return False
        started = time.perf_counter()
        answer = await self.call("POST", "/staff/login", {"username": self.username, "password": PASSWORD,
                                                          "login_token": token.group(1), "next": "/staff"}, 303)
        self.tally.sign_in_seconds.append(time.perf_counter() - started)
        return answer is not None

    async def step(self, kpi_id: int, step: str, number: int) -> None:
        """Open a KPI's page and take ``step`` (submit, approve or reopen) through its form."""
        page = await self.call("GET", f"/staff/kpis/{kpi_id}/{YEAR}")
        if page is None:
            return
        action = f"/staff/kpis/{kpi_id}/{YEAR}/" + ("enter" if step == "submit" else "review")
        at = page.text.find(f'action="{action}"')
        csrf = _CSRF.search(page.text)
        version = re.search(r'name="version" value="(\d+)"', page.text[at:]) if at >= 0 else None
        if csrf is None or version is None:
            self.tally.unexpected.append(f"{self.username}: no form to {step} on /staff/kpis/{kpi_id}/{YEAR}")
            return
        data = {"csrf_token": csrf.group(1), "version": version.group(1), "part": "total", "step": step}
        if step == "submit":
            data |= {"value": str(1 + number % 50), "comment": "", "evidence": "", "note": "soak"}
        else:
            data |= {"review_comment": "" if step == "approve" else "長時間試験の再開 / soak reopen"}
        if await self.call("POST", action, data, 303) is not None:
            self.tally.writes[step] += 1

    async def close(self) -> None:
        """Close the connections."""
        await self.http.aclose()


async def drive_staff(base: str, staffing: Staffing, rate: float, seconds: float, tally: Tally) -> None:
    """Sign the run's accounts in, then take one write step every 1/rate seconds (submit → approve → reopen)."""
    members = {name: StaffMember(name, base, tally) for name in [staffing.reviewer, *staffing.editors]}
    try:
        signed = [await member.sign_in() for member in members.values()]
        if not all(signed):
            return
        started = time.monotonic()
        cycle = ("submit", "approve", "reopen")
        for number in range(int(seconds * rate)):
            delay = started + number / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            elif time.monotonic() > started + seconds:  # behind schedule: the run still ends on time
                tally.writes["not started (behind schedule at the end)"] += int(seconds * rate) - number
                break
            round_number, index = divmod(number, len(staffing.items))
            kpi_id, editor = staffing.items[index]
            step = cycle[round_number % len(cycle)]
            member = members[editor if step == "submit" else staffing.reviewer]
            await member.step(kpi_id, step, number)
            if number % 10 == 9:
                await member.call("GET", "/staff")  # the to-do list, as people look at it between entries
    finally:
        for member in members.values():
            await member.close()


async def drive(base: str, urls: list[str], staffing: Staffing, args: argparse.Namespace, tally: Tally) -> None:
    """Run the visitors and the staff side by side."""
    await asyncio.gather(drive_public(base, urls, args.public_rate, args.seconds, tally),
                         drive_staff(base, staffing, args.staff_rate, args.seconds, tally))


# --- the report ---------------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of ``values`` (0 when empty).

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([1.0, 2.0, 3.0, 4.0], 0.99)
    (2.0, 4.0)
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timing(values: list[float]) -> str:
    """Return p50/p95/p99/max in milliseconds and the count."""
    if not values:
        return "—"
    return (f"p50 {percentile(values, 0.5) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f} ms, "
            f"p99 {percentile(values, 0.99) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms ({len(values)})")


def report(args: argparse.Namespace, tally: Tally, memory: MemoryLog, seconds: float, urls: int,
           server_lines: list[str]) -> tuple[str, bool]:
    """Return the run's figures as Markdown and whether it passed."""
    cache_kib = Settings().response_cache_mb * 1024  # the bound each worker's response cache fills (the environment's)
    rows = [
        ("run", f"{seconds:.0f} s; {args.workers} workers behind nginx on PostgreSQL; "
                f"{args.public_rate:g} public req/s, {args.staff_rate:g} staff writes/s"),
        ("public requests", f"{sum(tally.public_statuses.values())} "
                            f"({sum(tally.public_statuses.values()) / seconds:.1f}/s) over {len(tally.public_urls)} "
                            f"distinct URLs of {urls}; statuses "
                            + ", ".join(f"{s}: {n}" for s, n in sorted(tally.public_statuses.items()))),
        ("public latency", timing(tally.public_seconds)),
        ("staff requests", f"{sum(tally.staff_statuses.values())}; statuses "
                           + ", ".join(f"{s}: {n}" for s, n in sorted(tally.staff_statuses.items()))),
        ("staff writes applied", ", ".join(f"{k}: {n}" for k, n in sorted(tally.writes.items())) or "none"),
        ("staff latency (GET and POST)", timing(tally.staff_seconds)),
        ("sign-ins", timing(tally.sign_in_seconds)),
        ("errors (5xx, connection, timeout)", str(len(tally.errors))),
        ("other unexpected answers", str(len(tally.unexpected))),
        ("tracebacks or 5xx in the setup's log", str(len(server_lines))),
    ]
    lines = ["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows), ""]
    header = ["process", "pid", *(f"{at:.0f} s" for at in memory_columns(memory)), "2nd min → last min", "flat"]
    lines += ["RSS (MiB) every ~60 s of the 10-s samples:", "", "| " + " | ".join(header) + " |",
              "|" + "---|" * len(header)]
    verdicts: list[bool | None] = []
    for pid, samples in sorted(memory.samples.items(), key=lambda item: (memory.roles[item[0]], item[0])):
        if memory.roles[pid].startswith("nginx cache loader"):
            continue  # it ends by itself a minute after nginx starts
        allowance = cache_kib if memory.roles[pid] == "renkei worker" else 0
        change, flat = flat_verdict(samples, seconds, allowance)
        verdicts.append(flat)
        sizes = [f"{size / 1024:.1f}" for at, size in pick_columns(samples, memory_columns(memory))]
        lines.append(f"| {memory.roles[pid]} | {pid} | " + " | ".join(sizes) + f" | {change} | "
                     + {True: "yes", False: "NO", None: "—"}[flat] + " |")
    flat_all = all(v is not False for v in verdicts)
    lines += ["", f"memory: {'flat' if flat_all else 'NOT flat'} (each process's last-minute mean at most "
                  f"{FLAT_WITHIN:.0%} above its second-minute mean, plus a worker's response cache of "
                  f"{cache_kib // 1024:,} MiB, and within {SETTLED_WITHIN:.0%} of its mean over the minute ending two "
                  "thirds into the run" + ("" if seconds >= 180 else "; too short to tell") + ")"]
    workers = [pid for pid, role in memory.roles.items() if role == "renkei worker"]
    restarted = max(0, len(workers) - args.workers)
    lines.append(f"renkei worker processes seen: {len(workers)} for {args.workers} workers "
                 f"({restarted} started again by uvicorn's supervisor during the run)")
    details = [*tally.errors[:15], *tally.unexpected[:15], *server_lines[:15]]
    lines += [f"- {line[:400]}" for line in details]
    passed = not tally.errors and not tally.unexpected and not server_lines and flat_all and not restarted
    lines.append(f"\nverdict: {'PASS' if passed else 'FAIL'}")
    return "\n".join(lines), passed


def memory_columns(memory: MemoryLog) -> list[float]:
    """Return the sample times to show: about one a minute, and the last."""
    times = sorted({round(at) for samples in memory.samples.values() for at, _ in samples})
    if not times:
        return []
    shown = [at for at in times if at % 60 < SAMPLE_EVERY]
    chosen = list(dict.fromkeys([*shown, times[-1]]))
    return [float(at) for at in chosen]


def pick_columns(samples: list[tuple[float, int]], columns: list[float]) -> list[tuple[float, int]]:
    """Return, for each column time, the process's sample nearest to it."""
    return [min(samples, key=lambda sample: abs(sample[0] - at)) for at in columns] if samples else []


def server_trouble(log: Path, run_dir: Path) -> list[str]:
    """Return the tracebacks the launcher and workers logged and the 5xx lines of nginx's access log."""
    found = [f"serve-prod.log: {line}" for line in log.read_text(errors="replace").splitlines()
             if line.startswith("Traceback") or '"status": 5' in line or '"level": "error"' in line]
    access = run_dir / "logs" / "access.log"
    if access.is_file():
        found += [f"access.log: {line}" for line in access.read_text(errors="replace").splitlines()
                  if re.search(r'" 5\d\d ', line)]
    return found


def keep_logs(target: Path, logs: list[Path]) -> None:
    """Copy the run's logs into ``target`` (a folder that cannot be made is reported, not fatal)."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        for log in logs:
            if log.is_file():
                shutil.copy(log, target / log.name)
    except OSError as error:
        print(f"ログを保存できません / cannot keep the logs in {target}: {error}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run the soak and print its report; return the exit status."""
    with tempfile.TemporaryDirectory(prefix="renkei-soak-") as temporary, soak_database(args.postgres_url) as url:
        folder = Path(temporary)
        print("starting the production setup (the first start imports the example) …", flush=True)
        with production(url, folder, args.workers, args.nginx) as setup:
            try:
                staffing = prepare_staff(url)
            except ValueError as error:  # AccountError, RoundError: the run's own accounts or round were refused
                raise SoakError(f"職員と受付の準備に失敗しました / could not prepare the staff and round: {error}"
                                ) from None
            try:
                urls = public_urls(setup.base)
            except (httpx.HTTPError, KeyError, TypeError, ValueError) as error:
                raise SoakError(f"公開 API から URL を読めません / cannot read the URLs from the public API: {error}"
                                ) from None
            print(f"running {args.seconds:.0f} s at {setup.base}: {len(urls)} public URLs, "
                  f"{len(staffing.items)} KPI figures for {len(staffing.editors)} editors and a reviewer", flush=True)
            memory, tally, stop = MemoryLog(), Tally(), threading.Event()
            started = time.monotonic()
            sampler = threading.Thread(target=sample_memory, args=(memory, setup.launcher.pid, started, stop),
                                       daemon=True)
            sampler.start()
            try:
                asyncio.run(drive(setup.base, urls, staffing, args, tally))
            finally:
                stop.set()
                sampler.join()
            seconds = time.monotonic() - started
            still_running = setup.launcher.poll() is None
        trouble = server_trouble(setup.log, folder / "run")
        if args.logs is not None:
            keep_logs(args.logs, [setup.log, folder / "run" / "logs" / "access.log",
                                  folder / "run" / "logs" / "error.log"])
        if not still_running:
            trouble.append(f"the setup ended during the run (status {setup.launcher.returncode})")
    text_report, passed = report(args, tally, memory, seconds, len(urls), trouble)
    print(text_report, flush=True)
    return 0 if passed else 1


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    if not LAUNCHER.is_file() or not Path(args.nginx).is_file():
        print(f"エラー / error: nginx ({args.nginx}) か / or {LAUNCHER} がありません / is missing "
              "(make sysdeps installs nginx)", file=sys.stderr)
        return 2
    try:
        return run(args)
    except SoakError as error:
        print(f"エラー / error: {error}", file=sys.stderr, flush=True)
        return 2
    except KeyboardInterrupt:
        print("中断しました / interrupted; the setup was stopped and the database dropped", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
