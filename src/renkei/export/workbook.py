"""The plan workbook (計画ワークブック): a plan and its progress as xlsx a planner can read, edit and re-import.

Sheets: 概要 (overview), 事業 (projects), KPI, 事業費 (budgets), 連携市町 (partners) and a hidden
``_renkei`` sheet holding the plan as JSON, which :func:`renkei.reading.workbook.read_plan_workbook`
uses for every cell a planner left as it was. Every sheet has a frozen header with filters, columns
fitted to their text, rows as tall as their wrapped text, and prints on A4 landscape with its titles
repeated on each page.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from renkei.domain.fiscal import format_fiscal_year, format_wareki_date
from renkei.domain.municipality import Area
from renkei.domain.plan import KPI, BudgetCellStatus, Plan, Project
from renkei.domain.progress import Evaluation
from renkei.domain.quantity import Quantity
from renkei.domain.relisting import Relisting
from renkei.domain.revision import KpiChange, KpiHistory, KpiRevision
from renkei.domain.text import fold
from renkei.domain.totals import total_budget
from renkei.export.cell_layout import display_width, fit_width, row_height
from renkei.presentation.columns import Column, Columns
from renkei.reading.workbook import (
    BUDGET_HEAD,
    BUDGET_NOTE,
    BUDGETS,
    DATA_SHEET,
    DIRECTIONS,
    FORMAT,
    HEADER_ROWS,
    KPI_INPUT,
    KPIS,
    OVERVIEW,
    PARTNERS,
    PROJECT_COLUMNS,
    PROJECTS,
    RELISTED_MARK,
    budget_cell_value,
    chunks,
    project_record,
    render_lines,
    render_pairs,
    render_roles,
)

STATUS_JA = {BudgetCellStatus.AMOUNT: "金額", BudgetCellStatus.NONE: "なし（—）", BudgetCellStatus.UNCLEAR: "不明（→）",
             BudgetCellStatus.UNDETERMINED: "未定",
             BudgetCellStatus.NOT_STATED: "記載なし（空欄）", BudgetCellStatus.INVALID: "読めない記載"}
A4 = 9
#: Width limits (min, max) of the 事業 sheet's columns, in PROJECT_COLUMNS order.
PROJECT_WIDTHS = ((6, 8), (16, 30), (6, 8), (6, 8), (12, 22), (6, 8), (10, 18), (8, 18), (30, 48), (20, 36),
                  (14, 26), (24, 40), (20, 34), (10, 24))


#: The 事業 sheet's cell of each column for a project (its workbook id and sheet), by the column's name.
_PROJECT_CELLS: dict[str, Callable[[tuple[str, Project]], object]] = {
    "事業ID": lambda listed: listed[0],
    "事業名": lambda listed: listed[1].name,
    "再掲": lambda listed: RELISTED_MARK if listed[1].relisted else "",
    "政策分野番号": lambda listed: listed[1].policy_area.number if listed[1].policy_area else "",
    "政策分野": lambda listed: listed[1].policy_area.name if listed[1].policy_area else "",
    "分類記号": lambda listed: listed[1].category.code if listed[1].category else "",
    "分類": lambda listed: listed[1].category.name if listed[1].category else "",
    "分類の副題": lambda listed: (listed[1].category.subtitle or "") if listed[1].category else "",
    "事業内容": lambda listed: listed[1].description or "",
    "効果": lambda listed: render_lines(listed[1].effects),
    "連携市町（記載）": lambda listed: listed[1].partners.text or "",
    "役割分担": lambda listed: render_roles(listed[1].roles),
    "費用負担（基本方針）": lambda listed: listed[1].cost_sharing.text or "",
    "その他の項目": lambda listed: render_pairs(listed[1].extra),
}
#: The 事業 sheet's shape: its columns in the order the workbook reader expects (PROJECT_COLUMNS), each by name.
PROJECT_SHEET: Columns[tuple[str, Project], str] = Columns(
    tuple(Column(name, _PROJECT_CELLS[name]) for name in PROJECT_COLUMNS))


class KpiResult(Protocol):
    """What the workbook needs of a KPI's evaluation (services.progress.KpiProgress has it)."""

    @property
    def project(self) -> Project: ...
    @property
    def kpi(self) -> KPI: ...
    @property
    def evaluation(self) -> Evaluation: ...
    @property
    def values(self) -> dict[int, float]: ...


