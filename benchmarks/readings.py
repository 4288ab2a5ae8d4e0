"""Benchmark the readings (読み) the plan import makes for 五十音順, and what the analyser costs in memory.

Reads a generated document of N sheets, then times loading SudachiPy's dictionary and reading every project name
(what ``import_plan`` adds), sorting them by ``gojuon_key``, and reports the process's resident memory before and
after (the dictionary is memory-mapped: file-backed pages the kernel can drop, not heap).

    .venv/bin/python benchmarks/readings.py                  # --sheets 10000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from generate import generate_document

from renkei.domain.collation import gojuon_key
from renkei.reading.sheet import read_plan
from renkei.services import furigana


def resident_mb() -> tuple[float, float]:
    """Return (anonymous, file-backed) resident memory of this process in MB (Linux)."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return (int(fields["RssAnon"].split()[0]) / 1024, int(fields["RssFile"].split()[0]) / 1024)


def main() -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=10_000)
    args = parser.parse_args()
    plan, _ = read_plan(generate_document(args.sheets))
    names = [p.name for p in plan.projects]
    anon0, file0 = resident_mb()
    started = time.perf_counter()
    assert furigana.analyser_available(), "SudachiPy or its dictionary is not installed"
    load = time.perf_counter() - started
    started = time.perf_counter()
    readings = {name: furigana.kana_reading(name) for name in names}
    read = time.perf_counter() - started
    started = time.perf_counter()
    sorted(names, key=lambda n: gojuon_key(n, readings[n]))
    order = time.perf_counter() - started
    anon1, file1 = resident_mb()
    print(f"| sheets | distinct names | dictionary load | reading all names | per name | gojūon sort "
          f"| RSS added (anon / file-backed) |\n|---|---|---|---|---|---|---|\n"
          f"| {len(names):,} | {len(set(names)):,} | {load:.2f} s | {read:.2f} s "
          f"| {read / max(len(set(names)), 1) * 1e6:.0f} µs | {order * 1000:.0f} ms "
          f"| {anon1 - anon0:.0f} MB / {file1 - file0:.0f} MB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
