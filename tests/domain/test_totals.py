"""Budget totals with relisted projects counted once, and projects per municipality."""

from __future__ import annotations

from pathlib import Path

from renkei.domain.relisting import Relisting
from renkei.domain.totals import (
    budget_in_period,
    count_projects_by_municipality,
    outside_period_note,
    total_budget,
)
from renkei.reading.sheet import read_plan

EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")


def test_example_totals_by_hand() -> None:
    plan, _ = read_plan(EXAMPLE)
    totals = total_budget(plan, Relisting.of(plan))
    by_year = {y.fiscal_year: y for y in totals.years}
    # R8 amounts of the sheets that give one, added up by hand from the document (千円).
    assert by_year[2026].amount == 4_284_914
    assert totals.plan_period_total == 4_284_914
    # Most sheets leave R9-R12 blank: those years have no total, never 0.
    assert [by_year[y].amount for y in range(2027, 2031)] == [None, None, None, None]
    assert {y.fiscal_year: y.amount for y in totals.outside} == {
        2021: 36_511, 2022: 44_511, 2023: 43_235, 2024: 34_600, 2025: 35_397}
    assert by_year[2026].stated + by_year[2026].none + by_year[2026].undetermined <= len(plan.projects)
    assert totals.by_policy_area["(2) 圏域内外の結びつきやネットワークの強化に係る政策分野"][2026] == 3_805_388
    # The originals of the four relisted sheets are not in this excerpt, so each is counted here, once.
    assert totals.relisted_excluded == 0


def test_relisted_copy_of_a_listed_project_is_not_counted_twice() -> None:
    sheet = "事業名\t{n}\t連携市町\n事業内容\t内容\t全市町\n事業費（千円）\tR8\tR9\n\t{a}\t\n"
    text = sheet.format(n="事業A", a="1,000") + "\n" + sheet.format(n="事業A【再掲】", a="1,000") + "\n" + sheet.format(
        n="事業B【再掲】", a="50")
    plan, _ = read_plan(text)
    relisting = Relisting.of(plan)
    assert [relisting.budget_counts(p.key) for p in plan.projects] == [True, False, True]
    totals = total_budget(plan, relisting)
    assert [(y.fiscal_year, y.amount, y.stated) for y in totals.years[:2]] == [(2026, 1_050, 2), (2027, None, 0)]


def test_budget_only_outside_the_period_is_said_in_words() -> None:
    plan, _ = read_plan(EXAMPLE)
    project = next(p for p in plan.projects if "U・Iターン" in p.name)
    assert budget_in_period(project, plan) is None
    assert outside_period_note(project, plan) == (
        "計画期間外（令和3〜7年度）の事業費のみ記載", "budget stated only outside the plan period (FY2021-2025)")


def test_projects_per_municipality() -> None:
    plan, _ = read_plan(EXAMPLE)
    counts = count_projects_by_municipality(plan, Relisting.of(plan))
    assert counts["北九州市"] == 29  # every sheet but こども文化パスポート事業
    assert counts["苅田町"] == 27  # not in the U・Iターン project, and 荻田町 read as 苅田町
    assert counts["香春町"] == 27  # not in 消防指令, 筑豊電気鉄道 or 東九州自動車道
