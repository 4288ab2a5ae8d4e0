"""Browser fixtures of the staff workspace: its own `renkei serve` on a fresh database, accounts made by the CLI.

The public portal's browser tests read the untouched example; the staff flow changes actuals, so it runs
against a server of its own. Accounts, an assignment and a reporting round are made with the real commands, run in
this process through Typer's runner (the server is a process of its own).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from renkei.cli import app

PASSWORD = "correct horse battery staple"
#: 火災原因調査鑑識・鑑定連携事業: every member takes part; its KPI is a count (件).
PROJECT_SLUG = "6ca2fb518e"
ACCOUNTS = (("admin", "admin", None, "企画課"), ("editor", "editor", None, "消防局 予防課"),
            ("yukuhashi", "municipality", "402133", "行橋市 総合政策課"),
            ("kanda", "municipality", "406210", "苅田町 企画課"), ("viewer", "viewer", None, "監査担当"))
STARTUP_SECONDS = 90.0


@dataclass
class StaffServer:
    """A running `renkei serve` with staff accounts: where it answers and its database."""

    base_url: str
    database_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        """Return the absolute URL of a path."""
        return self.base_url + path


def _renkei(*args: str, database_url: str, stdin: str | None = None) -> str:
    """Run a command in this process (Typer's runner): the commands are the point here, not a process of their own."""
    result = CliRunner().invoke(app, [*args, "--database-url", database_url], input=stdin)
    assert result.exit_code == 0, f"renkei {' '.join(args)}: {result.output}"
    return result.output


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[StaffServer]:
    """Start `renkei serve` on a fresh SQLite database with accounts, an assignment and an open round."""
    del browser  # needed first: without a browser there is no point in starting the server
    folder = tmp_path_factory.mktemp("staff-portal")
    url = f"sqlite:///{folder / 'renkei.db'}"
    repo = Path(__file__).resolve().parents[3]
    _renkei("import", str(repo / "examples" / "kitakyushu_vision_r8.txt"), database_url=url)
    for name, role, code, label in ACCOUNTS:
        extra = ["--municipality", code] if code else []
        _renkei("user", "add", name, "--role", role, "--name", label, "--password-stdin", *extra, database_url=url,
                stdin=PASSWORD + "\n")
    _renkei("user", "assign", "editor", PROJECT_SLUG, database_url=url)
    due = date(date.today().year + 1, 5, 31).isoformat()
    _renkei("round", "open", "--year", "R8", "--due", due, "--note", "5月末までに提出してください", database_url=url)
    port = _free_port()
    log = folder / "server.log"
    command = [sys.executable, "-c", "from renkei.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--database-url", url]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RENKEI_DATA_DIR": str(folder)}
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=folder)
    server = StaffServer(f"http://127.0.0.1:{port}", url, process, log)
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"renkei serve exited early:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(server.url("/staff/login"), timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"renkei serve did not answer:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
