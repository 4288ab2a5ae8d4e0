"""`renkei serve`: a real server process on a free port, the example imported into an empty database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from renkei.cli import app
from renkei.cli.portal import EXAMPLE_NAME, database_is_empty, import_example, read_example_text


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_packaged_example_matches_the_repository(example_path: Path) -> None:
    assert read_example_text() == example_path.read_text(encoding="utf-8")
    assert example_path.name == EXAMPLE_NAME


def test_import_example_fills_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'renkei.db'}"
    assert database_is_empty(url)
    assert import_example(url) == "kitakyushu-2026"
    assert not database_is_empty(url)
    assert import_example(url) == "kitakyushu-2026"  # a second import changes nothing and does not fail


def test_serve_is_documented() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--database-url", "--import-example", "--workers"):
        assert option in result.output


def test_serve_rejects_a_bad_database_url() -> None:
    result = CliRunner().invoke(app, ["serve", "--database-url", "mysql://x@y/z"])
    assert result.exit_code == 2
    assert "unsupported database URL" in result.output


def test_serve_runs_the_portal(tmp_path: Path) -> None:
    port = free_port()
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    command = [sys.executable, "-c", "from renkei.cli import main; main()", "serve", "--port", str(port),
               "--database-url", url]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               encoding="utf-8", env={**os.environ, "RENKEI_DATA_DIR": str(tmp_path / "data")})
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert f"ポータルを起動しました: http://127.0.0.1:{port} \n" in lines
        assert f"Portal running at http://127.0.0.1:{port}\n" in lines
        assert any("kitakyushu-2026" in line for line in lines)
        page = None
        for _ in range(200):  # wait until uvicorn listens; the outcome, not the time, is asserted
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/a/kitakyushu/projects", timeout=5)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    pytest.fail("the server exited: " + process.stdout.read())
                time.sleep(0.1)
        assert page is not None and page.status_code == 200
        assert "30件の事業" in page.text
        assert "content-security-policy" in page.headers
        kept: list[Path] = []
        for _ in range(600):  # the plan's snapshot is kept for the next worker (written in the background)
            kept = list((tmp_path / "data" / "snapshots").glob("plan-*.snapshot"))
            if kept or process.poll() is not None:
                break
            time.sleep(0.1)
        assert len(kept) == 1
    finally:
        process.terminate()
        process.wait(timeout=30)
