"""Benchmark the response cache's memory bound: a real ``renkei serve`` under many unique search queries.

Imports the bundled example into a fresh SQLite file, then, for each cache size in ``--cache-mb`` (the setting
``RENKEI_RESPONSE_CACHE_MB``; 0 turns the cache off), starts ``renkei serve`` on 127.0.0.1 and sends
``--requests`` GETs of ``/projects?q=<a long unique word>``, one after another, sampling the server's resident
memory (VmRSS of its process tree) every ``--every`` requests. Prints one row per cache size: memory after warm-up,
peak, last, and growth. Before the bound (issue 7), 1,000 such requests took the server from 105 MB to 339 MB.

    .venv/bin/python benchmarks/cache_memory.py [--requests 10000] [--cache-mb 64 8 0]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portal import free_port, running, tree_rss_kib

from renkei.cli.portal import import_example

LONG_WORD = "圏域内の連携による持続可能な地域づくりの推進" * 4  # about 90 characters; q may hold 200


def measure(database: Path, cache_mb: int, requests: int, every: int, log: Path) -> tuple[float, float, float]:
    """Serve the database with this cache size, send the queries; return (warm, peak, last) RSS in MiB."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", "from renkei.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--database-url", f"sqlite:///{database}"]
    os.environ["RENKEI_RESPONSE_CACHE_MB"] = str(cache_mb)
    with running(command, base + "/projects", log, timeout=120) as process:
        # Warm every page type, and the search's reading analyser (SudachiPy loads its dictionary on the first
        # query with kana, about 90 MiB once), so that growth after this is what the queries keep.
        for path in ("/", "/projects", "/kpis", "/municipalities", "/projects?q=" + urllib.parse.quote("こどもの研修")):
            urllib.request.urlopen(base + path, timeout=60).read()
        warm = peak = last = tree_rss_kib(process.pid) / 1024
        for i in range(requests):
            query = urllib.parse.urlencode({"q": f"{LONG_WORD}{i}"})
            with urllib.request.urlopen(f"{base}/projects?{query}", timeout=60) as response:
                response.read()
            if (i + 1) % every == 0:
                last = tree_rss_kib(process.pid) / 1024
                peak = max(peak, last)
        return warm, peak, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--cache-mb", type=int, nargs="+", default=[64, 8, 0])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="renkei-cache-bench-") as folder:
        work = Path(folder)
        database = work / "renkei.db"
        import_example(f"sqlite:///{database}")
        print(f"{args.requests:,} unique /projects?q=… requests per run (q of {len(LONG_WORD) + 4} characters)")
        print("| RENKEI_RESPONSE_CACHE_MB | RSS after warm-up MiB | peak MiB | last MiB | growth MiB | seconds |")
        print("|---|---|---|---|---|---|")
        for size in args.cache_mb:
            started = time.monotonic()
            warm, peak, last = measure(database, size, args.requests, args.every, work / f"serve-{size}.log")
            print(f"| {size} | {warm:.1f} | {peak:.1f} | {last:.1f} | {peak - warm:+.1f} | "
                  f"{time.monotonic() - started:.0f} |", flush=True)


if __name__ == "__main__":
    main()
