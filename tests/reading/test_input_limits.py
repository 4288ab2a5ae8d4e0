"""Hostile and broken files are refused by the readers with a message naming the limit, before they balloon."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import zipfile
from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.reading.hostile_workbooks import (
    SHEET_CLOSE,
    SHEET_OPEN,
    actuals_sheet,
    inline_row,
    lie_about_sizes,
    white_space_sheet,
    wide_sheet,
    workbook,
)

from renkei.reading.actuals import ActualsReadError, read_actuals_csv, read_actuals_xlsx
from renkei.reading.input_limits import (
    COMMAND_LINE,
    EXCEL_COLUMNS,
    MIB,
    UPLOAD,
    InputTooLarge,
    ReadingBudget,
)
from renkei.reading.workbook import WorkbookReadError, read_plan_workbook
from renkei.reading.workbook_archive import WorkbookUnreadable, check_workbook_archive

#: Small limits, so that a test file just past them is cheap to build.
SMALL = replace(UPLOAD, rows=50, cells=400, xml_elements=300)


def _both_languages(message: str) -> tuple[str, str]:
    ja, sep, en = message.partition(" / ")
    assert sep, message
    return ja, en


def test_a_valid_workbook_is_read_as_before() -> None:
    sheet = read_actuals_xlsx(workbook(actuals_sheet(rows=3)))
    assert [(r.row, r.value) for r in sheet.rows] == [(2, 2.0), (3, 3.0), (4, 4.0)]


def test_a_zip_bomb_of_white_space_is_refused_from_the_zip_directory() -> None:
    data = workbook(white_space_sheet(gib=0.07, chunk_mib=4))  # 72 MiB of spaces packs into about 72 KB
    assert len(data) < MIB
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(data)
    assert caught.value.limit == "unpacked_bytes"
    ja, en = _both_languages(str(caught.value))
    assert "展開すると 72 MB" in ja and "64 MB まで" in ja
    assert "unpacked" in en and "at most 64 MB" in en


def test_an_absurd_compression_ratio_is_refused_under_the_size_limit() -> None:
    data = workbook(white_space_sheet(gib=16 / 1024, chunk_mib=2))  # 16 MiB: under 64 MiB, but packed ~1000 times
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(data)
    assert caught.value.limit == "compression_ratio"
    ja, en = _both_languages(str(caught.value))
    assert "xl/worksheets/sheet1.xml" in ja and "100倍まで" in ja
    assert "at most 100" in en


def test_a_directory_that_lies_about_sizes_gains_nothing() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")):
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", SHEET_OPEN + b" " * (8 * MIB) + SHEET_CLOSE)
    data = lie_about_sizes(buffer.getvalue(), declared=1000)  # "1,000 bytes" each, passing every directory check
    with pytest.raises(WorkbookUnreadable) as caught:
        check_workbook_archive(data, UPLOAD)
    ja, en = _both_languages(str(caught.value))
    assert "壊れている" in ja and "damaged" in en  # zipfile stops at the declared size: the checksum fails


def test_a_sheet_over_the_cell_limit_is_refused_naming_the_sheet_and_row() -> None:
    data = workbook(wide_sheet(cells=SMALL.cells + 10, per_row=10))  # the 4-cell header makes row 41 pass 400
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(data, SMALL)
    assert caught.value.limit == "cells"
    ja, en = _both_languages(str(caught.value))
    assert "シート「実績」" in ja and "400 セルまで" in ja and "41行目" in ja
    assert "sheet '実績'" in en and "at most 400" in en and "row 41" in en


def test_a_row_wider_than_excel_is_refused_before_openpyxl_holds_it() -> None:
    row = b"<row r='2'>" + b"<c/>" * (EXCEL_COLUMNS + 1) + b"</row>"
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(workbook([SHEET_OPEN, inline_row(1, ("事業名",)), row, SHEET_CLOSE]))
    assert "16,384" in str(caught.value) and "2行目" in str(caught.value)


def test_a_row_number_beyond_excel_is_refused() -> None:
    rows = [SHEET_OPEN, inline_row(1, ("事業名",)), inline_row(2_000_000_000, ("x",)), SHEET_CLOSE]
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(workbook(rows))
    assert "2,000,000,000" in str(caught.value) and "1,048,576" in str(caught.value)


def test_rows_past_the_limit_are_refused_with_the_row() -> None:
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(workbook(actuals_sheet(rows=SMALL.rows)), SMALL)  # the header makes it one row too many
    assert caught.value.limit == "rows" and "51行目" in str(caught.value) and "row 51" in str(caught.value)


def test_a_part_of_too_many_elements_is_refused() -> None:
    styles = [b"<styleSheet>", b"<xf/>" * (SMALL.xml_elements + 1), b"</styleSheet>"]
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(workbook(actuals_sheet(), extra={"xl/styles.xml": styles}), SMALL)
    assert caught.value.limit == "xml_elements" and "「xl/styles.xml」の構造が複雑すぎます" in str(caught.value)


def test_a_dtd_is_refused() -> None:
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(workbook(actuals_sheet(), doctype=True))
    assert "DOCTYPE" in str(caught.value)


def test_a_file_over_the_upload_size_is_refused_before_unzipping() -> None:
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_xlsx(b"PK\x03\x04" + bytes(UPLOAD.file_bytes))
    assert caught.value.limit == "file_bytes" and "5 MB" in str(caught.value)


def test_a_text_file_named_xlsx_is_described() -> None:
    with pytest.raises(ActualsReadError) as caught:
        read_actuals_xlsx("事業名,指標,年度,実績値\n".encode())
    ja, en = _both_languages(str(caught.value))
    assert "テキスト" in ja and ".csv" in ja and "holds text" in en


def test_a_truncated_workbook_is_called_damaged() -> None:
    data = workbook(actuals_sheet(rows=200))
    with pytest.raises(ActualsReadError) as caught:
        read_actuals_xlsx(data[: len(data) // 2])
    ja, en = _both_languages(str(caught.value))
    assert "壊れている" in ja and "damaged" in en


def test_a_truncated_plan_workbook_is_called_damaged() -> None:
    data = workbook(actuals_sheet(rows=200))
    with pytest.raises(WorkbookReadError, match="damaged"):
        read_plan_workbook(data[: len(data) // 2])


def test_a_plan_workbook_bomb_is_refused_at_the_command_line_limit() -> None:
    with pytest.raises(InputTooLarge) as caught:
        read_plan_workbook(workbook(white_space_sheet(gib=0.25, chunk_mib=4)))
    assert caught.value.limit == "unpacked_bytes" and "at most 256 MB" in str(caught.value)


def _csv(rows: int, after: str = "") -> str:
    body = "".join(f"火災調査,件数,R8,{n}\n" for n in range(rows))
    return "事業名,指標,年度,実績値\n" + body + after


def test_a_csv_over_the_row_limit_is_refused() -> None:
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_csv(_csv(UPLOAD.rows))
    ja, en = _both_languages(str(caught.value))
    assert "100,001行目" in ja and "100,000 行まで" in ja and "row 100,001" in en


@pytest.fixture
def csv_default_field_limit() -> Iterator[None]:
    """Python's own field-size limit for the csv module: frictionless (the open-data tests' validator) raises it for
    the whole process when imported, and an xdist worker may have run those tests first."""
    previous = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(previous)


def test_a_csv_stops_at_the_row_limit_without_reading_on(csv_default_field_limit: None) -> None:
    # Row 60 is not valid CSV (a field over the csv module's size limit): reading it would raise csv.Error.
    after = "火災調査,件数,R8," + "9" * 200_000 + "\n"
    with pytest.raises(InputTooLarge, match="51行目"):
        read_actuals_csv(_csv(SMALL.rows + 10, after), SMALL)
    with pytest.raises(ActualsReadError, match="not valid CSV"):
        read_actuals_csv(_csv(10, after), SMALL)


def test_a_csv_over_the_cell_limit_is_refused() -> None:
    wide = "事業名,指標,年度,実績値" + ",x" * 500 + "\n"
    with pytest.raises(InputTooLarge) as caught:
        read_actuals_csv(wide, SMALL)
    assert caught.value.limit == "cells" and "400 セルまで" in str(caught.value)


def test_reading_stops_when_the_time_budget_is_spent() -> None:
    ticks = itertools.count()  # a clock that moves ten seconds every time it is read

    with pytest.raises(InputTooLarge) as caught:
        read_actuals_csv(_csv(5_000), UPLOAD, clock=lambda: 10.0 * next(ticks))
    assert caught.value.limit == "seconds"
    ja, en = _both_languages(str(caught.value))
    assert "60 秒" in ja and "longer than 60 s" in en


def test_the_time_budget_is_kept_while_the_clock_stands_still() -> None:
    sheet = read_actuals_csv(_csv(5_000), UPLOAD, clock=lambda: 0.0)
    assert len(sheet.rows) == 5_000


def test_a_budget_counts_rows_per_sheet_and_cells_per_file() -> None:
    budget = ReadingBudget(SMALL, clock=lambda: 0.0)
    for number in range(1, SMALL.rows + 1):
        budget.count_row(number, 4)  # 50 rows (the most), 200 cells
    budget.start_sheet()
    for number in range(1, 41):
        budget.count_row(number, 5)  # a new sheet starts its rows again, but not the file's cells: 400
    with pytest.raises(InputTooLarge, match="41行目: セルが多すぎます"):
        budget.count_row(41, 5)


def test_the_documented_limits_are_the_ones_in_force() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "limits.md").read_text(encoding="utf-8")

    def number(cell: str, name: str) -> float:
        text = cell.strip().replace(",", "").removesuffix(" MB").removesuffix("倍").removesuffix(" 秒")
        return float(text) * (MIB if name.endswith("_bytes") else 1)

    for field in fields(UPLOAD):
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{field.name}`")), None)
        assert row is not None, f"{field.name} is not in docs/limits.md"
        web, command = row.split("|")[2:4]
        assert number(web, field.name) == getattr(UPLOAD, field.name), field.name
        assert number(command, field.name) == getattr(COMMAND_LINE, field.name), field.name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=10_000), flips=st.lists(
    st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=255)), max_size=8))
def test_a_damaged_workbook_never_raises_anything_but_the_readers_errors(cut: int, flips: list[tuple[int, int]]
                                                                          ) -> None:
    data = bytearray(_VALID[: max(cut, 1)] if cut < len(_VALID) else _VALID)
    for at, value in flips:
        data[at % len(data)] = value
    with contextlib.suppress(ActualsReadError, InputTooLarge):  # any other exception fails the test
        read_actuals_xlsx(bytes(data))


_VALID = workbook(actuals_sheet(rows=20))
