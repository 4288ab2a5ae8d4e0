"""Progress of KPIs stated in the new ways: relative targets, maintain-at-least, rankings, ±bounds, year on year.

Each KPI is read from real-style cells by the reader (so the meaning flows from the text to the verdict), then
judged against actuals. Existing judgements are unchanged (tests/domain/test_progress.py).
"""

from __future__ import annotations

import pytest

from renkei.domain.actual import Actual
from renkei.domain.plan import KPI
from renkei.domain.progress import KpiForm, Status, classify_kpi, evaluate_kpi
from renkei.domain.quantity import Basis, Quantity, QuantityKind, Relation, Relative
from renkei.domain.relative import resolve_target, unresolved_reason
from renkei.reading.kpi import build_kpis, read_kpi_rows
from renkei.reading.layout import split_rows


def kpi(indicator: str, baseline: str, target: str) -> KPI:
    rows = [r for r in split_rows(f"KPI\t指標\t現状値\t目標値\n\t{indicator}\t{baseline}\t{target}") if r.cells]
    raws, years, _ = read_kpi_rows(rows[0], rows[1:])
    (built,), _ = build_kpis(raws, years)
    return built


# indicator, baseline, target, actuals, as of, form, status, rule
CASES = [
    # +20% of 1,000 is 1,200 by FY2030: 1,150 in 2028 is on the way, 1,250 in 2030 reaches it.
    ("観光消費額", "1,000百万円（令和7年度）", "+20%（令和12年度）", {2028: 1150}, 2028, KpiForm.POINT,
     Status.ON_TRACK, "point.linear"),
    ("観光消費額", "1,000百万円（令和7年度）", "+20%（令和12年度）", {2030: 1250}, 2030, KpiForm.POINT,
     Status.ACHIEVED, "point.linear"),
    ("観光消費額", "1,000百万円（令和7年度）", "+20%（令和12年度）", {2030: 1100}, 2030, KpiForm.POINT,
     Status.NOT_ACHIEVED, "point.linear"),
    # 0.3%削減 of 50,000 t is 49,850 t or less.
    ("ごみ排出量", "50,000t（令和6年度）", "0.3%削減（令和12年度）", {2030: 49800}, 2030, KpiForm.POINT,
     Status.ACHIEVED, "point.linear"),
    # 現状維持以上: hold at least 12 社 (on track while it holds, achieved once 2030 holds).
    ("出展企業数", "12社（令和7年度）", "現状維持以上（令和12年度）", {2027: 13}, 2027, KpiForm.MAINTAIN,
     Status.ON_TRACK, "maintain.hold"),
    ("出展企業数", "12社（令和7年度）", "現状維持以上（令和12年度）", {2030: 13}, 2030, KpiForm.MAINTAIN,
     Status.ACHIEVED, "maintain.hold"),
    ("出展企業数", "12社（令和7年度）", "現状維持以上（令和12年度）", {2027: 11}, 2027, KpiForm.MAINTAIN,
     Status.BEHIND, "maintain.hold"),
    # A ranking: 上位を維持 holds the 15th place or better (a smaller number).
    ("魅力度順位", "15位（令和7年度）", "上位を維持", {2027: 12}, 2027, KpiForm.MAINTAIN, Status.ON_TRACK,
     "maintain.hold"),
    ("魅力度順位", "15位（令和7年度）", "上位を維持", {2027: 18}, 2027, KpiForm.MAINTAIN, Status.BEHIND,
     "maintain.hold"),
    # 15位 → 10位以内: 9th place reaches it.
    ("魅力度順位", "15位（令和7年度）", "10位以内（令和12年度）", {2030: 9}, 2030, KpiForm.POINT, Status.ACHIEVED,
     "point.linear"),
    # △10%以内 of 120,000 人: no fewer than 108,000.
    ("バス利用者数", "12万人（令和7年度）", "△10%以内（令和12年度）", {2030: 110000}, 2030, KpiForm.POINT,
     Status.ACHIEVED, "point.linear"),
    # ±2%以内: the size of the change within 2.
    ("人口増減率", "-1.5%（令和7年度）", "±2%以内（令和12年度）", {2030: -1.8}, 2030, KpiForm.POINT, Status.ACHIEVED,
     "point.linear"),
    # 前年度以上: each year at least the year before, from the baseline year on.
    ("利用件数", "300件（令和7年度）", "前年度以上", {2026: 310, 2027: 320}, 2027, KpiForm.EVERY_YEAR,
     Status.ON_TRACK, "every_year.previous"),
    ("利用件数", "300件（令和7年度）", "前年度以上", {2026: 310, 2027: 290}, 2027, KpiForm.EVERY_YEAR,
     Status.BEHIND, "every_year.previous"),
    # 前年度比5%増: 300 → at least 315 → at least 330.75.
    ("利用件数", "300件（令和7年度）", "前年度比5%増", {2026: 316, 2027: 332}, 2027, KpiForm.EVERY_YEAR,
     Status.ON_TRACK, "every_year.previous"),
    # 20%増 with no numeric baseline stays relative: judged on its direction alone.
    ("参加者数", "-", "20%増（令和12年度）", {2027: 40}, 2027, KpiForm.QUALITATIVE, Status.NO_DATA,
     "qualitative.no_data"),
]


