"""KPI tables in other areas' layouts: header years and units, 〃, several values in a cell, vertical KPIs."""

from __future__ import annotations

from renkei.domain.finding import Finding
from renkei.domain.plan import KPI
from renkei.domain.quantity import Direction, Qualifier, QuantityKind, Relation
from renkei.reading.kpi import build_kpis, read_kpi_rows, split_measures
from renkei.reading.layout import split_rows


def kpis(text: str) -> tuple[list[KPI], list[Finding]]:
    rows = [r for r in split_rows(text) if r.cells]
    raws, years, findings = read_kpi_rows(rows[0], rows[1:])
    built, more = build_kpis(raws, years)
    return built, findings + more


def test_header_years_and_a_unit_column() -> None:
    (kpi,), findings = kpis("成果指標\t指標\t単位\t現状値（H27）\t目標値（2020年度）\n\t参加企業数\t社\t12\t20")
    assert (kpi.baseline.value, kpi.baseline.unit, kpi.baseline.fiscal_year) == (12, "社", 2015)
    assert (kpi.target.value, kpi.target.unit, kpi.target.fiscal_year) == (20, "社", 2020)
    assert findings == []


def test_ditto_repeats_the_cell_above() -> None:
    built, _ = kpis("KPI\t指標\t現状値\t目標値\n\t相談件数\t40件（H27）\t60件（H32）\n\t成約件数\t5件（H27）\t〃")
    assert [k.target.text for k in built] == ["60件（H32）", "60件（H32）"]


def test_ditto_in_the_indicator_makes_another_measure() -> None:
    built, findings = kpis("KPI\t指標\t現状値\t目標値\n\t来訪者数\t80万人（H27）\t90万人（H32）\n"
                           "\t〃\t宿泊者 12万人（H27）\t15万人（H32）")
    assert [k.indicator for k in built] == ["来訪者数", "来訪者数（宿泊者）"]
    assert [k.baseline.value for k in built] == [800_000, 120_000]
    assert findings == []


def test_several_values_in_one_cell_are_separate_measures() -> None:
    built, findings = kpis("KPI\t指標\t現状値\t目標値\n"
                           "\t圏域のシェア\t人口41.2% 面積30.8%（2015年）\t現状維持（2020年）")
    assert [(k.indicator, k.baseline.value, k.baseline.unit, k.baseline.fiscal_year) for k in built] == [
        ("圏域のシェア（人口）", 41.2, "%", 2015), ("圏域のシェア（面積）", 30.8, "%", 2015)]
    assert [(k.target.value, k.target.qualifier, k.direction) for k in built] == [
        (41.2, None, Direction.MAINTAIN), (30.8, None, Direction.MAINTAIN)]
    assert findings == []


def test_stacked_values_pair_by_position() -> None:
    built, _ = kpis("KPI\t指標\t現状値\t目標値\n\t研修\t<p>12回</p><p>240人</p>\t<p>15回</p><p>300人</p>")
    assert [(k.indicator, k.baseline.value, k.target.value) for k in built] == [
        ("研修（回）", 12, 15), ("研修（人）", 240, 300)]


def test_values_that_cannot_be_paired_are_reported() -> None:
    built, findings = kpis("KPI\t指標\t現状値\t目標値\n\t研修\t12回 240人\t20回")
    assert len(built) == 1
    assert [f.rule for f in findings] == ["kpi.measures_unmatched"]


def test_values_that_cannot_be_told_apart_are_numbered() -> None:
    built, findings = kpis("KPI\t指標\t現状値\t目標値\n\t研修\t12回 20回\t15回 25回")
    assert [k.indicator for k in built] == ["研修（1）", "研修（2）"]
    assert [f.rule for f in findings] == ["kpi.measures_indistinct"]


def test_vertical_kpis() -> None:
    built, _ = kpis("成果指標\t指標\t移住者数\n\t現状値\t45人（H27）\n\t目標値\t80人（H32）")
    assert [(k.indicator, k.baseline.value, k.target.value, k.target.fiscal_year) for k in built] == [
        ("移住者数", 45, 80, 2020)]


def test_relative_targets_are_resolved_against_the_baseline() -> None:
    built, _ = kpis("KPI\t指標\t現状値\t目標値\n\t観光消費額\t250億円（H26）\t+20%（H32）\n"
                    "\t順位\t15位（H27）\t上位を維持\n\t満足度\t72.0%（H27）\t0.5ポイント増\n\t参加者数\t―\t30%増")
    consumption, rank, satisfaction, participants = built
    assert (consumption.target.value, consumption.target.unit, consumption.target.kind) == (
        30_000_000_000, "円", QuantityKind.POINT)
    assert consumption.target.relative is not None and consumption.target.relative.relation is Relation.PERCENT
    assert (rank.target.value, rank.target.qualifier, rank.direction) == (15, Qualifier.AT_MOST, Direction.MAINTAIN)
    assert satisfaction.target.value == 72.5
    assert (participants.target.value, participants.target.kind, participants.direction) == (
        None, QuantityKind.QUALITATIVE, Direction.INCREASE)


def test_a_target_of_nothing_is_no_target_but_a_baseline_of_nothing_is_zero() -> None:
    (kpi,), _ = kpis("KPI\t指標\t現状値\t目標値\n\t相談件数\tなし（R7）\tなし")
    assert (kpi.baseline.value, kpi.target.kind) == (0, QuantityKind.NONE)


def test_split_measures_leaves_single_values_alone() -> None:
    assert split_measures("1,234人（令和7年度）") == [(None, "1,234人（令和7年度）")]
    assert split_measures("R7年度 1,234人") == [(None, "R7年度 1,234人")]
