"""The lazy command table: every command it names is registered by its module, with the same help line."""

from __future__ import annotations

import subprocess
import sys

import typer

from renkei.cli import COMMANDS, load_commands


def test_command_table_matches_what_the_modules_register() -> None:
    group = load_commands()
    assert sorted(group.commands) == sorted(COMMANDS)
    for name, (module, help_line) in COMMANDS.items():
        sub = typer.Typer()
        __import__(module, fromlist=["register"]).register(sub)
        registered = typer.main.get_group(sub).commands[name]
        first_line = (registered.help or "").strip().splitlines()[0]
        assert first_line == help_line, name


def test_help_imports_no_database_web_or_export_code() -> None:
    code = ("import sys; sys.argv = ['renkei', '--help']\n"
            "from renkei.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('sqlalchemy', 'fastapi', 'renkei.store', 'renkei.web', 'openpyxl', 'xlsxwriter',"
            " 'renkei.reading.sheet') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in result.stdout
    assert "area" in result.stdout and "parse" in result.stdout
