"""Targets to hold, forecasts only where a level is reached or a total grows, and assessments of 「-」 (issue 18).

Each KPI is read from cells as a planning document writes them (so the meaning flows from the text to the
verdict), then judged against actuals in the plan period 令和8年度～令和12年度 (2026-2030).
"""

from __future__ import annotations

import pytest

from renkei.domain.actual import Actual, Assessment
from renkei.domain.plan import KPI
from renkei.domain.progress import Evaluation, KpiForm, Rating, Status, classify_kpi, evaluate_kpi
from renkei.reading.kpi import build_kpis, read_kpi_rows
from renkei.reading.layout import split_rows

ALL_YEARS = range(2026, 2031)


def kpi(baseline: str, target: str, indicator: str = "研修会の開催回数") -> KPI:
    rows = [r for r in split_rows(f"KPI\t指標\t現状値\t目標値\n\t{indicator}\t{baseline}\t{target}") if r.cells]
    raws, years, _ = read_kpi_rows(rows[0], rows[1:])
    (built,), _ = build_kpis(raws, years)
    return built


def judge(read: KPI, actuals: dict[int, float], as_of: int, assessment: Assessment | None = None) -> Evaluation:
    return evaluate_kpi(read, [Actual(y, v) for y, v in actuals.items()], as_of=as_of, plan_first_year=2026,
                        plan_last_year=2030, assessment=assessment)


# baseline, target, form, actuals, as of, status, rating
HOLD = [
    # 1回/年 by 令和12年度 with the same baseline is a level to hold: met in year 1 is on track, not achieved.
    ("1回（令和7年度）", "1回/年（令和12年度）", KpiForm.MAINTAIN, {2026: 1}, 2026, Status.ON_TRACK, Rating.B),
    ("1回（令和7年度）", "1回/年（令和12年度）", KpiForm.MAINTAIN, {2026: 1, 2027: 3}, 2028, Status.ON_TRACK,
     Rating.B),
    ("1回（令和7年度）", "1回/年（令和12年度）", KpiForm.MAINTAIN, dict.fromkeys(ALL_YEARS, 1), 2030,
     Status.ACHIEVED, Rating.A),
    ("1回（令和7年度）", "1回/年（令和12年度）", KpiForm.MAINTAIN, {2029: 1, 2030: 0}, 2030, Status.NOT_ACHIEVED,
     Rating.E),
    # A rate to reach (0回 → 1回/年) is a level to reach, but a rate met early must still hold until 令和12年度.
    ("0回（令和7年度）", "1回/年（令和12年度）", KpiForm.POINT, {2026: 1}, 2026, Status.ON_TRACK, Rating.B),
    ("0回（令和7年度）", "1回/年（令和12年度）", KpiForm.POINT, {2030: 1}, 2030, Status.ACHIEVED, Rating.A),
    # The same target with its years spelt out reads the same, as the issue asks.
    ("1回（令和7年度）", "1回/年（令和8年度～令和12年度）", KpiForm.EVERY_YEAR, {2026: 1}, 2026, Status.ON_TRACK,
     Rating.B),
    ("1回（令和7年度）", "1回/年（令和8年度～令和12年度）", KpiForm.EVERY_YEAR, dict.fromkeys(ALL_YEARS, 1), 2030,
     Status.ACHIEVED, Rating.A),
    ("年1回", "年1回", KpiForm.EVERY_YEAR, {2026: 1, 2027: 1}, 2027, Status.ON_TRACK, Rating.B),
    ("年1回", "年1回", KpiForm.EVERY_YEAR, dict.fromkeys(ALL_YEARS, 1), 2030, Status.ACHIEVED, Rating.A),
    ("8回（令和7年度）", "6回/年（令和8年度～12年度）", KpiForm.EVERY_YEAR, {2026: 7, 2027: 6}, 2027,
     Status.ON_TRACK, Rating.B),
    ("8回（令和7年度）", "6回/年（令和8年度～12年度）", KpiForm.EVERY_YEAR, {2026: 7, 2027: 5}, 2027,
     Status.BEHIND, Rating.C),
    # 現状維持 is held so far before 令和12年度 and achieved once 令和12年度 holds.
    ("12社（令和7年度）", "現状維持以上（令和12年度）", KpiForm.MAINTAIN, {2027: 13}, 2027, Status.ON_TRACK,
     Rating.B),
    ("12社（令和7年度）", "現状維持以上（令和12年度）", KpiForm.MAINTAIN, {2030: 12}, 2030, Status.ACHIEVED,
     Rating.A),
    # Levels and totals reached early stay achieved: nothing about them has to hold.
    ("84.5%(令和6年度)", "85.9%(令和12年度)", KpiForm.POINT, {2027: 86}, 2027, Status.ACHIEVED, Rating.A),
    ("5件（令和7年度）", "25件（令和12年度までの累計）", KpiForm.CUMULATIVE, {2026: 15, 2027: 12}, 2027,
     Status.ACHIEVED, Rating.A),
]


@pytest.mark.parametrize(("baseline", "target", "form", "actuals", "as_of", "status", "rating"), HOLD)
def test_a_target_to_hold_is_on_track_until_the_target_year_holds(
    baseline: str, target: str, form: KpiForm, actuals: dict[int, float], as_of: int, status: Status, rating: Rating
) -> None:
    read = kpi(baseline, target)
    assert classify_kpi(read) is form
    evaluation = judge(read, actuals, as_of)
    assert (evaluation.status, evaluation.rating) == (status, rating)


