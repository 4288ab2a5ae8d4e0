"""Benchmark the portal under load: renkei serve vs Datasette on the same SQLite database, driven by wrk.

Generates a plan of ``--projects`` sheets (benchmarks/generate.py), imports it into a fresh SQLite file,
starts ``renkei serve`` and Datasette side by side on 127.0.0.1, and drives each endpoint with wrk
(``--connections`` concurrent connections, one wrk thread, ``--duration`` seconds). Reports p50/p95/p99
latency, requests per second, errors and timeouts, and the peak resident memory (VmRSS) of each server's
process tree sampled during the run. Exit status 1 when a goal is missed:
p95 < 50 ms for the project list and a project page; API throughput ≥ Datasette's /db/project.json.

Needs wrk (Debian package ``wrk``; installed with apt-get when missing and running as root) and Datasette
(installed into the virtualenv with pip when missing; it is not a renkei dependency).

    .venv/bin/python benchmarks/portal.py [--projects 10000] [--duration 20] [--connections 50]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_document

from renkei.domain.plan import Plan
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database

P95_GOAL_MS = 50.0
WRK_TIMEOUT = "30s"
# wrk calls done() once at the end; print the figures as one JSON line we can parse.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '\\nRESULT {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, "max": %.3f, '
    .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


@dataclass(frozen=True)
class Result:
    """wrk's figures for one endpoint, with the server's peak memory during the run."""

    server: str
    endpoint: str
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int
    timeouts: int
    peak_rss_mib: float

    @property
    def throughput(self) -> float:
        """Return completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_tools(venv_bin: Path) -> None:
    """Install wrk (apt-get) and Datasette (pip, into the virtualenv) when they are missing."""
    if shutil.which("wrk") is None:
        if os.geteuid() != 0:
            sys.exit("wrk is missing: sudo apt-get install wrk")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        if shutil.which("wrk") is None:
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if not (venv_bin / "datasette").exists():
        subprocess.run([str(venv_bin / "python"), "-m", "pip", "install", "--quiet", "datasette"], check=True)


def build_database(path: Path, projects: int) -> Plan:
    """Generate a plan of this many sheets and import it into a fresh SQLite database at ``path``."""
    text = generate_document(projects)
    plan, findings = read_plan(text)
    url = f"sqlite:///{path}"
    upgrade_database(url)
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        import_plan(session=session, plan=plan, findings=findings, source_text=text)
    engine.dispose()
    return plan


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def tree_rss_kib(pid: int) -> int:
    """Return the resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        pending.extend(int(child) for child in children)
    return total


@contextmanager
def running(command: list[str], url: str, log: Path, timeout: float) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until ``url`` answers 200 (first answer within ``timeout`` s), stop it after."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        deadline = started + timeout
        while True:
            if process.poll() is not None:
                sys.exit(f"{command[0]} exited early:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{url} did not answer within {timeout:.0f} s")
            time.sleep(0.3)
        print(f"{Path(command[0]).name} {' '.join(command[3:5] if 'serve' in command[3:5] else command[1:2])}: "
              f"first 200 from {url} after {time.monotonic() - started:.1f} s", flush=True)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for_idle(url: str, timeout: float = 300.0) -> None:
    """Wait until the server answers ``url`` alone, so one run's backlog does not count against the next."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)


