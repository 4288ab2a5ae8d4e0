"""Run the fuzz targets one after another for a bounded time and print their executions (``make fuzz``).

``python -m fuzz.run --seconds 60 [TARGET …]``: each target fuzzes with its seeds (``fuzz/corpus/<target>/``, read
only) and a working corpus (``var/fuzz/corpus/<target>/``, where libFuzzer writes what it finds), at ``nice`` 10;
a crash input is written to ``var/fuzz/crashes/<target>/`` and the run fails. ``--merge`` then keeps the inputs
that add coverage in ``fuzz/corpus/<target>/`` (``-merge=1``). Every run is appended to ``var/fuzz/runs.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from fuzz.harness import FUZZ_DIR, TARGETS

WORK = FUZZ_DIR.parent / "var" / "fuzz"
#: The longest input libFuzzer makes per target: a few sheets, one cell, a short CSV, a small workbook.
MAX_LEN = {"sheet": 8192, "quantity": 256, "actuals_csv": 4096, "actuals_xlsx": 32768,
           "actuals_xlsx_parts": 16384, "actuals_mapping": 4096}
_STAT = re.compile(r"^stat::(\w+):\s+(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class FuzzRun:
    """What one target's run did."""

    target: str
    executions: int
    seconds: float
    corpus_files: int
    new_crashes: int
    exit_status: int
    command: str


def fuzz_command(target: str, seconds: int, runs: int | None) -> list[str]:
    """Return the command line fuzzing ``target`` for ``seconds`` (or ``runs`` executions)."""
    bound = f"-runs={runs}" if runs is not None else f"-max_total_time={seconds}"
    return ["nice", "-n", "10", sys.executable, "-m", f"fuzz.{target}", bound, "-timeout=20", "-rss_limit_mb=2048",
            f"-max_len={MAX_LEN[target]}", f"-artifact_prefix={WORK / 'crashes' / target}/", "-print_final_stats=1",
            str(WORK / "corpus" / target), str(FUZZ_DIR / "corpus" / target)]


def fuzz_target(target: str, seconds: int, runs: int | None) -> FuzzRun:
    """Fuzz one target, its output in ``var/fuzz/<target>.log``."""
    for folder in (WORK / "corpus" / target, WORK / "crashes" / target):
        folder.mkdir(parents=True, exist_ok=True)
    crashes_before = set((WORK / "crashes" / target).iterdir())
    command = fuzz_command(target, seconds, runs)
    started = time.monotonic()
    with open(WORK / f"{target}.log", "w", encoding="utf-8") as log:
        status = subprocess.run(command, cwd=FUZZ_DIR.parent, stdout=log, stderr=subprocess.STDOUT,
                                check=False).returncode
    elapsed = time.monotonic() - started
    stats = {name: int(value) for name, value in _STAT.findall((WORK / f"{target}.log").read_text("utf-8", "replace"))}
    corpus = sum(1 for folder in (WORK, FUZZ_DIR) for _ in (folder / "corpus" / target).iterdir())
    crashes = len(set((WORK / "crashes" / target).iterdir()) - crashes_before)
    return FuzzRun(target, stats.get("number_of_executed_units", 0), round(elapsed, 1), corpus, crashes, status,
                   " ".join(command[3:]))


def merge_corpus(target: str) -> None:
    """Keep in ``fuzz/corpus/<target>/`` the working corpus's inputs that add coverage (``-merge=1``)."""
    subprocess.run([sys.executable, "-m", f"fuzz.{target}", "-merge=1", f"-max_len={MAX_LEN[target]}",
                    str(FUZZ_DIR / "corpus" / target), str(WORK / "corpus" / target)],
                   cwd=FUZZ_DIR.parent, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def minimise(check: Callable[[bytes], None], data: bytes) -> bytes:
    """Shrink a crash input while ``check`` still fails with the same exception type (removing ever smaller chunks).

    >>> def check(data: bytes) -> None:
    ...     if b"!" in data:
    ...         raise KeyError(data)
    >>> minimise(check, b"abc!def")
    b'!'
    """
    def fails(candidate: bytes) -> bool:
        try:
            check(candidate)
        except Exception as exc:
            return type(exc) is kind
        return False

    try:
        check(data)
    except Exception as exc:
        kind = type(exc)
    else:
        raise ValueError("the input does not crash the harness")
    chunk = max(1, len(data) // 2)
    while chunk >= 1:
        start, shrunk = 0, False
        while start < len(data):
            candidate = data[:start] + data[start + chunk:]
            if candidate and fails(candidate):
                data, shrunk = candidate, True
            else:
                start += chunk
        if not shrunk:
            chunk //= 2
    return data


def main(argv: list[str] | None = None) -> int:
    """Fuzz the targets named (default: all) and print one line per target; exit 1 when one crashed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"some of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--seconds", type=int, default=60, help="each target's time (-max_total_time)")
    parser.add_argument("--runs", type=int, default=None, help="each target's executions instead of a time (-runs)")
    parser.add_argument("--merge", action="store_true", help="keep new coverage in fuzz/corpus/<target>/ after")
    parser.add_argument("--minimise", metavar="CRASH", type=Path,
                        help="shrink this crash input of the one TARGET named and write it to fuzz/crashes/<target>/")
    args = parser.parse_args(argv)
    if args.minimise is not None:
        if len(args.targets) != 1:
            parser.error("--minimise takes exactly one TARGET")
        return _save_minimised(args.targets[0], args.minimise)
    unknown = [target for target in args.targets if target not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; the targets are {', '.join(TARGETS)}")
    failed = False
    print(f"{'target':<14}{'executions':>12}{'seconds':>9}{'exec/s':>9}{'corpus':>8}{'crashes':>9}")
    for target in args.targets or TARGETS:
        run = fuzz_target(target, args.seconds, args.runs)
        if args.merge:
            merge_corpus(target)
        rate = run.executions / run.seconds if run.seconds else 0.0
        print(f"{run.target:<14}{run.executions:>12,}{run.seconds:>9.0f}{rate:>9,.0f}{run.corpus_files:>8}"
              f"{run.new_crashes:>9}" + ("" if run.exit_status == 0 else f"  (exit {run.exit_status}: see "
                                                                        f"var/fuzz/{target}.log)"), flush=True)
        with open(WORK / "runs.jsonl", "a", encoding="utf-8") as runs:
            runs.write(json.dumps(asdict(run), ensure_ascii=False) + "\n")
        failed = failed or run.exit_status != 0
    return 1 if failed else 0


def _save_minimised(target: str, crash: Path) -> int:
    check: Callable[[bytes], None] = importlib.import_module(f"fuzz.{target}").check
    small = minimise(check, crash.read_bytes())
    out = FUZZ_DIR / "crashes" / target / f"min-{hashlib.sha1(small).hexdigest()[:12]}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(small)
    print(f"{crash.stat().st_size:,} → {len(small):,} bytes: {out} ({small[:80]!r})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