@pytest.mark.parametrize(
    ("baseline", "target", "actuals", "as_of", "words"),
    [
        ("1回（令和7年度）", "1回/年（令和12年度）", {2026: 1}, 2026,
         "令和8年度は目標を満たしている。令和12年度まで続けば達成"),
        ("0回（令和7年度）", "1回/年（令和12年度）", {2027: 2}, 2027,
         "令和9年度は目標を満たしている。令和12年度まで続けば達成"),
        ("1回（令和7年度）", "1回/年（令和8年度～令和12年度）", {2026: 1}, 2026,
         "令和8年度は目標を満たしている。令和12年度まで続けば達成"),
        ("年1回", "年1回", {2026: 1, 2027: 1}, 2028, "令和9年度は目標を満たしている。令和12年度まで続けば達成"),
    ],
)
def test_the_explanation_says_what_is_left_to_hold(baseline: str, target: str, actuals: dict[int, float],
                                                   as_of: int, words: str) -> None:
    evaluation = judge(kpi(baseline, target), actuals, as_of)
    assert words in evaluation.explanation_ja
    assert evaluation.explanation_ja.endswith("→ 順調")
    assert "achieved if it holds through FY2030" in evaluation.explanation_en


@pytest.mark.parametrize(
    ("baseline", "target", "actuals"),
    [
        ("年1回", "年1回", {2026: 1, 2027: 2}),
        ("1回/年", "1回/年を維持", {2026: 1, 2027: 2}),
        ("1回（令和7年度）", "1回/年（令和12年度）", {2026: 1, 2027: 2}),
        ("8回（令和7年度）", "6回/年（令和8年度～12年度）", {2026: 2, 2027: 4}),
        ("2回（令和7年度）", "2回（令和12年度）", {2026: 1, 2027: 3}),
        ("0回（令和7年度）", "1回/年（令和12年度）", {2026: 1, 2027: 2}),  # a rate met so far: held, not extrapolated
        ("300件（令和7年度）", "前年度以上", {2026: 310, 2027: 320}),
    ],
)
def test_no_forecast_for_what_must_hold(baseline: str, target: str, actuals: dict[int, float]) -> None:
    evaluation = judge(kpi(baseline, target), actuals, 2027)
    assert (evaluation.forecast_at_target, evaluation.forecast_year_reached) == (None, None)
    assert (evaluation.forecast_ja, evaluation.forecast_en) == ("", "")
    assert "このペース" not in evaluation.explanation_ja


@pytest.mark.parametrize(
    ("baseline", "target", "actuals", "share"),
    [
        ("84.5%(令和6年度)", "85.9%(令和12年度)", {2026: 84.9}, "86%"),  # a level to reach
        ("5件（令和7年度）", "25件（令和12年度までの累計）", {2026: 4, 2027: 6}, "100%"),  # a total
        ("0回（令和7年度）", "6回/年（令和12年度）", {2026: 1, 2027: 2}, "83%"),  # a rate not reached yet
    ],
)
def test_forecast_for_a_level_to_reach_or_a_total(baseline: str, target: str, actuals: dict[int, float],
                                                  share: str) -> None:
    evaluation = judge(kpi(baseline, target), actuals, 2027)
    assert evaluation.forecast_at_target is not None
    assert evaluation.forecast_ja == f"このペースでは令和12年度に目標の{share}"
    assert evaluation.forecast_ja in evaluation.explanation_ja


DASH = ("-", "-")


@pytest.mark.parametrize(
    ("assessment", "status", "rating"),
    [
        (Assessment(2026, Status.ON_TRACK, "協議会で2件の共同調達を検討", word="順調"), Status.ON_TRACK, Rating.B),
        (Assessment(2027, Status.BEHIND, "システム統一の調整が難航", word="遅れ"), Status.BEHIND, Rating.C),
        (Assessment(2027, Status.BEHIND, "未着手", rating=Rating.D, word="未着手"), Status.BEHIND, Rating.D),
        (Assessment(2026, Status.ACHIEVED, "電子申請を全市町で開始", word="達成"), Status.ACHIEVED, Rating.A),
        (Assessment(2027, Status.ACHIEVED, "評価の文字と合わない評価", rating=Rating.D), Status.ACHIEVED, Rating.A),
    ],
)
def test_a_dash_target_takes_a_staff_assessment(assessment: Assessment, status: Status, rating: Rating) -> None:
    read = kpi(*DASH, indicator="圏域内のDX推進")
    assert classify_kpi(read) is KpiForm.NONE
    evaluation = judge(read, {}, 2027, assessment)
    assert (evaluation.status, evaluation.rating, evaluation.rule) == (status, rating, "none.assessment")
    assert evaluation.judged_year == assessment.fiscal_year
    assert assessment.comment in evaluation.explanation_ja
    assert "測定できる値がないため担当課の評価による" in evaluation.explanation_ja
    assert evaluation.target_value is None and evaluation.forecast_at_target is None


@pytest.mark.parametrize("assessment", [None, Assessment(2028, Status.ACHIEVED, "翌年度の評価")])
def test_a_dash_target_without_a_due_assessment_is_not_measurable(assessment: Assessment | None) -> None:
    evaluation = judge(kpi(*DASH, indicator="圏域内のDX推進"), {2026: 3}, 2027, assessment)
    assert (evaluation.status, evaluation.rating, evaluation.rule) == (
        Status.NOT_MEASURABLE, Rating.NONE, "none.not_measurable")
    assert evaluation.explanation_ja.endswith("→ 測定不能")
