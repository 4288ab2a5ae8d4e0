"""Every class of KPI value other areas write, table-driven with strings of each class (not the issue's own)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.domain.quantity import Basis, Direction, Qualifier, QuantityKind, Relation
from renkei.reading.quantity import _read_quantity, read_quantity

P, C, E = QuantityKind.POINT, QuantityKind.CUMULATIVE, QuantityKind.EVERY_YEAR
Q, N = QuantityKind.QUALITATIVE, QuantityKind.NONE

# text, value, unit
COMPOUND_NUMERALS = [
    ("7兆2,500億円", 7.25e12, "円"),
    ("2,118万4千人", 21_184_000, "人"),
    ("26.3万人", 263_000, "人"),
    ("842,117百万円", 842_117, "百万円"),
    ("3万4500件", 34_500, "件"),
    ("1億2千万円", 120_000_000, "円"),
    ("４万５千人", 45_000, "人"),
    ("12千円", 12, "千円"),
]


@pytest.mark.parametrize(("text", "value", "unit"), COMPOUND_NUMERALS)
def test_compound_numerals(text: str, value: float, unit: str) -> None:
    q = read_quantity(text)
    assert (q.value, q.unit, q.kind) == (value, unit, P)


# text, fiscal_year, calendar_year, from_fiscal_year
YEARS = [
    ("320社（2018年）", 2018, True, None),
    ("320社（2018年度）", 2018, False, None),
    ("45%(2017(H29)年)", 2017, True, None),
    ("45%(H29(2017)年度)", 2017, False, None),
    ("15.2%（H26）", 2014, False, None),
    ("88人（平成27年度）", 2015, False, None),
    ("3,100人(2020)", 2020, False, None),
    ("12.5%（令和元年度）", 2019, False, None),
    ("70%（平成22～26年度）", 2014, False, 2010),
]


@pytest.mark.parametrize(("text", "fiscal_year", "calendar", "from_year"), YEARS)
def test_calendar_and_fiscal_years_are_kept_apart(text: str, fiscal_year: int, calendar: bool,
                                                   from_year: int | None) -> None:
    q = read_quantity(text)
    assert (q.fiscal_year, q.calendar_year, q.from_fiscal_year) == (fiscal_year, calendar, from_year)


# text, value, unit, kind, from, to, average, scale
AVERAGES = [
    ("2,345人（平成22～26年の平均）", 2345, "人", P, 2010, 2014, True, None),
    ("63.2%（期間平均）", 63.2, "%", P, None, None, True, None),
    ("年間平均4.1回", 4.1, "回", P, None, None, True, None),
    ("満足度（5段階評価の平均）3.6点", 3.6, "点", P, None, None, True, 5),
    ("7段階評価で4.2", 4.2, None, P, None, None, False, 7),
]


@pytest.mark.parametrize(("text", "value", "unit", "kind", "first", "last", "average", "scale"), AVERAGES)
def test_averages_and_scales(text: str, value: float, unit: str | None, kind: QuantityKind, first: int | None,
                             last: int | None, average: bool, scale: int | None) -> None:
    q = read_quantity(text)
    assert (q.value, q.unit, q.kind, q.from_fiscal_year, q.fiscal_year, q.average, q.scale) == (
        value, unit, kind, first, last, average, scale)


# text, value, unit, qualifier
BOUNDS = [
    ("95%以上", 95, "%", Qualifier.AT_LEAST),
    ("30分以下", 30, "分", Qualifier.AT_MOST),
    ("15日以内", 15, "日", Qualifier.AT_MOST),
    ("2%未満", 2, "%", Qualifier.LESS_THAN),
    ("500社超", 500, "社", Qualifier.MORE_THAN),
    ("▲5%以内", -5, "%", Qualifier.AT_LEAST),
    ("△3.5%以内", -3.5, "%", Qualifier.AT_LEAST),
    ("±2%以内", 2, "%", Qualifier.WITHIN),
    ("▲2%以下", -2, "%", Qualifier.AT_MOST),
]


@pytest.mark.parametrize(("text", "value", "unit", "qualifier"), BOUNDS)
def test_bounds(text: str, value: float, unit: str, qualifier: Qualifier) -> None:
    q = read_quantity(text)
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)


# text, qualifier, fiscal_year, calendar
MAINTAIN = [
    ("現状維持", None, None, False),
    ("現状維持以上（2022年）", Qualifier.AT_LEAST, 2022, True),
    ("現状値以上（R12）", Qualifier.AT_LEAST, 2030, False),
    ("現状以下", Qualifier.AT_MOST, None, False),
    ("利用者数の維持を目指す", None, None, False),
    ("現在の水準を維持", None, None, False),
    ("上位を維持", Qualifier.AT_MOST, None, False),
]


@pytest.mark.parametrize(("text", "qualifier", "fiscal_year", "calendar"), MAINTAIN)
def test_maintain_targets_are_equal_to_the_baseline(text: str, qualifier: Qualifier | None,
                                                    fiscal_year: int | None, calendar: bool) -> None:
    q = read_quantity(text)
    assert q.relative is not None and q.relative.relation is Relation.SAME
    assert (q.qualifier, q.fiscal_year, q.calendar_year, q.direction) == (qualifier, fiscal_year, calendar,
                                                                          Direction.MAINTAIN)


# text, relation, amount, basis, basis year, change unit, direction
RELATIVE = [
    ("+15%", Relation.PERCENT, 15, Basis.BASELINE, None, None, Direction.INCREASE),
    ("＋30人（令和10年度）", Relation.CHANGE, 30, Basis.BASELINE, None, "人", Direction.INCREASE),
    ("30%増", Relation.PERCENT, 30, Basis.BASELINE, None, None, Direction.INCREASE),
    ("1.5%削減（令和12年度）", Relation.PERCENT, -1.5, Basis.BASELINE, None, None, Direction.DECREASE),
    ("2割増", Relation.PERCENT, 20, Basis.BASELINE, None, None, Direction.INCREASE),
    ("0.8ポイント増", Relation.CHANGE, 0.8, Basis.BASELINE, None, "ポイント", Direction.INCREASE),
    ("対27年度比5%減", Relation.PERCENT, -5, Basis.FISCAL_YEAR, 2015, None, Direction.DECREASE),
    ("令和2年度比20%削減", Relation.PERCENT, -20, Basis.FISCAL_YEAR, 2020, None, Direction.DECREASE),
    ("前年度比3%増", Relation.PERCENT, 3, Basis.PREVIOUS_YEAR, None, None, Direction.INCREASE),
    ("前年度比105%", Relation.RATIO, 1.05, Basis.PREVIOUS_YEAR, None, None, Direction.INCREASE),
    ("現状比10%増", Relation.PERCENT, 10, Basis.BASELINE, None, None, Direction.INCREASE),
    ("1.2倍", Relation.RATIO, 1.2, Basis.BASELINE, None, None, None),
    ("3倍増", Relation.RATIO, 3, Basis.BASELINE, None, None, Direction.INCREASE),
    ("観光客数の倍増", Relation.RATIO, 2, Basis.BASELINE, None, None, Direction.INCREASE),
    ("待機児童数の半減（令和12年度）", Relation.RATIO, 0.5, Basis.BASELINE, None, None, Direction.DECREASE),
]


@pytest.mark.parametrize(("text", "relation", "amount", "basis", "year", "unit", "direction"), RELATIVE)
def test_relative_targets(text: str, relation: Relation, amount: float, basis: Basis, year: int | None,
                          unit: str | None, direction: Direction | None) -> None:
    q = read_quantity(text)
    assert q.relative is not None
    r = q.relative
    assert (r.relation, r.amount, r.basis, r.basis_year, r.unit) == (relation, amount, basis, year, unit)
    if relation is not Relation.RATIO:
        assert (q.value, q.kind, q.direction) == (None, Q, direction)


def test_previous_year_at_least() -> None:
    q = read_quantity("前年度以上")
    assert q.relative is not None
    assert (q.relative.relation, q.relative.basis, q.qualifier) == (Relation.SAME, Basis.PREVIOUS_YEAR,
                                                                    Qualifier.AT_LEAST)


# text, value, unit, kind, from, to, plan start, duration
CUMULATIVE = [
    ("延べ1,200人", 1200, "人", C, None, None, True, None),
    ("延べ3,000人（令和8～12年度）", 3000, "人", C, 2026, 2030, False, None),
    ("5年間累計で40件", 40, "件", C, None, None, True, 5),
    ("3年間で150人", 150, "人", C, None, None, True, 3),
    ("累計25社（令和12年度まで）", 25, "社", C, None, 2030, True, None),
    ("計画期間の合計60回", 60, "回", C, None, None, True, None),
    ("延べ420人（令和6年度）", 420, "人", P, None, 2024, False, None),
]


@pytest.mark.parametrize(("text", "value", "unit", "kind", "first", "last", "from_start", "duration"), CUMULATIVE)
def test_cumulative_with_the_range(text: str, value: float, unit: str, kind: QuantityKind, first: int | None,
                                   last: int | None, from_start: bool, duration: int | None) -> None:
    q = read_quantity(text)
    assert (q.value, q.unit, q.kind, q.from_fiscal_year, q.fiscal_year, q.cumulative_from_plan_start,
            q.duration_years) == (value, unit, kind, first, last, from_start, duration)


# text, value, unit
RANKS_AND_SCORES = [
    ("12位", 12, "位"),
    ("全国8位（2023年）", 8, "位"),
    ("20位以内", 20, "位"),
    ("3.15点", 3.15, "点"),
    ("平均72点", 72, "点"),
]


@pytest.mark.parametrize(("text", "value", "unit"), RANKS_AND_SCORES)
def test_rankings_and_scores(text: str, value: float, unit: str) -> None:
    q = read_quantity(text)
    assert (q.value, q.unit) == (value, unit)


# text, fiscal_year, note
PLACEHOLDERS = [
    ("―", None, None),
    ("-（令和7年度）", 2025, None),
    ("検討中", None, "検討中"),
    ("未定（R8）", 2026, "未定"),
    ("調査中（令和6年度）", 2024, "調査中"),
    ("今後設定", None, "今後設定"),
]


@pytest.mark.parametrize(("text", "fiscal_year", "note"), PLACEHOLDERS)
def test_placeholders_have_no_value_but_keep_the_year(text: str, fiscal_year: int | None, note: str | None) -> None:
    q = read_quantity(text)
    assert (q.kind, q.value, q.fiscal_year, q.note) == (N, None, fiscal_year, note)


VALUE_FIRST = st.builds(
    lambda value, unit, tail: f"{value:,}{unit}{tail}",
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["件", "回", "人", "%", "社", "施設", "位", "点", "人/月", "回/年", "t", "ha", "万人", "千円"]),
    st.sampled_from(["", "（令和7年度）", "（令和8～12年度）", "(2020年)", "以上", "増", "（令和12年度までの累計）",
                     "（毎年度）", "（H26）", "比", "（2019(H31)年）", "人", " 10件", "年度"]),
)


@given(VALUE_FIRST | st.text(max_size=30))
@settings(max_examples=300)
def test_the_shape_shortcut_reads_as_the_grammar_does(text: str) -> None:
    assert read_quantity(text) == _read_quantity(text)
