"""Tests for the actuals sheet reader: headers, fiscal years, values, row errors, CSV and xlsx."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from renkei.reading.actuals import (
    ActualsReadError,
    read_actuals_csv,
    read_actuals_xlsx,
    read_value,
)

FIRE = "火災原因調査鑑識・鑑定連携事業"
COUNT = "鑑識・鑑定及び研修・会議等実施件数"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", (4.0, None)),
        ("１，２３４", (1234.0, None)),
        ("1,234.5", (1234.5, None)),
        ("84.9%", (84.9, "%")),
        ("84.9％", (84.9, "%")),
        ("15,000人", (15000.0, "人")),
        ("2,430万", (24300000.0, None)),
        ("▲5", (-5.0, None)),
        ("0", (0.0, None)),
    ],
)
def test_values_read_with_full_width_digits_separators_and_units(
    text: str, expected: tuple[float, str | None]
) -> None:
    assert read_value(text) == expected


@pytest.mark.parametrize("text", ["x", "—", "-", "約5", "12,34", "4件5件"])
def test_not_a_value(text: str) -> None:
    assert read_value(text) is None


@pytest.mark.parametrize(
    "header",
    [
        "project,indicator,fiscal_year,value,note",
        "事業名,指標,年度,実績値,備考",
        "事業名 / project,指標 / indicator,年度 / fiscal year,実績値 / value,備考 / note",
        "Project,Indicator,Year,Value,Notes",
        "事業名,指標,年度（西暦・和暦）,実績値（数値）,備考",
    ],
)
def test_headers_in_english_japanese_or_both(header: str) -> None:
    sheet = read_actuals_csv(f"{header}\n{FIRE},{COUNT},R8,4,集計済み\n")
    assert sheet.errors == ()
    assert [(r.row, r.project, r.indicator, r.fiscal_year, r.value, r.note) for r in sheet.rows] == [
        (2, FIRE, COUNT, 2026, 4.0, "集計済み")
    ]


def test_tab_separated_text_and_bom_are_accepted() -> None:
    sheet = read_actuals_csv(f"\ufeff事業名\t指標\t年度\t実績値\n{FIRE}\t{COUNT}\t令和9年度\t６\n")
    assert [(r.fiscal_year, r.value) for r in sheet.rows] == [(2027, 6.0)]


BAD = f"""事業名,指標,年度,実績値,備考,月
{FIRE},{COUNT},R8,4,,
{FIRE},{COUNT},来年,5,,
,{COUNT},2027,5,,
{FIRE},{COUNT},2027,x,,
{FIRE},{COUNT},2027,—,,
{FIRE},{COUNT},,,,
{FIRE},{COUNT},2027,7,,13
{FIRE},{COUNT},2027,"1,200",,
"""


def test_bad_cells_become_row_errors_naming_row_and_column() -> None:
    sheet = read_actuals_csv(BAD)
    assert [(e.row, e.column) for e in sheet.errors] == [
        (3, "fiscal_year"),
        (4, "project"),
        (5, "value"),
        (6, "value"),
        (8, "month"),
    ]
    assert [(r.row, r.value) for r in sheet.rows] == [(2, 4.0), (9, 1200.0)]
    assert sheet.blank_rows == (7,)
    assert str(sheet.errors[0]) == (
        "3行目「年度」: 「来年」を年度として読めません（例: 2026、令和8年度、R8） / "
        "row 3, fiscal_year: cannot read '来年' as a fiscal year (e.g. 2026, 令和8年度, R8)"
    )
    assert "ゼロなら 0" in sheet.errors[3].message_ja


def test_row_numbers_count_records_not_physical_lines() -> None:
    text = f'事業名,指標,年度,実績値,備考\n{FIRE},{COUNT},R8,4,"二行の\n備考"\n{FIRE},{COUNT},R9,x,\n'
    sheet = read_actuals_csv(text)
    assert sheet.rows[0].note == "二行の\n備考"
    assert [e.row for e in sheet.errors] == [3]


def test_blank_lines_keep_the_numbering() -> None:
    sheet = read_actuals_csv(f"事業名,指標,年度,実績値\n\n{FIRE},{COUNT},R8,4\n,,,\n{FIRE},{COUNT},R9,x\n")
    assert [r.row for r in sheet.rows] == [3]
    assert [e.row for e in sheet.errors] == [5]


def test_municipality_columns_keep_their_header_and_value() -> None:
    text = f"事業名,指標,年度,実績値,実績値:行橋市,value:403814\n{FIRE},{COUNT},R8,,３,1\n"
    sheet = read_actuals_csv(text)
    assert sheet.municipality_columns == ("行橋市", "403814")
    (row,) = sheet.rows
    assert (row.value, row.by_municipality) == (None, (("行橋市", 3.0), ("403814", 1.0)))


def test_month_column_and_year_month_form() -> None:
    rows = ("R8,４月,1", "R8,2027-01,2", "R8,2026-01,2")
    text = "事業名,指標,年度,月,実績値\n" + "".join(f"{FIRE},{COUNT},{row}\n" for row in rows)
    sheet = read_actuals_csv(text)
    assert [(r.row, r.month) for r in sheet.rows] == [(2, 4), (3, 1)]
    assert [(e.row, e.column) for e in sheet.errors] == [(4, "month")]


def test_mixed_units_in_one_row_are_an_error() -> None:
    sheet = read_actuals_csv(f"事業名,指標,年度,実績値,実績値:行橋市\n{FIRE},{COUNT},R8,4件,4人\n")
    assert [(e.row, e.column) for e in sheet.errors] == [(2, "value")]


@pytest.mark.parametrize(
    ("text", "row", "fragment"),
    [
        ("", None, "見出し行がありません"),
        ("\n\n", None, "見出し行がありません"),
        ("事業名,指標,実績値\nA,B,1\n", 1, "年度"),
        ("project,indicator,fiscal_year\nA,B,2026\n", 1, "value"),
        ("事業名,指標,年度,実績値,実績値\n", 1, "2回"),
    ],
)
def test_a_sheet_without_the_required_columns_is_refused(text: str, row: int | None, fragment: str) -> None:
    with pytest.raises(ActualsReadError) as caught:
        read_actuals_csv(text)
    assert caught.value.row == row
    assert fragment in str(caught.value)


def test_unknown_and_informational_columns_are_kept_aside() -> None:
    header = "事業名,指標,単位,現状値,目標値,年度,実績値,担当課"
    sheet = read_actuals_csv(f"{header}\n{FIRE},{COUNT},件,5件,25件,R8,4,消防局\n")
    assert sheet.ignored_columns == ("担当課",)
    assert sheet.rows[0].value == 4.0


@given(st.text(max_size=300))
def test_any_text_reads_or_fails_with_the_projects_error(text: str) -> None:
    try:
        sheet = read_actuals_csv(text)
    except ActualsReadError:
        return
    assert all(e.row >= 2 for e in sheet.errors)


cell = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@given(st.lists(st.tuples(cell, cell, st.integers(2019, 2040), st.integers(-10**6, 10**6)), max_size=8))
def test_written_rows_read_back(rows: list[tuple[str, str, int, int]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["事業名", "指標", "年度", "実績値"])
    writer.writerows([("P" + p, "I" + i, year, f"{value:,}") for p, i, year, value in rows])
    sheet = read_actuals_csv(buffer.getvalue())
    assert sheet.errors == ()
    assert [(r.fiscal_year, r.value) for r in sheet.rows] == [(y, float(v)) for _, _, y, v in rows]
    assert [r.row for r in sheet.rows] == list(range(2, len(rows) + 2))


def _xlsx(rows: list[list[object]], *, title_sheet: bool = False) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title_sheet:
        sheet.title = "表紙"
        sheet.append(["実績値の報告"])
        sheet = book.create_sheet("実績")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_numbers_and_text_cells_are_read() -> None:
    data = _xlsx([["事業名", "指標", "年度", "実績値"], [FIRE, COUNT, 2026, 4], [FIRE, COUNT, "R9", 6.5],
                  [FIRE, COUNT, 2028, "abc"]])
    sheet = read_actuals_xlsx(data)
    assert [(r.row, r.fiscal_year, r.value) for r in sheet.rows] == [(2, 2026, 4.0), (3, 2027, 6.5)]
    assert [(e.row, e.column) for e in sheet.errors] == [(4, "value")]


def test_xlsx_finds_the_worksheet_with_the_header() -> None:
    sheet = read_actuals_xlsx(_xlsx([["事業名", "指標", "年度", "実績値"], [FIRE, COUNT, 2026, 4]], title_sheet=True))
    assert len(sheet.rows) == 1


@pytest.mark.parametrize("data", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_refused(data: bytes) -> None:
    with pytest.raises(ActualsReadError, match="xlsx"):
        read_actuals_xlsx(data)
