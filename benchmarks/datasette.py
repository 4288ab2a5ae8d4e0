"""renkei serve and Datasette side by side on one 10,000-project SQLite file, with distinct URLs (issue 19 §5).

The file is a generated plan of ``--projects`` sheets (``benchmarks/generate.py``) imported by ``renkei import FILE
--area kitakyushu`` (kept at ``--database`` and reused when it is there). Both servers run at once on 127.0.0.1 and
read that same file:

- ``renkei serve`` as it runs by default (one process, the response cache on at its default 64 MB), warmed as a
  visitor finds it after a start: the page data built in the background at start, then a few URLs of every kind
  (not the measured ones) asked once;
- Datasette ``serve -i FILE --setting suggest_facets off --setting default_page_size 50`` (immutable; its default
  three SQL threads), warmed with the same kinds of URL.

Five comparable pairs, each with thousands of distinct URLs made from the file (the same items for both servers):

==========================  ==============================================  =====================================
pair                        renkei                                          Datasette
==========================  ==============================================  =====================================
project page                ``/a/kitakyushu/projects/{slug}``               ``/db/project/{id}``
project JSON                ``/api/a/kitakyushu/projects/{slug}``           ``/db/project/{id}.json``
API list (JSON, 50 rows)    ``/api/a/…/projects?limit=50&offset={n}``       ``/db/project.json?_next={id}``
filtered list (HTML)        ``/a/…/projects?category=…&budget=…&page=…``    ``/db/project?category_id=…&_next=…``
search (HTML)               ``/a/…/projects?q={word}``                      ``/db/project?name__contains={word}``
==========================  ==============================================  =====================================

For each pair the runs alternate, renkei then Datasette, ``--rounds`` times (A, B, A, B …): wrk with one thread,
``--connections`` connections, ``--seconds`` a run, and a Lua script that takes the run's own slice of the URL
list, so no URL is asked twice in the whole benchmark (a run that asks for more URLs than its slice holds starts
the slice again and the table says how many such repeats there were: for renkei they are replays from its cache).
Reported per pair: req/s over all runs, the median of the runs' p50 and p95, and renkei's req/s over Datasette's.

    .venv/bin/python benchmarks/datasette.py --database var/bench-datasette/db.sqlite     # 10,000 projects
    .venv/bin/python benchmarks/datasette.py --projects 300 --seconds 2 --rounds 1        # a smoke test

Needs wrk (``apt-get install wrk``) and Datasette (``pip install datasette`` into the virtualenv; not a renkei
dependency): both are installed when missing, as ``benchmarks/portal.py`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_document
from portal import ensure_tools, free_port, tree_rss_kib

AREA = "kitakyushu"
PAGE_SIZE = 50
#: wrk's Lua: read the run's URL list, ask for it in order, count repeats and answers other than 200.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  paths, count, at, repeats, not_ok = {}, 0, 0, 0, 0
  for line in io.lines(args[1]) do count = count + 1; paths[count] = line end
end
function request()
  at = at + 1
  if at > count then at = 1; repeats = repeats + 1 end
  return wrk.format("GET", paths[at])
end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local repeats, not_ok = 0, 0
  for _, thread in ipairs(threads) do
    repeats = repeats + thread:get("repeats"); not_ok = not_ok + thread:get("not_ok")
  end
  io.write(string.format('\\nRESULT {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, '
    .. '"errors": %d, "timeouts": %d, "repeats": %d, "not_ok": %d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout, repeats, not_ok))
end
"""


@dataclass(frozen=True)
class Run:
    """One wrk run of one server on one pair."""

    requests: int
    seconds: float
    p50: float
    p95: float
    errors: int
    repeats: int
    not_ok: int
    load: float


@dataclass
class Pair:
    """A comparable pair: the same items as renkei and as Datasette URLs, and the runs of each."""

    name: str
    renkei_urls: list[str]
    datasette_urls: list[str]
    runs: dict[str, list[Run]] = field(default_factory=lambda: {"renkei": [], "Datasette": []})

    def throughput(self, server: str) -> float:
        """Return the server's completed requests per second over all its runs."""
        runs = self.runs[server]
        seconds = sum(r.seconds for r in runs)
        return sum(r.requests for r in runs) / seconds if seconds else 0.0


