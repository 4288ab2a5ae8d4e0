"""Fixtures of the command-line tests: a runner on a fresh SQLite database in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Return a runner whose database is a fresh SQLite file, working in a tmp directory."""
    monkeypatch.setenv("RENKEI_DATABASE_URL", f"sqlite:///{tmp_path / 'renkei.db'}")
    monkeypatch.chdir(tmp_path)
    return CliRunner()
