"""The commands' console: whole tables when the output is a pipe or file, whatever COLUMNS a parent left behind."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.table import Table
from typer.testing import CliRunner

import renkei
from renkei.cli import app
from renkei.cli.console import PIPED_WIDTH, command_console

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
LONG = "連携中枢都市圏ビジョン懇談会における意見交換と圏域市町の合意形成に向けた調整" * 3


def printed(columns: str | None, monkeypatch: pytest.MonkeyPatch) -> str:
    """Return a one-row table of a long cell as the console writes it into a file (not a terminal)."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    output = io.StringIO()
    table = Table(title="一覧 / list")
    table.add_column("名前 / name")
    table.add_row(LONG)
    command_console(file=output, soft_wrap=False).print(table)
    return output.getvalue()


@pytest.mark.parametrize("columns", [None, "80", "40"])
def test_a_table_written_to_a_file_keeps_every_cell_whole(columns: str | None,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    text = printed(columns, monkeypatch)
    assert LONG in text and "…" not in text


def test_wider_columns_than_the_piped_width_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(PIPED_WIDTH + 500))
    assert command_console(file=io.StringIO()).width == PIPED_WIDTH + 500


def test_a_terminal_keeps_its_own_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    terminal = command_console(file=io.StringIO(), force_terminal=True)
    assert terminal.is_terminal and terminal.width == 60


def test_a_piped_command_lists_every_area_whole(tmp_path: Path) -> None:
    """`renkei area list | cat` as a user runs it, with the 80×24 that GNU readline exports in a parent."""
    url = f"sqlite:///{tmp_path / 'renkei.db'}"
    seeds = sorted((Path(renkei.__file__).parent / "data" / "areas").glob("*.json"))
    for seed in seeds:  # the shipped areas, stored as a user stores them (in process: only the listing is piped)
        added = CliRunner().invoke(app, ["area", "add", str(seed), "--database-url", url])
        assert added.exit_code == 0, added.output
    env = {**os.environ, "COLUMNS": "40", "LINES": "24", "RENKEI_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-c", "from renkei.cli import main; main()", "area", "list"],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "…" not in done.stdout
    for name in ("北九州都市圏域", "とやま呉西圏域", "広島広域都市圏", "熊本連携中枢都市圏", "播磨圏域連携中枢都市圏"):
        assert name in done.stdout