# --- the file and its URLs ------------------------------------------------------------------------------------------


def build_database(path: Path, projects: int) -> float:
    """Import a generated plan of ``projects`` sheets into a new SQLite file with ``renkei import``; return seconds."""
    document = path.with_suffix(".txt")
    document.write_text(generate_document(projects), encoding="utf-8")
    env = {**os.environ, "RENKEI_DATABASE_URL": f"sqlite:///{path}", "RENKEI_DATA_DIR": str(path.parent / "var")}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from renkei.cli import main; main()", "import", str(document), "--area",
                    AREA], env=env, check=True, stdout=subprocess.DEVNULL)
    document.unlink()
    return time.perf_counter() - started


def make_pairs(path: Path, seed: int) -> tuple[list[Pair], list[Pair]]:
    """Return the measured pairs and, separately, a few other URLs of each kind for warming both servers up."""
    db = path.stem
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT p.id, p.slug, p.name, p.has_budget, p.relisted, c.id, c.code, a.number, "
                                  "p.policy_area_id "
                                  "FROM project p LEFT JOIN category c ON c.id = p.category_id "
                                  "LEFT JOIN policy_area a ON a.id = p.policy_area_id "
                                  "WHERE p.status = 'active' ORDER BY p.id").fetchall()
    rng = random.Random(seed)
    by_slug: dict[str, tuple[object, ...]] = {}
    for row in rows:  # a relisted sheet shares its slug: the first sheet is the page
        by_slug.setdefault(str(row[1]), row)
    projects = list(by_slug.values())
    rng.shuffle(projects)
    pairs = [
        Pair("project page", [f"/a/{AREA}/projects/{r[1]}" for r in projects], [f"/{db}/project/{r[0]}"
                                                                                 for r in projects]),
        Pair("project JSON", [f"/api/a/{AREA}/projects/{r[1]}" for r in projects],
             [f"/{db}/project/{r[0]}.json" for r in projects]),
    ]
    ordered = [r[0] for r in rows]
    offsets = list(range(1, len(ordered)))
    rng.shuffle(offsets)
    pairs.append(Pair("API list (JSON, 50 rows)", [f"/api/a/{AREA}/projects?limit={PAGE_SIZE}&offset={n}"
                                                   for n in offsets],
                      [f"/{db}/project.json?_next={ordered[n - 1]}" for n in offsets]))
    pairs.append(filtered_pair(db, rows, rng))
    pairs.append(search_pair(db, rows, rng))
    warm = [Pair(p.name, p.renkei_urls[-20:], p.datasette_urls[-20:]) for p in pairs]
    return [Pair(p.name, p.renkei_urls[:-20], p.datasette_urls[:-20]) for p in pairs], warm


