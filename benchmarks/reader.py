"""Benchmark the sheet reader: sheets per second and peak memory of read_plan, and whether both grow linearly.

Reads the bundled example and generated documents of 1,000 / 5,000 / 10,000 sheets (benchmarks/generate.py,
fixed seed) on one core. Time is the best of ``--repeat`` runs without tracing; peak memory is measured in a
separate run under tracemalloc (which slows Python down, so it is never timed). Exit status 1 when the goal
(≥ 5,000 sheets/s) is missed or time or memory per sheet grows by more than half from the smallest to the
largest generated document.

    .venv/bin/python benchmarks/reader.py [--sizes 1000 5000 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import EXAMPLE, generate_document

from renkei.reading.area import load_area, load_registry
from renkei.reading.sheet import clear_reader_caches, read_plan

GOAL_SHEETS_PER_SECOND = 5_000
LINEAR_TOLERANCE = 1.5


@dataclass(frozen=True)
class Measurement:
    """One document's figures."""

    label: str
    sheets: int
    megabytes: float
    seconds: float
    peak_bytes: int

    @property
    def sheets_per_second(self) -> float:
        """Return the reading rate."""
        return self.sheets / self.seconds

    @property
    def peak_per_sheet(self) -> float:
        """Return the peak traced memory per sheet in bytes."""
        return self.peak_bytes / self.sheets


def measure_document(label: str, text: str, repeat: int) -> Measurement:
    """Time read_plan on a text (best of ``repeat``) and trace its peak memory in one more run."""
    area, registry = load_area("kitakyushu"), load_registry()  # loaded once, outside the measurement
    best = float("inf")
    sheets = 0
    for _ in range(repeat):
        clear_reader_caches()  # every run starts cold: no cell reading is remembered from the last one
        gc.collect()
        start = time.perf_counter()
        plan, _findings = read_plan(text, area=area, registry=registry)
        best = min(best, time.perf_counter() - start)
        sheets = len(plan.projects)
        del plan, _findings
    clear_reader_caches()
    gc.collect()
    tracemalloc.start()
    _plan, _findings = read_plan(text, area=area, registry=registry)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Measurement(label, sheets, len(text.encode("utf-8")) / 1e6, best, peak)


def print_table(rows: list[Measurement]) -> None:
    """Print the measurements as a Markdown table."""
    print("| document | sheets | MB | seconds | sheets/s | peak MiB (tracemalloc) | peak KiB/sheet |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for m in rows:
        print(f"| {m.label} | {m.sheets:,} | {m.megabytes:.1f} | {m.seconds:.3f} | {m.sheets_per_second:,.0f} | "
              f"{m.peak_bytes / 2**20:.1f} | {m.peak_per_sheet / 1024:.1f} |")


def check_goals(generated: list[Measurement]) -> list[str]:
    """Return the goals missed (empty when all are met)."""
    missed: list[str] = []
    slowest = min(generated, key=lambda m: m.sheets_per_second)
    if slowest.sheets_per_second < GOAL_SHEETS_PER_SECOND:
        missed.append(f"speed: {slowest.sheets_per_second:,.0f} sheets/s on {slowest.label} "
                      f"(goal ≥ {GOAL_SHEETS_PER_SECOND:,})")
    small, large = generated[0], generated[-1]
    time_ratio = (large.seconds / large.sheets) / (small.seconds / small.sheets)
    memory_ratio = large.peak_per_sheet / small.peak_per_sheet
    print(f"\ntime per sheet, {large.label} / {small.label}: {time_ratio:.2f} (linear ≈ 1, limit {LINEAR_TOLERANCE})")
    print(f"peak memory per sheet, {large.label} / {small.label}: {memory_ratio:.2f} "
          f"(linear ≈ 1, limit {LINEAR_TOLERANCE})")
    if time_ratio > LINEAR_TOLERANCE:
        missed.append(f"time grows faster than linearly: ×{time_ratio:.2f} per sheet")
    if memory_ratio > LINEAR_TOLERANCE:
        missed.append(f"memory grows faster than linearly: ×{memory_ratio:.2f} per sheet")
    return missed


def pin_to_one_core() -> str:
    """Pin this process to one CPU when the platform allows it; return a description."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def main(argv: list[str] | None = None) -> int:
    """Run the reader benchmark and print the table and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"renkei reader benchmark — Python {sys.version.split()[0]}, {pin_to_one_core()}, "
          f"{os.cpu_count()} CPUs on the machine\n")
    rows = [measure_document("example (kitakyushu_vision_r8)", EXAMPLE.read_text(encoding="utf-8"), args.repeat)]
    generated = [measure_document(f"generated {size:,}", generate_document(size), args.repeat)
                 for size in sorted(args.sizes)]
    print_table(rows + generated)
    missed = check_goals(generated) if len(generated) > 1 else []
    print("\n" + ("all goals met" if not missed else "goals missed:\n- " + "\n- ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
