"""The bundled example's 30 sheets, checked field by field against an expectation written by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from renkei.domain.plan import Plan, Project
from renkei.domain.quantity import Quantity
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kitakyushu_vision_r8.txt"
EXPECTED = json.loads((ROOT / "tests" / "data" / "kitakyushu_expected.json").read_text(encoding="utf-8"))["projects"]
ALL_MEMBERS = [m.name for m in load_area("kitakyushu").members]


@pytest.fixture(scope="module")
def plan() -> Plan:
    plan, _ = read_plan(EXAMPLE.read_text(encoding="utf-8"))
    return plan


def _quantity(q: Quantity) -> list[Any]:
    d = q.to_dict()
    return [d["value"], d["unit"], d["per"], d["kind"], d["fiscal_year"], d["from_fiscal_year"]]


def test_all_thirty_sheets_are_read(plan: Plan) -> None:
    assert [p.name for p in plan.projects] == [e["name"] for e in EXPECTED]


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["name"][:16] for e in EXPECTED])
def test_sheet_fields(plan: Plan, expected: dict[str, Any]) -> None:
    project: Project = next(p for p in plan.projects if p.line == expected["line"])
    assert project.name == expected["name"]
    assert project.relisted is expected["relisted"]
    area = project.policy_area
    assert ([area.number, area.name] if area else None) == expected["policy_area"]
    cat = project.category
    assert ([cat.code, cat.name] if cat else None) == expected["category"]
    partners = ALL_MEMBERS if expected["partners"] == "ALL" else expected["partners"]
    assert list(project.partners.municipalities) == partners
    assert project.partners.all_members is (expected["partners"] == "ALL")
    assert list(project.partners.outside_area) == expected["outside"]
    assert project.budget is not None
    assert project.budget.unit == expected["budget_unit"]
    assert {str(y): v for y, v in project.budget.by_fiscal_year.items()} == expected["budget"]
    assert [[r.party, len(r.duties)] for r in project.roles] == expected["roles"]
    basis = project.cost_sharing.basis
    assert (basis.value if basis else None) == expected["cost"]
    assert list(project.effects) == expected["effects"]
    assert project.description
    got = [[k.indicator, _quantity(k.baseline), _quantity(k.target), k.direction.value if k.direction else None]
           for k in project.kpis]
    assert got == expected["kpis"]