Cell = tuple[object, Any]
#: The reference sheet of a revised plan's KPI history (never read back: a revision is imported from its document).
REVISIONS = "改正履歴"
#: How each kind of revision is named on the sheet.
CHANGE_JA = {KpiChange.ADDED: "追加", KpiChange.CHANGED: "変更", KpiChange.DROPPED: "削除"}


@dataclass(frozen=True, slots=True)
class _HistoryRow:
    """One row of the 改正履歴 sheet: a KPI's revision with its sheet (a withdrawn sheet has no workbook id)."""

    project_id: str
    project_name: str
    indicator: str
    in_vision: bool
    entry: KpiRevision


def _quantity_text(quantity: Quantity | None) -> str:
    return quantity.text if quantity is not None else ""


#: The 改正履歴 sheet's shape, column by column.
HISTORY_SHEET: Columns[_HistoryRow, str] = Columns((
    Column("事業ID", lambda r: r.project_id),
    Column("事業名", lambda r: r.project_name),
    Column("指標", lambda r: r.indicator),
    Column("改正", lambda r: r.entry.revision.label),
    Column("改正日", lambda r: r.entry.revision.date_label),
    Column("適用年度", lambda r: format_fiscal_year(r.entry.revision.in_force_from)),
    Column("改正の理由", lambda r: r.entry.revision.reason),
    Column("変更", lambda r: CHANGE_JA[r.entry.change]),
    Column("変更前の現状値", lambda r: _quantity_text(r.entry.old_baseline)),
    Column("変更前の目標値", lambda r: _quantity_text(r.entry.old_target)),
    Column("変更後の現状値", lambda r: _quantity_text(r.entry.new_baseline)),
    Column("変更後の目標値", lambda r: _quantity_text(r.entry.new_target)),
    Column("説明", lambda r: r.entry.describe("ja")),
    Column("評価年度の計画に", lambda r: "あり" if r.in_vision else "なし"),
))


def project_ids(plan: Plan) -> list[str]:
    """Return each project's workbook id (P001, P002 …) in document order."""
    return [f"P{i:03d}" for i in range(1, len(plan.projects) + 1)]


