"""Every finding rule the code can emit is documented in docs/lint-rules.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIXES = ("document", "category", "sheet", "partners", "municipality", "budget", "project", "roles", "kpi")
RULE = re.compile(r"\"((?:" + "|".join(PREFIXES) + r")\.[a-z_]+)\"")


def emitted_rules() -> set[str]:
    found: set[str] = set()
    for layer in ("reading", "lint", "domain"):
        for path in (ROOT / "src" / "renkei" / layer).rglob("*.py"):
            found.update(RULE.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_rule_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+)`", (ROOT / "docs" / "lint-rules.md").read_text(
        encoding="utf-8"), re.MULTILINE))
    rules = emitted_rules()
    assert len(rules) > 30
    assert sorted(rules - documented) == []


def test_readme_names_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    from renkei.cli import load_commands

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = load_commands()
    names: list[str] = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        names.extend(f"renkei {name} {s}" for s in sub) if sub else names.append(f"renkei {name}")
    assert len(names) >= 8
    assert [n for n in names if f"`{n}" not in readme] == []


def test_every_setting_is_documented() -> None:
    from renkei.settings import Settings

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for field in Settings.model_fields:
        assert f"RENKEI_{field.upper()}" in readme, field
