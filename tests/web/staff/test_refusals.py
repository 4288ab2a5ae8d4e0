"""The staff error handling is written once: only ``web/staff/refusals.py`` turns a refused step into an answer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STAFF = Path(__file__).resolve().parents[3] / "src" / "renkei" / "web" / "staff"
#: The refusals of a staff step (services and readers); answering them is `refusals.answer_refusal`'s job.
REFUSALS = {"WorkflowDenied", "ConflictError", "FormErrors", "AccountError", "AccountDenied", "RoundError",
            "InputTooLarge", "ActualsReadError", "PlanReadError", "LookupError"}


def _caught(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            kinds = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            names.update(k.id for k in kinds if isinstance(k, ast.Name))
    return names


@pytest.mark.parametrize("path", sorted(p for p in STAFF.glob("*.py") if p.name != "refusals.py"), ids=lambda p: p.name)
def test_no_staff_module_answers_a_refusal_its_own_way(path: Path) -> None:
    assert not _caught(path) & REFUSALS, f"{path.name} catches {sorted(_caught(path) & REFUSALS)}: use answer_refusal"


def test_the_one_place_answers_every_refusal() -> None:
    assert _caught(STAFF / "refusals.py") >= REFUSALS
