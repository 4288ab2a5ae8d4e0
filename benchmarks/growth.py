"""Growth: the portal at 1, 10 and 100 areas of 100 projects each, on SQLite and on PostgreSQL (issue 19 §5).

For each backend and number of areas the script makes a database with ``renkei demo-data --areas N
--projects-per-area M --seed S`` (the real import and workflow paths: areas added, plans read, linted and
imported, a year of actuals entered, submitted and approved). demo-data makes at most 99 areas (slugs demo-01 …
demo-99), so the hundredth area is the bundled area kitakyushu with a generated plan of M sheets
(``benchmarks/generate.py``) imported by ``renkei import FILE --area kitakyushu``: it has no actuals. Then:

- **import**: wall and CPU time of those commands, and per area;
- **database size**: the SQLite file (with its WAL), or ``pg_database_size``;
- **snapshot per plan**: a full build, :func:`renkei.web.snapshot.load_portal` without a cache (what a worker
  builds for a plan it has no snapshot of, neither in memory nor on disk), in this process, for every area up to 10
  and 10 spread over more; median wall and CPU time (after a change, a worker updates its snapshot instead: see
  the next page after an approval);
- **server memory**: VmRSS of ``renkei serve`` (one process, as it runs by default) after start, after every
  area was visited once, and at its peak during the mix;
- **mix**: ``--requests`` distinct URLs drawn from every area (home, project list and its pages, filtered by each
  member, keyword searches, every project page in Japanese and English, KPI list, member pages, project JSON,
  API lists and summary), asked in a random order by ``--connections`` clients (asyncio and httpx, each waits for
  its answer): p50/p95 in ms, and the server's CPU time per request (robust to other work on the machine);
- **next page after one approval**: one KPI's approved actual of the first area is reopened and submitted again
  through :mod:`renkei.services.workflow` as the area's admin; the home pages of that area and of the last area
  are asked for twice (so both are cached); then the actual is approved and the next request of each is timed.
  Repeated ``--approvals`` times; medians.

Databases live in ``--data-dir`` (default: a temporary folder, removed afterwards). With ``--data-dir`` they are
kept and reused by the next run (PostgreSQL databases ``renkei_growth_<N>x<M>_s<S>`` are then kept too), with
their import figures in ``<name>.<backend>.import.json`` beside them; ``--drop`` removes them at the end.

    .venv/bin/python benchmarks/growth.py                         # sqlite and postgresql; 1, 10, 100 areas × 100
    .venv/bin/python benchmarks/growth.py --data-dir var/bench-growth   # keep the databases and reuse them
    .venv/bin/python benchmarks/growth.py --backends sqlite --areas 1 2 --projects-per-area 7 --requests 100 \\
        --approvals 1                                             # a smoke test (about a minute)
    .venv/bin/python benchmarks/growth.py --data-dir var/bench-growth --prepare-only --backends postgresql \
        --areas 100                                               # make one database now, measure it later

``make bench-growth`` runs the first. PostgreSQL is ``--postgres-url`` (default ``RENKEI_TEST_POSTGRES_URL`` or
postgresql+psycopg://postgres@127.0.0.1:5432/test): the script creates its databases beside that one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_document
from portal import free_port, tree_rss_kib

from renkei.demo.synthetic_area import MAX_AREAS
from renkei.domain.workflow import RecordKind, ReviewStatus, Step
from renkei.services.accounts import get_staff
from renkei.services.demo_data import ACTUALS_YEAR, actual_value
from renkei.services.rounds import list_report_items
from renkei.services.workflow import ActualInput, enter_actual, review_actual
from renkei.store.actuals import find_current_actual
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import choose_plan, list_area_slugs
from renkei.web.snapshot import load_portal

POSTGRES_URL = os.environ.get("RENKEI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: The area that stands in for the hundredth (demo-data makes demo-01 … demo-99).
EXTRA_AREA = "kitakyushu"
SEARCH_WORDS = ("研修", "交通", "観光", "移住", "防災", "子ども", "デジタル", "環境", "連携", "広域", "医療", "農業",
                "文化", "スポーツ", "産業", "人材", "情報", "健康", "公共", "地域")
KPI_STATUSES = ("achieved", "on_track", "behind", "no_data")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Growth:
    """The figures of one backend at one number of areas."""

    backend: str
    areas: int
    projects_per_area: int
    import_seconds: float = 0.0
    import_cpu_seconds: float = 0.0
    import_reused: bool = False
    database_mib: float = 0.0
    snapshot_seconds: list[float] = field(default_factory=list)
    snapshot_cpu_seconds: list[float] = field(default_factory=list)
    rss_start_mib: float = 0.0
    rss_warm_mib: float = 0.0
    rss_peak_mib: float = 0.0
    distinct_urls: int = 0
    requests: int = 0
    errors: int = 0
    #: The first few URLs not answered 200, with their status (0: no answer).
    error_samples: list[str] = field(default_factory=list)
    mix_seconds: float = 0.0
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    server_cpu_seconds: float = 0.0
    after_approval_ms: dict[str, list[float]] = field(default_factory=dict)
    load: list[float] = field(default_factory=list)

    def all_latencies(self) -> list[float]:
        """Return every request's latency of the mix, in ms."""
        return [v for values in self.latencies_ms.values() for v in values]


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile (``share`` in 0–1) of a non-empty list.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([1.0, 2.0, 3.0, 4.0], 0.95)
    (2.0, 4.0)
    """
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def load_average() -> float:
    """Return the machine's 1-minute load average."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_seconds(pid: int) -> float:
    """Return the user + system CPU time of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def children_cpu() -> float:
    """Return the CPU time of this process's finished children, in seconds."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- databases ------------------------------------------------------------------------------------------------------


