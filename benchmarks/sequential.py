"""One client, sequential, distinct URLs: ms per request (and the server's CPU ms) of running portals, side by side.

Three kinds of URL of a 10,000-project plan, the ones Datasette is compared on (``benchmarks/datasette.py``): the API
list (``/api/a/{area}/projects?limit=50&offset=N``), a project's JSON and a project's page. Every server walks its
own shuffled list, so no URL is asked twice and the response cache never replays; the servers alternate per kind
and round (A, B, B, A …), so a change in the machine's load falls on both. Reported: the median over the rounds of
wall-clock ms per request and, when the server's process id is given, of the server's CPU ms per request (user +
system, from /proc), which the machine's other work disturbs much less.

    # two servers on one database (the code before from `git archive <commit> src | tar -x -C /tmp/before`)
    RENKEI_DATABASE_URL=sqlite:////tmp/h1/db.sqlite RENKEI_DATA_DIR=/tmp/h1/var-b PYTHONPATH=/tmp/before/src \\
        renkei serve --port 8771 &
    RENKEI_DATABASE_URL=sqlite:////tmp/h1/db.sqlite RENKEI_DATA_DIR=/tmp/h1/var-a renkei serve --port 8772 &
    .venv/bin/python benchmarks/sequential.py --database /tmp/h1/db.sqlite --seconds 8 --rounds 4 \\
        before=http://127.0.0.1:8771@PID1 after=http://127.0.0.1:8772@PID2
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import time
from pathlib import Path

import httpx

AREA = "kitakyushu"


def read_slugs(database: Path) -> list[str]:
    """Return every active project's slug once (a 【再掲】 sheet shares its slug), in document order."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT slug FROM project WHERE status = 'active' ORDER BY id").fetchall()
    return list(dict.fromkeys(str(row[0]) for row in rows))


def cpu_seconds(pid: int | None) -> float:
    """Return a process's CPU time so far (user + system), 0 without a process."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="the servers' SQLite file (for the slugs)")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one run")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("servers", nargs="+", help="NAME=BASE_URL[@PID]")
    args = parser.parse_args()
    servers: list[tuple[str, str, int | None]] = []
    for given in args.servers:
        name, _, rest = given.partition("=")
        base, _, pid = rest.partition("@")
        servers.append((name, base, int(pid) if pid else None))
    rng = random.Random(args.seed)
    slugs = read_slugs(args.database)
    rng.shuffle(slugs)
    offsets = list(range(1, len(slugs)))
    rng.shuffle(offsets)
    urls = {"API list (50 rows)": [f"/api/a/{AREA}/projects?limit=50&offset={n}" for n in offsets],
            "project JSON": [f"/api/a/{AREA}/projects/{s}" for s in slugs],
            "project page": [f"/a/{AREA}/projects/{s}" for s in slugs]}
    at = {(name, kind): 0 for name, _, _ in servers for kind in urls}
    wall: dict[tuple[str, str], list[float]] = {key: [] for key in at}
    cpu: dict[tuple[str, str], list[float]] = {key: [] for key in at}
    clients = {name: httpx.Client(base_url=base, timeout=60) for name, base, _ in servers}
    for round_number in range(args.rounds):
        for kind, paths in urls.items():
            for name, _, pid in servers if round_number % 2 == 0 else servers[::-1]:
                count, started, cpu_started = 0, time.perf_counter(), cpu_seconds(pid)
                while time.perf_counter() - started < args.seconds:
                    path = paths[at[name, kind] % len(paths)]
                    at[name, kind] += 1
                    if clients[name].get(path).status_code != 200:
                        raise SystemExit(f"{name}: {path} did not answer 200")
                    count += 1
                wall[name, kind].append((time.perf_counter() - started) / count * 1000)
                cpu[name, kind].append((cpu_seconds(pid) - cpu_started) / count * 1000)
    print("| URL kind | " + " | ".join(f"{name}: ms per request (server CPU ms)" for name, _, _ in servers) + " |")
    print("|---|" + "---:|" * len(servers))
    for kind in urls:
        cells = [f"{statistics.median(wall[name, kind]):.2f} ({statistics.median(cpu[name, kind]):.2f})"
                 for name, _, _ in servers]
        print(f"| {kind} | " + " | ".join(cells) + " |")
    print("requests:", {f"{name} {kind}": n for (name, kind), n in at.items()})
    if any(n > len(urls[kind]) for (_, kind), n in at.items()):
        print("some URLs were asked twice (replays): use fewer rounds or shorter runs")


if __name__ == "__main__":
    main()
