"""The staff guide's pictures exist and stay small; it names the commands it tells people to run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_picture_of_the_staff_guide_exists_and_is_small() -> None:
    guide = (ROOT / "docs" / "staff-guide.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((images/[^)]+\.png)\)", guide)
    assert len(pictures) >= 8
    for picture in pictures:
        path = ROOT / "docs" / picture
        assert path.is_file(), picture
        assert 5_000 < path.stat().st_size < 200_000, picture


def test_the_guide_uses_commands_that_exist() -> None:
    from renkei.cli import load_commands

    guide = (ROOT / "docs" / "staff-guide.md").read_text(encoding="utf-8")
    group = load_commands()
    known = {f"renkei {name} {sub}" for name, command in group.commands.items()
             for sub in getattr(command, "commands", {})}
    used = set(re.findall(r"renkei (?:user|round|audit|actuals) [a-z-]+", guide))
    assert used and used <= known, used - known