@pytest.mark.parametrize(("indicator", "baseline", "target", "actuals", "as_of", "form", "status", "rule"), CASES)
def test_new_meanings_are_judged(indicator: str, baseline: str, target: str, actuals: dict[int, float], as_of: int,
                                 form: KpiForm, status: Status, rule: str) -> None:
    read = kpi(indicator, baseline, target)
    assert classify_kpi(read) is form
    evaluation = evaluate_kpi(read, [Actual(y, v) for y, v in actuals.items()], as_of=as_of, plan_first_year=2026,
                              plan_last_year=2030)
    assert (evaluation.status, evaluation.rule) == (status, rule)


def test_several_measures_are_judged_each_on_its_own() -> None:
    text = "KPI\t指標\t現状値\t目標値\n\t圏域のシェア\t人口41.2% 面積30.8%（R7）\t現状維持（R12）"
    rows = [r for r in split_rows(text) if r.cells]
    raws, years, _ = read_kpi_rows(rows[0], rows[1:])
    built, _ = build_kpis(raws, years)
    statuses = [evaluate_kpi(k, [Actual(2027, v)], as_of=2027, plan_first_year=2026, plan_last_year=2030).status
                for k, v in zip(built, (41.5, 30.1), strict=True)]
    assert statuses == [Status.ON_TRACK, Status.BEHIND]  # 現状維持 holds so far, or does not


# baseline, target, reason
UNRESOLVED = [
    (Quantity("-", QuantityKind.NONE), Relative(Relation.PERCENT, 20), "baseline_not_numeric"),
    (Quantity("100人（R6）", QuantityKind.POINT, 100, "人", fiscal_year=2024),
     Relative(Relation.PERCENT, -5, Basis.FISCAL_YEAR, 2014), "basis_year_differs"),
    (Quantity("100人", QuantityKind.POINT, 100, "人"), Relative(Relation.CHANGE, 5, unit="件"), "unit_differs"),
    (Quantity("100人", QuantityKind.POINT, 100, "人"), Relative(Relation.PERCENT, 3, Basis.PREVIOUS_YEAR),
     "previous_year"),
    (Quantity("30件（累計）", QuantityKind.CUMULATIVE, 30, "件"), Relative(Relation.PERCENT, 10),
     "baseline_cumulative"),
]


@pytest.mark.parametrize(("baseline", "relative", "reason"), UNRESOLVED)
def test_relative_targets_left_unresolved_say_why(baseline: Quantity, relative: Relative, reason: str) -> None:
    target = Quantity("x", QuantityKind.QUALITATIVE, relative=relative)
    assert unresolved_reason(baseline, target) == reason
    assert resolve_target(baseline, target) == target


def test_a_ratio_under_a_ratio_baseline_is_a_level() -> None:
    baseline = Quantity("1.2倍", QuantityKind.POINT, 1.2, "倍")
    target = Quantity("1.5倍", QuantityKind.POINT, 1.5, "倍", relative=Relative(Relation.RATIO, 1.5))
    assert resolve_target(baseline, target).relative is None
    assert resolve_target(Quantity("200人", QuantityKind.POINT, 200, "人"), target).value == 300
