"""A partner municipality's actuals workbook (実績値報告シート): one town's own figures for one fiscal year.

``renkei actuals template --municipality CODE`` writes it for one partner: a row for each KPI of the
projects it takes part in whose value adds up across municipalities (:func:`renkei.domain.share.takes_shares`),
with the target, the town's own figure last year and the area's figure last year beside the input. Only the
town's figure (``実績値:<town>``), the public comment, the evidence and the internal note can be edited; they
are validated and everything else (the round's year included) is protected. The first sheet is an ordinary
actuals sheet, so ``renkei actuals import`` reads it with :mod:`renkei.reading.actuals` and checks it row by
row like any other; each figure becomes that town's share, a record of its own that never becomes the area's
figure (:mod:`renkei.domain.share`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from renkei.domain.actual import TEXT_LIMITS, Actual
from renkei.domain.fiscal import format_fiscal_year, format_wareki_date
from renkei.domain.kpi_reporting import COUNT_UNITS, fold_unit, kpi_range
from renkei.domain.municipality import Municipality
from renkei.domain.plan import KPI, Plan, Project
from renkei.domain.relisting import Relisting
from renkei.domain.share import share_by_fiscal_year, takes_shares
from renkei.export.cell_layout import fit_width, row_height

INPUT_SHEET, GUIDE_SHEET = "実績入力", "記入方法"


class KpiEntries(Protocol):
    """What the workbook needs of a KPI (services.progress.KpiProgress has it)."""

    @property
    def project(self) -> Project: ...
    @property
    def kpi(self) -> KPI: ...
    @property
    def counted(self) -> bool: ...
    @property
    def values(self) -> dict[int, float]: ...
    @property
    def actuals(self) -> tuple[Actual, ...]: ...


class PartnerTemplateError(ValueError):
    """A partner workbook that cannot be written (not a member, no KPI to report, an impossible year)."""


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """One KPI to report: where it belongs, what it aims at, last year's figures and the years it takes."""

    project: Project
    kpi: KPI
    previous_own: float | None
    previous_total: float | None
    first_year: int
    last_year: int


def takes_part(project: Project, municipality: Municipality) -> bool:
    """Tell whether a municipality is one of a project's partners (by code, or by name when codes are missing)."""
    return municipality.code in project.partners.codes or municipality.name in project.partners.municipalities


def partner_rows(plan: Plan, kpis: Sequence[KpiEntries], municipality: Municipality,
                 year: int) -> tuple[list[PartnerRow], list[KpiEntries]]:
    """Return the KPIs a municipality reports for a year, and those of its projects it cannot report a share of.

    Each KPI once (a 【再掲】 repeat defers to its counted sheet), in document order.
    """
    rule = Relisting.of(plan)
    owners = {rule.owner_key(p.key) for p in plan.projects if takes_part(p, municipality)}
    rows: list[PartnerRow] = []
    others: list[KpiEntries] = []
    for item in kpis:
        if not item.counted or rule.owner_key(item.project.key) not in owners:
            continue
        if not takes_shares(item.kpi):
            others.append(item)
            continue
        low, high = kpi_range(plan, item.kpi)
        own = share_by_fiscal_year(item.kpi, item.actuals, municipality.code)
        rows.append(PartnerRow(item.project, item.kpi, own.get(year - 1), item.values.get(year - 1), low, high))
    return rows, others


TITLES = ("事業名", "指標", "単位", "目標値（圏域）", "前年度実績（{town}分）", "前年度実績（圏域計）", "年度",
          "実績値:{town}", "公開コメント", "根拠（公開）", "備考（非公開）")
LIMITS = ((16, 30), (16, 30), (5, 8), (12, 24), (10, 12), (10, 12), (8, 8), (12, 14), (16, 30), (16, 30), (16, 30))
#: The first column the town fills in (its figure); the ones before it are for reference and locked.
FIRST_INPUT = 7


