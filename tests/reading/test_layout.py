"""Row labels in the variants areas use, rows kept as extra, inline labels and policy-area headings."""

from __future__ import annotations

import pytest

from renkei.domain.framework import FrameworkArea, recognise_framework_area
from renkei.reading.layout import Row, RowKind, read_policy_area, split_rows

LABELS = [
    ("事業名", RowKind.NAME), ("事業名称", RowKind.NAME), ("取組名", RowKind.NAME), ("1 事業名", RowKind.NAME),
    ("事業概要", RowKind.CONTENT), ("事業内容", RowKind.CONTENT), ("■事業の概要", RowKind.CONTENT),
    ("取組内容", RowKind.CONTENT), ("効果", RowKind.EFFECTS), ("期待される効果", RowKind.EFFECTS),
    ("【期待される効果】", RowKind.EFFECTS), ("関係市町村", RowKind.PARTNERS), ("連携市町村", RowKind.PARTNERS),
    ("連携市町", RowKind.PARTNERS), ("連携市", RowKind.PARTNERS), ("構成市町村", RowKind.PARTNERS),
    ("事業費見込額（千円）", RowKind.BUDGET), ("概算事業費", RowKind.BUDGET), ("事業費", RowKind.BUDGET),
    ("総事業費（千円）", RowKind.BUDGET), ("年度", RowKind.BUDGET_YEARS), ("役割分担", RowKind.ROLES),
    ("費用負担の考え方", RowKind.COST), ("経費負担", RowKind.COST), ("重要業績評価指標（KPI）", RowKind.KPI),
    ("成果指標", RowKind.KPI), ("KPI", RowKind.KPI), ("現状値（H27）", RowKind.KPI_PART), ("目標値", RowKind.KPI_PART),
    ("国・県補助事業の名称・補助率", RowKind.EXTRA), ("事業の進捗状況", RowKind.EXTRA), ("事業期間", RowKind.EXTRA),
    ("担当課", RowKind.EXTRA), ("実施主体", RowKind.EXTRA), ("留意事項", RowKind.OTHER),
    ("連携する市町村", RowKind.PARTNERS), ("期待する効果", RowKind.EFFECTS), ("事業の効果", RowKind.EFFECTS),
    ("期待される成果", RowKind.EFFECTS), ("成果", RowKind.EFFECTS), ("主な取組内容", RowKind.CONTENT),
    ("事業実施内容", RowKind.CONTENT), ("連携の内容", RowKind.CONTENT), ("負担の考え方", RowKind.COST),
    ("事業目的", RowKind.EXTRA), ("【目的】", RowKind.EXTRA), ("現状と課題", RowKind.EXTRA),
    ("取組の方向性", RowKind.EXTRA), ("事業スケジュール", RowKind.EXTRA), ("成果指標（KPI）", RowKind.KPI),
]


@pytest.mark.parametrize(("label", "kind"), LABELS)
def test_row_labels_in_their_variants(label: str, kind: RowKind) -> None:
    assert Row(1, (label, "x")).kind is kind


def test_an_inline_label_is_split_from_its_value() -> None:
    assert split_rows("事業名：圏域観光推進事業")[0].cells == ("事業名", "圏域観光推進事業")
    assert split_rows("事業費（単位：千円）\tR8")[0].cells == ("事業費（単位：千円）", "R8")
    assert split_rows("注記：本文")[0].cells == ("注記：本文",)


HEADINGS = [
    ("## (2) 圏域内外の結びつきやネットワークの強化に係る政策分野", 2, FrameworkArea.NETWORK),
    ("1 圏域全体の経済成長のけん引", 1, FrameworkArea.ECONOMIC_GROWTH),
    ("第2 高次の都市機能の集積・強化", 2, FrameworkArea.URBAN_FUNCTIONS),
    ("Ⅲ 圏域全体の生活関連機能サービスの向上", 3, FrameworkArea.LIFE_SERVICES),
    ("(ア) 生活機能の強化に係る政策分野", 1, FrameworkArea.LIVING),
    ("（ウ）圏域マネジメント能力の強化に係る政策分野", 3, FrameworkArea.MANAGEMENT),
    ("1 播磨圏域の経済の活性化", 1, FrameworkArea.ECONOMIC_GROWTH),
    ("2 圏域の魅力の向上", 2, FrameworkArea.URBAN_FUNCTIONS),
    ("3 住民に安心・快適な圏域づくり", 3, FrameworkArea.LIFE_SERVICES),
]


@pytest.mark.parametrize(("text", "number", "framework"), HEADINGS)
def test_policy_areas_under_their_names(text: str, number: int, framework: FrameworkArea) -> None:
    row = Row(1, (text,))
    assert row.kind is RowKind.POLICY_AREA
    parsed = read_policy_area(row)
    assert parsed is not None and parsed[0] == number
    assert recognise_framework_area(parsed[1]) is framework


@pytest.mark.parametrize("text", ["a 地域公共交通", "(ア) 医療", "① 地域公共交通", "1 研修の実施"])
def test_categories_are_not_policy_areas(text: str) -> None:
    assert Row(1, (text,)).kind is not RowKind.POLICY_AREA


def test_cells_excel_quoted_for_their_line_breaks_stay_one_cell() -> None:
    rows = split_rows('KPI\t指標\t現状値\n\t圏域のシェア\t"人口48.4%\n面積34.5%"\n'
                      '事業名\t"本文の""引用"""\n不正\t"閉じない\nあと')
    assert [(r.line, r.cells) for r in rows] == [
        (1, ("KPI", "指標", "現状値")), (2, ("", "圏域のシェア", "人口48.4%\n面積34.5%")),
        (4, ("事業名", '本文の"引用"')), (5, ("不正", '"閉じない')), (6, ("あと",))]


@pytest.mark.parametrize(("text", "number"), [("【圏域全体の経済成長のけん引】", 1),
                                              ("■高次の都市機能の集積・強化", 2)])
def test_unnumbered_policy_areas_in_brackets(text: str, number: int) -> None:
    row = Row(1, (text,))
    assert row.kind is RowKind.POLICY_AREA
    parsed = read_policy_area(row)
    assert parsed is not None and parsed[0] == number
