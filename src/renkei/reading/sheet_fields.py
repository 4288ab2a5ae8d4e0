"""One sheet's rows read into its fields: name, content and partners, effects, budget, roles, cost, KPIs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from renkei.domain.direction import infer_direction
from renkei.domain.finding import Finding, Severity
from renkei.domain.plan import KPI, Budget, BudgetCell, CostSharing, Role
from renkei.domain.text import fold
from renkei.reading.budget import make_cell, read_budget_unit, read_header_year
from renkei.reading.cost import read_cost_sharing
from renkei.reading.layout import Row, RowKind
from renkei.reading.markup import split_items, to_text
from renkei.reading.quantity import read_quantity

_PARTNER_HEADER = re.compile(r"^(連携市町村?|連携自治体|関係市町村?|参加市町村?)$")
_PARTY_LIKE = re.compile(
    r"^[^。、\s]{1,12}(市|町|村|県|都|道|府|国|市町|市町村|事業者|団体|機関|大学|企業|民間|各市町)$")


@dataclass
class SheetFields:
    """The raw fields of one sheet, before partners are resolved."""

    name: str | None = None
    description: str | None = None
    partners_text: str | None = None
    partners_line: int | None = None
    effects: list[str] = field(default_factory=list)
    budget: Budget | None = None
    roles: list[Role] = field(default_factory=list)
    cost_sharing: CostSharing = field(default_factory=lambda: CostSharing(text=None))
    kpis: list[KPI] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _warn(fields: SheetFields, rule: str, message: str, line: int, suggestion: str | None = None,
          severity: Severity = Severity.WARNING) -> None:
    fields.findings.append(Finding(rule, severity, message, line=line, suggestion=suggestion))


def read_sheet_fields(rows: list[Row], *, plan_years: range) -> SheetFields:
    """Read one sheet's rows (its 事業名 row first, when present) into fields and findings."""
    fields = SheetFields()
    blocks: list[tuple[RowKind, Row, list[Row]]] = []
    for row in rows:
        kind = row.kind
        if kind is RowKind.CONTINUATION and blocks:
            blocks[-1][2].append(row)
        else:
            blocks.append((kind, row, []))
    partner_col: int | None = None
    previous: RowKind | None = None
    for kind, head, more in blocks:
        if kind is RowKind.PARTNERS and previous is RowKind.ROLES and _reads_as_duties(head):
            # 役割分担 written with the party in the first column: 「連携市町 | ・協力する。」 is a role.
            _read_roles(fields, Row(head.line, ("", *head.cells)), more)
            continue
        previous = kind
        if kind is RowKind.NAME:
            partner_col = _read_name(fields, head)
        elif kind is RowKind.CONTENT:
            _read_content(fields, head, more, partner_col)
        elif kind is RowKind.EFFECTS:
            for row in (head, *more):
                for _, cell in row.nonempty(1 if row is head else 0):
                    fields.effects.extend(split_items(cell))
        elif kind is RowKind.BUDGET:
            _read_budget(fields, head, more, plan_years)
        elif kind is RowKind.ROLES:
            _read_roles(fields, head, more)
        elif kind is RowKind.PARTNERS:
            _read_partner_row(fields, head, more)
        elif kind is RowKind.COST:
            cells = [c for row in (head, *more) for _, c in row.nonempty(1 if row is head else 0)]
            fields.cost_sharing = read_cost_sharing("\n".join(cells))
        elif kind is RowKind.KPI:
            _read_kpis(fields, head, more)
        else:
            for row in (head, *more):
                fields.extra.append((row.cells[0] if row.cells else "", to_text(row.text)))
                _warn(fields, "sheet.unknown_row", f"事業シートの中に読めない行があります: 「{row.text[:60]}」",
                      row.line,
                      "項目名（事業内容・効果・事業費など）を確認してください。内容は「その他」として残しました。")
    if fields.partners_text is None and any(k is RowKind.CONTENT for k, _, _ in blocks):
        line = next(h.line for k, h, _ in blocks if k is RowKind.CONTENT)
        _warn(fields, "partners.missing", "連携市町が書かれていません（事業内容の行の右端の列）。", line,
              "連携市町の列に「全市町」や市町名を記入してください。")
    _check_complete(fields, rows[0].line, {k for k, _, _ in blocks})
    return fields


