"""Reading an area's own actuals sheet with a mapping: cells, year headers, the proposal, the figures and refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.reading.area_sheets import (
    BALANCE,
    CONSULTATIONS,
    RIDERS,
    TRANSPORT,
    VISITORS,
    YEAR_ROWS_CSV,
    area_plan,
    area_workbook,
)

from renkei.domain.actuals_mapping import ColumnMapping, ColumnRole, KpiChoice, Layout, kpi_choices
from renkei.reading.actuals import ActualsReadError
from renkei.reading.actuals_mapping import (
    classify_header,
    propose_mapping,
    read_cell,
    read_header_year,
    read_mapped,
)
from renkei.reading.input_limits import UPLOAD, InputTooLarge
from renkei.reading.sheet_table import read_table, table_of

if TYPE_CHECKING:
    from conftest import PlanBuilder


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("1,234", "number", 1234.0),
    ("１，２３４", "number", 1234.0),
    ("▲500", "number", -500.0),
    ("△1,200", "number", -1200.0),
    ("▲０．５", "number", -0.5),
    ("-3", "number", -3.0),
    ("180件", "number", 180.0),
    ("2.5万", "number", 25000.0),
    ("0", "number", 0.0),
    ("集計中", "pending", None),
    ("未公表", "pending", None),
    ("集計中（8月公表予定）", "pending", None),
    ("―", "pending", None),
    ("-", "pending", None),
    ("－", "pending", None),
    ("", "blank", None),
    ("  ", "blank", None),
    ("約30", "unreadable", None),
    ("30前後", "unreadable", None),
])  # fmt: skip
def test_cells(text: str, kind: str, value: float | None) -> None:
    reading = read_cell(text)
    assert (reading.kind, reading.value) == (kind, value)
    if kind == "pending":
        assert reading.word == text.strip()  # the word is kept as written, never turned into 0


@pytest.mark.parametrize(("header", "year"), [
    ("令和4年度", 2022), ("R5", 2023), ("Ｒ５年度", 2023), ("H30年度", 2018), ("平成30年度", 2018), ("2022年度", 2022),
    ("令和元年度", 2019), ("令和4年度実績", 2022), ("実績値（R5）", 2023), ("2023", 2023),
    ("目標値（令和8年度）", None), ("R8見込", None), ("指標", None), ("R4～R8", None), ("4月", None), ("", None),
])  # fmt: skip
def test_year_headers(header: str, year: int | None) -> None:
    assert read_header_year(header) == year


@pytest.mark.parametrize(("header", "role"), [
    ("成果指標", ColumnRole.INDICATOR), ("指標名", ColumnRole.INDICATOR), ("KPI", ColumnRole.INDICATOR),
    ("評価指標", ColumnRole.INDICATOR), ("事業名", ColumnRole.PROJECT), ("取組", ColumnRole.PROJECT),
    ("年度", ColumnRole.YEAR), ("実績", ColumnRole.VALUE), ("評価", ColumnRole.GRADE), ("達成度", ColumnRole.GRADE),
    ("備考", ColumnRole.NOTE), ("単位", ColumnRole.UNIT), ("コメント", ColumnRole.COMMENT),
    ("目標値（R8）", ColumnRole.IGNORE), ("現状値", ColumnRole.IGNORE),
])  # fmt: skip
def test_header_words(header: str, role: ColumnRole) -> None:
    found = classify_header(header)
    assert found is not None and found[0] is role


@given(st.text(max_size=40))
def test_any_cell_text_reads_without_raising(text: str) -> None:
    assert read_cell(text).kind in ("number", "pending", "blank", "unreadable")
    read_header_year(text)
    classify_header(text)


def choices(build: PlanBuilder) -> tuple[KpiChoice, ...]:
    return kpi_choices(area_plan(build))


def test_a_workbook_of_the_areas_own_layout_is_proposed_and_read(build: PlanBuilder) -> None:
    table = read_table(area_workbook(), "実績.xlsx")
    assert table.sheet == "実績一覧" and table.sheets == ("表紙", "実績一覧")  # the cover sheet has one cell only
    kpis = choices(build)
    mapping = propose_mapping(table, kpis)
    assert mapping.header_row == 4 and mapping.layout is Layout.YEARS_ACROSS
    assert mapping.columns == (
        ColumnMapping(1, ColumnRole.PROJECT), ColumnMapping(2, ColumnRole.INDICATOR), ColumnMapping(3, ColumnRole.UNIT),
        ColumnMapping(5, ColumnRole.VALUE, 2022), ColumnMapping(6, ColumnRole.VALUE, 2023),
        ColumnMapping(7, ColumnRole.VALUE, 2024), ColumnMapping(8, ColumnRole.GRADE), ColumnMapping(9, ColumnRole.NOTE),
    )  # the target column (目標値（R8）) and the number are not used
    assert mapping.graded_year == 2024
    sheet = read_mapped(table, mapping, kpis)
    figures = {(f.kpi.indicator, f.fiscal_year): f for f in sheet.figures}
    assert figures[(VISITORS, 2022)].value == 41200 and figures[(VISITORS, 2023)].value == 45300
    pending = figures[(VISITORS, 2024)]
    assert (pending.value, pending.pending, pending.grade, pending.note) == (None, "集計中", "B", "速報値")
    assert figures[(CONSULTATIONS, 2023)].value == 150 and figures[(CONSULTATIONS, 2024)].unit == "件"
    assert figures[(BALANCE, 2022)].value == -500 and figures[(BALANCE, 2023)].value == -200
    assert figures[(BALANCE, 2024)].pending == "―" and figures[(BALANCE, 2024)].kpi.project == TRANSPORT
    misspelt = figures[(RIDERS, 2022)]
    assert misspelt.value == 1000 and misspelt.score is not None and 80 <= misspelt.score < 100
    assert (RIDERS, 2023) not in figures
    assert figures[(VISITORS, 2022)].grade is None  # the grade is FY2024's
    assert [r.message for r in sheet.refusals] == [
        '7行目 G列: 数値として読めません（"約30"） / row 7, column G: not a number (\'約30\')',
        "9行目 C列: 指標「市民満足度調査の回答率」は計画の指標と一致しません。対応表で指定できます / row 9, column C: "
        "indicator '市民満足度調査の回答率' matches no KPI of the plan; the mapping can name it",
    ]
    assert sheet.matches[-1].kpi is None and sheet.matches[-1].score is None  # never guessed


def test_a_row_matched_by_hand_is_read_and_one_left_out_is_not(build: PlanBuilder) -> None:
    table = read_table(area_workbook(), "実績.xlsx")
    kpis = choices(build)
    proposed = propose_mapping(table, kpis)
    unmatched = read_mapped(table, proposed, kpis).matches[-1]
    by_hand = proposed.with_match(unmatched.key, KpiChoice(TRANSPORT, RIDERS))
    with_it = read_mapped(table, by_hand, kpis)
    # row 7 gave FY2022 and FY2024 of the same KPI already (its FY2023 cell, 約30, was refused)
    assert [(r.where_en, r.message_ja[:7]) for r in with_it.refusals if r.row == 9] == [
        ("row 9, column F", "同じ指標・年度"), ("row 9, column H", "同じ指標・年度"),
        ("row 9, column I", "令和6年度（2")]  # its grade (B) belongs to FY2024, which this row gives no figure of
    assert [(f.row, f.fiscal_year, f.value, f.score) for f in with_it.figures if f.row == 9] == [(9, 2023, 42, None)]
    left_out = read_mapped(table, proposed.with_match(unmatched.key, None), kpis)
    assert left_out.left_out_rows == (9,) and not any(r.row == 9 for r in left_out.refusals)


def test_the_same_kpi_and_year_twice_names_both_cells(build: PlanBuilder) -> None:
    table = table_of([["指標", "R4"], [VISITORS, "1"], [VISITORS, "2"]])
    sheet = read_mapped(table, propose_mapping(table, choices(build)), choices(build))
    assert [f.value for f in sheet.figures] == [1]
    assert sheet.refusals[0].message.startswith("3行目 B列: 同じ指標・年度（令和4年度（2022））の値がB2にもあります")


def test_an_indicator_in_two_projects_needs_the_project(build: PlanBuilder) -> None:
    kpis = (KpiChoice("A事業", "参加者数"), KpiChoice("B事業", "参加者数"))
    table = table_of([["指標", "R4"], ["参加者数", "10"]])
    sheet = read_mapped(table, propose_mapping(table, kpis), kpis)
    assert not sheet.figures and "複数の事業（A事業、B事業）" in sheet.refusals[0].message_ja
    with_project = table_of([["事業名", "指標", "R4"], ["B事業", "参加者数", "10"]])
    found = read_mapped(with_project, propose_mapping(with_project, kpis), kpis).figures
    assert [(f.kpi.project, f.value) for f in found] == [("B事業", 10)]


def test_one_row_per_kpi_and_year_with_heisei_years(build: PlanBuilder) -> None:
    table = read_table(YEAR_ROWS_CSV.encode("cp932"), "実績.csv")
    kpis = choices(build)
    mapping = propose_mapping(table, kpis)
    assert mapping.layout is Layout.YEAR_ROWS and mapping.header_row == 1
    assert mapping.column_for(ColumnRole.YEAR) == 0 and mapping.column_for(ColumnRole.COMMENT) == 3
    sheet = read_mapped(table, mapping, kpis)
    assert [(f.kpi.indicator, f.fiscal_year, f.value, f.pending) for f in sheet.figures] == [
        (VISITORS, 2018, 38000, None), (VISITORS, 2019, 39500, None), (VISITORS, 2020, None, "未公表"),
        (CONSULTATIONS, 2019, 80, None),
    ]
    assert sheet.figures[1].comment == "台風の影響あり"
    assert [r.message for r in sheet.refusals] == [
        '6行目 C列: 数値として読めません（"約90"） / row 6, column C: not a number (\'約90\')',
        "7行目 A列: 「R3見込」を年度として読めません（例: 令和4年度、H30、2022年度） / row 7, column A: cannot read "
        "'R3見込' as a fiscal year (e.g. 令和4年度, H30, 2022年度)",
    ]


def test_a_named_sheet_and_files_that_are_no_table() -> None:
    assert read_table(area_workbook(), "x.xlsx", sheet="表紙").rows == (("連携中枢都市圏ビジョン 取組状況報告書",),)
    with pytest.raises(ActualsReadError, match="シート「なし」がありません"):
        read_table(area_workbook(), "x.xlsx", sheet="なし")
    with pytest.raises(ActualsReadError, match="CSVにはシートがありません"):
        read_table(b"a,b\n", "x.csv", sheet="x")
    with pytest.raises(ActualsReadError):
        read_table(b"PK\x03\x04 not a zip", "x.xlsx")
    with pytest.raises(InputTooLarge):
        read_table(("a,b\n" * (UPLOAD.rows + 1)).encode(), "x.csv", UPLOAD)


CELLS = st.one_of(st.sampled_from(["指標", "R4", "令和5年度", "評価", "事業名", "年度", "実績", "集計中", "▲5", "―",
                                   "観光入込客数", "移住相談件数", "1,234", "約30", ""]), st.text(max_size=8))


@given(st.lists(st.lists(CELLS, max_size=6), max_size=8))
def test_any_table_is_proposed_and_read_without_raising(rows: list[list[str]]) -> None:
    kpis = (KpiChoice("観光振興事業", VISITORS, "人"), KpiChoice("移住促進事業", CONSULTATIONS, "件"))
    table = table_of(rows)
    mapping = propose_mapping(table, kpis)
    if mapping.problems():
        return
    sheet = read_mapped(table, mapping, kpis)
    assert all(f.value is None or f.pending is None for f in sheet.figures)
    assert len({(f.kpi, f.fiscal_year) for f in sheet.figures}) == len(sheet.figures)
