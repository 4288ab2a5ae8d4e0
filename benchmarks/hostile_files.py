"""Benchmark hostile and broken input files: how long each takes to be refused, and the peak memory it costs.

Each file is generated (deterministically) in a temporary folder, then read in a fresh process through the two
channels a user has: the staff upload's reader (``renkei.web.staff.upload.read_uploaded_sheet``, upload limits)
and ``renkei actuals import FILE`` (command-line limits); a plan workbook also through ``renkei import FILE
--dry-run``. Wall and CPU time (user + system, from ``os.wait4``) and the peak resident set size are printed, with
the peak over the same channel reading a small valid file. Goals (exit status 1 when one is missed): every
hostile file is refused with a message naming its limit (exit status 2), and no refusal costs more than
300 MiB over the small file's peak. With ``--before DIR`` (a source tree, e.g. from ``git archive``) the same
runs are made with that tree's ``src`` first on ``PYTHONPATH``, for a before/after table.

    .venv/bin/python benchmarks/hostile_files.py [--bomb-gib 3] [--before /tmp/renkei-61a1b01] [--only bomb]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reading.hostile_workbooks import (  # noqa: E402 (the generators the tests use)
    SHEET_CLOSE,
    SHEET_OPEN,
    actuals_sheet,
    inline_row,
    white_space_sheet,
    wide_sheet,
    workbook,
)

GOAL_MEMORY_MIB = 300
CLI = [sys.executable, "-c", "from renkei.cli import main; main()"]
UPLOAD_READER = [sys.executable, "-c",
                 "import sys\n"
                 "try:\n    from renkei.web.staff.upload import read_uploaded_sheet\n"
                 "except ImportError:  # a tree from before: what its upload endpoint did\n"
                 "    from renkei.reading.actuals import read_actuals_csv, read_actuals_xlsx\n"
                 "    from renkei.reading.document_text import decode_document\n"
                 "    def read_uploaded_sheet(data, name):\n"
                 "        if len(data) > 5 * 1024 * 1024: raise ValueError('the file is too large (5 MB)')\n"
                 "        if data.startswith(b'PK\\x03\\x04') or name.endswith('.xlsx'):\n"
                 "            return read_actuals_xlsx(data)\n"
                 "        return read_actuals_csv(decode_document(data))\n"
                 "try:\n    read_uploaded_sheet(open(sys.argv[1], 'rb').read(), sys.argv[1])\n"
                 "except ValueError as exc:\n    print(exc, file=sys.stderr); sys.exit(2)\n"]
#: The channel → the command that reads a file through it.
CHANNELS: dict[str, Callable[[Path], list[str]]] = {
    "upload": lambda file: [*UPLOAD_READER, str(file)],
    "actuals import": lambda file: [*CLI, "actuals", "import", str(file)],
    "import --dry-run": lambda file: [*CLI, "import", str(file), "--dry-run"],
}


@dataclass(frozen=True)
class Run:
    """One command's run: exit status, the first line of its message, wall and CPU seconds, peak RSS in MiB."""

    status: int
    message: str
    wall: float
    cpu: float
    peak_mib: float


