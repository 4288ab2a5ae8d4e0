"""The plan snapshot after a start and after one approved actual: cold build, update, restart, and another area.

Builds (or reuses, ``--database``) a SQLite file holding a generated plan of ``--projects`` sheets with approved
actuals for every tenth KPI, then measures through :func:`renkei.web.snapshot.load_portal` and its cache, as the
portal's pages call it:

- ``cold``: the first snapshot of a fresh process (a new cache, nothing built yet);
- ``after one approval``: one more approved actual (the data version moves), then the next snapshot; five times;
- ``after one published assessment`` and ``after one published text``: the same for the other kinds of change;
- ``another year``: the first request as of another evaluation year (``?as_of=``);
- ``restart``: a new cache (a new worker) asking for the same data version again;
- ``restart from the kept snapshot``: the same, with the snapshot that ``renkei serve`` keeps on disk (same data, and
  after one more approval).

The figures are wall times in seconds (median of the repeats where there are several) and the peak of the Python
heap during the step (tracemalloc is off unless ``--memory``: it slows everything down).

    .venv/bin/python benchmarks/snapshot_update.py --projects 1000
    .venv/bin/python benchmarks/snapshot_update.py --projects 10000 --database /tmp/renkei-snap-10000.sqlite
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_document
from sqlalchemy.orm import Session, sessionmaker

from renkei.domain.actual import Actual
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.store import repository
from renkei.store.actuals import upsert_actual, upsert_assessment
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database
from renkei.store.portal_queries import read_area_fingerprint
from renkei.store.rounds import kpi_rows

try:  # the snapshot's cache and loader; before issue 19 §2 (commit 9a76af7) they lived in the read model
    snapshot = importlib.import_module("renkei.web.snapshot")
except ImportError:
    snapshot = importlib.import_module("renkei.web.readmodel")
PortalCache, load_portal = snapshot.PortalCache, snapshot.load_portal
try:  # snapshots kept on disk (issue 19 §5); absent before
    files: Any = importlib.import_module("renkei.web.snapshot_files")
except ImportError:
    files = None

YEAR = 2026


def prepare(url: str, projects: int) -> None:
    """Import a generated plan and approve an actual for every tenth KPI (skipped when the plan is there)."""
    upgrade_database(url)
    factory = create_session_factory(create_engine_from_url(url))
    with factory() as session:
        if repository.list_plans(session=session):
            return
        text = generate_document(projects)
        plan, findings = read_plan(text, area=load_area("kitakyushu"))
        plan_id = import_plan(session=session, plan=plan, findings=findings, source_text=text).plan_id
        assert plan_id is not None
        for n, kpi_id in enumerate(sorted(r.id for r in kpi_rows(session=session, plan_id=plan_id).values())):
            if n % 10 == 0:
                upsert_actual(session=session, kpi_id=kpi_id, actual=Actual(YEAR, float(n % 97)),
                              actor="bench")
        session.commit()


def kpi_ids(factory: sessionmaker[Session]) -> list[int]:
    """Return the ids of the plan's KPIs, in id order."""
    with factory() as session:
        plan_id = repository.list_plans(session=session)[0].id
        return sorted(r.id for r in kpi_rows(session=session, plan_id=plan_id).values())


#: The process's resident memory after each timed step, in MiB (the last step's is printed beside its time).
RSS: list[float] = []


def resident_mib() -> float:
    """Return this process's resident memory in MiB (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(step: Callable[[], object]) -> float:
    """Return the seconds a step takes (and note the resident memory after it)."""
    started = time.perf_counter()
    step()
    seconds = time.perf_counter() - started
    RSS.append(resident_mib())
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--database", help="a SQLite file to keep (made when missing); default: a new one in /tmp")
    parser.add_argument("--repeat", type=int, default=5, help="changes of each kind (default 5)")
    args = parser.parse_args(argv)
    path = Path(args.database or f"/tmp/renkei-snapshot-{args.projects}.sqlite")
    url = f"sqlite:///{path}"
    started = time.perf_counter()
    prepare(url, args.projects)
    print(f"database {path} ready in {time.perf_counter() - started:.1f} s")
    engine = create_engine_from_url(url)
    factory = create_session_factory(engine)

    def load(cache: Any, year: int = YEAR) -> object:
        with factory() as session, engine.connect() as connection:
            version = read_area_fingerprint(connection=connection, area_slug="kitakyushu")
            portal = load_portal(session=session, cache=cache, fingerprint=version, area_slug="kitakyushu",
                                 as_of=year)
            assert portal is not None
            return portal

    cache = PortalCache()
    rss: dict[str, float] = {"start": resident_mib()}
    results: dict[str, list[float]] = {"cold (a new process)": [timed(lambda: load(cache))]}
    rss["cold (a new process)"] = RSS[-1]
    ids = kpi_ids(factory)
    run = time.time_ns() % 10**9  # every run writes new figures (an identical repeat writes nothing)
    changes: dict[str, Callable[[Session, int, int], object]] = {
        "after one approved actual": lambda s, kpi, n: upsert_actual(
            session=s, kpi_id=kpi, actual=Actual(YEAR, float(run + n)), actor="bench"),
        "after one published assessment": lambda s, kpi, n: upsert_assessment(
            session=s, kpi_id=kpi, fiscal_year=YEAR, word="順調", comment=f"bench {run} {n}", actor="bench"),
    }
    for name, change in changes.items():
        results[name] = []
        for n in range(args.repeat):
            with factory() as session:
                change(session, ids[(n * 7919) % len(ids)], n)
                session.commit()
            results[name].append(timed(lambda: load(cache)))
    rss["before another year"] = resident_mib()
    results["first request as of another year"] = [timed(lambda: load(cache, YEAR + 2))]
    rss["first request as of another year"] = RSS[-1]
    results["restart (a new process, same data)"] = [timed(lambda: load(PortalCache()))]
    results["same data again (cached)"] = [timed(lambda: load(cache))]
    if files is not None:  # `renkei serve` keeps full snapshots on disk for the next worker
        with tempfile.TemporaryDirectory() as folder:
            load(PortalCache(files=files.SnapshotFiles(Path(folder), engine)))  # builds, then keeps it
            for thread in threading.enumerate():
                if thread.name.startswith("renkei-keep-"):
                    thread.join()
            size = sum(p.stat().st_size for p in Path(folder).glob("*.snapshot"))
            results[f"restart from the kept snapshot ({size / 2**20:.0f} MiB file)"] = [
                timed(lambda: load(PortalCache(files=files.SnapshotFiles(Path(folder), engine))))]
            with factory() as session:
                changes["after one approved actual"](session, ids[1], 99)
                session.commit()
            restarted = PortalCache(files=files.SnapshotFiles(Path(folder), engine))
            results["restart from the kept snapshot, one approval since"] = [timed(lambda: load(restarted))]
            print(f"restart after one approval: builds={dict(restarted.builds)}")
            for thread in threading.enumerate():
                if thread.name.startswith("renkei-keep-"):
                    thread.join()
    engine.dispose()
    print(f"projects={args.projects} kpis={len(ids)} builds={dict(getattr(cache, 'builds', {})) or 'not counted'}")
    for name, times in results.items():
        print(f"{name:40} median {statistics.median(times):7.3f} s  max {max(times):7.3f} s  (n={len(times)})")
    print("resident memory (MiB): " + ", ".join(f"{name} {value:.0f}" for name, value in rss.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