def write_partner_workbook(plan: Plan, kpis: Sequence[KpiEntries], *, municipality: Municipality, year: int,
                           lead_name: str = "", issued: date | None = None) -> bytes:
    """Write one partner's actuals workbook for a fiscal year (xlsx bytes)."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2200:
        raise PartnerTemplateError(f"年度が不正です / not a fiscal year: {year!r}")
    rows, others = partner_rows(plan, kpis, municipality, year)
    if not rows:
        raise PartnerTemplateError(
            f"{municipality.name}（{municipality.code}）が報告する指標はありません"
            f"（参加事業の市町村別に集計できる指標がない） / {municipality.name} has no KPI to report")
    return _Writer(plan, municipality, year, lead_name, issued or date.today()).write(rows, others)


class _Writer:
    def __init__(self, plan: Plan, town: Municipality, year: int, lead_name: str, issued: date) -> None:
        import xlsxwriter

        self.plan, self.town, self.year, self.lead_name, self.issued = plan, town, year, lead_name, issued
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {"in_memory": True, "strings_to_numbers": False,
                                                     "strings_to_formulas": False, "strings_to_urls": False})
        self.book.set_properties({"title": f"{plan.area_name} 実績値報告シート {town.name} {format_fiscal_year(year)}",
                                  "subject": f"renkei partner actuals {town.code} {year}"})
        base = {"font_name": "Meiryo UI", "font_size": 10, "valign": "top", "border": 1, "text_wrap": True}
        self.head = self.book.add_format({**base, "bold": True, "bg_color": "#DDEBF7"})
        self.input_head = self.book.add_format({**base, "bold": True, "bg_color": "#FFE699"})
        self.ref = self.book.add_format({**base, "bg_color": "#F2F2F2"})
        self.number_ref = self.book.add_format({**base, "bg_color": "#F2F2F2", "num_format": "#,##0.##"})
        self.entry = self.book.add_format({**base, "bg_color": "#FFF2CC", "locked": False})
        self.number = self.book.add_format({**base, "bg_color": "#FFF2CC", "locked": False, "num_format": "#,##0.##"})
        self.year_cell = self.book.add_format({**base, "bg_color": "#F2F2F2", "num_format": "0"})
        self.title = self.book.add_format({"font_name": "Meiryo UI", "font_size": 14, "bold": True})
        self.plain = self.book.add_format({"font_name": "Meiryo UI", "font_size": 10, "text_wrap": True,
                                           "valign": "top"})

    def write(self, rows: list[PartnerRow], others: Sequence[KpiEntries]) -> bytes:
        self.input_sheet(rows)
        self.guide(rows, others)
        self.book.close()
        return self.buffer.getvalue()

    def input_sheet(self, rows: list[PartnerRow]) -> None:
        sheet = self.book.add_worksheet(INPUT_SHEET)
        titles = [t.format(town=self.town.name) for t in TITLES]
        cells: list[list[tuple[object, Any]]] = [
            [(r.project.name, self.ref), (r.kpi.indicator, self.ref), (r.kpi.unit, self.ref),
             (" ".join(r.kpi.target.text.split()), self.ref), (r.previous_own, self.number_ref),
             (r.previous_total, self.number_ref), (self.year, self.year_cell), (None, self.number),
             (None, self.entry), (None, self.entry), (None, self.entry)] for r in rows]
        widths = [fit_width([t.split("（")[0], *(c[i][0] for c in cells)], minimum=low, maximum=high)
                  for i, (t, (low, high)) in enumerate(zip(titles, LIMITS, strict=True))]
        for column, (title, width) in enumerate(zip(titles, widths, strict=True)):
            sheet.set_column(column, column, width)
            sheet.write_string(0, column, title, self.input_head if column >= FIRST_INPUT else self.head)
        sheet.set_row(0, row_height([(t, w) for t, w in zip(titles, widths, strict=True)]))
        for number, (row, data) in enumerate(zip(rows, cells, strict=True), start=1):
            for column, (value, fmt) in enumerate(data):
                if value is None:
                    sheet.write_blank(number, column, None, fmt)
                elif isinstance(value, int | float):
                    sheet.write_number(number, column, value, fmt)
                else:
                    sheet.write_string(number, column, str(value), fmt)
            sheet.set_row(number, row_height([(v, w) for (v, _), w in zip(data, widths, strict=True)]))
            self.validate(sheet, number, row)
        sheet.freeze_panes(1, 2)
        sheet.autofilter(0, 0, len(rows), len(titles) - 1)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        sheet.set_header(f"&L&\"Meiryo UI\"&9{self.plan.area_name} 実績値報告シート&R&\"Meiryo UI\"&9"
                         f"{self.town.name}（{self.town.code}）{format_fiscal_year(self.year)}")
        sheet.set_footer("&C&\"Meiryo UI\"&9&P / &N")
        sheet.protect("", {"autofilter": True, "format_columns": True, "format_rows": True})
        sheet.activate()

    def validate(self, sheet: Any, number: int, row: PartnerRow) -> None:
        count = fold_unit(row.kpi.target.unit or row.kpi.baseline.unit) in COUNT_UNITS
        sheet.data_validation(number, 7, number, 7, {
            "validate": "integer" if count else "decimal", "criteria": "between",
            "minimum": 0 if count else -1e15, "maximum": 1e15, "ignore_blank": True,
            "input_title": "貴団体分の実績", "input_message": "数値だけを入力（単位は不要）。該当がなければ空欄。",
            "error_title": "数値を入力してください",
            "error_message": "0以上の整数を入力してください。" if count else "数値だけを入力してください。"})
        for column, limit in ((8, TEXT_LIMITS["comment"]), (9, TEXT_LIMITS["evidence"]), (10, TEXT_LIMITS["note"])):
            sheet.data_validation(number, column, number, column, {
                "validate": "length", "criteria": "<=", "value": limit, "ignore_blank": True,
                "error_title": "長すぎます", "error_message": f"{limit}文字以内で入力してください。"})

    def guide(self, rows: list[PartnerRow], others: Sequence[KpiEntries]) -> None:
        sheet = self.book.add_worksheet(GUIDE_SHEET)
        sheet.set_column(0, 0, 110)
        town, year = self.town, format_fiscal_year(self.year)
        issued = format_wareki_date(self.issued.year, self.issued.month, self.issued.day)
        lines = [
            (f"{self.plan.area_name}　実績値報告シート", self.title),
            (f"報告団体: {town.name}（全国地方公共団体コード {town.code}）　対象年度: {year}　"
             f"作成: {issued}", self.plain),
            ("", None),
            (f"1. 「{INPUT_SHEET}」シートの黄色の欄に、{town.name}分の実績（圏域の合計のうち貴団体の分）を"
             "入力してください。該当がなければ空欄のままにします。ゼロの場合は 0 と入力します。", self.plain),
            ("2. 「前年度実績」は、承認済みの値です（空欄は未報告）。目標値は圏域全体の目標です。", self.plain),
            (f"3. 年度は報告を受け付けている{year}に固定されています（書き換えられません）。前年度以前の実績は、"
             "担当が報告の受付を再開してから、その年度のシートで報告します。", self.plain),
            ("4. 「公開コメント」「根拠」（報告書名、URLなど）は、承認後に値と一緒に公開されます。"
             "「備考」は公開されません（担当者へのメモ）。", self.plain),
            (f"5. 入力後、このファイルを{self.lead_name or '連携中枢都市'}の担当へ送ってください。"
             "取り込み: renkei actuals import このファイル --plan 計画ID", self.plain),
            ("", None),
            (f"入力する指標: {len(rows)}件", self.plain),
        ]
        if others:
            lines.append(("次の指標は率や定性的な目標で市町村別に合計できないため、圏域全体で把握します"
                          "（入力不要）:", self.plain))
            lines.extend((f"　・{o.project.name}：{o.kpi.indicator}", self.plain) for o in others)
        lines.extend([("", None), ("English: enter your municipality's own figure (its part of the area's total) "
                                   "in the yellow cells; leave blank when none. Import with renkei actuals import.",
                                   self.plain)])
        for number, (text, fmt) in enumerate(lines):
            if text:
                sheet.write_string(number, 0, text, fmt)
                if fmt is self.plain:
                    sheet.set_row(number, row_height([(text, 110)]))
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.protect("", {})