def run(command: list[str], folder: Path, pythonpath: str | None) -> Run:
    """Run a command in a fresh process, its output kept in a file; measure it with ``os.wait4``."""
    env = {**os.environ, "RENKEI_DATABASE_URL": f"sqlite:///{folder / 'none.db'}", "COLUMNS": "400"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    err_path = folder / "stderr.txt"
    start = time.perf_counter()
    with err_path.open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=folder, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    text = " ".join(err_path.read_text(encoding="utf-8", errors="replace").split())
    return Run(os.waitstatus_to_exitcode(status), text[:150], wall, usage.ru_utime + usage.ru_stime,
               usage.ru_maxrss / 1024)


def _million_rows(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("事業名,指標,年度,実績値\n")
        for start in range(0, 1_000_000, 10_000):
            out.write("".join(f"火災調査,件数,R8,{n}\n" for n in range(start, start + 10_000)))


def write_files(folder: Path, bomb_gib: float) -> dict[str, tuple[Path, tuple[str, ...]]]:
    """Write every hostile file and the small valid ones; return name → (path, channels to read it through)."""
    files: dict[str, tuple[Path, tuple[str, ...]]] = {}

    def add(name: str, write: Callable[[Path], object], channels: tuple[str, ...]) -> None:
        path = folder / name
        write(path)
        files[name] = (path, channels)

    both = ("upload", "actuals import")
    add("small.csv", lambda p: p.write_text("事業名,指標,年度,実績値\n火災調査,件数,R8,1\n", encoding="utf-8"), both)
    add("small.xlsx", lambda p: workbook(actuals_sheet(rows=3), target=p), (*both, "import --dry-run"))
    add(f"bomb-{bomb_gib:g}gib.xlsx", lambda p: workbook(white_space_sheet(gib=bomb_gib), target=p),
        (*both, "import --dry-run"))
    add("million-rows.csv", _million_rows, both)
    add("rows-100001.csv", lambda p: p.write_text(
        "事業名,指標,年度,実績値\n" + "火災調査,件数,R8,1\n" * 100_001, encoding="utf-8"), ("upload",))
    add("cells-2000100.xlsx", lambda p: workbook(wide_sheet(cells=2_000_100), target=p), both)
    add("row-16385-cells.xlsx", lambda p: workbook(
        [SHEET_OPEN, inline_row(1, ("事業名",)), b"<row r='2'>" + b"<c/>" * 16_385 + b"</row>", SHEET_CLOSE],
        target=p), both)
    add("styles-500001.xlsx", lambda p: workbook(actuals_sheet(), target=p, extra={"xl/styles.xml": [
        b"<styleSheet>", *(f'<xf numFmtId="{n}"/>'.encode() for n in range(500_001)), b"</styleSheet>"]}), both)
    add("text-named.xlsx", lambda p: p.write_text("事業名,指標,年度,実績値\n", encoding="utf-8"), both)

    def truncated(path: Path) -> None:
        whole = workbook(actuals_sheet(rows=500))
        path.write_bytes(whole[: len(whole) // 2])

    add("truncated.xlsx", truncated, both)
    add("six-mb.csv", lambda p: p.write_bytes(b"x" * (6 * 1024 * 1024)), ("upload",))
    return files


def main(argv: list[str] | None = None) -> int:
    """Generate the files, read each through its channels, print a Markdown table and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bomb-gib", type=float, default=3.0, help="white space in the zip bomb's sheet (GiB)")
    parser.add_argument("--before", type=Path, help="a source tree to measure too (its src/ first on PYTHONPATH)")
    parser.add_argument("--only", default="", help="measure only the files whose name contains this text")
    args = parser.parse_args(argv)
    trees = [("after", None)] + ([("before", str(args.before / "src"))] if args.before else [])
    missed: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        files = write_files(folder, args.bomb_gib)
        print(f"hostile files — Python {sys.version.split()[0]}, load average "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs\n")
        print("| file | size | channel | code | exit | wall s | CPU s | CPU over small file s | peak MiB "
              "| over small file MiB | message |")
        print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---|")
        for tree, pythonpath in trees:
            baselines = {(channel, suffix): run(CHANNELS[channel](files[f"small{suffix}"][0]), folder, pythonpath)
                         for channel in CHANNELS for suffix in (".csv", ".xlsx")
                         if channel in files[f"small{suffix}"][1]}
            for file_name, (path, channels) in files.items():
                if args.only not in file_name:
                    continue
                for channel in channels:
                    result = run(CHANNELS[channel](path), folder, pythonpath)
                    suffix = ".csv" if path.suffix == ".csv" and (channel, ".csv") in baselines else ".xlsx"
                    small = baselines[(channel, suffix)]
                    over = result.peak_mib - small.peak_mib
                    size = path.stat().st_size / 1024 / 1024
                    print(f"| {file_name} | {size:,.1f} MB | {channel} | {tree} | {result.status} | "
                          f"{result.wall:.2f} | {result.cpu:.2f} | {result.cpu - small.cpu:.2f} | "
                          f"{result.peak_mib:,.0f} | {over:,.0f} | "
                          f"{result.message.replace('|', '/')} |", flush=True)
                    if tree == "after" and not file_name.startswith("small"):
                        if result.status != 2:
                            missed.append(f"{file_name} via {channel}: exit {result.status}, not refused")
                        if over > GOAL_MEMORY_MIB:
                            missed.append(f"{file_name} via {channel}: {over:,.0f} MiB over the small file")
    print()
    for problem in missed:
        print(f"MISSED: {problem}")
    print("goals met" if not missed else "goals missed")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
