"""A `renkei serve` worker's start: until it listens, until its first answer, until /readyz says ready, and after.

Starts `renkei serve` (one worker, a real process on a free port) on a database that `benchmarks/snapshot_update.py`
prepared (``--database``), twice: first with an empty ``RENKEI_DATA_DIR`` (nothing kept: the plan is read from the
database), then again with the snapshot the first run kept on disk (a restart). For each start it reports, in seconds
from the moment the process was started:

- ``listening``: the first answer of ``/healthz``;
- ``first answer``: a project list page asked for as soon as the worker listens (it waits for the plan's one load);
- ``ready``: the first 200 of ``/readyz`` (polled every 0.05 s);

then, once ready, the time of one more page (``first page after ready``: the KPI list, not rendered yet). The three
starts: nothing kept; a restart from the snapshot the first kept (same data), which then times the next page after
each of ``--approvals`` approved actuals (the data version moves: the snapshot is updated, the page made again); and
a restart from the same kept snapshot with those approvals since it was kept.

    .venv/bin/python benchmarks/snapshot_update.py --projects 10000 --database /tmp/renkei-snap-10000.sqlite
    nice -n 5 .venv/bin/python benchmarks/serve_start.py --database /tmp/renkei-snap-10000.sqlite
    # before: the same on another commit's code (its `renkei serve`, this script)
    git archive 61695da src | tar -x -C /tmp/before && \\
      nice -n 5 .venv/bin/python benchmarks/serve_start.py --database … --pythonpath /tmp/before/src
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from renkei.domain.actual import Actual
from renkei.store import repository
from renkei.store.actuals import upsert_actual
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.rounds import kpi_rows

AREA = "kitakyushu"
YEAR = 2026


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def approve_one(url: str, value: float) -> None:
    """Record one more approved actual (as a reviewer's approval does): the area's data version moves."""
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        plan_id = repository.list_plans(session=session, area_slug=AREA)[0].id
        kpi_id = min(row.id for row in kpi_rows(session=session, plan_id=plan_id).values())
        upsert_actual(session=session, kpi_id=kpi_id, actual=Actual(YEAR, value), actor="bench")
        session.commit()
    engine.dispose()


def start(url: str, data_dir: Path, pythonpath: str | None, *, approvals: int) -> dict[str, float]:
    """Start one worker, measure its start (see the module docstring), then ``approvals`` times the page after one
    approved actual (the first and the median of the rest), and stop it; return the figures."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "RENKEI_DATA_DIR": str(data_dir)}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    command = [sys.executable, "-c", "from renkei.cli import main; main()", "serve", "--port", str(port),
               "--database-url", url]
    figures: dict[str, float] = {}
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        with httpx.Client(base_url=base, timeout=600) as client:
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    if process.poll() is not None:
                        raise SystemExit("the server exited") from None
                    time.sleep(0.05)
            figures["listening"] = time.perf_counter() - started

            def poll_ready() -> None:
                with httpx.Client(base_url=base, timeout=600) as poller:
                    while poller.get("/readyz").status_code != 200:
                        time.sleep(0.05)
                figures["ready"] = time.perf_counter() - started

            poller = threading.Thread(target=poll_ready)
            poller.start()
            page = client.get(f"/a/{AREA}/projects")
            assert page.status_code == 200, page.status_code
            figures["first answer"] = time.perf_counter() - started
            poller.join()
            asked = time.perf_counter()
            assert client.get(f"/a/{AREA}/kpis").status_code == 200
            figures["first page after ready"] = time.perf_counter() - asked
            after: list[float] = []
            for n in range(approvals):
                approve_one(url, float(time.time_ns() % 10**6 + n))
                asked = time.perf_counter()
                assert client.get(f"/a/{AREA}/projects").status_code == 200
                after.append(time.perf_counter() - asked)
            if after:
                figures["after one approval: first"] = after[0]
            if len(after) > 1:
                figures["then median"] = statistics.median(after[1:])
        for _ in range(1200):  # the full snapshot a first start builds is kept in the background: let it finish
            kept = list((data_dir / "snapshots").glob("plan-*.snapshot"))
            if kept and not list((data_dir / "snapshots").glob("*.part")):
                figures["kept MiB"] = sum(p.stat().st_size for p in kept) / 2**20
                break
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=60)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a SQLite file prepared by benchmarks/snapshot_update.py")
    parser.add_argument("--pythonpath", help="run the server on this source tree (a 'before' measurement)")
    parser.add_argument("--approvals", type=int, default=5, help="approvals after the second start (default 5)")
    args = parser.parse_args(argv)
    url = f"sqlite:///{Path(args.database).resolve()}"
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        runs = [
            ("start, nothing kept", start(url, data_dir, args.pythonpath, approvals=0)),
            # the same data as kept; then approvals, which the kept file does not show (an update is not kept)
            ("restart from the kept snapshot", start(url, data_dir, args.pythonpath, approvals=args.approvals)),
            ("restart, approvals since it was kept", start(url, data_dir, args.pythonpath, approvals=0)),
        ]
    for name, figures in runs:
        print(f"{name:34} " + "  ".join(f"{k} {v:.2f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
