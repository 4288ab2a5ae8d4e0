"""A picture or an archive named .xlsx, given to a command, gets a message naming the file, in Japanese and English."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renkei.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("写真/001.txt", "x")
    return buffer.getvalue()


#: file content → (what the message says it is in Japanese, in English).
CONTENTS = {"png": (PNG, "PNG画像", "a PNG image"), "zip": (_zip(), "ZIP圧縮ファイル", "a zip archive")}
COMMANDS = {
    "actuals import": lambda file: ["actuals", "import", str(file)],
    "import": lambda file: ["import", str(file), "--dry-run"],
    "progress --actuals": lambda file: ["progress", "--plan-file", str(EXAMPLE), "--actuals", str(file)],
}


@pytest.mark.parametrize("content", list(CONTENTS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_wrong_file_named_xlsx_is_named_and_described_in_both_languages(
        runner: CliRunner, tmp_path: Path, command: str, content: str) -> None:
    data, ja, en = CONTENTS[content]
    file = tmp_path / "実績報告.xlsx"
    file.write_bytes(data)
    result = runner.invoke(app, COMMANDS[command](file), terminal_width=400)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    output = " ".join(result.output.split())
    assert str(file) in output
    assert ja in output and en in output and ".xlsx" in output, output
    assert "Traceback" not in output and "is not a zip file" not in output