def header_title(title: str) -> float:
    """Return the width a header title needs when it may wrap onto two lines.

    >>> header_title("政策分野番号"), header_title("ID")
    (8.0, 3.0)
    """
    return float(-(-display_width(title) // 2) + 2)


class _Writer:
    def __init__(self, plan: Plan, results: Sequence[KpiResult], as_of: int | None, issued: date,
                 area: Area | None) -> None:
        import xlsxwriter

        self.plan, self.relisting, self.as_of, self.issued = plan, Relisting.of(plan), as_of, issued
        self.area = area
        self.results = {(id(r.project), fold(r.kpi.indicator)): r for r in results}
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_numbers": False,
                                                     "strings_to_formulas": False, "strings_to_urls": False})
        self.book.set_properties({"title": f"{plan.area_name} {plan.title or ''}".strip(), "comments": FORMAT})
        base = {"font_name": "Meiryo UI", "font_size": 10, "valign": "top", "border": 1}
        self.head = self.book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
        self.title = self.book.add_format({"font_name": "Meiryo UI", "font_size": 14, "bold": True})
        self.plain = self.book.add_format({"font_name": "Meiryo UI", "font_size": 10})
        self.input = self.book.add_format({**base, "text_wrap": True, "locked": False})
        self.ref = self.book.add_format({**base, "text_wrap": True, "bg_color": "#F2F2F2"})
        self.center = self.book.add_format({**base, "align": "center", "bg_color": "#F2F2F2"})
        self.money = self.book.add_format({**base, "num_format": "#,##0", "locked": False})
        self.money_ref = self.book.add_format({**base, "num_format": "#,##0", "bg_color": "#F2F2F2"})
        self.number_ref = self.book.add_format({**base, "num_format": "#,##0.##", "bg_color": "#F2F2F2"})
        self.absent = self.book.add_format({**base, "pattern": 4, "fg_color": "#D9D9D9", "locked": False})
        self.vertical = self.book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "rotation": 270,
                                              "align": "center"})
        self.ids = project_ids(plan)
        self.widths: dict[str, list[float]] = {}
        self.years = sorted({c.fiscal_year for p in plan.projects if p.budget for c in p.budget.cells}
                            | set(plan.years))

    def heading(self) -> str:
        return f"{self.plan.area_name} {self.plan.title or ''}".strip()

    def print_setup(self, sheet: Any, name: str, *, repeat_columns: int = 0) -> None:
        sheet.set_landscape()
        sheet.set_paper(A4)
        sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.6)
        sheet.set_header(f"&L&\"Meiryo UI\"&9{self.heading()}&R&\"Meiryo UI\"&9{name}")
        sheet.set_footer("&C&\"Meiryo UI\"&9&P / &N")
        if repeat_columns:
            sheet.repeat_columns(0, repeat_columns - 1)

    def table(self, name: str, titles: Sequence[str], rows: Sequence[Sequence[Cell]],
              limits: Sequence[tuple[float, float]], *, freeze: int = 2, header: Any = None) -> Any:
        """Write a sheet of one header row and data rows, fitted, filtered, frozen and set up for print."""
        sheet = self.book.add_worksheet(name)
        widths = [fit_width([v for row in rows for v in (row[c][0],)], minimum=max(low, header_title(t)),
                            maximum=high) for c, (t, (low, high)) in enumerate(zip(titles, limits, strict=True))]
        for column, (title, width) in enumerate(zip(titles, widths, strict=True)):
            sheet.set_column(column, column, width)
            sheet.write_string(0, column, title, header or self.head)
        sheet.set_row(0, row_height([(t, w) for t, w in zip(titles, widths, strict=True)]))
        for number, row in enumerate(rows, start=1):
            for column, (value, fmt) in enumerate(row):
                self.write(sheet, number, column, value, fmt)
            sheet.set_row(number, row_height([(v, w) for (v, _), w in zip(row, widths, strict=False)]))
        sheet.freeze_panes(1, freeze)
        sheet.autofilter(0, 0, max(len(rows), 1), len(titles) - 1)
        self.print_setup(sheet, name, repeat_columns=freeze)
        sheet.repeat_rows(0)
        # as many pages across as keep the text readable (about 230 character widths a page), the ids repeated
        sheet.fit_to_pages(-(-int(sum(widths)) // 230), 0)
        sheet.print_across()
        self.widths[name] = widths
        return sheet

    def write(self, sheet: Any, row: int, column: int, value: object, fmt: Any) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, column, value, fmt)
        elif value == "" or value is None:
            sheet.write_blank(row, column, None, fmt)
        else:
            sheet.write_string(row, column, str(value), fmt)

    def overview(self) -> None:
        plan, totals = self.plan, total_budget(self.plan, self.relisting)
        sheet = self.book.add_worksheet(OVERVIEW)
        self.print_setup(sheet, OVERVIEW)
        sheet.fit_to_pages(1, 0)
        sheet.write_string(0, 0, f"{self.heading()}　計画ワークブック", self.title)
        as_of = f"評価: {format_fiscal_year(self.as_of)}時点（実績は承認済みの値）　" if self.as_of else ""
        issued = self.issued
        sheet.write_string(1, 0, f"{as_of}作成: {format_wareki_date(issued.year, issued.month, issued.day)}",
                           self.plain)
        values: dict[str, str] = {"area_name": plan.area_name, "title": plan.title or "",
                                  "first_year": format_fiscal_year(plan.first_year),
                                  "last_year": format_fiscal_year(plan.last_year)}
        row = 3
        for label, name in HEADER_ROWS:
            sheet.write_string(row, 0, label, self.head)
            sheet.write_string(row, 1, values[name], self.input)
            row += 1
        facts = [("圏域（設定名）", plan.area_slug), ("原文のSHA-256", plan.source_sha256),
                 ("事業数", len(plan.projects)), ("うち【再掲】", sum(p.relisted for p in plan.projects)),
                 ("KPI数", sum(len(p.kpis) for p in plan.projects))]
        for label, fact in facts:
            sheet.write_string(row, 0, label, self.head)
            self.write(sheet, row, 1, fact, self.ref)
            row += 1
        row += 1
        sheet.write_string(row, 0, "事業費の合計（単位：千円、【再掲】は1回だけ数える）", self.plain)
        row += 1
        for column, title in enumerate(("年度", "合計（千円）", "金額の記載がある事業", "「—」（なし）", "未定")):
            sheet.write_string(row, column, title, self.head)
        for year_total in (*totals.outside, *totals.years):
            row += 1
            outside = "" if year_total.in_period else "（計画期間外）"
            sheet.write_string(row, 0, format_fiscal_year(year_total.fiscal_year) + outside, self.ref)
            if year_total.amount is None:
                sheet.write_string(row, 1, "記載なし", self.ref)
            else:
                sheet.write_number(row, 1, year_total.amount, self.money_ref)
            for column, count in enumerate((year_total.stated, year_total.none, year_total.undetermined), start=2):
                sheet.write_string(row, column, f"{count}事業", self.ref)
        row += 1
        sheet.write_string(row, 0, "計画期間の合計", self.head)
        if totals.plan_period_total is None:
            sheet.write_string(row, 1, "記載なし", self.ref)
        else:
            sheet.write_number(row, 1, totals.plan_period_total, self.money_ref)
        row += 2
        notes = ("白いセルは編集できます。灰色のセルは参考です。編集したファイルは renkei import で読み込めます。",
                 "事業費: 数値は千円。「—」はなし、「未定」は未定、空欄は記載なし、斜線のセルはその年度の欄がありません。",  # noqa: E501
                 "KPI: 行を追加するときは「KPI番号」を空欄にし、「事業ID」に事業シートのIDを書きます。",
                 "実績値・状況・評価は参考です（実績は renkei actuals import で記録します）。")
        for note in notes:
            sheet.write_string(row, 0, note, self.plain)
            row += 1
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 1, 66)
        sheet.set_column(2, 4, 18)
        sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})

    def projects(self) -> None:
        rows: list[list[Cell]] = []
        for listed in zip(self.ids, self.plan.projects, strict=True):
            rows.append([(value, self.ref if column == 0 else self.input)
                         for column, value in enumerate(PROJECT_SHEET.row(listed))])
        self.table(PROJECTS, PROJECT_SHEET.header(), rows, PROJECT_WIDTHS)

    def kpis(self) -> None:
        years = list(self.plan.years)
        titles = (*KPI_INPUT, "単位（参考）", *(f"実績 {format_fiscal_year(y)}" for y in years), "状況（参考）",
                  "評価（参考）", "評価の説明（参考）")
        limits = ((8, 10), (6, 8), (16, 28), (16, 32), (6, 8), (12, 24), (14, 28), (6, 10),
                  *((10, 12) for _ in years), (8, 12), (6, 8), (30, 60))
        rows: list[list[Cell]] = []
        for pid, p in zip(self.ids, self.plan.projects, strict=True):
            for i, k in enumerate(p.kpis, start=1):
                result = self.results.get((id(p), fold(k.indicator)))
                evaluation = result.evaluation if result else None
                by_year = result.values if result else {}
                rows.append([
                    (f"{pid}-K{i}", self.ref), (pid, self.input), (p.name, self.ref), (k.indicator, self.input),
                    (DIRECTIONS[k.direction] if k.direction else "", self.input), (k.baseline.text, self.input),
                    (k.target.text, self.input), (k.unit, self.ref),
                    *((by_year.get(y, ""), self.number_ref) for y in years),
                    (evaluation.status.label_ja if evaluation else "", self.ref),
                    (evaluation.rating.value if evaluation else "", self.ref),
                    (evaluation.explanation_ja if evaluation else "", self.ref)])
        sheet = self.table(KPIS, titles, rows, limits)
        for column in range(len(KPI_INPUT)):  # rows a planner adds below are editable too
            if column not in (0, 2):
                sheet.set_column(column, column, self.widths[KPIS][column], self.input)
        sheet.data_validation(1, 4, 10000, 4, {"validate": "list", "source": ["", *DIRECTIONS.values()]})
        sheet.protect("", {"insert_rows": True, "delete_rows": True, "autofilter": True, "sort": True,
                           "format_columns": True, "format_rows": True})

    def budgets(self) -> None:
        titles = (*BUDGET_HEAD, *(f"{format_fiscal_year(y)}\n（千円）" for y in self.years), BUDGET_NOTE)
        limits = ((6, 8), (16, 30), (6, 8), *((11, 14) for _ in self.years), (10, 30))
        rows: list[list[Cell]] = []
        for pid, p in zip(self.ids, self.plan.projects, strict=True):
            if p.budget is None:
                continue
            cells = {c.fiscal_year: c for c in p.budget.cells}
            rows.append([(pid, self.input), (p.name, self.ref), (p.budget.unit or "", self.input),
                         *((("", self.absent) if (c := cells.get(y)) is None else (budget_cell_value(c), self.money))
                           for y in self.years),
                         (p.budget.note or "", self.input)])
        sheet = self.table(BUDGETS, titles, rows, limits)
        # no note below the table: every row under the header is read back as a budget
        sheet.set_footer("&L&\"Meiryo UI\"&9単位：千円。「—」なし、「未定」未定、空欄は記載なし、斜線はその年度の欄なし"
                         "&R&\"Meiryo UI\"&9&P / &N")

    def partners(self) -> None:
        if self.area is not None:
            members = [(m.name, m.code) for m in self.area.members]
            lead = self.area.lead_code
        else:  # an area stored without members: the partners the sheets name, in the order they first appear
            names = dict.fromkeys(n for p in self.plan.projects for n in p.partners.municipalities)
            members, lead = [(n, "") for n in names], ""
        titles = ("事業ID", "事業名", *(n for n, _ in members), "圏域外", "除外", "未確認")
        rows: list[list[Cell]] = []
        for pid, p in zip(self.ids, self.plan.projects, strict=True):
            marks = [(("◎" if code and code == lead else "○") if name in p.partners.municipalities else
                      "×" if name in p.partners.excluded else "", self.center) for name, code in members]
            tail = ("、".join(p.partners.outside_area), "、".join(p.partners.excluded), "、".join(p.partners.unresolved))  # noqa: E501
            rows.append([(pid, self.ref), (p.name, self.ref), *marks, *((t, self.ref) for t in tail)])
        limits = ((6, 8), (16, 30), *((3.5, 3.5) for _ in members), (8, 16), (8, 14), (8, 14))
        sheet = self.table(PARTNERS, titles, rows, limits)
        for column in range(2, 2 + len(members)):
            sheet.write_string(0, column, titles[column], self.vertical)
        tallest = max((display_width(n) for n, _ in members), default=4) // 2
        sheet.set_row(0, max(40.0, 12.5 * tallest + 8))
        coded = [f"{n} {c}" for n, c in members if c]
        legend = ["◎ 中心市（推進） ○ 連携市町（協力） × 除外。編集は「事業」シートの「連携市町（記載）」で。",
                  *(("全国地方公共団体コード: " if i == 0 else "") + "、".join(coded[i:i + 6])
                    for i in range(0, len(coded), 6))]
        for offset, line in enumerate(legend):
            sheet.write_string(len(rows) + 2 + offset, 1, line, self.plain)
        sheet.protect("", {"autofilter": True, "sort": True})

    def revisions(self, histories: Mapping[tuple[str, str], KpiHistory]) -> None:
        """Write the 改正履歴 sheet: every revised KPI's revisions, oldest first (withdrawn sheets' KPIs too)."""
        ids = {p.key: (pid, p.name) for pid, p in zip(self.ids, self.plan.projects, strict=True)}
        rows: list[list[Cell]] = []
        for (project_key, _), history in histories.items():
            pid, name = ids.get(project_key) or ("", history.withdrawn_sheet or project_key)
            in_vision = project_key in ids and (self.as_of is None or history.in_force(self.as_of))
            for entry in history.entries:
                row = _HistoryRow(pid, name, history.indicator, in_vision, entry)
                rows.append([(value, self.ref) for value in HISTORY_SHEET.row(row)])
        limits = ((6, 8), (16, 30), (16, 30), (8, 12), (10, 16), (14, 18), (12, 30), (4, 6), (10, 20), (10, 20),
                  (10, 20), (10, 20), (30, 60), (8, 10))
        sheet = self.table(REVISIONS, HISTORY_SHEET.header(), rows, limits, freeze=3)
        as_of = f"{format_fiscal_year(self.as_of)}の" if self.as_of else ""
        sheet.set_footer(f"&L&\"Meiryo UI\"&9参考（編集しても読み込みません）。「評価年度の計画に」は"
                         f"{as_of}計画にその指標があるか（評価と集計の対象か）&R&\"Meiryo UI\"&9&P / &N")
        sheet.protect("", {"autofilter": True, "sort": True})

    def data(self) -> None:
        sheet = self.book.add_worksheet(DATA_SHEET)
        sheet.write_string(0, 0, FORMAT)
        header = {"area_slug": self.plan.area_slug, "area_name": self.plan.area_name, "title": self.plan.title,
                  "first_year": self.plan.first_year, "last_year": self.plan.last_year,
                  "source_sha256": self.plan.source_sha256}
        rows = [("plan", header), *((pid, project_record(p)) for pid, p in zip(self.ids, self.plan.projects,
                                                                                strict=True))]
        for row, (key, record) in enumerate(rows, start=1):
            sheet.write_string(row, 0, key)
            for column, piece in enumerate(chunks(json.dumps(record, ensure_ascii=False)), start=1):
                sheet.write_string(row, column, piece)
        sheet.hide()
        sheet.protect("", {})

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def write_plan_workbook(plan: Plan, *, results: Sequence[KpiResult] = (), as_of: int | None = None,
                        issued: date | None = None, area: Area | None = None,
                        histories: Mapping[tuple[str, str], KpiHistory] | None = None) -> bytes:
    """Write the plan workbook: overview, projects, KPIs (with actuals and evaluations), budgets, partners, and for
    a revised plan the 改正履歴 sheet.

    ``results`` are the KPI evaluations (``evaluate_stored_plan(...).kpis``), ``as_of`` their evaluation year
    and ``issued`` the date printed on the overview (today by default). ``area`` is the plan's area as stored: its
    members are the columns of the partners sheet (without it, the municipalities the sheets name). ``histories``
    (``evaluate_stored_plan(...).histories``) are the revised KPIs' histories; without any there is no 改正履歴 sheet.
    """
    writer = _Writer(plan, results, as_of, issued or date.today(), area)
    writer.overview()
    writer.projects()
    writer.kpis()
    writer.budgets()
    writer.partners()
    if histories:
        writer.revisions(histories)
    writer.data()
    return writer.close()