def _read_name(fields: SheetFields, row: Row) -> int | None:
    partner_col = None
    for index, cell in row.nonempty(1):
        if _PARTNER_HEADER.match(fold(cell)):
            partner_col = index
    names = [c for i, c in row.nonempty(1) if i != partner_col]
    fields.name = to_text(" ".join(names)) if names else None
    return partner_col


def _read_content(fields: SheetFields, head: Row, more: list[Row], partner_col: int | None) -> None:
    cells = head.nonempty(1)
    if partner_col is not None:
        partner_cells = [c for i, c in cells if i >= partner_col]
        text_cells = [c for i, c in cells if i < partner_col]
        if not partner_cells and len(text_cells) >= 2:
            partner_cells, text_cells = text_cells[-1:], text_cells[:-1]
    elif len(cells) >= 2:
        partner_cells, text_cells = [cells[-1][1]], [c for _, c in cells[:-1]]
    else:
        partner_cells, text_cells = [], [c for _, c in cells]
    paragraphs = [to_text(c) for c in text_cells]
    for row in more:
        paragraphs.extend(to_text(c) for _, c in row.nonempty())
    description = "\n".join(p for p in paragraphs if p)
    fields.description = description or None
    if partner_cells:
        fields.partners_text = " ".join(to_text(c) for c in partner_cells)
        fields.partners_line = head.line


def _reads_as_duties(row: Row) -> bool:
    """Tell whether a row's text reads as duties (sentences or bullets) rather than a list of names."""
    text = " ".join(c for _, c in row.nonempty(1))
    return "。" in text or "<li" in text or text.lstrip().startswith(("・", "●", "-"))


def _read_partner_row(fields: SheetFields, head: Row, more: list[Row]) -> None:
    """Read partners written on a row of their own (連携市町 | 全市町), after or instead of the 事業内容 column."""
    cells = [to_text(c) for row in (head, *more) for _, c in row.nonempty(1 if row is head else 0)]
    if not cells:
        _warn(fields, "partners.missing", "連携市町の行に市町が書かれていません。", head.line,
              "「全市町」や市町名を記入してください。")
        return
    if fields.partners_text is not None:
        _warn(fields, "partners.duplicate_row",
              "連携市町が事業内容の列と専用の行の両方に書かれています。専用の行を使いました。", head.line)
    fields.partners_text = " ".join(cells)
    fields.partners_line = head.line


def _read_budget(fields: SheetFields, head: Row, more: list[Row], plan_years: range) -> None:
    unit = read_budget_unit(head.cells[0], head.cells[1:])
    years: dict[int, int] = {}
    note_col = None
    for index, cell in head.nonempty(1):
        year = read_header_year(cell)
        if year is not None:
            years[index] = year
        elif fold(cell).startswith("備考"):
            note_col = index
    if unit is None:
        _warn(fields, "budget.no_unit", "事業費の単位が書かれていません。千円として読みました。", head.line,
              "「事業費（千円）」のように単位を書いてください。")
    if not years:
        _warn(fields, "budget.no_years", "事業費の見出しに年度（R8 など）がありません。", head.line,
              "見出し行に R8〜R12 のように年度を書いてください。", Severity.ERROR)
        fields.budget = Budget(unit=unit, cells=(), note=None, line=head.line)
        return
    value_rows = [r for r in more if r.nonempty()]
    if not value_rows:
        _warn(fields, "budget.missing_amounts", "事業費の金額の行がありません。", head.line,
              "見出しの下の行に各年度の金額を書いてください。")
        fields.budget = Budget(unit=unit, cells=tuple(
            make_cell(y, "", unit=unit)[0] for y in years.values()), line=head.line)
        return
    row = value_rows[0]
    offset = _best_offset(row, set(years) | ({note_col} if note_col is not None else set()))
    cells: list[BudgetCell] = []
    note = None
    for index, year in years.items():
        source = index - offset
        text = row.cells[source] if 0 <= source < len(row.cells) else ""
        budget_cell, reading = make_cell(year, text, unit=unit)
        cells.append(budget_cell)
        if budget_cell.status.value == "invalid":
            _warn(fields, "budget.non_numeric", f"{year}年度の事業費「{text}」は数値として読めません。", row.line,
                  "金額（千円）、「—」（なし）または「未定」を書いてください。", Severity.ERROR)
        elif reading.rounded:
            _warn(fields, "budget.rounded", f"{year}年度の事業費「{text}」を千円単位に丸めました。", row.line)
    if note_col is not None and 0 <= note_col - offset < len(row.cells):
        note = row.cells[note_col - offset] or None
    for extra in value_rows[1:]:
        note = "\n".join(x for x in (note, extra.text) if x)
        _warn(fields, "budget.extra_row", "事業費の金額の行が2行以上あります。2行目以降は備考として残しました。",
              extra.line)
    fields.budget = Budget(unit=unit, cells=tuple(cells), note=to_text(note) if note else None, line=head.line)


