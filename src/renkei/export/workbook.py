"""The plan workbook (計画ワークブック): a plan and its progress as xlsx a planner can read, edit and re-import.

Sheets: 概要 (overview), 事業 (projects), KPI, 事業費 (budgets), 連携市町 (partners) and a hidden
``_renkei`` sheet holding the plan as JSON, which :func:`renkei.reading.workbook.read_plan_workbook`
uses for every cell a planner left as it was.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from renkei.domain.actual import Actual, value_by_fiscal_year
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.plan import KPI, BudgetCellStatus, Plan, Project, normalise_key_text
from renkei.domain.progress import Evaluation
from renkei.domain.relisting import Relisting
from renkei.domain.totals import total_budget
from renkei.export.actuals_template import unit_of
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


class KpiResult(Protocol):
    """What the workbook needs of a KPI's evaluation (services.progress.KpiProgress has it)."""

    @property
    def project(self) -> Project: ...
    @property
    def kpi(self) -> KPI: ...
    @property
    def evaluation(self) -> Evaluation: ...


ActualsMap = Mapping[tuple[str, str], Sequence[Actual]]


def project_ids(plan: Plan) -> list[str]:
    """Return each project's workbook id (P001, P002 …) in document order."""
    return [f"P{i:03d}" for i in range(1, len(plan.projects) + 1)]


def kpi_actuals(rule: Relisting, project: Project, kpi: KPI, actuals: ActualsMap) -> dict[int, float]:
    """Return a KPI's yearly actuals (a 【再掲】 copy shares its original's); ``actuals`` keyed by KPI key."""
    for key in (project.key, rule.actuals_key(project, kpi)[0], rule.owner_key(project.key)):
        items = actuals.get((key, kpi.key))
        if items is not None:
            return value_by_fiscal_year(list(items))
    return {}


