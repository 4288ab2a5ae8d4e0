"""Tests for the KPI progress rules: worked examples, edge cases and properties."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.domain.actual import Actual, Assessment, MonthMerge
from renkei.domain.plan import KPI
from renkei.domain.progress import (
    Evaluation,
    KpiForm,
    ProgressError,
    Rating,
    Status,
    Thresholds,
    classify_kpi,
    evaluate_kpi,
    month_merge_for,
)
from renkei.domain.quantity import Direction, Qualifier, Quantity, QuantityKind
from renkei.domain.share import ShareMode, ShareRule

POINT, CUMULATIVE, EVERY_YEAR = QuantityKind.POINT, QuantityKind.CUMULATIVE, QuantityKind.EVERY_YEAR
QUALITATIVE, NONE = QuantityKind.QUALITATIVE, QuantityKind.NONE
PLAN = (2026, 2030)  # 令和8年度～令和12年度


def q(
    text: str,
    kind: QuantityKind,
    value: float | None = None,
    unit: str | None = None,
    *,
    year: int | None = None,
    since: int | None = None,
    per: str | None = None,
    qualifier: Qualifier | None = None,
    direction: Direction | None = None,
    from_plan_start: bool = False,
) -> Quantity:
    return Quantity(
        text=text, kind=kind, value=value, unit=unit, per=per, fiscal_year=year, from_fiscal_year=since,
        qualifier=qualifier, direction=direction, cumulative_from_plan_start=from_plan_start,
    )


# KPIs as written in the 北九州 vision (令和8年度版), read by hand into quantities.
FORENSICS = KPI(  # 鑑識・鑑定及び研修・会議等実施件数
    "鑑識・鑑定及び研修・会議等実施件数",
    q("5件（令和7年度）", POINT, 5, "件", year=2025),
    q("25件（令和12年度までの累計）", CUMULATIVE, 25, "件", year=2030, from_plan_start=True),
    Direction.INCREASE,
)
ROADS = KPI(
    "都市計画道路の整備率",
    q("84.5%(令和6年度)", POINT, 84.5, "%", year=2024),
    q("85.9%(令和12年度)", POINT, 85.9, "%", year=2030),
    Direction.INCREASE,
)
WATER_TRAINING = KPI(  # a reader comparing 8 with 6 calls it a decrease; 6回/年 is still a floor
    "水道技術研修の実施回数",
    q("8回（令和7年度）", POINT, 8, "回", year=2025),
    q("6回/年（令和8年度～12年度）", EVERY_YEAR, 6, "回", year=2030, since=2026, per="年"),
    Direction.DECREASE,
)
INCIDENTS = KPI(
    "重大事故件数",
    q("25件（令和7年度）", POINT, 25, "件", year=2025),
    q("0件（令和12年度）", POINT, 0, "件", year=2030),
    Direction.DECREASE,
)
PARTICIPANTS = KPI(
    "参加自治体の数",
    q("6市10町", POINT, 16, "市町"),
    q("参加自治体の増", QUALITATIVE, direction=Direction.INCREASE),
    Direction.INCREASE,
)
EXCHANGE = KPI("定常的な情報交換", q("年1回", POINT, 1, "回", per="年"), q("年1回", POINT, 1, "回", per="年"),
               Direction.MAINTAIN)
GX = KPI(
    "GX関連の新ビジネス創出企業数",
    q("3件（令和5～6年度）", CUMULATIVE, 3, "件", year=2024, since=2023),
    q("30件（令和5～12年度）", CUMULATIVE, 30, "件", year=2030, since=2023),
    Direction.INCREASE,
)
SCHOOL_MEALS = KPI(
    "圏域内の郷土食等を取り入れた給食実施回数",
    q("1回（令和7年度）", POINT, 1, "回", year=2025),
    q("5回（令和8～12年度までの累計）", CUMULATIVE, 5, "回", year=2030, since=2026),
    Direction.INCREASE,
)
SEMINAR = KPI(
    "水道広域セミナーの開催回数",
    q("1回（令和7年度）", POINT, 1, "回", year=2025),
    q("1回/年（令和8年度～令和12年度）", EVERY_YEAR, 1, "回", year=2030, since=2026, per="年"),
    Direction.MAINTAIN,
)
STAFF_TRAINING = KPI(
    "圏域自治体職員の研修受講",
    q("1回（令和7年度）", POINT, 1, "回", year=2025),
    q("1回（毎年度実施）", EVERY_YEAR, 1, "回"),
    Direction.MAINTAIN,
)
DX = KPI("圏域内のDX推進", q("-", NONE), q("-", NONE), None)
G_MOTTY = KPI(
    "G-mottyの月間訪問者数",
    q("14,873人/月（R7.2月～R8.1月の月平均）", POINT, 14873, "人", year=2025, per="月"),
    q("15,000人/月（令和12年度月平均）", POINT, 15000, "人", year=2030, per="月"),
    Direction.INCREASE,
)
NETWORK = KPI(
    "連携体制を構築した市町村",
    q("0市町（令和7年度）", POINT, 0, "市町", year=2025),
    q("11市町（令和12年度）", POINT, 11, "市町", year=2030),
    Direction.INCREASE,
)
WEB_VIEWS = KPI(
    "WEBページ閲覧数",
    q("なし（令和7年度）", QUALITATIVE, year=2025),
    q("100,000回（令和12年度）", POINT, 100000, "回", year=2030),
    Direction.INCREASE,
)
ACCIDENT_CAP = KPI(
    "圏域内の重大事故件数（累計）",
    q("3件（令和7年度）", POINT, 3, "件", year=2025),
    q("10件以下（令和8～12年度の累計）", CUMULATIVE, 10, "件", year=2030, since=2026, qualifier=Qualifier.AT_MOST),
    Direction.DECREASE,
)
PV = KPI("自家消費PV導入施設数", q("38施設", POINT, 38, "施設"), q("129施設", POINT, 129, "施設"), Direction.INCREASE)


def run(kpi: KPI, actuals: dict[int, float], as_of: int, **options: object) -> Evaluation:
    entries = [Actual(year, value) for year, value in actuals.items()]
    return evaluate_kpi(kpi, entries, as_of=as_of, plan_first_year=PLAN[0], plan_last_year=PLAN[1],
                        **options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    kpi: KPI
    actuals: dict[int, float]
    as_of: int
    status: Status
    rating: Rating
    kind: KpiForm
    progress: float | None = None
    expected: float | None = None
    measured: float | None = None
    years: tuple[int, int] | None = None  # (met, due)
    rule: str | None = None


CASES = {
    # --- the worked examples of the brief ---
    "25件累計 as of 2027": Case(FORENSICS, {2026: 4, 2027: 6}, 2027, Status.ON_TRACK, Rating.B,
                              KpiForm.CUMULATIVE, 0.40, 0.40, measured=10),
    "84.5%→85.9% as of 2026": Case(ROADS, {2026: 84.9}, 2026, Status.BEHIND, Rating.C, KpiForm.POINT,
                                   0.286, 0.333, rule="point.linear"),
    "6回/年 one year missed": Case(WATER_TRAINING, {2026: 7, 2027: 5}, 2027, Status.BEHIND, Rating.C,
                                 KpiForm.EVERY_YEAR, 0.2, 0.4, years=(1, 2)),
    "25件→0件 ahead": Case(INCIDENTS, {2027: 10}, 2027, Status.ON_TRACK, Rating.B, KpiForm.POINT, 0.60, 0.40),
    "84.5%→85.9% reached": Case(ROADS, {2030: 86.0}, 2030, Status.ACHIEVED, Rating.A, KpiForm.POINT,
                                1.071, 1.0),
    "参加自治体の増 17": Case(PARTICIPANTS, {2026: 17}, 2026, Status.ACHIEVED, Rating.A, KpiForm.QUALITATIVE,
                         rule="qualitative.baseline"),
    # --- maintain ---
    "年1回 held": Case(EXCHANGE, {2026: 1}, 2026, Status.ON_TRACK, Rating.B, KpiForm.MAINTAIN, 1.0, 1.0),
    "年1回 held through the target year": Case(EXCHANGE, dict.fromkeys(range(2026, 2031), 1), 2030,
                                            Status.ACHIEVED, Rating.A, KpiForm.MAINTAIN, 1.0, 1.0),
    "年1回 skipped": Case(EXCHANGE, {2026: 1, 2027: 0}, 2027, Status.BEHIND, Rating.D, KpiForm.MAINTAIN, 0.0),
    "年1回 skipped in the target year": Case(EXCHANGE, {2029: 1, 2030: 0}, 2030, Status.NOT_ACHIEVED, Rating.E,
                                          KpiForm.MAINTAIN, 0.0),
    "年1回 above": Case(EXCHANGE, {2026: 3}, 2026, Status.ON_TRACK, Rating.B, KpiForm.MAINTAIN),
    # --- cumulative ---
    "GX baseline inside the range": Case(GX, {2025: 4, 2026: 8}, 2026, Status.ON_TRACK, Rating.B,
                                         KpiForm.CUMULATIVE, 0.5, 0.5, measured=15),
    "GX baseline replaced by actuals": Case(GX, {2023: 1, 2024: 1, 2025: 4, 2026: 8}, 2026, Status.BEHIND,
                                            Rating.C, KpiForm.CUMULATIVE, 0.467, 0.5, measured=14),
    "GX baseline only, later years unreported": Case(GX, {}, 2026, Status.NO_DATA, Rating.NONE,
                                                    KpiForm.CUMULATIVE),
    "GX baseline covers every elapsed year: still no report": Case(GX, {}, 2024, Status.NO_DATA, Rating.NONE,
                                                                   KpiForm.CUMULATIVE),
    "給食 5回累計 on pace": Case(SCHOOL_MEALS, {2025: 3, 2026: 1, 2027: 1}, 2027, Status.ON_TRACK, Rating.B,
                             KpiForm.CUMULATIVE, 0.4, 0.4, measured=2),
    "25件累計 reached early": Case(FORENSICS, {2026: 15, 2027: 12}, 2027, Status.ACHIEVED, Rating.A,
                               KpiForm.CUMULATIVE, 1.08, 0.4, measured=27),
    "25件累計 actuals after T do not count": Case(FORENSICS, {2026: 4, 2027: 4, 2028: 4, 2029: 4, 2030: 4,
                                                          2031: 10}, 2031, Status.NOT_ACHIEVED, Rating.E,
                                             KpiForm.CUMULATIVE, 0.8, 1.0, measured=20),
    "25件累計 D": Case(FORENSICS, {2026: 1, 2027: 1, 2028: 1}, 2028, Status.BEHIND, Rating.D,
                     KpiForm.CUMULATIVE, 0.12, 0.6),
    "事故 累計10件以下 within": Case(ACCIDENT_CAP, {2026: 4}, 2026, Status.ON_TRACK, Rating.B,
                               KpiForm.CUMULATIVE, 0.4, 0.2),
    "事故 累計10件以下 exceeded": Case(ACCIDENT_CAP, {2026: 4, 2027: 7}, 2027, Status.NOT_ACHIEVED, Rating.E,
                                 KpiForm.CUMULATIVE, 1.1, 0.4),
    "事故 累計10件以下 held to the end": Case(ACCIDENT_CAP, dict.fromkeys(range(2026, 2031), 2), 2030,
                                       Status.ACHIEVED, Rating.A, KpiForm.CUMULATIVE, 1.0, 1.0),
    # --- every year ---
    "1回/年 all five years": Case(SEMINAR, dict.fromkeys(range(2026, 2031), 1), 2030, Status.ACHIEVED,
                               Rating.A, KpiForm.EVERY_YEAR, 1.0, 1.0, years=(5, 5)),
    "1回/年 four of four": Case(SEMINAR, dict.fromkeys(range(2026, 2030), 1), 2029, Status.ON_TRACK,
                             Rating.B, KpiForm.EVERY_YEAR, 0.8, 0.8, years=(4, 4)),
    "1回/年 last year pending": Case(SEMINAR, dict.fromkeys(range(2026, 2030), 1), 2030, Status.ON_TRACK,
                                  Rating.B, KpiForm.EVERY_YEAR, 0.8, 0.8, years=(4, 4)),
    "1回/年 last year never reported: unknown, not missed": Case(
        SEMINAR, dict.fromkeys(range(2026, 2030), 1), 2031, Status.ON_TRACK, Rating.B, KpiForm.EVERY_YEAR,
        0.8, 0.8, years=(4, 4)),
    "1回/年 a gap is unknown, not a miss": Case(SEMINAR, {2026: 1, 2028: 2}, 2028, Status.ON_TRACK, Rating.B,
                                             KpiForm.EVERY_YEAR, 0.4, 0.6, years=(2, 2)),
    "1回/年 missed at T": Case(SEMINAR, {**dict.fromkeys(range(2026, 2030), 1), 2030: 0}, 2030,
                            Status.NOT_ACHIEVED, Rating.E, KpiForm.EVERY_YEAR, 0.8, 1.0, years=(4, 5)),
    "1回/年 nothing recorded": Case(SEMINAR, {}, 2027, Status.NO_DATA, Rating.NONE, KpiForm.EVERY_YEAR,
                                 years=(0, 0)),
    "1回/年 before the range": Case(SEMINAR, {2025: 1}, 2025, Status.NO_DATA, Rating.NONE,
                                 KpiForm.EVERY_YEAR, years=(0, 0)),
    "毎年度実施 spans the plan": Case(STAFF_TRAINING, {2026: 1, 2027: 0, 2028: 0}, 2028, Status.BEHIND,
                                  Rating.D, KpiForm.EVERY_YEAR, 0.2, 0.6, years=(1, 3)),
    # --- point: more ---
    "no actuals": Case(ROADS, {}, 2027, Status.NO_DATA, Rating.NONE, KpiForm.POINT),
    # --- judged on the data, not the calendar ---
    "as of R9 with only R8 reported: judged on R8": Case(ROADS, {2026: 84.9}, 2027, Status.BEHIND, Rating.C,
                                                        KpiForm.POINT, 0.286, 0.333),
    "25件累計 as of R10 with R8-R9 reported": Case(FORENSICS, {2026: 4, 2027: 6}, 2028, Status.ON_TRACK, Rating.B,
                                                  KpiForm.CUMULATIVE, 0.40, 0.40, measured=10),
    "U・Iターン target R8 missed, as of R9": Case(
        KPI("移住相談窓口利用者中移住者", q("65人", POINT, 65, "人"),
            q("75人（令和8年度）", POINT, 75, "人", year=2026),
            Direction.INCREASE), {2026: 70}, 2027, Status.NOT_ACHIEVED, Rating.E, KpiForm.POINT, 0.5, 1.0),
    "target year not reported yet: still judged by pace": Case(
        KPI("移住相談窓口利用者中移住者", q("65人（令和6年度）", POINT, 65, "人", year=2024),
            q("75人（令和8年度）", POINT, 75, "人", year=2026), Direction.INCREASE),
        {2025: 70}, 2027, Status.ON_TRACK, Rating.B, KpiForm.POINT, 0.5, 0.5),
    "reached early stays achieved": Case(ROADS, {2027: 86.0, 2028: 86.1}, 2028, Status.ACHIEVED, Rating.A,
                                         KpiForm.POINT),
    "reached early then fell back": Case(ROADS, {2027: 86.0, 2028: 84.6}, 2028, Status.BEHIND, Rating.D,
                                         KpiForm.POINT, 0.071, 0.667),
    "cumulative, a middle year unreported": Case(FORENSICS, {2026: 5, 2028: 5}, 2028, Status.BEHIND, Rating.C,
                                                 KpiForm.CUMULATIVE, 0.4, 0.6, measured=10),
    "actual after as_of ignored": Case(ROADS, {2026: 84.9, 2028: 86.0}, 2026, Status.BEHIND, Rating.C,
                                       KpiForm.POINT, 0.286, 0.333),
    "reached after T": Case(ROADS, {2030: 85.0, 2031: 86.2}, 2031, Status.ACHIEVED, Rating.A, KpiForm.POINT),
    "missed at T": Case(ROADS, {2030: 85.0}, 2030, Status.NOT_ACHIEVED, Rating.E, KpiForm.POINT, 0.357, 1.0),
    "before the plan": Case(ROADS, {2025: 84.8}, 2025, Status.ON_TRACK, Rating.B, KpiForm.POINT, 0.214, 0.167),
    "D rating": Case(ROADS, {2028: 84.6}, 2028, Status.BEHIND, Rating.D, KpiForm.POINT, 0.071, 0.667),
    "decrease behind C": Case(INCIDENTS, {2027: 18}, 2027, Status.BEHIND, Rating.C, KpiForm.POINT, 0.28, 0.4),
    "decrease behind D": Case(INCIDENTS, {2028: 20}, 2028, Status.BEHIND, Rating.D, KpiForm.POINT, 0.2, 0.6),
    "decrease moving away": Case(INCIDENTS, {2027: 30}, 2027, Status.BEHIND, Rating.D, KpiForm.POINT, -0.2),
    "decrease reached": Case(INCIDENTS, {2029: 0}, 2029, Status.ACHIEVED, Rating.A, KpiForm.POINT, 1.0),
    "no baseline year: path from the year before the plan": Case(PV, {2027: 80}, 2027, Status.ON_TRACK,
                                                                 Rating.B, KpiForm.POINT, 0.462, 0.4),
    "no baseline value, not yet": Case(WEB_VIEWS, {2027: 40000}, 2027, Status.BEHIND, Rating.C,
                                       KpiForm.POINT, rule="point.target_only"),
    "no baseline value, T passed": Case(WEB_VIEWS, {2030: 90000}, 2030, Status.NOT_ACHIEVED, Rating.E,
                                        KpiForm.POINT, rule="point.target_only"),
    "no baseline value, reached": Case(WEB_VIEWS, {2028: 120000}, 2028, Status.ACHIEVED, Rating.A,
                                       KpiForm.POINT, rule="point.target_only"),
    # --- qualitative and none ---
    "参加自治体 unchanged": Case(PARTICIPANTS, {2026: 16}, 2026, Status.BEHIND, Rating.C, KpiForm.QUALITATIVE),
    "参加自治体 fewer": Case(PARTICIPANTS, {2026: 15}, 2026, Status.BEHIND, Rating.D, KpiForm.QUALITATIVE),
    "参加自治体 unchanged at T": Case(PARTICIPANTS, {2030: 16}, 2030, Status.NOT_ACHIEVED, Rating.E,
                                 KpiForm.QUALITATIVE),
    "参加自治体 no actual": Case(PARTICIPANTS, {}, 2026, Status.NO_DATA, Rating.NONE, KpiForm.QUALITATIVE,
                            rule="qualitative.no_data"),
    "target 「-」": Case(DX, {2026: 3}, 2026, Status.NOT_MEASURABLE, Rating.NONE, KpiForm.NONE,
                        rule="none.not_measurable"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_worked_example(case: Case) -> None:
    evaluation = run(case.kpi, case.actuals, case.as_of)
    assert (evaluation.status, evaluation.rating, evaluation.kind) == (case.status, case.rating, case.kind)
    if case.progress is not None:
        assert evaluation.progress == pytest.approx(case.progress, abs=1e-3)
    if case.expected is not None:
        assert evaluation.expected_progress == pytest.approx(case.expected, abs=1e-3)
    if case.measured is not None:
        assert evaluation.measured == pytest.approx(case.measured)
    if case.years is not None:
        assert (evaluation.years_met, evaluation.years_due) == case.years
    if case.rule is not None:
        assert evaluation.rule == case.rule
    assert evaluation.explanation_ja.endswith(f"→ {case.status.label_ja}")
    assert evaluation.explanation_en.endswith(f"→ {case.status.label_en}")


def test_cumulative_explanation_reads_as_staff_write_it() -> None:
    evaluation = run(FORENSICS, {2026: 4, 2027: 6}, 2027)
    assert evaluation.explanation_ja == (
        "累計 10件（4＋6）/ 目標 25件（40%）（現状値 5件（令和7年度）は累計期間外）。期待進捗 40%（2年経過/5年）。"
        "このペースでは令和12年度に目標の100%。令和9年度の実績で判定 → 順調"
    )
    assert evaluation.explanation_en == (
        "Total 10件 of target 25件 (40%) (baseline 5件（令和7年度） is outside the range); Expected 40% (2 of 5 years "
        "elapsed); at this pace, 100% of the target by FY2030; judged on the FY2027 actual → on track"
    )


@pytest.mark.parametrize(
    ("kpi", "actuals", "as_of", "words"),
    [
        (ROADS, {2026: 84.9}, 2026, "実績 84.9%（令和8年度）。現状値 84.5%（令和6年度）→ 目標 85.9%（令和12年度）"),
        (ROADS, {2026: 84.9}, 2026, "の進捗 29%。期待進捗 33%（2年経過/6年）"),
        (ROADS, {2026: 84.9}, 2026, "このペースでは令和12年度に目標の86%"),
        (ROADS, {2026: 84.9}, 2027, "令和8年度の実績で判定。令和9年度は未報告 → 遅れ"),
        (GX, {2025: 4, 2026: 8}, 2026, "累計 15件（3＋4＋8）/ 目標 30件（50%）（現状値 3件（令和5～6年度）を含む）"),
        (WATER_TRAINING, {2026: 7, 2027: 5}, 2027,
         "毎年度 6回/年以上（令和8年度〜令和12年度）：報告のある2年度中 1年度達成"),
        (WATER_TRAINING, {2026: 7, 2027: 5}, 2027,
         "、未達 令和9年度。最新の実績 5回/年（令和9年度）。進捗 20%（1/5年度）"),
        (PV, {2027: 80}, 2027, "現状値 38施設（令和7年度とみなす）"),
        (SEMINAR, {2026: 1}, 2027, "令和9年度は未報告 → 順調"),
        (WEB_VIEWS, {2027: 40000}, 2027, "現状値が比較できないため目標値とのみ比較"),
        (ROADS, {2031: 86.2}, 2031, "目標年度後の実績"),
        (ROADS, {2027: 86.0}, 2028, "令和9年度に目標を達成（目標年度より前）"),
        (ROADS, {2027: 86.0, 2028: 84.6}, 2028, "令和9年度に一度達成したが令和10年度は下回った"),
        (FORENSICS, {2026: 5, 2028: 5}, 2028, "累計 10件（5＋5）"),
        (FORENSICS, {2026: 5, 2028: 5}, 2028, "令和9年度は未報告（累計に含まず）"),
    ],
)
def test_explanation_says_why(kpi: KPI, actuals: dict[int, float], as_of: int, words: str) -> None:
    assert words in run(kpi, actuals, as_of).explanation_ja


def test_an_every_year_range_the_target_does_not_state_is_said_to_be_assumed() -> None:
    once = q("年1回", EVERY_YEAR, 1, "回", per="年")
    unstated = KPI("協議会の開催", q("年1回", POINT, 1, "回", per="年"), once, None)
    assert "（令和8年度〜令和12年度、計画期間とみなす）" in run(unstated, {2026: 1}, 2026).explanation_ja
    assert "計画期間とみなす" not in run(WATER_TRAINING, {2026: 7}, 2026).explanation_ja  # 令和8年度～12年度 stated


def test_every_year_amount_is_a_floor_whatever_the_reader_said() -> None:
    as_read = run(WATER_TRAINING, {2026: 7, 2027: 5}, 2027)
    undirected = run(KPI(WATER_TRAINING.indicator, WATER_TRAINING.baseline, WATER_TRAINING.target, None),
                     {2026: 7, 2027: 5}, 2027)
    assert as_read.direction is undirected.direction is Direction.INCREASE
    assert as_read.to_dict() == undirected.to_dict()


def test_baseline_outside_or_straddling_the_range_does_not_count() -> None:
    straddling = KPI(GX.indicator, q("3件（令和4～6年度）", CUMULATIVE, 3, "件", year=2024, since=2022), GX.target,
                     Direction.INCREASE)
    evaluation = run(straddling, {2025: 4, 2026: 8}, 2026)
    assert evaluation.measured == 12
    assert "期間をまたぐため不算入" in evaluation.explanation_ja
    assert run(FORENSICS, {2026: 4}, 2026).measured == 4  # 5件（令和7年度） lies before 2026-2030


@pytest.mark.parametrize(
    ("kpi", "actuals", "as_of", "at_target", "year"),
    [
        (ROADS, {2026: 84.9}, 2026, 85.7, 2031),  # 0.2 points a year: 85.9 in 2031
        (INCIDENTS, {2027: 15}, 2027, 0.0, 2030),  # 5件 fewer a year
        (INCIDENTS, {2027: 30}, 2027, 37.5, None),  # moving away
        (FORENSICS, {2026: 4, 2027: 6}, 2027, 25.0, 2030),  # 5件 a year
        (FORENSICS, {2026: 15, 2027: 12}, 2027, 67.5, 2027),  # reached already
        (FORENSICS, {2026: 0}, 2026, 0.0, None),  # no pace
        (ROADS, {2030: 86.0}, 2030, None, None),  # the target year is reported: no forecast into the past
        (ROADS, {2029: 85.0}, 2031, 85.1, 2038),  # judged on 2029, the target year unreported: a forecast for 2030
        (EXCHANGE, {2026: 1, 2027: 2}, 2027, None, None),  # a level to hold has no forecast
    ],
)
def test_forecast(kpi: KPI, actuals: dict[int, float], as_of: int, at_target: float | None,
                  year: int | None) -> None:
    evaluation = run(kpi, actuals, as_of)
    if at_target is None:
        assert evaluation.forecast_at_target is None
    else:
        assert evaluation.forecast_at_target == pytest.approx(at_target)
    assert evaluation.forecast_year_reached == year


def test_monthly_actuals_of_a_per_month_kpi_average_over_the_months() -> None:
    months = [Actual(2026, v, month=m) for m, v in [(4, 14800), (5, 15200), (6, 14900), (7, 15100)]]
    evaluation = evaluate_kpi(G_MOTTY, months, as_of=2026, plan_first_year=2026, plan_last_year=2030)
    assert evaluation.latest_actual == 15000
    assert evaluation.status is Status.ON_TRACK  # a rate per month: met in 2026, to hold until 2030
    assert month_merge_for(G_MOTTY) is MonthMerge.AVERAGE
    summed = evaluate_kpi(G_MOTTY, months, as_of=2026, plan_first_year=2026, plan_last_year=2030,
                          months=MonthMerge.SUM)
    assert summed.latest_actual == 60000


def test_monthly_counts_of_a_total_add_up() -> None:
    months = [Actual(2026, 1, month=m) for m in (5, 9, 2)]
    evaluation = evaluate_kpi(FORENSICS, months, as_of=2026, plan_first_year=2026, plan_last_year=2030)
    assert evaluation.measured == 3


def test_shares_count_only_through_the_share_rule() -> None:
    members = ("402125", "402133", "402141", "402150", "403814", "403822")
    entries = [Actual(2027, 1, municipality=code) for code in members]
    unsummed = evaluate_kpi(NETWORK, entries, as_of=2027, plan_first_year=2026, plan_last_year=2030)
    assert unsummed.status is Status.NO_DATA and unsummed.latest_actual is None
    summed = ShareRule(ShareMode.SUM, members)
    evaluation = evaluate_kpi(NETWORK, entries, as_of=2027, plan_first_year=2026, plan_last_year=2030,
                              figure=summed.figure)
    assert evaluation.latest_actual == 6
    assert evaluation.progress == pytest.approx(6 / 11)
    assert (evaluation.status, evaluation.rating) == (Status.ON_TRACK, Rating.B)


@pytest.mark.parametrize(
    ("assessment", "status", "rating"),
    [
        (Assessment(2026, Status.ON_TRACK, "2町と協議中"), Status.ON_TRACK, Rating.B),
        (Assessment(2026, Status.BEHIND, "調整が難航"), Status.BEHIND, Rating.C),
        (Assessment(2026, Status.BEHIND, "参加表明なし", rating=Rating.D), Status.BEHIND, Rating.D),
        (Assessment(2025, Status.ACHIEVED, "1町が新たに参加"), Status.ACHIEVED, Rating.A),
    ],
)
def test_qualitative_assessment_decides(assessment: Assessment, status: Status, rating: Rating) -> None:
    evaluation = run(PARTICIPANTS, {2026: 15}, 2026, assessment=assessment)
    assert (evaluation.status, evaluation.rating, evaluation.rule) == (status, rating, "qualitative.assessment")
    assert assessment.comment in evaluation.explanation_ja


def test_assessment_for_a_later_year_is_ignored() -> None:
    evaluation = run(PARTICIPANTS, {2026: 17}, 2026, assessment=Assessment(2027, Status.BEHIND, "未来"))
    assert (evaluation.status, evaluation.rule) == (Status.ACHIEVED, "qualitative.baseline")


def test_qualitative_aim_without_direction_or_assessment_has_no_data() -> None:
    aim = KPI("連携の深化", q("-", NONE), q("連携の深化", QUALITATIVE), None)
    evaluation = run(aim, {2026: 3}, 2026)
    assert (evaluation.status, evaluation.rating, evaluation.rule) == (Status.NO_DATA, Rating.NONE,
                                                                       "qualitative.no_data")


def test_thresholds_are_configurable() -> None:
    strict = Thresholds(c_rating=0.9)
    assert run(ROADS, {2026: 84.9}, 2026, thresholds=strict).rating is Rating.D
    lenient = Thresholds(on_track=0.8)
    assert run(ROADS, {2026: 84.9}, 2026, thresholds=lenient).status is Status.ON_TRACK


def test_to_dict_has_the_published_fields() -> None:
    data = run(FORENSICS, {2026: 4, 2027: 6}, 2027, project="鑑識・鑑定等の連携").to_dict()
    assert set(data) == {
        "project", "indicator", "kind", "direction", "as_of", "latest_actual", "progress",
        "expected_progress", "status", "rating", "years_met", "years_due", "forecast_at_target",
        "forecast_year_reached", "measured", "target_value", "target_year", "explanation", "rule",
        "judged_year", "used", "forecast_words",
    }
    assert (data["measured"], data["target_value"], data["target_year"]) == (10, 25, 2030)
    assert data["project"] == "鑑識・鑑定等の連携"
    assert (data["kind"], data["status"], data["rating"], data["progress"]) == ("cumulative", "on_track", "B", 0.4)
    assert (data["judged_year"], data["used"]) == (2027, {"2026": 4.0, "2027": 6.0})
    assert data["forecast_words"] == {"ja": "このペースでは令和12年度に目標の100%",
                                      "en": "at this pace, 100% of the target by FY2030"}
    json.dumps(data, ensure_ascii=False, allow_nan=False)


@pytest.mark.parametrize(
    ("first", "last", "as_of", "field"),
    [(2030, 2026, 2027, "plan_last_year"), (2026, 2030, 0, "as_of"), (-1, 2030, 2027, "plan_first_year")],
)
def test_impossible_period_raises_progress_error(first: int, last: int, as_of: int, field: str) -> None:
    with pytest.raises(ProgressError) as caught:
        evaluate_kpi(ROADS, [], as_of=as_of, plan_first_year=first, plan_last_year=last)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("kpi", "form"),
    [(FORENSICS, KpiForm.CUMULATIVE), (ROADS, KpiForm.POINT), (WATER_TRAINING, KpiForm.EVERY_YEAR),
     (EXCHANGE, KpiForm.MAINTAIN), (PARTICIPANTS, KpiForm.QUALITATIVE), (DX, KpiForm.NONE),
     (KPI("要望活動の実施回数", q("2回（令和7年度）", POINT, 2, "回", year=2025),
          q("2回（令和12年度）", POINT, 2, "回", year=2030), None), KpiForm.MAINTAIN),
     (KPI("x", q("10", POINT, 10), q("未定", POINT), None), KpiForm.NONE)],
)
def test_classify_kpi(kpi: KPI, form: KpiForm) -> None:
    assert classify_kpi(kpi) is form


# --- properties ---

RANK = {Rating.E: -1, Rating.D: 0, Rating.C: 1, Rating.B: 2, Rating.A: 3}
levels = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(
    start=levels, rise=st.floats(min_value=1e-3, max_value=1e6), a=levels, b=levels,
    base_year=st.integers(2015, 2029), as_of=st.integers(2015, 2035),
)
def test_progress_and_rating_are_monotone_in_the_actual_for_increase_kpis(
    start: float, rise: float, a: float, b: float, base_year: int, as_of: int
) -> None:
    kpi = KPI("x", q("基準", POINT, start, "件", year=base_year), q("目標", POINT, start + rise, "件", year=2030),
              Direction.INCREASE)
    low, high = sorted((a, b))
    worse, better = run(kpi, {as_of: low}, as_of), run(kpi, {as_of: high}, as_of)
    assert worse.progress is not None and better.progress is not None
    assert worse.progress <= better.progress
    assert RANK[worse.rating] <= RANK[better.rating]


@given(start=levels, fall=st.floats(min_value=1e-3, max_value=1e6), a=levels, b=levels,
       as_of=st.integers(2015, 2035))
def test_progress_and_rating_are_antitone_in_the_actual_for_decrease_kpis(
    start: float, fall: float, a: float, b: float, as_of: int
) -> None:
    kpi = KPI("x", q("基準", POINT, start, "件", year=2025), q("目標", POINT, start - fall, "件", year=2030),
              Direction.DECREASE)
    low, high = sorted((a, b))
    better, worse = run(kpi, {as_of: low}, as_of), run(kpi, {as_of: high}, as_of)
    assert worse.progress is not None and better.progress is not None
    assert worse.progress <= better.progress
    assert RANK[worse.rating] <= RANK[better.rating]


def quantities() -> st.SearchStrategy[Quantity]:
    return st.builds(
        Quantity,
        text=st.text(max_size=8),
        kind=st.sampled_from(list(QuantityKind)),
        value=st.none() | st.floats() | st.integers(-10, 10).map(float),
        unit=st.sampled_from([None, "件", "%", "回", "人"]),
        per=st.sampled_from([None, "年", "月"]),
        fiscal_year=st.none() | st.integers(1990, 2100),
        from_fiscal_year=st.none() | st.integers(1990, 2100),
        qualifier=st.none() | st.sampled_from(list(Qualifier)),
        direction=st.none() | st.sampled_from(list(Direction)),
        cumulative_from_plan_start=st.booleans(),
    )


actual_values = st.floats(min_value=-1e15, max_value=1e15) | st.integers(-5, 50).map(float)
entries = st.builds(Actual, fiscal_year=st.integers(1990, 2100), value=st.none() | actual_values,
                    month=st.none() | st.integers(1, 12))
assessments = st.none() | st.builds(Assessment, fiscal_year=st.integers(1990, 2100),
                                    status=st.sampled_from(list(Status)), comment=st.text(max_size=5),
                                    rating=st.none() | st.sampled_from(list(Rating)))


@settings(max_examples=500)
@given(
    baseline=quantities(), target=quantities(), direction=st.none() | st.sampled_from(list(Direction)),
    actuals=st.lists(entries, max_size=8), as_of=st.integers(1990, 2100), first=st.integers(2000, 2050),
    length=st.integers(0, 10), assessment=assessments,
)
def test_evaluate_never_raises_and_stays_consistent(
    baseline: Quantity, target: Quantity, direction: Direction | None, actuals: list[Actual], as_of: int,
    first: int, length: int, assessment: Assessment | None,
) -> None:
    evaluation = evaluate_kpi(KPI("x", baseline, target, direction), actuals, as_of=as_of,
                              plan_first_year=first, plan_last_year=first + length, assessment=assessment)
    json.dumps(evaluation.to_dict(), ensure_ascii=False, allow_nan=False)
    if evaluation.expected_progress is not None:
        assert 0.0 <= evaluation.expected_progress <= 1.0
    if evaluation.years_met is not None and evaluation.years_due is not None:
        assert 0 <= evaluation.years_met <= evaluation.years_due
    # Every rating fits its status, staff assessments included, so a badge never contradicts the status filter.
    allowed = {
        Status.ACHIEVED: {Rating.A}, Status.ON_TRACK: {Rating.B}, Status.BEHIND: {Rating.C, Rating.D},
        Status.NOT_ACHIEVED: {Rating.E}, Status.NO_DATA: {Rating.NONE}, Status.NOT_MEASURABLE: {Rating.NONE},
    }
    assert evaluation.rating in allowed[evaluation.status]
    assert evaluation.rating in evaluation.status.ratings
    assert evaluation.explanation_ja and evaluation.explanation_en