def _best_offset(row: Row, columns: set[int]) -> int:
    """Return the column shift that puts every non-empty value cell under a header column."""
    used = [i for i, _ in row.nonempty()]
    if not used:
        return 0
    for offset in (0, 1, -1, 2, -2, 3, -3):
        if all(i + offset in columns for i in used):
            return offset
    return 0


def _read_roles(fields: SheetFields, head: Row, more: list[Row]) -> None:
    for row in (head, *more):
        cells = [c for _, c in row.nonempty(1 if row is head else 0)]
        if not cells:
            continue
        first = to_text(cells[0])
        if len(cells) == 1 and not _PARTY_LIKE.match(fold(first)):
            if fields.roles:
                last = fields.roles[-1]
                fields.roles[-1] = Role(party=last.party, duties=(*last.duties, *split_items(cells[0])))
            else:
                _warn(fields, "roles.no_party", "役割分担に主体（北九州市・連携市町など）がありません。", row.line)
                fields.roles.append(Role(party="", duties=tuple(split_items(cells[0]))))
            continue
        duties = [item for cell in cells[1:] for item in split_items(cell)]
        fields.roles.append(Role(party=first, duties=tuple(duties)))


_KPI_HEADERS = (("indicator", re.compile(r"指標")), ("baseline", re.compile(r"現状|基準")),
                ("target", re.compile(r"目標")))


def _read_kpis(fields: SheetFields, head: Row, more: list[Row]) -> None:
    columns: dict[str, int] = {}
    for index, cell in head.nonempty(1):
        for name, pattern in _KPI_HEADERS:
            if name not in columns and pattern.search(fold(cell)):
                columns[name] = index
                break
    data_rows = [r for r in more if r.nonempty()]
    if len(columns) < 3 and len(head.nonempty(1)) >= 2:
        data_rows.insert(0, Row(head.line, ("", *head.cells[1:])))
        columns = {}
    if not data_rows:
        _warn(fields, "kpi.missing", "KPI（指標・現状値・目標値）の行がありません。", head.line,
              "見出しの下の行に指標、現状値、目標値を書いてください。", Severity.WARNING)
    for row in data_rows:
        values = _assign_kpi_cells(row, columns)
        indicator = to_text(values.get("indicator", ""))
        if not indicator:
            _warn(fields, "kpi.no_indicator", "KPIの指標名がありません。", row.line, severity=Severity.ERROR)
        baseline = read_quantity(to_text(values.get("baseline", "")) or None)
        target = read_quantity(to_text(values.get("target", "")) or None)
        fields.kpis.append(KPI(indicator=indicator, baseline=baseline, target=target,
                               direction=infer_direction(indicator, baseline, target), line=row.line))


def _assign_kpi_cells(row: Row, columns: dict[str, int]) -> dict[str, str]:
    """Match a KPI row's cells to the header's columns; fall back to order (indicator, baseline, target)."""
    cells = row.nonempty()
    if len(columns) == 3:
        assigned: dict[str, str] = {}
        for index, text in cells:
            name = min(columns, key=lambda n: (abs(columns[n] - index), columns[n]))
            if name in assigned:
                break
            assigned[name] = text
        else:
            return assigned
    return dict(zip(("indicator", "baseline", "target"), (c for _, c in cells), strict=False))


def _check_complete(fields: SheetFields, line: int, kinds: set[RowKind]) -> None:
    wanted = ((RowKind.CONTENT, "事業内容"), (RowKind.EFFECTS, "効果"), (RowKind.BUDGET, "事業費"),
              (RowKind.ROLES, "役割分担"), (RowKind.COST, "費用負担"), (RowKind.KPI, "重要業績評価指数（KPI）"))
    for kind, label in wanted:
        if kind not in kinds:
            _warn(fields, "sheet.missing_field", f"事業シートに「{label}」の行がありません。", line,
                  f"「{label}」の行を補ってください。")