def filtered_pair(db: str, rows: list[tuple[object, ...]], rng: random.Random) -> Pair:
    """Return every filter combination and page of it, in both servers' words: a policy area or a category, each
    with relisted (【再掲】) any, yes or no.

    A category (``category_id``) is shared by the policy areas of a plan; renkei's category facet is the policy
    area's number and the category's code (``3-a``), so in Datasette it is both columns. (renkei's ``budget`` facet
    is a budget within the plan period, which no column holds, so it is not used.)
    """
    renkei: list[str] = []
    datasette: list[str] = []
    policy_areas = sorted({(r[8], r[7]) for r in rows if r[8] is not None}, key=str)
    categories = sorted({(r[5], r[8], r[6], r[7]) for r in rows if r[5] is not None}, key=str)
    choices: list[tuple[dict[str, str], dict[str, str], list[tuple[object, ...]]]] = []
    for policy_area_id, number in policy_areas:
        choices.append(({"policy_area": str(number)}, {"policy_area_id": str(policy_area_id)},
                        [r for r in rows if r[8] == policy_area_id]))
    for category_id, policy_area_id, code, number in categories:
        choices.append(({"category": f"{number}-{code}"},
                        {"category_id": str(category_id), "policy_area_id": str(policy_area_id)},
                        [r for r in rows if r[5] == category_id and r[8] == policy_area_id]))
    for renkei_query, datasette_query, chosen in choices:
        for relisted in ("", "yes", "no"):
            ids = [r[0] for r in chosen if not relisted or r[4] == (relisted == "yes")]
            for page in range(1, (len(ids) + PAGE_SIZE - 1) // PAGE_SIZE + 1):
                query = {**renkei_query, "relisted": relisted, "page": str(page) if page > 1 else ""}
                renkei.append(f"/a/{AREA}/projects?" + urllib.parse.urlencode({k: v for k, v in query.items() if v}))
                filters = {**datasette_query, "relisted": {"yes": "1", "no": "0"}.get(relisted, ""),
                           "_next": str(ids[(page - 1) * PAGE_SIZE - 1]) if page > 1 else ""}
                datasette.append(f"/{db}/project?" + urllib.parse.urlencode({k: v for k, v in filters.items() if v}))
    order = list(range(len(renkei)))
    rng.shuffle(order)
    return Pair("filtered list (HTML)", [renkei[i] for i in order], [datasette[i] for i in order])

def search_pair(db: str, rows: list[tuple[object, ...]], rng: random.Random, count: int = 6000) -> Pair:
    """Return distinct search words (two to four characters of project names) in both servers' words."""
    words: set[str] = set()
    names = [str(r[2]) for r in rows]
    for _ in range(count * 20):  # a small plan has fewer distinct words than asked for
        if len(words) >= count:
            break
        name = rng.choice(names)
        size = rng.randint(2, 4)
        if len(name) > size:
            start = rng.randrange(len(name) - size)
            word = name[start:start + size]
            if word.strip() == word and not any(c in word for c in "　 ・（）()「」、。"):
                words.add(word)
    chosen = sorted(words)
    rng.shuffle(chosen)
    return Pair("search (HTML)", [f"/a/{AREA}/projects?q={urllib.parse.quote(w)}" for w in chosen],
                [f"/{db}/project?name__contains={urllib.parse.quote(w)}" for w in chosen])


# --- the servers and wrk --------------------------------------------------------------------------------------------


@contextmanager
def server(command: list[str], url: str, log: Path, env: dict[str, str] | None = None
           ) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server, wait until ``url`` answers 200 (10 minutes at most), stop it afterwards."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                sys.exit(f"{command[0]} exited:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(url, timeout=600).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{url} did not answer within 600 s")
            time.sleep(0.5)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def warm(base: str, paths: list[str]) -> None:
    """Ask for each path once, one at a time (what a few first visitors do)."""
    with httpx.Client(base_url=base, timeout=600) as client:
        for path in paths:
            client.get(path)


def run_wrk(base: str, paths: list[str], folder: Path, args: argparse.Namespace) -> Run:
    """Run wrk over a list of paths for ``--seconds``; return its figures."""
    urls = folder / "urls.txt"
    urls.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = folder / "distinct.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    completed = subprocess.run(["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "30s",
                                "-s", str(script), base, "--", str(urls)], capture_output=True, text=True, check=True)
    line = next(line for line in completed.stdout.splitlines() if line.startswith("RESULT "))
    figures = json.loads(line[len("RESULT "):])
    return Run(figures["requests"], figures["seconds"], figures["p50"], figures["p95"],
               figures["errors"] + figures["timeouts"], figures["repeats"], figures["not_ok"],
               float(Path("/proc/loadavg").read_text().split()[0]))


def measure(pairs: list[Pair], bases: dict[str, str], folder: Path, args: argparse.Namespace) -> None:
    """Run every pair: renkei, Datasette, renkei, Datasette … each run on its own slice of the pair's URLs."""
    for pair in pairs:
        size = len(pair.renkei_urls) // args.rounds
        for number in range(args.rounds):
            window = slice(number * size, (number + 1) * size)
            for server_name, paths in (("renkei", pair.renkei_urls[window]),
                                       ("Datasette", pair.datasette_urls[window])):
                run = run_wrk(bases[server_name], paths, folder, args)
                pair.runs[server_name].append(run)
                print(f"{pair.name:26} {server_name:9} round {number + 1}: {run.requests / run.seconds:8.1f} req/s "
                      f"p50 {run.p50:8.1f} ms p95 {run.p95:8.1f} ms  errors {run.errors} not 200 {run.not_ok} "
                      f"repeated slices {run.repeats}  load {run.load:.1f}", flush=True)


