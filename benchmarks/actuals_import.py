"""Benchmark `renkei actuals import` of a few rows into a large stored plan: time, CPU and peak memory (issue 19 §5).

The goal: a few rows at 10,000 projects take well under 1 s and 150 MB. A plan of ``--projects`` sheets is imported
into a SQLite file (kept in ``--work`` and reused), the FY2026 reporting round is opened, and ``--rows`` rows spread
over the plan are taken from the actuals template with a value filled in. Each run is the whole command as a user
types it (a new process, ``--dry-run`` so every run meets the same data); the table gives the best of ``--repeat``
runs' wall and CPU time and the largest peak RSS.

Every run finds the package's bytecode cached, as an installed package has it (pip compiles it at install): one
unmeasured run goes first, and ``PYTHONDONTWRITEBYTECODE`` is not passed on (with it, every run compiled renkei's
sources again, about a quarter of a second). The plan's database is built in a process of its own: a child forked
from a process that had built it inherited that process's peak memory in its own ``ru_maxrss``.

    .venv/bin/python benchmarks/actuals_import.py                       # --projects 10000 --rows 5 --repeat 3
    .venv/bin/python benchmarks/actuals_import.py --src /tmp/before/src --label before   # another checkout's code
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 1.0
GOAL_MIB = 150.0


def command_environment(database: Path, src: Path | None) -> dict[str, str]:
    """Return the environment of a renkei process on the database (the code of ``src`` when given), bytecode kept."""
    environment = {**os.environ, "RENKEI_DATABASE_URL": f"sqlite:///{database}", "COLUMNS": "200"}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    if src is not None:
        environment["PYTHONPATH"] = str(src.resolve())
    return environment


def renkei(args: list[str], database: Path, src: Path | None) -> subprocess.CompletedProcess[str]:
    """Run a renkei command on the database (the code of ``src`` when given) and return what it printed."""
    environment = command_environment(database, src)
    command = [sys.executable, "-c", "from renkei.cli import main; main()", *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, check=False)


def prepare(args: argparse.Namespace) -> tuple[Path, Path]:
    """Return a copy of the plan's database with FY2026's round open, and a CSV of ``--rows`` filled rows."""
    source = args.work / f"plan-{args.projects}.sqlite"
    if not source.exists():  # in a process of its own (see the module's docstring)
        build = ("import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                 "from portal import build_database; build_database(Path(sys.argv[2]), int(sys.argv[3]))")
        built = subprocess.run([sys.executable, "-c", build, str(Path(__file__).resolve().parent), str(source),
                                str(args.projects)], check=False)
        if built.returncode != 0:
            sys.exit("building the plan's database failed")
    database = args.work / f"actuals-{args.projects}.sqlite"
    shutil.copyfile(source, database)
    for step in (["round", "open", "--year", "R8", "--due", "2027-05-31"],
                 ["actuals", "template", "--plan", "1", "--year", "2026", "--format", "csv", "--output",
                  str(args.work / "template.csv")]):
        done = renkei(step, database, None)
        if done.returncode != 0:
            sys.exit(f"renkei {' '.join(step)} failed:\n{done.stdout}{done.stderr}")
    rows = list(csv.reader(io.StringIO((args.work / "template.csv").read_text(encoding="utf-8-sig"))))
    header, body = rows[0], rows[1:]
    value = header.index("実績値")
    chosen = []
    for row in body[:: max(1, len(body) // args.rows)][: args.rows]:
        number = re.search(r"\d+(?:\.\d+)?", row[header.index("目標値")]) or re.search(r"\d+", row[3])
        chosen.append([*row[:value], number.group(0) if number else "1", *row[value + 1:]])
    sheet = args.work / f"actuals-{args.rows}.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as output:
        csv.writer(output).writerows([header, *chosen])
    return database, sheet


def measure(database: Path, sheet: Path, src: Path | None) -> tuple[float, float, float, str]:
    """Run the import once in a new process: wall seconds, CPU seconds, peak RSS in MiB and its summary line."""
    environment = command_environment(database, src)
    command = [sys.executable, "-c", "from renkei.cli import main; main()", "actuals", "import", str(sheet),
               "--dry-run"]
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # this process's own CPU time and peak memory
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        printed = output.read().decode("utf-8", errors="replace")
    if process.returncode != 0:
        sys.exit(f"the import failed:\n{printed}")
    summary = next((line for line in printed.splitlines() if "imported" in line), "")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, summary.strip()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, and exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "renkei-project-page",
                        help="folder of the generated SQLite files (shared with project_page.py, kept and reused)")
    parser.add_argument("--src", type=Path, help="run the renkei package of this source folder")
    parser.add_argument("--label", default="renkei")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    database, sheet = prepare(args)
    measure(database, sheet, args.src)  # unmeasured: writes the bytecode of the code under test
    runs = [measure(database, sheet, args.src) for _ in range(args.repeat)]
    wall, cpu = min(r[0] for r in runs), min(r[1] for r in runs)
    peak = max(r[2] for r in runs)
    print(f"{runs[-1][3]}\nload average {os.getloadavg()[0]:.1f}\n")
    print("| code | projects | rows | wall s (best) | CPU s (best) | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| {args.label} | {args.projects:,} | {args.rows} | {wall:.2f} | {cpu:.2f} | {peak:.0f} |")
    return 0 if cpu < GOAL_SECONDS and peak < GOAL_MIB else 1


if __name__ == "__main__":
    raise SystemExit(main())
