"""Actuals template (実績値入力シート): one row per KPI to fill in, as CSV (UTF-8 with BOM) or xlsx.

The columns are those :mod:`renkei.reading.actuals` reads back: 事業名, 指標, 年度, 実績値, 備考 and
根拠, with 単位, 現状値 and 目標値 beside them for reference (ignored when read). A 【再掲】 sheet's
KPI that its original sheet already lists is left out, so every KPI is entered once.
"""

from __future__ import annotations

import io
from typing import Literal

from renkei.domain.csv_cell import csv_writer
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.plan import KPI, Plan, Project
from renkei.domain.quantity import Quantity
from renkei.domain.relisting import Relisting

TemplateFormat = Literal["csv", "xlsx"]

#: Header of the template, in the order written.
HEADER = ("事業名", "指標", "単位", "現状値", "目標値", "年度", "実績値", "公開コメント", "根拠（公開）",
          "備考（非公開）")
_WIDTHS = (44, 40, 10, 22, 30, 8, 14, 30, 30, 30)
_INPUT_COLUMNS = frozenset({"実績値", "公開コメント", "根拠（公開）", "備考（非公開）"})

INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("実績値入力シートの記入方法", "How to fill in the actuals sheet"),
    ("", ""),
    ("1. 「実績値」の列に、その年度の実績を数値で入力してください。",
     "1. Enter the fiscal year's actual as a number in the 実績値 (value) column."),
    ("   全角数字や桁区切り（1,234）も使えます。単位を付ける場合は「単位」の列と同じものにしてください。",
     "   Full-width digits and separators (1,234) are fine; a unit, if written, must be the KPI's unit."),
    ("2. 累計の指標も、その年度の件数・回数（単年度の値）を入力してください。累計は自動で計算します。",
     "2. For a cumulative KPI enter the year's own count; renkei adds the years up."),
    ("3. 実績がない年度は空欄のままにしてください（空欄の行は読み込みません）。ゼロの場合は 0 と入力します。",
     "3. Leave a year without a figure blank (blank rows are skipped); enter 0 for zero."),
    ("4. 「公開コメント」「根拠」（報告書名、URLなど）は承認後に値と一緒に公開されます。「備考」は公開されません。",
     "4. 公開コメント (public comment) and 根拠 (evidence) are published with the approved value; "
     "備考 (note) never is."),
    ("5. 「事業名」「指標」「年度」は変更しないでください。年度は報告を受け付けている年度だけ取り込めます。",
     "5. Do not change 事業名, 指標 or 年度: only a year whose reporting round is open is taken."),
    ("6. 月別の実績は「月」列（1～12）を追加して1行ずつ入力できます。",
     "6. For monthly figures add a 月 (month, 1-12) column and enter one row per month."),
    ("7. 市町村別の内訳は「実績値:行橋市」や「実績値:402133」のような列に入力します。内訳は合計の代わりになりません"
     "（圏域の値は「実績値」の列、または集計方法が「内訳の合計」の指標で全連携市町の内訳がそろったときの合計）。",
     "7. Shares go in columns such as 実績値:行橋市 or 実績値:402133; a share never stands for the total (the area's "
     "figure is the 実績値 column, or the sum of every partner's share where a KPI is set so)."),
    ("8. 読み込み: renkei actuals import このファイル --plan 計画ID",
     "8. Import with: renkei actuals import THIS_FILE --plan PLAN_ID"),
)


class TemplateError(ValueError):
    """A template that cannot be written (an impossible year or format)."""


def template_kpis(plan: Plan) -> list[tuple[Project, KPI]]:
    """Return the plan's KPIs to enter, in document order, each once (a 【再掲】 copy defers to its original)."""
    rule = Relisting.of(plan)
    return [(project, kpi) for project in plan.projects for kpi in project.kpis
            if rule.kpi_counts(project.key, kpi.key)]


def unit_of(kpi: KPI) -> str:
    """Return the unit a KPI is measured in, with its rate (回/年), or an empty string.

    >>> from renkei.domain.quantity import QuantityKind
    >>> q = Quantity(text="6回/年", kind=QuantityKind.EVERY_YEAR, value=6, unit="回", per="年")
    >>> unit_of(KPI("研修の実施回数", q, q, None))
    '回/年'
    """
    return kpi.unit


def _rows(plan: Plan, year: int) -> list[tuple[str, ...]]:
    return [
        (project.name, kpi.indicator, unit_of(kpi), _text(kpi.baseline), _text(kpi.target), str(year), "", "", "", "")
        for project, kpi in template_kpis(plan)
    ]


def _text(quantity: Quantity) -> str:
    return " ".join(quantity.text.split())


def _check(year: int, format: str) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise TemplateError(f"年度が不正です / not a fiscal year: {year!r}")
    if format not in ("csv", "xlsx"):
        raise TemplateError(f"形式は csv か xlsx です / the format is csv or xlsx, not {format!r}")


def write_actuals_template(plan: Plan, *, year: int, format: TemplateFormat) -> bytes:
    """Write the actuals template of a plan for a fiscal year, as CSV (UTF-8 with BOM) or xlsx bytes."""
    _check(year, format)
    rows = _rows(plan, year)
    if format == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer)  # names and targets are typed text: never a formula in a spreadsheet
        writer.writerow(HEADER)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8-sig")
    return _write_xlsx(plan, year, rows)


def _write_xlsx(plan: Plan, year: int, rows: list[tuple[str, ...]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": f"{plan.area_name} 実績値入力シート {format_fiscal_year(year)}"})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    reference = workbook.add_format({"bg_color": "#F2F2F2", "border": 1, "text_wrap": True, "valign": "top"})
    entry = workbook.add_format({"bg_color": "#FFF2CC", "border": 1, "valign": "top"})
    number = workbook.add_format({"bg_color": "#F2F2F2", "border": 1, "valign": "top", "num_format": "0"})
    sheet = workbook.add_worksheet("実績入力")
    for column, (title, width) in enumerate(zip(HEADER, _WIDTHS, strict=True)):
        sheet.write_string(0, column, title, header)
        sheet.set_column(column, column, width)
    for index, row in enumerate(rows, start=1):
        for column, (title, text) in enumerate(zip(HEADER, row, strict=True)):
            if title == "年度":
                sheet.write_number(index, column, int(text), number)
            elif title in _INPUT_COLUMNS:
                sheet.write_blank(index, column, None, entry)
            else:
                sheet.write_string(index, column, text, reference)
    value_column = HEADER.index("実績値")
    if rows:
        sheet.data_validation(1, value_column, len(rows), value_column, {
            "validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
            "error_title": "数値を入力してください", "error_message": "実績値には数値だけを入力します。",
            "ignore_blank": True,
        })  # fmt: skip
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, max(len(rows), 1), len(HEADER) - 1)
    guide = workbook.add_worksheet("記入方法")
    guide.set_column(0, 0, 100)
    guide.set_column(1, 1, 90)
    title = workbook.add_format({"bold": True, "font_size": 14})
    for index, (ja, en) in enumerate(INSTRUCTIONS):
        guide.write_string(index, 0, ja, title if index == 0 else None)
        guide.write_string(index, 1, en, title if index == 0 else None)
    last = len(INSTRUCTIONS) + 1
    guide.write_string(last, 0, f"計画: {plan.area_name} {plan.title or ''}".rstrip())
    guide.write_string(last + 1, 0, f"対象年度: {format_fiscal_year(year)}")
    guide.write_string(last + 2, 0, f"指標の数: {len(rows)}")
    workbook.close()
    return buffer.getvalue()
