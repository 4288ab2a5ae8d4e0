"""Hostile files given to commands (and to the upload's reader) are refused with the limit named, in bounded memory.

Each hostile file is generated here. The memory checks run the real command in a subprocess and read its peak
resident set size (``os.wait4``): a refusal may cost at most :data:`MEMORY_BOUND_MIB` over the same command on a
small valid file. Time is never asserted (speed is measured by ``benchmarks/hostile_files.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.reading.hostile_workbooks import actuals_sheet, white_space_sheet, wide_sheet, workbook
from typer.testing import CliRunner

from renkei.cli import app
from renkei.reading.input_limits import COMMAND_LINE

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
COMMAND = [sys.executable, "-c", "from renkei.cli import main; main()"]
#: The most a refusal may add to the peak memory of the same command on a small valid file.
MEMORY_BOUND_MIB = 300
#: The upload's reader as the server calls it, on a file's bytes, in a process of its own.
UPLOAD_READER = [sys.executable, "-c",
                 "import sys; from renkei.web.staff.upload import read_uploaded_sheet; "
                 "from renkei.reading.input_limits import InputTooLarge; "
                 "from renkei.reading.actuals import ActualsReadError; "
                 "data = open(sys.argv[1], 'rb').read()\n"
                 "try:\n    read_uploaded_sheet(data, sys.argv[1])\n"
                 "except (InputTooLarge, ActualsReadError) as exc:\n    print(exc, file=sys.stderr); sys.exit(2)\n"]


def _million_rows(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("事業名,指標,年度,実績値\n")
        for start in range(0, 1_000_000, 10_000):
            out.write("".join(f"火災調査,件数,R8,{n}\n" for n in range(start, start + 10_000)))


#: name → (how to write it, what the refusal says in Japanese, in English).
HOSTILE: dict[str, tuple[Callable[[Path], object], str, str]] = {
    "bomb.xlsx": (lambda p: workbook(white_space_sheet(gib=1.0), target=p),
                  "展開後の大きさが上限を超えています", "unpacked, the workbook would be 1,024 MB"),
    "million.csv": (_million_rows, "200,001行目: 行が多すぎます", "row 200,001: too many rows"),
    "cells.xlsx": (lambda p: workbook(wide_sheet(cells=COMMAND_LINE.cells + 100), target=p),
                   "セルが多すぎます（ファイル全体で 2,000,000 セルまで）", "too many cells (at most 2,000,000"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (write, _, _) in HOSTILE.items():
        write(folder / name)
    workbook(actuals_sheet(rows=3), target=folder / "small.xlsx")
    (folder / "small.csv").write_text("事業名,指標,年度,実績値\n火災調査,件数,R8,1\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def baseline(hostile: Path) -> Callable[[tuple[str, ...]], int]:
    """Return the peak memory (KiB) of a command on a small valid file, measured once per command."""
    measured: dict[tuple[str, ...], int] = {}

    def peak(command: tuple[str, ...]) -> int:
        if command not in measured:
            measured[command] = _run_measured(list(command), hostile)[2]
        return measured[command]

    return peak


def _run_measured(command: list[str], folder: Path) -> tuple[int, str, int]:
    """Run a command; return its exit status, its standard error and its peak resident set size in KiB."""
    env = {**os.environ, "RENKEI_DATABASE_URL": f"sqlite:///{folder / 'none.db'}", "COLUMNS": "400"}
    with (folder / "err.txt").open("wb") as err:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, cwd=folder, env=env)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, (folder / "err.txt").read_text(encoding="utf-8"), usage.ru_maxrss


@pytest.mark.parametrize("name", list(HOSTILE))
def test_actuals_import_refuses_a_hostile_file_in_bounded_memory(hostile: Path, baseline: Callable[..., int],
                                                                 name: str) -> None:
    _, ja, en = HOSTILE[name]
    small = "small.xlsx" if name.endswith(".xlsx") else "small.csv"
    before = baseline((*COMMAND, "actuals", "import", str(hostile / small)))
    status, stderr, peak = _run_measured([*COMMAND, "actuals", "import", str(hostile / name)], hostile)
    message = " ".join(stderr.split())
    assert status == 2, stderr
    assert str(hostile / name) in message and ja in message and en in message, message
    assert "Traceback" not in stderr
    assert (peak - before) / 1024 < MEMORY_BOUND_MIB, (peak, before)


def test_plan_import_refuses_a_workbook_bomb_in_bounded_memory(hostile: Path) -> None:
    _, _, before = _run_measured([*COMMAND, "import", str(EXAMPLE), "--dry-run"], hostile)
    status, stderr, peak = _run_measured([*COMMAND, "import", str(hostile / "bomb.xlsx"), "--dry-run"], hostile)
    assert status == 2 and "展開後の大きさが上限を超えています" in stderr and "at most 256 MB" in stderr, stderr
    assert (peak - before) / 1024 < MEMORY_BOUND_MIB, (peak, before)


def test_the_upload_reader_refuses_a_zip_bomb_in_bounded_memory(hostile: Path) -> None:
    _, _, before = _run_measured([*UPLOAD_READER, str(hostile / "small.xlsx")], hostile)
    status, stderr, peak = _run_measured([*UPLOAD_READER, str(hostile / "bomb.xlsx")], hostile)
    assert status == 2 and "展開後の大きさが上限を超えています" in stderr and "at most 64 MB" in stderr, stderr
    assert (peak - before) / 1024 < MEMORY_BOUND_MIB, (peak, before)


def test_a_document_over_the_size_limit_is_refused_unread(runner: CliRunner, tmp_path: Path) -> None:
    document = tmp_path / "vision.txt"
    with document.open("wb") as out:
        out.truncate(COMMAND_LINE.file_bytes + 1)  # sparse: the size is known without writing it
    result = runner.invoke(app, ["parse", str(document)], terminal_width=400)
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert "ファイルが大きすぎます（64 MB まで" in output and "at most 64 MB" in output and str(document) in output


def test_a_file_without_an_end_is_read_only_up_to_the_limit(runner: CliRunner) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    result = runner.invoke(app, ["actuals", "import", "/dev/zero"], terminal_width=400)
    output = " ".join(result.output.split())
    assert result.exit_code == 2, output
    assert "ファイルが大きすぎます" in output and "at most 64 MB" in output


@pytest.mark.parametrize(("content", "ja", "en"), [
    ("事業名,指標,年度,実績値\n".encode(), "中身はテキストです", "the file holds text"),
    (b"truncated", "", ""),
])
def test_a_non_zip_or_truncated_workbook_is_described(runner: CliRunner, tmp_path: Path, content: bytes, ja: str,
                                                      en: str) -> None:
    file = tmp_path / "実績.xlsx"
    if content == b"truncated":
        whole = workbook(actuals_sheet(rows=500))
        content, ja, en = whole[: len(whole) // 2], "壊れているため読めません", "is damaged and cannot be read"
    file.write_bytes(content)
    result = runner.invoke(app, ["actuals", "import", str(file)], terminal_width=400)
    output = " ".join(result.output.split())
    assert result.exit_code == 2 and ja in output and en in output, output
