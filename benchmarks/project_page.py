"""Benchmark a project page and a project's JSON on distinct URLs at several plan sizes (issue 19 §2 and §5).

For each size, a plan of that many sheets (benchmarks/generate.py) is imported into a SQLite file (kept in
``--work`` and reused), ``renkei serve`` is started on it with the response cache off (every answer is rendered,
as on a visitor's first request of a URL), its page data is built by one warm-up request, and wrk drives each
endpoint through every project's URL in turn (a Lua script walks the list of slugs, so no URL repeats before
all have been asked). The goal: the same requests per second whatever the plan's size.

    .venv/bin/python benchmarks/project_page.py                          # --sizes 1000 10000 --duration 15
    .venv/bin/python benchmarks/project_page.py --sizes 1000 10000 30000 --work /tmp/renkei-project-page
    .venv/bin/python benchmarks/project_page.py --sizes 10000 --profile   # py-spy: where a project page's time goes
    # before and after in the same minutes: serve another checkout's code (git archive REV src | tar -x -C DIR)
    .venv/bin/python benchmarks/project_page.py --src /tmp/before/src --label before

``--profile`` records each endpoint's server with py-spy (``pip install py-spy`` into the virtualenv first; it is
not a dependency) and prints its hottest functions. Needs wrk (see benchmarks/portal.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portal import WRK_REPORT, Result, build_database, drive, free_port, print_table, running

#: A page and the JSON of one project, by slug; the area's slug is filled in.
ENDPOINTS = {"project page": "/a/{area}/projects/{slug}", "project JSON": "/api/a/{area}/projects/{slug}"}
#: Walks the paths in order, one after another, so that every URL is asked once before any is asked again.
WALK = """
paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def project_slugs(database: Path) -> tuple[str, list[str]]:
    """Return the area's slug and every active project's slug, in document order."""
    with sqlite3.connect(database) as connection:
        area = connection.execute("SELECT slug FROM area WHERE id IN (SELECT area_id FROM plan)").fetchone()[0]
        rows = connection.execute("SELECT slug FROM project WHERE status = 'active' ORDER BY position").fetchall()
    return area, [r[0] for r in rows]


def write_script(folder: Path, name: str, paths: list[str]) -> Path:
    """Write the wrk script that walks ``paths`` and reports its figures."""
    listing = folder / f"{name}.paths"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = folder / f"{name}.lua"
    script.write_text(WALK % listing + WRK_REPORT, encoding="utf-8")
    return script


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user and system) a process has used so far, in seconds (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_quiet(pid: int, timeout: float = 900.0) -> None:
    """Wait until the server stops working on its own (it keeps a built snapshot on disk from a background thread
    after its first answer), so that its start-up work does not count against the first endpoint."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(2)
        now = cpu_seconds(pid)
        if now - last < 0.1:
            return
        last = now


def top_functions(profile: Path, limit: int = 12) -> list[tuple[str, float]]:
    """Return the functions on most sampled stacks (inclusive share) from py-spy's ``--format raw`` output."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in profile.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        if "renkei" not in stack:  # idle threads waiting for work
            continue
        total += samples
        for frame in dict.fromkeys(f.split(" (")[0] for f in stack.split(";")):
            inclusive[frame] += samples
    return [(name, 100 * n / total) for name, n in inclusive.most_common(limit)] if total else []


def measure(size: int, args: argparse.Namespace, folder: Path) -> list[Result]:
    """Serve a plan of ``size`` projects and drive each endpoint through its distinct URLs."""
    database = args.work / f"plan-{size}.sqlite"
    if not database.exists():
        started = time.perf_counter()
        build_database(database, size)
        print(f"imported {size:,} projects in {time.perf_counter() - started:.1f} s", flush=True)
    area, slugs = project_slugs(database)
    venv_bin = Path(sys.executable).parent
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(venv_bin / "python"), "-c", "from renkei.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--database-url", f"sqlite:///{database}"]
    os.environ["RENKEI_RESPONSE_CACHE_MB"] = "0"  # every answer rendered: a distinct URL's first visit
    if args.src is not None:
        os.environ["PYTHONPATH"] = str(args.src.resolve())  # the server runs that checkout's code
    results = []
    with running(command, f"{base}/a/{area}/", folder / f"serve-{size}.log", args.startup_timeout) as process:
        wait_until_quiet(process.pid)
        for name, pattern in ENDPOINTS.items():
            paths = [pattern.format(area=area, slug=s) for s in slugs]
            script = write_script(folder, f"{size}-{name.replace(' ', '-')}", paths)
            profiler = None
            if args.profile:
                output = folder / f"profile-{size}-{name.replace(' ', '-')}.txt"
                profiler = subprocess.Popen([str(venv_bin / "py-spy"), "record", "--pid", str(process.pid),
                                             "--format", "raw", "--output", str(output), "--rate", "200",
                                             "--duration", str(args.duration)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result = drive(args.label, f"{name} @ {size:,}", base + paths[0], process.pid, args, script)
            results.append(result)
            print_table([result])
            if profiler is not None:
                profiler.wait(timeout=args.duration + 60)
                print(f"\nwhere the time of {name} @ {size:,} goes (py-spy, inclusive):")
                for function, share in top_functions(output):
                    print(f"  {share:5.1f} %  {function}")
                print()
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark at each size and print the table; exit 1 when the largest size is under 80 % of the
    smallest's requests per second on either endpoint."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per endpoint and size")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "renkei-project-page",
                        help="folder of the generated SQLite files (kept and reused)")
    parser.add_argument("--startup-timeout", type=float, default=900.0)
    parser.add_argument("--profile", action="store_true", help="record the server with py-spy during each run")
    parser.add_argument("--src", type=Path, help="serve the renkei package of this source folder")
    parser.add_argument("--label", default="renkei", help="the server's name in the table")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk (or run benchmarks/portal.py once, which installs it)")
    args.work.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="renkei-project-page-") as folder:
        for size in args.sizes:
            results.extend(measure(size, args, Path(folder)))
    print(f"\nwrk -t1 -c{args.connections} -d{args.duration}s, distinct URLs, response cache off, "
          f"load average {os.getloadavg()[0]:.1f}\n")
    print_table(results)
    flat = True
    for name in ENDPOINTS:
        rates = [r.throughput for r in results if r.endpoint.startswith(name)]
        ratio = rates[-1] / rates[0] if rates and rates[0] else 0.0
        print(f"\n{name}: largest / smallest plan = {ratio:.2f}")
        flat = flat and ratio >= 0.8
    errors = sum(r.errors + r.timeouts for r in results)
    return 0 if flat and not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