class _Writer:
    def __init__(self, plan: Plan, results: Sequence[KpiResult], actuals: ActualsMap) -> None:
        import xlsxwriter

        self.plan, self.relisting = plan, Relisting.of(plan)
        self.actuals = {(key, normalise_key_text(indicator)): items for (key, indicator), items in actuals.items()}
        self.results = {(id(r.project), normalise_key_text(r.kpi.indicator)): r.evaluation for r in results}
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_numbers": False,
                                                     "strings_to_formulas": False, "strings_to_urls": False})
        self.book.set_properties({"title": f"{plan.area_name} {plan.title or ''}".strip(), "comments": FORMAT})
        base = {"font_name": "Meiryo UI", "font_size": 10, "valign": "top", "border": 1}
        self.head = self.book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                                          "locked": True})
        self.input = self.book.add_format({**base, "text_wrap": True, "locked": False})
        self.ref = self.book.add_format({**base, "text_wrap": True, "bg_color": "#F2F2F2"})
        self.money = self.book.add_format({**base, "num_format": "#,##0", "locked": False})
        self.money_ref = self.book.add_format({**base, "num_format": "#,##0", "bg_color": "#F2F2F2"})
        self.number_ref = self.book.add_format({**base, "num_format": "#,##0.##", "bg_color": "#F2F2F2"})
        self.absent = self.book.add_format({**base, "pattern": 4, "fg_color": "#D9D9D9", "locked": False})
        self.ids = project_ids(plan)
        self.years = sorted({c.fiscal_year for p in plan.projects if p.budget for c in p.budget.cells}
                            | set(plan.years))

    def sheet(self, name: str, titles: Sequence[str], widths: Sequence[int], rows: int) -> Any:
        sheet = self.book.add_worksheet(name)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        sheet.set_header(f"&L{self.plan.area_name} {self.plan.title or ''}&R{name}")
        sheet.set_footer("&C&P / &N")
        for column, (title, width) in enumerate(zip(titles, widths, strict=True)):
            sheet.write_string(0, column, title, self.head)
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 2)
        sheet.autofilter(0, 0, max(rows, 1), len(titles) - 1)
        return sheet

    def overview(self) -> None:
        plan, totals = self.plan, total_budget(self.plan, self.relisting)
        sheet = self.book.add_worksheet(OVERVIEW)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 1, 60)
        values: dict[str, str] = {"area_name": plan.area_name, "title": plan.title or "",
                                  "first_year": format_fiscal_year(plan.first_year),
                                  "last_year": format_fiscal_year(plan.last_year)}
        for row, (label, name) in enumerate(HEADER_ROWS):
            sheet.write_string(row, 0, label, self.head)
            sheet.write_string(row, 1, values[name], self.input)
        facts = [("圏域（設定名）", plan.area_slug), ("原文のSHA-256", plan.source_sha256),
                 ("事業数", str(len(plan.projects))), ("うち【再掲】", str(sum(p.relisted for p in plan.projects))),
                 ("KPI数", str(sum(len(p.kpis) for p in plan.projects)))]
        row = len(HEADER_ROWS)
        for label, text in facts:
            sheet.write_string(row, 0, label, self.head)
            sheet.write_string(row, 1, text, self.ref)
            row += 1
        row += 1
        sheet.write_string(row, 0, "事業費の合計（千円、【再掲】は1回だけ数える）", self.head)
        sheet.write_string(row, 1, "合計（千円）", self.head)
        for year_total in (*totals.outside, *totals.years):
            row += 1
            outside = "" if year_total.in_period else "（計画期間外）"
            sheet.write_string(row, 0, format_fiscal_year(year_total.fiscal_year) + outside, self.ref)
            if year_total.amount is None:
                sheet.write_string(row, 1, "記載なし", self.ref)
            else:
                sheet.write_number(row, 1, year_total.amount, self.money_ref)
                sheet.write_string(row, 2, f"記載のある{year_total.stated}事業の合計", self.ref)
        row += 1
        sheet.write_string(row, 0, "計画期間の合計", self.head)
        if totals.plan_period_total is None:
            sheet.write_string(row, 1, "記載なし", self.ref)
        else:
            sheet.write_number(row, 1, totals.plan_period_total, self.money_ref)
        row += 2
        notes = ("黄色でない灰色のセルは参考です。白いセルを編集して renkei import で読み込めます。",
                 "事業費: 数値は千円。「—」はなし、「未定」は未定、空欄は記載なし、斜線のセルはその年度の欄がありません。",  # noqa: E501
                 "KPI: 行を追加するときは「KPI番号」を空欄にし、「事業ID」に事業シートのIDを書きます。")
        for note in notes:
            sheet.write_string(row, 0, note)
            row += 1
        sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})

    def projects(self) -> None:
        widths = (8, 40, 8, 8, 30, 8, 20, 20, 60, 40, 40, 50, 50, 30)
        sheet = self.sheet(PROJECTS, PROJECT_COLUMNS, widths, len(self.plan.projects))
        for row, (pid, p) in enumerate(zip(self.ids, self.plan.projects, strict=True), start=1):
            cells: list[object] = [
                pid, p.name, RELISTED_MARK if p.relisted else "",
                p.policy_area.number if p.policy_area else "", p.policy_area.name if p.policy_area else "",
                p.category.code if p.category else "", p.category.name if p.category else "",
                (p.category.subtitle or "") if p.category else "", p.description or "", render_lines(p.effects),
                p.partners.text or "", render_roles(p.roles), p.cost_sharing.text or "", render_pairs(p.extra)]
            for column, value in enumerate(cells):
                self.write(sheet, row, column, value, self.ref if column == 0 else self.input)

    def write(self, sheet: Any, row: int, column: int, value: object, fmt: Any) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, column, value, fmt)
        elif value == "":
            sheet.write_blank(row, column, None, fmt)
        else:
            sheet.write_string(row, column, str(value), fmt)

    def kpis(self) -> None:
        years = list(self.plan.years)
        titles = (*KPI_INPUT, "単位（参考）", *(f"実績 {format_fiscal_year(y)}" for y in years), "状況（参考）",
                  "評価（参考）", "評価の説明（参考）")
        widths = (10, 8, 30, 40, 8, 26, 30, 10, *(14 for _ in years), 12, 8, 60)
        rows = [(pid, p, i, k) for pid, p in zip(self.ids, self.plan.projects, strict=True)
                for i, k in enumerate(p.kpis, start=1)]
        sheet = self.sheet(KPIS, titles, widths, len(rows))
        for column in range(len(KPI_INPUT)):
            sheet.set_column(column, column, widths[column], self.input if column not in (0, 2) else self.ref)
        sheet.data_validation(1, 4, 10000, 4, {"validate": "list", "source": ["", *DIRECTIONS.values()]})
        for row, (pid, p, i, k) in enumerate(rows, start=1):
            evaluation = self.results.get((id(p), normalise_key_text(k.indicator)))
            by_year = kpi_actuals(self.relisting, p, k, self.actuals)
            cells: list[tuple[object, Any]] = [
                (f"{pid}-K{i}", self.ref), (pid, self.input), (p.name, self.ref), (k.indicator, self.input),
                (DIRECTIONS[k.direction] if k.direction else "", self.input), (k.baseline.text, self.input),
                (k.target.text, self.input), (unit_of(k), self.ref),
                *((by_year.get(y, ""), self.number_ref) for y in years),
                (evaluation.status.label_ja if evaluation else "", self.ref),
                (evaluation.rating.value if evaluation else "", self.ref),
                (evaluation.explanation_ja if evaluation else "", self.ref)]
            for column, (value, fmt) in enumerate(cells):
                self.write(sheet, row, column, value, fmt)
        sheet.protect("", {"insert_rows": True, "delete_rows": True, "autofilter": True, "sort": True,
                           "format_columns": True, "format_rows": True})

    def budgets(self) -> None:
        titles = (*BUDGET_HEAD, *(format_fiscal_year(y) for y in self.years), BUDGET_NOTE)
        widths = (8, 40, 8, *(16 for _ in self.years), 30)
        rows = [(pid, p) for pid, p in zip(self.ids, self.plan.projects, strict=True) if p.budget is not None]
        sheet = self.sheet(BUDGETS, titles, widths, len(rows))
        for row, (pid, p) in enumerate(rows, start=1):
            assert p.budget is not None
            self.write(sheet, row, 0, pid, self.input)
            self.write(sheet, row, 1, p.name, self.ref)
            self.write(sheet, row, 2, p.budget.unit or "", self.input)
            cells = {c.fiscal_year: c for c in p.budget.cells}
            for column, year in enumerate(self.years, start=3):
                cell = cells.get(year)
                if cell is None:
                    sheet.write_blank(row, column, None, self.absent)
                else:
                    self.write(sheet, row, column, budget_cell_value(cell), self.money)
            self.write(sheet, row, 3 + len(self.years), p.budget.note or "", self.input)

    def partners(self) -> None:
        from renkei.reading.area import AreaConfigError, load_area

        try:
            area = load_area(self.plan.area_slug)
            members = [(m.name, m.code) for m in area.members]
            lead = area.lead_code
        except (AreaConfigError, LookupError, FileNotFoundError):
            names = dict.fromkeys(n for p in self.plan.projects for n in p.partners.municipalities)
            members, lead = [(n, "") for n in names], ""
        titles = ("事業ID", "事業名", *(f"{n}（{c}）" if c else n for n, c in members), "圏域外", "除外", "未確認")
        widths = (8, 40, *(max(8, 2 * len(n) + 9) for n, _ in members), 20, 14, 14)
        sheet = self.sheet(PARTNERS, titles, widths, len(self.plan.projects))
        for row, (pid, p) in enumerate(zip(self.ids, self.plan.projects, strict=True), start=1):
            self.write(sheet, row, 0, pid, self.ref)
            self.write(sheet, row, 1, p.name, self.ref)
            for column, (name, code) in enumerate(members, start=2):
                mark = ("◎" if code and code == lead else "○") if name in p.partners.municipalities else (
                    "×" if name in p.partners.excluded else "")
                self.write(sheet, row, column, mark, self.ref)
            tail = ("、".join(p.partners.outside_area), "、".join(p.partners.excluded), "、".join(p.partners.unresolved))  # noqa: E501
            for column, text in enumerate(tail, start=2 + len(members)):
                self.write(sheet, row, column, text, self.ref)
        sheet.write_string(len(self.plan.projects) + 2, 1, "◎ 中心市（推進） ○ 連携市町（協力） × 除外  ※編集は「事業」シートの連携市町で")  # noqa: E501
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


def write_plan_workbook(plan: Plan, *, results: Sequence[KpiResult] = (), actuals: ActualsMap | None = None) -> bytes:
    """Write the plan workbook: overview, projects, KPIs (with actuals and evaluations), budgets, partners."""
    writer = _Writer(plan, results, actuals or {})
    writer.overview()
    writer.projects()
    writer.kpis()
    writer.budgets()
    writer.partners()
    writer.data()
    return writer.close()