def format_table(pairs: list[Pair]) -> str:
    """Return the results as a Markdown table."""
    lines = ["| pair | distinct URLs | renkei req/s | renkei p50 / p95 ms | Datasette req/s | Datasette p50 / p95 ms "
             "| renkei / Datasette (req/s) | errors, not 200, repeated slices (renkei; Datasette) |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for pair in pairs:
        cells = []
        for server_name in ("renkei", "Datasette"):
            runs = pair.runs[server_name]
            cells.append(f"{pair.throughput(server_name):,.1f} | {statistics.median(r.p50 for r in runs):,.1f} / "
                         f"{statistics.median(r.p95 for r in runs):,.1f}")
        faults = "; ".join(f"{sum(r.errors for r in runs)}, {sum(r.not_ok for r in runs)}, "
                           f"{sum(r.repeats for r in runs)}" for runs in pair.runs.values())
        theirs = pair.throughput("Datasette")
        ratio = f"**{pair.throughput('renkei') / theirs:.2f}×**" if theirs else "— (no Datasette answer)"
        lines.append(f"| {pair.name} | {len(pair.renkei_urls):,} | {cells[0]} | {cells[1]} | {ratio} | "
                     f"{faults} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the file, start both servers, run the pairs alternately and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--database", type=Path, help="the SQLite file (made here when missing, kept afterwards)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of one wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each server on each pair, alternated")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args(argv)
    venv_bin = Path(sys.executable).parent
    ensure_tools(venv_bin)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="renkei-datasette-") as scratch:
        folder = Path(scratch)
        path = args.database or folder / "db.sqlite"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            print(f"imported {args.projects:,} projects in {build_database(path, args.projects):.1f} s", flush=True)
        pairs, warming = make_pairs(path, args.seed)
        print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}, {path} "
              f"({path.stat().st_size / 2**20:.1f} MiB), wrk -t1 -c{args.connections} -d{args.seconds}s, "
              f"{args.rounds} rounds", flush=True)
        ports = {"renkei": free_port(), "Datasette": free_port()}
        bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        env = {**os.environ, "RENKEI_DATABASE_URL": f"sqlite:///{path.resolve()}",
               "RENKEI_DATA_DIR": str(folder / "var")}
        renkei = [sys.executable, "-c", "from renkei.cli import main; main()", "serve", "--host", "127.0.0.1",
                  "--port", str(ports["renkei"])]
        datasette = [str(venv_bin / "datasette"), "serve", "-i", str(path), "--host", "127.0.0.1", "--port",
                     str(ports["Datasette"]), "--setting", "suggest_facets", "off", "--setting", "default_page_size",
                     str(PAGE_SIZE)]
        started = time.perf_counter()
        with server(renkei, f"{bases['renkei']}/a/{AREA}/", folder / "renkei.log", env) as renkei_process:
            print(f"renkei: first page {time.perf_counter() - started:.1f} s after start", flush=True)
            with server(datasette, f"{bases['Datasette']}/{path.stem}/project.json", folder / "datasette.log"
                        ) as datasette_process:
                for pair in warming:
                    warm(bases["renkei"], pair.renkei_urls)
                    warm(bases["Datasette"], pair.datasette_urls)
                peaks = {"renkei": [0], "Datasette": [0]}
                stop = threading.Event()

                def sample() -> None:
                    while not stop.wait(0.5):
                        peaks["renkei"].append(tree_rss_kib(renkei_process.pid))
                        peaks["Datasette"].append(tree_rss_kib(datasette_process.pid))

                sampler = threading.Thread(target=sample, daemon=True)
                sampler.start()
                measure(pairs, bases, folder, args)
                stop.set()
                sampler.join()
    print()
    print(format_table(pairs))
    print(f"\npeak RSS: renkei {max(peaks['renkei']) / 1024:,.0f} MiB, Datasette "
          f"{max(peaks['Datasette']) / 1024:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