def drive(server: str, endpoint: str, url: str, pid: int, args: argparse.Namespace, script: Path) -> Result:
    """Run wrk against one URL while sampling the server's memory; return the figures."""
    wait_for_idle(url)  # the server works off requests wrk gave up on before it answers this one
    peak = [tree_rss_kib(pid)]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            peak.append(tree_rss_kib(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    completed = subprocess.run(
        ["wrk", "-t1", f"-c{args.connections}", f"-d{args.duration}s", f"--timeout={WRK_TIMEOUT}", "-s", str(script),
         url], capture_output=True, text=True, check=True)
    stop.set()
    sampler.join()
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT "))
    figures = json.loads(line[len("RESULT "):])
    errors = sum(figures[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors"))
    return Result(server, endpoint, figures["requests"], figures["seconds"], figures["p50"], figures["p95"],
                  figures["p99"], errors, figures["timeouts"], max(peak) / 1024)


def print_table(results: list[Result]) -> None:
    """Print the results as a Markdown table."""
    print("| server | endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | errors | timeouts | peak RSS MiB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        latency = (f"{r.p50:,.1f} | {r.p95:,.1f} | {r.p99:,.1f}" if r.requests else "— | — | —")
        print(f"| {r.server} | `{r.endpoint}` | {r.requests:,} | {r.throughput:,.1f} | {latency} | "
              f"{r.errors} | {r.timeouts} | {r.peak_rss_mib:,.0f} |")


def check_goals(results: list[Result]) -> list[str]:
    """Return the goals missed."""
    by_endpoint = {r.endpoint: r for r in results}
    missed = [f"p95 of {r.endpoint} is {r.p95:,.1f} ms (goal < {P95_GOAL_MS:.0f} ms)" if r.requests
              else f"no request to {r.endpoint} completed within {r.seconds:.0f} s"
              for r in results if r.server == "renkei" and not r.endpoint.startswith("/api/")
              and (r.p95 >= P95_GOAL_MS or r.requests == 0)]
    api = next(r for r in results if r.server == "renkei" and r.endpoint.startswith("/api/projects"))
    datasette = by_endpoint["/db/project.json"]
    if api.throughput < datasette.throughput:
        missed.append(f"API throughput {api.throughput:,.1f} req/s < Datasette's {datasette.throughput:,.1f} req/s")
    return missed


def main(argv: list[str] | None = None) -> int:
    """Run the portal benchmark and print the table and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--database", type=Path, help="keep the generated SQLite file here and reuse it next time")
    parser.add_argument("--startup-timeout", type=float, default=600.0,
                        help="seconds to wait for the first page (it loads the whole plan)")
    args = parser.parse_args(argv)
    venv_bin = Path(sys.executable).parent
    ensure_tools(venv_bin)
    with tempfile.TemporaryDirectory(prefix="renkei-bench-") as folder:
        work = Path(folder)
        # Datasette names the database after the file, so it is always db.sqlite: /db/project.json
        database = work / "db.sqlite"
        started = time.perf_counter()
        if args.database is not None and args.database.exists():
            shutil.copyfile(args.database, database)
            plan, _ = read_plan(generate_document(args.projects))
            print(f"reusing {args.database}", flush=True)
        else:
            plan = build_database(database, args.projects)
            print(f"imported {len(plan.projects):,} projects in {time.perf_counter() - started:.1f} s", flush=True)
            if args.database is not None:
                shutil.copyfile(database, args.database)
        print(f"{database.stat().st_size / 2**20:.1f} MiB SQLite; {os.cpu_count()} CPUs; "
              f"wrk -t1 -c{args.connections} -d{args.duration}s --timeout {WRK_TIMEOUT}\n", flush=True)
        script = work / "report.lua"
        script.write_text(WRK_REPORT, encoding="utf-8")
        slug = plan.projects[len(plan.projects) // 2].slug
        renkei_port, datasette_port = free_port(), free_port()
        renkei_url, datasette_url = f"http://127.0.0.1:{renkei_port}", f"http://127.0.0.1:{datasette_port}"
        results: list[Result] = []
        renkei = [str(venv_bin / "python"), "-c", "from renkei.cli import main; main()", "serve", "--host",
                  "127.0.0.1", "--port", str(renkei_port), "--database-url", f"sqlite:///{database}"]
        with running(renkei, renkei_url + "/", work / "renkei.log", args.startup_timeout) as process:
            for endpoint in ("/projects", f"/projects/{slug}", "/api/projects"):
                results.append(drive("renkei", endpoint, renkei_url + endpoint, process.pid, args, script))
                print_table(results[-1:])
        datasette = [str(venv_bin / "datasette"), "serve", str(database), "--host", "127.0.0.1", "--port",
                     str(datasette_port)]
        with running(datasette, datasette_url + "/db/project.json", work / "datasette.log",
                     args.startup_timeout) as process:
            results.append(drive("Datasette", "/db/project.json", datasette_url + "/db/project.json",
                                 process.pid, args, script))
    print()
    print_table(results)
    missed = check_goals(results)
    print("\n" + ("all goals met" if not missed else "goals missed:\n- " + "\n- ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
