"""The diff of a new edition names each changed field with its old and new values, as people read them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.plan import (
    Budget,
    BudgetCell,
    BudgetCellStatus,
    Category,
    CostSharing,
    Partners,
    PolicyArea,
    Role,
)
from renkei.domain.quantity import Direction, Quantity, QuantityKind
from renkei.services.plan_diff import STORED_WIDTH, FieldChange, diff_plan, excerpt_change

AMOUNT = BudgetCellStatus.AMOUNT
BUDGET = Budget("千円", (BudgetCell(2026, "2,420", AMOUNT, 2420), BudgetCell(2027, "—", BudgetCellStatus.NONE),
                        BudgetCell(2028, "未定", BudgetCellStatus.UNDETERMINED)), note="備考")

#: (field, the new value, the changes it makes): every kind of project field.
PROJECT_EDITS: list[tuple[str, Any, list[tuple[str, str, str, str]]]] = [
    ("name", "新しい事業名", [("name", "自分らしく歩む女性たちのストーリー発信事業", "新しい事業名", "")]),
    ("policy_area", PolicyArea(2, "ネットワーク"),
     [("policy_area", "(1) 圏域全体の経済成長のけん引", "(2) ネットワーク", "")]),
    ("category", None, [("category", "a 地域公共交通", "", "")]),
    ("category", Category("b", "産業振興"), [("category", "a 地域公共交通", "b 産業振興", "")]),
    ("effects", ("効果",), [("effects", "女性のキャリア形成支援 / 女性の定着によるまちの活性化", "効果", "")]),
    ("partners", Partners("全市町"), [("partners", "行橋市、芦屋町、下関市", "全市町", "")]),
    ("roles", (Role("北九州市", ("推進する。",)),),
     [("roles", "北九州市：本事業を推進する。 / 連携市町：協力する。、周知する。", "北九州市：推進する。", "")]),
    ("cost_sharing", CostSharing("協議し決定する。"),
     [("cost_sharing", "原則として北九州市が負担する。", "協議し決定する。", "")]),
    ("extra", (("備考", "なし"), ("担当", "企画課")), [("extra", "備考：再掲あり", "備考：なし / 担当：企画課", "")]),
    ("budget", replace(BUDGET, cells=(BudgetCell(2026, "2,600", AMOUNT, 2600), *BUDGET.cells[1:])),
     [("budget", "2,420", "2,600", "2026")]),
    ("budget", replace(BUDGET, cells=(*BUDGET.cells, BudgetCell(2029, "100", AMOUNT, 100)), note=None),
     [("budget", "", "100", "2029"), ("budget", "備考", "", "note")]),
    ("budget", replace(BUDGET, unit=None), [("budget", "千円", "", "unit")]),
    ("budget", None, [("budget", "2,420", "", "2026"), ("budget", "—", "", "2027"), ("budget", "未定", "", "2028"),
                      ("budget", "千円", "", "unit"), ("budget", "備考", "", "note")]),
]


@pytest.mark.parametrize(("name", "value", "expected"), PROJECT_EDITS, ids=[e[0] for e in PROJECT_EDITS])
def test_a_changed_project_field_has_its_old_and_new_values(build: Any, name: str, value: object,
                                                            expected: list[tuple[str, str, str, str]]) -> None:
    old = build.project(budget=BUDGET)
    new = replace(old, **{name: value})
    diff = diff_plan(None, {new.key: (old, True)}, build.plan(new))
    (entry,) = diff.changed_projects
    assert entry.fields == (name,)
    assert [(c.field, c.old, c.new, c.part) for c in entry.changes] == expected


#: (field, the new value, old, new): every KPI field.
KPI_EDITS: list[tuple[str, Any, str, str]] = [
    ("direction", Direction.DECREASE, "increase", "decrease"),
    ("baseline", Quantity("5,000回（令和7年度）", QuantityKind.POINT, value=5000, fiscal_year=2025),
     "なし（令和7年度）", "5,000回（令和7年度）"),
    ("target", Quantity("120,000回（令和12年度）", QuantityKind.POINT, value=120000, fiscal_year=2030),
     "100,000回（令和12年度）", "120,000回（令和12年度）"),
]


@pytest.mark.parametrize(("name", "value", "old", "new"), KPI_EDITS, ids=[e[0] for e in KPI_EDITS])
def test_a_changed_kpi_field_has_its_old_and_new_values(build: Any, name: str, value: object, old: str,
                                                        new: str) -> None:
    kpi = build.kpi()
    before = build.project(kpis=(kpi,))
    after = replace(before, kpis=(replace(kpi, **{name: value}),))
    (entry,) = diff_plan(None, {after.key: (before, True)}, build.plan(after)).changed_kpis
    assert [(c.field, c.old, c.new) for c in entry.changes] == [(name, old, new)]


def test_plan_fields_have_their_values(build: Any) -> None:
    plan = build.plan()
    header = {"area_name": plan.area_name, "title": "第1次ビジョン", "first_year": 2025, "last_year": plan.last_year}
    diff = diff_plan(header, {p.key: (p, True) for p in plan.projects}, plan)
    assert diff.plan_fields == ("title", "first_year")
    assert [(c.field, c.old, c.new) for c in diff.plan_changes] == [
        ("title", "第1次ビジョン", "第2次連携中枢都市圏ビジョン"), ("first_year", "2025", "2026")]
    assert diff.to_dict()["plan_changes"] == [
        {"field": "title", "old": "第1次ビジョン", "new": "第2次連携中枢都市圏ビジョン"},
        {"field": "first_year", "old": "2025", "new": "2026"},
    ]


def test_a_stored_change_keeps_the_part_that_changed_of_a_long_text() -> None:
    old = "圏域の" * 200 + "女性ロールモデルを紹介する。" + "以上。" * 200
    change = FieldChange("description", old, old.replace("紹介する", "発信する"))
    stored = change.to_dict()
    assert len(stored["old"]) <= STORED_WIDTH + 2 and len(stored["new"]) <= STORED_WIDTH + 2
    assert "紹介する" in stored["old"] and "発信する" in stored["new"]
    assert stored["old"].startswith("…") and stored["old"].endswith("…")


@given(st.text(alphabet="ab…", max_size=300), st.text(alphabet="ab…", max_size=300),
       st.integers(min_value=1, max_value=80))
def test_an_excerpt_is_short_and_shows_the_difference(old: str, new: str, width: int) -> None:
    a, b = excerpt_change(old, new, width)
    assert len(a) <= width + 2 and len(b) <= width + 2  # and the two … marks
    if len(old) <= width and len(new) <= width:
        assert (a, b) == (old, new)
    assert (a == b) == (old == new)
