"""The document commands as a shell runs them: they end by os._exit once their output is flushed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import renkei.cli
from renkei.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
COMMAND = [sys.executable, "-c", "from renkei.cli import main; main()"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_parse_writes_the_whole_json_and_exits_0() -> None:
    result = run("parse", str(EXAMPLE), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("}\n")
    assert len(json.loads(result.stdout)["projects"]) == 30


def test_lint_keeps_its_exit_status_1_on_errors() -> None:
    result = run("lint", str(EXAMPLE))
    assert result.returncode == 1
    assert "municipality.misspelt" in result.stdout


def test_a_missing_file_is_exit_status_2_with_a_message(tmp_path: Path) -> None:
    result = run("summary", str(tmp_path / "none.txt"))
    assert result.returncode == 2
    assert "ファイルがありません" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_closed_pipe_ends_quietly() -> None:
    """`renkei parse … | head`: the reader of the output goes away; no traceback, a failing status."""
    with subprocess.Popen([*COMMAND, "parse", str(EXAMPLE), "--format", "json"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(10)
        process.stdout.close()
        error = process.stderr.read().decode("utf-8")
        status = process.wait(timeout=120)
    assert "Traceback" not in error
    assert status in (0, 1)


def test_commands_run_in_process_keep_nothing() -> None:
    result = CliRunner().invoke(app, ["parse", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0
    assert renkei.cli._kept == []
