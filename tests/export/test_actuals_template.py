"""Tests for the actuals template: CSV with BOM and xlsx, and both read back by the actuals reader."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from renkei.domain.plan import Plan
from renkei.export.actuals_template import HEADER, TemplateError, template_kpis, write_actuals_template
from renkei.reading.actuals import read_actuals_csv, read_actuals_xlsx
from renkei.reading.sheet import read_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Read the bundled example vision."""
    return read_plan(EXAMPLE.read_text(encoding="utf-8"))[0]


def test_csv_is_utf8_with_bom_one_row_per_kpi(plan: Plan) -> None:
    data = write_actuals_template(plan, year=2026, format="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADER
    assert len(rows) - 1 == sum(len(p.kpis) for p in plan.projects) == 30
    fire = next(r for r in rows if r[1] == "鑑識・鑑定及び研修・会議等実施件数")
    assert fire == ["火災原因調査鑑識・鑑定連携事業", "鑑識・鑑定及び研修・会議等実施件数", "件", "5件（令和7年度）",
                    "25件（令和12年度までの累計）", "2026", "", "", "", ""]


def test_unfilled_template_reads_back_as_blank_rows(plan: Plan) -> None:
    sheet = read_actuals_csv(write_actuals_template(plan, year=2026, format="csv").decode("utf-8-sig"))
    assert (sheet.rows, sheet.errors) == ((), ())
    assert sheet.blank_rows == tuple(range(2, 32))
    assert set(sheet.ignored_columns) == set()


def test_filled_csv_template_round_trips(plan: Plan) -> None:
    text = write_actuals_template(plan, year=2027, format="csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for number, row in enumerate(rows[1:], start=1):
        row[HEADER.index("実績値")] = f"{number * 1000:,}"
        row[HEADER.index("備考（非公開）")] = f"備考{number}"
        row[HEADER.index("公開コメント")] = f"説明{number}"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet = read_actuals_csv(buffer.getvalue())
    assert sheet.errors == ()
    expected = [(p.name, k.indicator, 2027, n * 1000.0, f"備考{n}", f"説明{n}")
                for n, (p, k) in enumerate(template_kpis(plan), start=1)]
    assert [(r.project, r.indicator, r.fiscal_year, r.value, r.note, r.comment) for r in sheet.rows] == expected
    assert [r.row for r in sheet.rows] == list(range(2, 32))


def test_xlsx_has_frozen_header_widths_and_instructions(plan: Plan) -> None:
    data = write_actuals_template(plan, year=2026, format="xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["実績入力", "記入方法"]
    entry = book["実績入力"]
    assert entry.freeze_panes == "C2"
    assert [c.value for c in entry[1]] == list(HEADER)
    assert entry.column_dimensions["A"].width > 30
    assert entry.cell(row=2, column=HEADER.index("年度") + 1).value == 2026
    assert "実績値" in str(book["記入方法"]["A3"].value)


def test_filled_xlsx_template_round_trips(plan: Plan) -> None:
    book = load_workbook(io.BytesIO(write_actuals_template(plan, year=2026, format="xlsx")))
    entry = book["実績入力"]
    value_column = HEADER.index("実績値") + 1
    for row in range(2, entry.max_row + 1):
        entry.cell(row=row, column=value_column, value=row * 0.5)
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = read_actuals_xlsx(buffer.getvalue())
    assert sheet.errors == ()
    assert [(r.project, r.indicator) for r in sheet.rows] == [(p.name, k.indicator) for p, k in template_kpis(plan)]
    assert [(r.row, r.fiscal_year, r.value) for r in sheet.rows] == [(n, 2026, n * 0.5) for n in range(2, 32)]


def test_a_relisted_copy_of_a_kpi_is_listed_once(plan: Plan) -> None:
    original = plan.projects[2]
    copy = replace(original, relisted=True, line=999)
    doubled = replace(plan, projects=(*plan.projects, copy))
    assert template_kpis(doubled) == template_kpis(plan)


@pytest.mark.parametrize(("year", "format"), [(20, "csv"), (2026, "pdf"), (True, "csv")])
def test_impossible_year_or_format_is_refused(plan: Plan, year: int, format: str) -> None:
    with pytest.raises(TemplateError):
        write_actuals_template(plan, year=year, format=format)  # type: ignore[arg-type]