@contextmanager
def database(backend: str, name: str, folder: Path, keep: bool, postgres_url: str) -> Iterator[tuple[str, bool]]:
    """Yield the URL of the run's database and whether it holds data from an earlier run (kept ones only)."""
    if backend == "sqlite":
        path = folder / f"{name}.sqlite"
        reuse = keep and path.exists() and (folder / f"{name}.sqlite.import.json").exists()
        if not reuse:  # a file an interrupted run left is made again, so that its import is timed whole
            for leftover in folder.glob(f"{name}.sqlite*"):
                leftover.unlink()
        yield f"sqlite:///{path}", reuse
        if not keep:
            for leftover in folder.glob(f"{name}.sqlite*"):
                leftover.unlink()
        return
    admin = create_engine_from_url(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    db = name if keep else f"{name}_{os.getpid()}"
    try:
        with admin.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": db}).first()
            reuse = keep and exists is not None and (folder / f"{name}.postgresql.import.json").exists()
            if exists is not None and not reuse:
                connection.execute(text(f'DROP DATABASE "{db}" WITH (FORCE)'))
            if not reuse:
                connection.execute(text(f'CREATE DATABASE "{db}"'))
        try:
            yield make_url(postgres_url).set(database=db).render_as_string(hide_password=False), reuse
        finally:
            if not keep:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
    finally:
        admin.dispose()


def drop_kept(backend: str, name: str, folder: Path, postgres_url: str) -> None:
    """Remove a kept database and its import figures."""
    for leftover in folder.glob(f"{name}.*"):
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
    if backend == "postgresql":
        admin = create_engine_from_url(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def renkei_command(*args: str) -> list[str]:
    """Return the command line of ``renkei ARGS`` with this interpreter."""
    return [sys.executable, "-c", "from renkei.cli import main; main()", *args]


def fill(url: str, areas: int, projects: int, seed: int, folder: Path, result: Growth) -> None:
    """Make the areas through ``renkei demo-data`` (and ``renkei import`` for a hundredth); record the time taken."""
    env = {**os.environ, "RENKEI_DATABASE_URL": url, "RENKEI_DATA_DIR": str(folder / "var-import")}
    commands = [renkei_command("demo-data", "--areas", str(min(areas, MAX_AREAS)), "--projects-per-area",
                               str(projects), "--seed", str(seed))]
    if areas > MAX_AREAS + 1:
        sys.exit(f"at most {MAX_AREAS + 1} areas: demo-data makes {MAX_AREAS}, and {EXTRA_AREA} is the last")
    if areas == MAX_AREAS + 1:
        document = folder / f"extra-{projects}.txt"
        document.write_text(generate_document(projects), encoding="utf-8")
        commands.append(renkei_command("import", str(document), "--area", EXTRA_AREA))
    started, cpu = time.perf_counter(), children_cpu()
    for command in commands:
        completed = subprocess.run(command, env=env, capture_output=True, text=True)
        if completed.returncode != 0:
            sys.exit(f"{' '.join(command[3:])} failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    result.import_seconds = time.perf_counter() - started
    result.import_cpu_seconds = children_cpu() - cpu


def database_mib(url: str) -> float:
    """Return the size of the database in MiB (SQLite: the file and its WAL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(str(parsed.database))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    engine = create_engine_from_url(url)
    with engine.connect() as connection:
        size = connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return float(size) / 2**20


def time_snapshots(url: str, result: Growth) -> list[str]:
    """Build the page data of some areas' plans without a cache; return every area's slug."""
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        slugs = list_area_slugs(session=session)
        sample = slugs if len(slugs) <= 10 else slugs[:: len(slugs) // 10][:10]
        load_portal(session=session, area_slug=sample[0])  # the first pays for imports and lazy set-up
        for slug in sample:
            started, cpu = time.perf_counter(), time.process_time()
            portal = load_portal(session=session, area_slug=slug)
            result.snapshot_seconds.append(time.perf_counter() - started)
            result.snapshot_cpu_seconds.append(time.process_time() - cpu)
            assert portal is not None, slug
    engine.dispose()
    return slugs


# --- the server -----------------------------------------------------------------------------------------------------


@contextmanager
def serving(url: str, folder: Path, name: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start ``renkei serve`` on a free port; yield it and its base URL once /healthz answers; stop it after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = folder / f"{name}.var"  # fresh: no snapshot kept on disk by an earlier run (a cold start)
    shutil.rmtree(data_dir, ignore_errors=True)
    env = {**os.environ, "RENKEI_DATABASE_URL": url, "RENKEI_DATA_DIR": str(data_dir)}
    log = folder / f"{name}.serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(renkei_command("serve", "--host", "127.0.0.1", "--port", str(port)), env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                sys.exit(f"renkei serve exited:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                sys.exit("renkei serve did not answer /healthz within 300 s")
            time.sleep(0.3)
        yield process, base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def area_urls(area: str, projects: list[str], members: list[str]) -> list[tuple[str, str]]:
    """Return an area's distinct URLs of the mix, each with its kind."""
    page, api = f"/a/{area}", f"/api/a/{area}"
    urls: list[tuple[str, str]] = [("home", f"{page}/"), ("home", f"{page}/?lang=en")]
    urls += [("project list", f"{page}/projects{q}") for q in ("", "?page=2", "?lang=en", "?sort=name")]
    urls += [("project list filtered", f"{page}/projects?municipality={c}") for c in members]
    urls += [("search", f"{page}/projects?q={urllib.parse.quote(w)}") for w in SEARCH_WORDS]
    urls += [("project page", f"{page}/projects/{s}") for s in projects]
    urls += [("project page", f"{page}/projects/{s}?lang=en") for s in projects]
    urls += [("kpi list", f"{page}/kpis{q}") for q in ("", "?page=2", *(f"?status={s}" for s in KPI_STATUSES))]
    urls += [("municipality page", f"{page}/municipalities/{c}") for c in members]
    urls += [("project JSON", f"{api}/projects/{s}") for s in projects]
    urls += [("API list", f"{api}/projects?limit=50{q}") for q in ("", "&offset=50", "&lang=en")]
    urls += [("API list", f"{api}/projects?limit=50&municipality={c}") for c in members]
    urls += [("API list", f"{api}/kpis"), ("API list", f"{api}/summary")]
    return urls


def enumerate_urls(base: str, slugs: list[str]) -> list[tuple[str, str]]:
    """Ask the API for every area's projects and members (this visits every area once); return all URLs."""
    urls: list[tuple[str, str]] = []
    with httpx.Client(base_url=base, timeout=300) as client:
        for slug in slugs:
            listing = client.get(f"/api/a/{slug}/projects", params={"limit": 1000})
            listing.raise_for_status()
            members = client.get(f"/api/a/{slug}/municipalities")
            members.raise_for_status()
            urls += area_urls(slug, [p["slug"] for p in listing.json()["projects"]],
                              [m["code"] for m in members.json()])
    return urls


async def run_mix(base: str, urls: list[tuple[str, str]], connections: int, result: Growth) -> None:
    """Ask for every URL once, ``connections`` at a time; record latencies by kind and non-200 answers."""
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in urls:
        queue.put_nowait(item)

    async def client_loop(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            kind, path = queue.get_nowait()
            started = time.perf_counter()
            try:
                status = (await client.get(path)).status_code
            except httpx.HTTPError:
                status = 0
            result.latencies_ms.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            if status != 200:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{status} {path}")

    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(connections)))


def sample_rss(pid: int, stop: asyncio.Event, peak: list[int]) -> asyncio.Task[None]:
    """Sample a process tree's VmRSS every 0.5 s into ``peak`` until ``stop`` is set."""

    async def loop() -> None:
        while not stop.is_set():
            peak.append(tree_rss_kib(pid))
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)

    return asyncio.ensure_future(loop())


async def mix_with_memory(pid: int, base: str, urls: list[tuple[str, str]], connections: int,
                          result: Growth) -> None:
    """Run the mix while sampling the server's memory."""
    stop, peak = asyncio.Event(), [tree_rss_kib(pid)]
    sampler = sample_rss(pid, stop, peak)
    started, cpu = time.perf_counter(), cpu_seconds(pid)
    await run_mix(base, urls, connections, result)
    result.mix_seconds = time.perf_counter() - started
    result.server_cpu_seconds = cpu_seconds(pid) - cpu
    stop.set()
    await sampler
    result.rss_peak_mib = max(peak) / 1024


# --- one approval ---------------------------------------------------------------------------------------------------


class Approver:
    """Reopens, submits and approves actuals of one area through the workflow service, as the area's demo admin."""

    def __init__(self, url: str, area: str) -> None:
        self.engine = create_engine_from_url(url)
        self.factory = create_session_factory(self.engine)
        self.area = area
        with self.factory() as session:
            plan = choose_plan(session=session, area_slug=area)
            assert plan is not None, area
            items = list_report_items(session=session, plan_id=plan.id, fiscal_year=ACTUALS_YEAR)
            self.items = [i for i in items if i.kind is RecordKind.ACTUAL and i.total.status is ReviewStatus.APPROVED]
        self.rng = random.Random(20261207)
        self.pending: int | None = None

    def submit_again(self, number: int) -> None:
        """Reopen the ``number``-th approved actual and submit a new figure (both leave the public figure as it is)."""
        item = self.items[number % len(self.items)]
        with self.factory() as session:
            user = get_staff(session=session, username=f"{self.area}-admin")
            row = find_current_actual(session=session, kpi_id=item.kpi_id, fiscal_year=ACTUALS_YEAR, month=None)
            assert row is not None
            if row.review_status == ReviewStatus.APPROVED.value:
                review_actual(session=session, user=user, kpi_id=item.kpi_id, fiscal_year=ACTUALS_YEAR, part=None,
                              step=Step.REOPEN, comment="計測 / benchmark", expected_version=row.version)
                row = find_current_actual(session=session, kpi_id=item.kpi_id, fiscal_year=ACTUALS_YEAR, month=None)
                assert row is not None
            enter_actual(session=session, user=user, kpi_id=item.kpi_id, fiscal_year=ACTUALS_YEAR, part=None,
                         data=ActualInput(value=actual_value(item.kpi, self.rng), comment="計測 / benchmark"),
                         step=Step.SUBMIT, expected_version=row.version)
        self.pending = item.kpi_id

    def approve(self) -> None:
        """Approve the figure submitted last."""
        assert self.pending is not None
        with self.factory() as session:
            user = get_staff(session=session, username=f"{self.area}-admin")
            row = find_current_actual(session=session, kpi_id=self.pending, fiscal_year=ACTUALS_YEAR, month=None)
            assert row is not None
            review_actual(session=session, user=user, kpi_id=self.pending, fiscal_year=ACTUALS_YEAR, part=None,
                          step=Step.APPROVE, comment="", expected_version=row.version)
        self.pending = None

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def time_after_approval(base: str, url: str, slugs: list[str], approvals: int, result: Growth) -> None:
    """Approve one actual of the first area; time the next page of that area and of the last one."""
    first, other = slugs[0], (slugs[-1] if len(slugs) > 1 else None)
    if other == EXTRA_AREA and len(slugs) > 2:
        other = slugs[-2]
    approver = Approver(url, first)
    pages = {"same area home": f"/a/{first}/", "same area project list": f"/a/{first}/projects"}
    if other is not None:
        pages |= {"other area home": f"/a/{other}/", "other area project list": f"/a/{other}/projects"}
    try:
        with httpx.Client(base_url=base, timeout=300) as client:
            for number in range(approvals):
                approver.submit_again(number)
                for path in pages.values():  # cached after the submit, as a visitor would find them
                    client.get(path).raise_for_status()
                    client.get(path).raise_for_status()
                approver.approve()
                for label, path in pages.items():
                    started = time.perf_counter()
                    client.get(path).raise_for_status()
                    result.after_approval_ms.setdefault(label, []).append((time.perf_counter() - started) * 1000)
    finally:
        approver.close()


# --- one run and the report -----------------------------------------------------------------------------------------


def measure(backend: str, areas: int, args: argparse.Namespace, folder: Path) -> Growth:
    """Make (or reuse) one database and take every figure of it."""
    result = Growth(backend, areas, args.projects_per_area)
    name = f"renkei_growth_{areas}x{args.projects_per_area}_s{args.seed}"
    figures = folder / f"{name}.{backend}.import.json"  # one database of each backend per name
    with database(backend, name, folder, args.data_dir is not None, args.postgres_url) as (url, reuse):
        print(f"[{backend} {areas}×{args.projects_per_area}] {'reusing' if reuse else 'making'} the database "
              f"(load {load_average():.1f})", flush=True)
        if reuse:
            saved = json.loads(figures.read_text())
            result.import_seconds, result.import_cpu_seconds = saved["seconds"], saved["cpu_seconds"]
            result.import_reused = True
        else:
            fill(url, areas, args.projects_per_area, args.seed, folder, result)
            if args.data_dir is not None:
                figures.write_text(json.dumps({"seconds": result.import_seconds, "cpu_seconds":
                                               result.import_cpu_seconds, "date": time.strftime("%Y-%m-%d %H:%M"),
                                               "load": load_average()}))
        print(f"  import {result.import_seconds:.1f} s (CPU {result.import_cpu_seconds:.1f} s)", flush=True)
        if args.prepare_only:
            return result
        result.database_mib = database_mib(url)
        slugs = time_snapshots(url, result)
        print(f"  snapshot per plan: median {statistics.median(result.snapshot_seconds):.3f} s", flush=True)
        result.load.append(load_average())
        with serving(url, folder, name) as (process, base):
            result.rss_start_mib = tree_rss_kib(process.pid) / 1024
            every = enumerate_urls(base, slugs)
            result.rss_warm_mib = tree_rss_kib(process.pid) / 1024
            chosen = random.Random(args.seed).sample(every, min(args.requests, len(every)))
            result.distinct_urls, result.requests = len(every), len(chosen)
            asyncio.run(mix_with_memory(process.pid, base, chosen, args.connections, result))
            result.load.append(load_average())
            time_after_approval(base, url, slugs, args.approvals, result)
            result.load.append(load_average())
    if args.drop and args.data_dir is not None:
        drop_kept(backend, name, folder, args.postgres_url)
    print(format_table([result]), flush=True)
    if result.error_samples:
        print("  not 200: " + ", ".join(result.error_samples), flush=True)
    return result


def _ms(values: list[float] | None) -> str:
    return f"{statistics.median(values):,.0f}" if values else "—"


def format_table(results: list[Growth]) -> str:
    """Return the main table and the per-kind latencies as Markdown."""
    lines = ["| backend | areas × projects | import s (CPU s) | import s per area | DB MiB | snapshot per plan s "
             "(CPU s) | RSS MiB start / all areas visited / peak | URLs asked (distinct in all) | req/s | p50 ms | "
             "p95 ms | server CPU ms per request | errors | next page after an approval ms: same area / other "
             "area (home; project list) | load |",
             "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for r in results:
        every = r.all_latencies()
        after = r.after_approval_ms
        lines.append(
            f"| {r.backend} | {r.areas} × {r.projects_per_area} | {r.import_seconds:,.1f} ({r.import_cpu_seconds:,.1f})"
            f"{' (kept)' if r.import_reused else ''} | {r.import_seconds / r.areas:,.2f} | {r.database_mib:,.1f} | "
            f"{statistics.median(r.snapshot_seconds):.3f} ({statistics.median(r.snapshot_cpu_seconds):.3f}) | "
            f"{r.rss_start_mib:,.0f} / {r.rss_warm_mib:,.0f} / {r.rss_peak_mib:,.0f} | "
            f"{r.requests:,} ({r.distinct_urls:,}) | {r.requests / r.mix_seconds:,.1f} | "
            f"{percentile(every, 0.5):,.1f} | {percentile(every, 0.95):,.1f} | "
            f"{r.server_cpu_seconds / r.requests * 1000:,.1f} | {r.errors} | "
            f"{_ms(after.get('same area home'))}; {_ms(after.get('same area project list'))} / "
            f"{_ms(after.get('other area home'))}; {_ms(after.get('other area project list'))} | "
            f"{' → '.join(f'{x:.1f}' for x in r.load)} |")
    kinds = sorted({k for r in results for k in r.latencies_ms})
    lines += ["", "p50 / p95 ms by kind of URL:", "",
              "| backend | areas | " + " | ".join(kinds) + " |", "|---|---:|" + "---:|" * len(kinds)]
    for r in results:
        cells = [f"{percentile(v, 0.5):,.0f} / {percentile(v, 0.95):,.0f}" if (v := r.latencies_ms.get(k)) else "—"
                 for k in kinds]
        lines.append(f"| {r.backend} | {r.areas} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure every backend at every number of areas; print the tables."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--areas", nargs="+", type=int, default=[1, 10, 100])
    parser.add_argument("--projects-per-area", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=3000, help="distinct URLs asked in the mix")
    parser.add_argument("--connections", type=int, default=8, help="clients asking at once")
    parser.add_argument("--approvals", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="keep the databases here and reuse them")
    parser.add_argument("--drop", action="store_true", help="with --data-dir: remove the databases at the end")
    parser.add_argument("--prepare-only", action="store_true",
                        help="with --data-dir: make the databases (timing the import) and measure nothing else")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--json", type=Path, help="also write every figure here")
    args = parser.parse_args(argv)
    if (args.prepare_only or args.drop) and args.data_dir is None:
        parser.error("--prepare-only and --drop need --data-dir")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}, {os.cpu_count()} CPUs, "
          f"load {load_average():.1f}", flush=True)
    results: list[Growth] = []
    with tempfile.TemporaryDirectory(prefix="renkei-growth-") as scratch:
        folder = args.data_dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for backend in args.backends:
            for areas in args.areas:
                results.append(measure(backend, areas, args, folder))
    if args.prepare_only:
        return 0
    print()
    print(format_table(results))
    if args.json is not None:
        args.json.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
