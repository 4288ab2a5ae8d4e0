"""Tests for reading KPI cells (現状値 baseline, 目標値 target) into quantities."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.fiscal import wareki_fiscal_year
from renkei.domain.quantity import Direction, Qualifier, Quantity, QuantityKind
from renkei.reading.quantity import read_quantity

P, C, E = QuantityKind.POINT, QuantityKind.CUMULATIVE, QuantityKind.EVERY_YEAR
Q, N = QuantityKind.QUALITATIVE, QuantityKind.NONE

# text, value, unit, per, kind, fiscal_year, from_fiscal_year (all from real KPI cells)
READINGS: list[tuple[str, float | None, str | None, str | None, QuantityKind, int | None, int | None]] = [
    ("25件（令和12年度までの累計）", 25, "件", None, C, 2030, None),
    ("30件（令和5～12年度）", 30, "件", None, C, 2030, 2023),
    ("3件（令和5～6年度）", 3, "件", None, C, 2024, 2023),
    ("5回（令和8～12年度までの累計）", 5, "回", None, C, 2030, 2026),
    ("1回/年（令和8年度～令和12年度）", 1, "回", "年", E, 2030, 2026),
    ("6回/年（令和8年度～12年度）", 6, "回", "年", E, 2030, 2026),
    ("1回（毎年度実施）", 1, "回", "年", E, None, None),
    ("年1回", 1, "回", "年", E, None, None),
    ("年1回（毎年度実施）", 1, "回", "年", E, None, None),
    ("1回/年（令和7年度）", 1, "回", "年", P, 2025, None),
    ("1回/年（令和12年度）", 1, "回", "年", P, 2030, None),
    ("0件/年（令和7年度まで）", 0, "件", "年", E, 2025, None),
    ("1件/年（令和12年度まで）", 1, "件", "年", E, 2030, None),
    ("14,873人/月（R7.2月～R8.1月の月平均）", 14873, "人", "月", P, 2025, None),
    ("15,000人/月（令和12年度月平均）", 15000, "人", "月", P, 2030, None),
    ("84.5%(令和6年度)", 84.5, "%", None, P, 2024, None),
    ("85.9%(令和12年度)", 85.9, "%", None, P, 2030, None),
    ("検討会0回（令和7年度）", 0, "回", None, P, 2025, None),
    ("検討会1回（令和8年度）", 1, "回", None, P, 2026, None),
    ("6市10町", 16, "市町", None, P, None, None),
    ("1市2町", 3, "市町", None, P, None, None),
    ("3市町", 3, "市町", None, P, None, None),
    ("2市3町1村", 6, "市町村", None, P, None, None),
    ("参加自治体の増", None, None, None, Q, None, None),
    ("-", None, None, None, N, None, None),
    ("—", None, None, None, N, None, None),
    ("－", None, None, None, N, None, None),
    ("ー", None, None, None, N, None, None),
    ("", None, None, None, N, None, None),
    ("  ", None, None, None, N, None, None),
    ("なし（令和7年度）", 0, None, None, P, 2025, None),
    ("無し（令和7年度）", 0, None, None, P, 2025, None),
    ("ゼロ", 0, None, None, P, None, None),
    ("5件（令和7年度）", 5, "件", None, P, 2025, None),
    ("100,000回（令和12年度）", 100000, "回", None, P, 2030, None),
    ("38施設", 38, "施設", None, P, None, None),
    ("129施設", 129, "施設", None, P, None, None),
    ("11市町", 11, "市町", None, P, None, None),
    ("17市町（令和9年度）", 17, "市町", None, P, 2027, None),
    ("65人", 65, "人", None, P, None, None),
    ("75人（令和8年度）", 75, "人", None, P, 2026, None),
    ("2機能（令和7年度）", 2, "機能", None, P, 2025, None),
    ("10", 10, None, None, P, None, None),
    ("2,430万人", 24300000, "人", None, P, None, None),
    ("80%以上（令和12年度）", 80, "%", None, P, 2030, None),
    ("延べ500人（令和6年度）", 500, "人", None, P, 2024, None),
    ("3,000人（2030年度）", 3000, "人", None, P, 2030, None),
    ("120社（2025年）", 120, "社", None, P, 2025, None),
    ("50%（平成30年度）", 50, "%", None, P, 2018, None),
    ("10ルート（令和7年4月時点）", 10, "ルート", None, P, 2025, None),
    ("90%（令和12年度末）", 90, "%", None, P, 2030, None),
    ("令和元年度", None, None, None, N, 2019, None),
    ("１２件（令和８年度）", 12, "件", None, P, 2026, None),
    ("三回（令和9年度）", 3, "回", None, P, 2027, None),
    ("5回（令和8年度〜令和12年度）", 5, "回", None, C, 2030, 2026),
    ("5回（令和8年度～令和12年度）", 5, "回", None, C, 2030, 2026),
    ("5回（令和8年度~令和12年度）", 5, "回", None, C, 2030, 2026),
    ("5回（令和8年度ー令和12年度）", 5, "回", None, C, 2030, 2026),
    ("5回（令和8年度-令和12年度）", 5, "回", None, C, 2030, 2026),
    ("5回（令和8年度から令和12年度まで）", 5, "回", None, C, 2030, 2026),
    ("5回（令和8～12）", 5, "回", None, C, 2030, 2026),
    ("▲5%（令和6年度）", -5, "%", None, P, 2024, None),
    ("△2件", -2, "件", None, P, None, None),
    ("−3.2ポイント", -3.2, "ポイント", None, P, None, None),
    ("ー1.5ポイント", -1.5, "ポイント", None, P, None, None),
    ("参加団体の減少", None, None, None, Q, None, None),
    ("現状維持", None, None, None, Q, None, None),
    ("50%（昭和60年度）", 50, "%", None, P, 1985, None),
    ("5件（R8）", 5, "件", None, P, 2026, None),
    ("5件（Ｒ８年度）", 5, "件", None, P, 2026, None),
    ("5件（H30年度）", 5, "件", None, P, 2018, None),
    ("100件（H28～R2年度の累計）", 100, "件", None, C, 2020, 2016),
    ("令和8年度から令和12年度まで", None, None, None, N, 2030, 2026),
    ("年間1,200人", 1200, "人", "年", E, None, None),
    ("年間1,200人（令和12年度）", 1200, "人", "年", P, 2030, None),
    ("年間1,200人（毎年）", 1200, "人", "年", E, None, None),
    ("年間1,200人（令和8～12年度）", 1200, "人", "年", E, 2030, 2026),
    ("毎年度2回", 2, "回", "年", E, None, None),
    ("月2回", 2, "回", "月", E, None, None),
    ("1日あたり100人", 100, "人", "日", E, None, None),
    ("1回/年（令和8年度から）", 1, "回", "年", E, None, 2026),
    ("1,000t（令和12年度）", 1000, "t", None, P, 2030, None),
    ("1,000トン", 1000, "トン", None, P, None, None),
    ("12.5km", 12.5, "km", None, P, None, None),
    ("300ha", 300, "ha", None, P, None, None),
    ("5千人", 5000, "人", None, P, None, None),
    ("1.5万人", 15000, "人", None, P, None, None),
    ("3,000千円", 3000, "千円", None, P, None, None),
    ("5万円", 50000, "円", None, P, None, None),
    ("2百万円", 2, "百万円", None, P, None, None),
    ("1.5倍", 1.5, "倍", None, P, None, None),
    ("10箇所", 10, "箇所", None, P, None, None),
    ("10か所", 10, "か所", None, P, None, None),
    ("5団体", 5, "団体", None, P, None, None),
    ("3事業者", 3, "事業者", None, P, None, None),
    ("4校", 4, "校", None, P, None, None),
    ("20名", 20, "名", None, P, None, None),
    ("100人日", 100, "人日", None, P, None, None),
    ("500泊", 500, "泊", None, P, None, None),
    ("80%（令和8～12年度）", 80, "%", None, E, 2030, 2026),
    ("100人（FY2030）", 100, "人", None, P, 2030, None),
    ("R12：100件", 100, "件", None, P, 2030, None),
    ("令和12年度までに100件", 100, "件", None, P, 2030, None),
    ("累計100件", 100, "件", None, C, None, None),
    ("CO2排出量10%削減（令和12年度）", None, None, None, Q, 2030, None),  # relative: 10% below the baseline
    ("PM2.5濃度10μg", 10, "μg", None, P, None, None),
    ("500人以上/年", 500, "人", "年", E, None, None),
    ("各年度1回以上", 1, "回", "年", E, None, None),
    ("5年間で10件", 10, "件", None, C, None, None),
    ("3か年で30件（令和8～10年度）", 30, "件", None, C, 2028, 2026),
    ("10件/年（R8～R12）", 10, "件", "年", E, 2030, 2026),
    ("20件（令和8年度～）", 20, "件", None, C, None, 2026),
    ("2,000人（令和7年3月末）", 2000, "人", None, P, 2024, None),
    ("令和6年度実績：85%", 85, "%", None, P, 2024, None),
    ("R6年度 1,234人", 1234, "人", None, P, 2024, None),
    ("10校（令和8年度）以上", 10, "校", None, P, 2026, None),
    ("60分以内", 60, "分", None, P, None, None),
    ("未定", None, None, None, N, None, None),
    ("-（新規）", None, None, None, N, None, None),
    ("―（令和7年度）", None, None, None, N, 2025, None),
    ("一人暮らし高齢者の見守り", None, None, None, Q, None, None),
    ("千葉県との連携", None, None, None, Q, None, None),
    ("12,34件", None, None, None, Q, None, None),
    (
        "勉強会の開催等を通じた公共施設マネジメント推進に向けた知見の共有及びネットワークの構築",
        None, None, None, Q, None, None,
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "value", "unit", "per", "kind", "fiscal_year", "from_fiscal_year"), READINGS)
def test_reads_kpi_cell(
    text: str,
    value: float | None,
    unit: str | None,
    per: str | None,
    kind: QuantityKind,
    fiscal_year: int | None,
    from_fiscal_year: int | None,
) -> None:
    q = read_quantity(text)
    got = (q.value, q.unit, q.per, q.kind, q.fiscal_year, q.from_fiscal_year)
    assert got == (value, unit, per, kind, fiscal_year, from_fiscal_year)
    assert q.text == text


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("25件（令和12年度までの累計）", "cumulative_from_plan_start", True),
        ("5回（令和8～12年度までの累計）", "cumulative_from_plan_start", False),
        ("30件（令和5～12年度）", "cumulative_from_plan_start", False),
        ("累計100件", "cumulative_from_plan_start", True),
        ("14,873人/月（R7.2月～R8.1月の月平均）", "from_month", "2025-02"),
        ("14,873人/月（R7.2月～R8.1月の月平均）", "to_month", "2026-01"),
        ("14,873人/月（R7.2月～R8.1月の月平均）", "note", "月平均"),
        ("15,000人/月（令和12年度月平均）", "note", "月平均"),
        ("10ルート（令和7年4月時点）", "to_month", "2025-04"),
        ("10ルート（令和7年4月時点）", "calendar_year", False),
        ("5件（R7.2.1時点）", "fiscal_year", 2024),
        ("120社（2025年）", "calendar_year", True),
        ("3,000人（2030年度）", "calendar_year", False),
        ("検討会0回（令和7年度）", "note", "検討会"),
        ("延べ500人（令和6年度）", "note", "延べ"),
        ("約500人", "note", "約"),
        ("1回（毎年度実施）", "note", "毎年度実施"),
        ("90%（令和12年度末）", "note", "年度末"),
        ("未定", "note", "未定"),
        ("-（新規）", "note", "新規"),
        ("5件実施", "note", "実施"),
        ("5年間で10件", "note", "5年間"),
        ("5年間で10件", "cumulative_from_plan_start", True),
        ("100人（令和6年度実績）", "note", "実績"),
        ("2,000人（令和7年3月末）", "to_month", "2025-03"),
        ("1,500千円（令和7年度予算）", "note", "予算"),
        ("CO2排出量10%削減（令和12年度）", "note", "CO2排出量、削減"),
        ("令和3年度比10%減（令和12年度）", "fiscal_year", 2030),
        ("令和3年度比10%減（令和12年度）", "note", "減、令和3年度比"),
        ("80%以上（令和12年度）", "qualifier", Qualifier.AT_LEAST),
        ("5件以下", "qualifier", Qualifier.AT_MOST),
        ("10分以内", "qualifier", Qualifier.AT_MOST),
        ("1%未満", "qualifier", Qualifier.LESS_THAN),
        ("100人超", "qualifier", Qualifier.MORE_THAN),
        ("参加自治体の増", "direction", Direction.INCREASE),
        ("参加団体の減少", "direction", Direction.DECREASE),
        ("現状維持", "direction", Direction.MAINTAIN),
        ("CO2排出量10%削減（令和12年度）", "direction", Direction.DECREASE),
        ("0.5ポイント増", "direction", Direction.INCREASE),
        ("5件（令和7年度）", "direction", None),
        ("勉強会の開催等を通じた公共施設マネジメント推進に向けた知見の共有及びネットワークの構築", "direction", None),
    ],
)
def test_reads_details(text: str, field: str, expected: object) -> None:
    assert getattr(read_quantity(text), field) == expected


def test_none_is_nothing_stated() -> None:
    assert read_quantity(None) == Quantity(text="", kind=QuantityKind.NONE)


def test_qualitative_keeps_text() -> None:
    text = "勉強会の開催等を通じた公共施設マネジメント推進に向けた知見の共有及びネットワークの構築"
    q = read_quantity(text)
    assert (q.kind, q.text, q.value) == (QuantityKind.QUALITATIVE, text, None)


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    q = read_quantity(text)
    assert q.text == text
    assert q.kind in QuantityKind


CELL_PIECES = st.sampled_from(
    [
        "令和", "平成", "R", "H", "元", "年度", "年", "月", "末", "～", "〜", "ー", "-", "から", "まで", "の累計",
        "（", "）", "(", ")", "/", "年1回", "毎年度", "万", "千", "百", "十", "三", "▲", "△", "%", "件", "人",
        "以上", "未満", "市", "町", "村", "なし", "月平均", "時点", "比", "12", "8", "0", ".", ",", "2030",
        "1,000", "２", " ", "の増", "削減",
    ]
)  # fmt: skip


@given(st.lists(CELL_PIECES, max_size=14).map("".join))
def test_cell_like_text_never_raises(text: str) -> None:
    q = read_quantity(text)
    assert q.text == text
    if q.kind in (QuantityKind.NONE, QuantityKind.QUALITATIVE):
        assert q.value is None or q.kind is QuantityKind.NONE


UNITS = st.sampled_from(["件", "回", "人", "%", "施設", "市町", "社", "t", "km", "ポイント", "人日", "箇所"])


@given(
    value=st.integers(min_value=0, max_value=10**9),
    unit=UNITS,
    fiscal_year=st.integers(min_value=1989, max_value=2100),
    wide=st.booleans(),
)
def test_value_unit_and_year_round_trip(value: int, unit: str, fiscal_year: int, wide: bool) -> None:
    text = f"{value:,}{unit}（{wareki_fiscal_year(fiscal_year)}）"
    if wide:
        text = text.translate(str.maketrans("0123456789,%", "０１２３４５６７８９，％"))
    q = read_quantity(text)
    assert (q.value, q.unit, q.kind, q.fiscal_year) == (value, unit, QuantityKind.POINT, fiscal_year)


@given(
    value=st.integers(min_value=1, max_value=10**6),
    first=st.integers(min_value=2019, max_value=2060),
    length=st.integers(min_value=1, max_value=10),
    separator=st.sampled_from(["～", "〜", "~", "ー", "-", "から"]),
    rate=st.booleans(),
)
def test_year_ranges_round_trip(value: int, first: int, length: int, separator: str, rate: bool) -> None:
    last = first + length
    text = f"{value}回{'/年' if rate else ''}（{wareki_fiscal_year(first)}{separator}{wareki_fiscal_year(last)}）"
    q = read_quantity(text)
    expected_kind = QuantityKind.EVERY_YEAR if rate else QuantityKind.CUMULATIVE
    assert (q.value, q.kind, q.from_fiscal_year, q.fiscal_year) == (value, expected_kind, first, last)
