"""One sheet's rows read into its fields: name, content and partners, effects, budget, roles, cost, KPIs."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from renkei.domain.finding import Finding, Severity
from renkei.domain.plan import KPI, Budget, CostSharing, Role
from renkei.domain.text import fold
from renkei.reading.budget import read_budget_block, read_header_year, read_simple_budget
from renkei.reading.cost import read_cost_sharing
from renkei.reading.kpi import build_kpis, read_kpi_rows
from renkei.reading.layout import PARTNER_LABEL, Row, RowKind
from renkei.reading.markup import is_ditto, split_items, to_text

_PARTNER_HEADER = re.compile(rf"^{PARTNER_LABEL}$")
_PARTY_LIKE = re.compile(
    r"^[^。、\s]{1,12}(市|町|村|県|都|道|府|国|市町|市町村|事業者|団体|機関|大学|企業|民間|各市町)$")
# 「高岡市：事業の総括」 written in one cell: the party, then its duties.
_PARTY_AND_DUTIES = re.compile(
    r"^[・●○■\s]*(?P<party>[^。、\s：:]{1,12}(?:市|町|村|県|国|市町|市町村|各市町村?|構成市町村?|連携市町村?))"
    r"\s*[：:]\s*(?P<duties>.+)$", re.DOTALL)


class SheetFields:
    """The raw fields of one sheet, before partners are resolved (a plain class: one is made per sheet)."""

    __slots__ = (
        "budget",
        "cost_sharing",
        "description",
        "effects",
        "extra",
        "findings",
        "kpis",
        "name",
        "partners_line",
        "partners_text",
        "policy_text",
        "roles",
    )

    def __init__(self) -> None:
        self.name: str | None = None
        self.description: str | None = None
        self.partners_text: str | None = None
        self.partners_line: int | None = None
        self.effects: list[str] = []
        self.budget: Budget | None = None
        self.roles: list[Role] = []
        self.cost_sharing: CostSharing = _NO_COST
        self.kpis: list[KPI] = []
        self.extra: list[tuple[str, str]] = []
        self.findings: list[Finding] = []
        self.policy_text: str | None = None  # a 政策分野 row of the sheet's own


_NO_COST = CostSharing(text=None)

# The row kinds by plain names: an enum member read off its class (RowKind.NAME) costs as much as eight
# comparisons, and read_sheet_fields makes dozens per sheet.
_NAME, _PARTNERS, _CONTENT, _EFFECTS = RowKind.NAME, RowKind.PARTNERS, RowKind.CONTENT, RowKind.EFFECTS
_BUDGET, _BUDGET_YEARS, _ROLES, _COST = RowKind.BUDGET, RowKind.BUDGET_YEARS, RowKind.ROLES, RowKind.COST
_KPI, _KPI_PART, _CONTINUATION, _OTHER = RowKind.KPI, RowKind.KPI_PART, RowKind.CONTINUATION, RowKind.OTHER


def _warn(fields: SheetFields, rule: str, message: str, line: int, suggestion: str | None = None,
          severity: Severity = Severity.WARNING) -> None:
    fields.findings.append(Finding(rule, severity, message, line=line, suggestion=suggestion))


def read_sheet_fields(rows: list[Row], *, plan_years: range) -> SheetFields:
    """Read one sheet's rows (its 事業名 row first, when present) into fields and findings."""
    fields = SheetFields()
    blocks: list[tuple[RowKind, Row, list[Row]]] = []
    kinds: set[RowKind] = set()
    for row in rows:
        kind = row.kind
        if kind is _CONTINUATION and blocks:
            blocks[-1][2].append(row)
        else:
            blocks.append((kind, row, []))
            kinds.add(kind)
    partner_col: int | None = None
    previous: RowKind | None = None
    for position, (kind, head, more) in enumerate(blocks):
        if kind is _PARTNERS and previous is _ROLES and _reads_as_duties(head):
            # 役割分担 written with the party in the first column: 「連携市町 | ・協力する。」 is a role.
            _read_roles(fields, Row(head.line, ("", *head.cells)), more)
            continue
        if kind is _KPI_PART:
            if previous is not _KPI:  # 指標 | 現状値 | 目標値 rows without a KPI heading row
                parts = [row for k, h, m in blocks[position:] if k is _KPI_PART for row in (h, *m)]
                _read_kpis(fields, Row(head.line, ("重要業績評価指数",)), parts)
                previous = _KPI
            continue  # otherwise read with the KPI block it follows
        if kind is _BUDGET_YEARS and _BUDGET in (_next_kind(blocks, position), previous):
            continue  # a 「年度」 row above or below the amounts: read with the 事業費 block
        if kind is _BUDGET_YEARS and not any(read_header_year(c) for c in head.cells[1:]):
            _read_extra(fields, _OTHER, head, more)  # 「区分」 that heads something else than years
            continue
        previous = kind
        if kind is _NAME:
            partner_col = _read_name(fields, head)
        elif kind is _CONTENT:
            _read_content(fields, head, more, partner_col)
        elif kind is _EFFECTS:
            fields.effects.extend(_effects(head.cells, tuple([r.cells for r in more])))
        elif kind is _BUDGET or kind is _BUDGET_YEARS:
            budget_rows = [head, *more]
            if _BUDGET_YEARS in kinds:
                other = _BUDGET_YEARS if kind is _BUDGET else _BUDGET
                budget_rows = sorted([*budget_rows, *_adjacent(blocks, position, other)], key=lambda r: r.line)
            budget, findings = _budget_block(budget_rows, plan_years)
            fields.budget = budget
            fields.findings.extend(findings)
        elif kind is _ROLES:
            _read_roles(fields, head, more)
        elif kind is _PARTNERS:
            _read_partner_row(fields, head, more)
        elif kind is _COST:
            cells = [c for row in (head, *more) for _, c in row.nonempty(1 if row is head else 0)]
            fields.cost_sharing = read_cost_sharing("\n".join(cells))
        elif kind is _KPI:
            if _KPI_PART in kinds:
                more = [*more, *(row for k, h, m in blocks[position + 1 :] if k is _KPI_PART for row in (h, *m))]
            _read_kpis(fields, head, more)
        else:
            _read_extra(fields, kind, head, more)
    if fields.partners_text is None and _CONTENT in kinds:
        line = next(h.line for k, h, _ in blocks if k is _CONTENT)
        _warn(fields, "partners.missing", "連携市町が書かれていません（事業内容の行の右端の列）。", line,
              "連携市町の列に「全市町」や市町名を記入してください。")
    if _KPI_PART in kinds:
        kinds.add(_KPI)
    if not kinds >= _COMPLETE:
        _check_complete(fields, rows[0].line, kinds)
    return fields


def _next_kind(blocks: list[tuple[RowKind, Row, list[Row]]], position: int) -> RowKind | None:
    return blocks[position + 1][0] if position + 1 < len(blocks) else None


def _adjacent(blocks: list[tuple[RowKind, Row, list[Row]]], position: int, kind: RowKind) -> list[Row]:
    """Return the rows of a block of ``kind`` just before or after ``position`` (a 年度 row and its 事業費 row)."""
    for other in (position - 1, position + 1):
        if 0 <= other < len(blocks) and blocks[other][0] is kind:
            return [blocks[other][1], *blocks[other][2]]
    return []


def _read_extra(fields: SheetFields, kind: RowKind, head: Row, more: list[Row]) -> None:
    """Keep a row the sheet format does not use (担当課, 事業期間, …) with its label; say so when unknown."""
    label = head.cells[0] if head.cells else ""
    lines = [to_text(c) for _, c in head.nonempty(1)]
    lines.extend(to_text(row.text) for row in more)
    text = "\n".join(line for line in lines if line)
    fields.extra.append((label, text))
    if fold(label).endswith("分野"):
        fields.policy_text = text or None
    if kind is not RowKind.EXTRA:
        _warn(fields, "sheet.unknown_row", f"事業シートの中に知らない項目「{label[:30]}」があります。残しました。",
              head.line, "項目名（事業内容・効果・事業費など）を確認してください。その他の項目として表示します。",
              Severity.INFO)


@lru_cache(maxsize=4096)
def _is_partner_header(cell: str) -> bool:
    return bool(_PARTNER_HEADER.match(fold(cell)))


def _read_name(fields: SheetFields, row: Row) -> int | None:
    partner_col = None
    cells = row.nonempty(1)
    for index, cell in cells:
        if len(cell) <= 12 and _is_partner_header(cell):  # a header is short; the name is not looked up
            partner_col = index
    names = [c for i, c in cells if i != partner_col]
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


@lru_cache(maxsize=8192)
def _effects(head: tuple[str, ...], more: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """Return the effects (効果) of a block's cells, items split (remembered: sheets share their effects)."""
    items: list[str] = []
    for cells in (head[1:], *more):
        for cell in cells:
            if cell:
                items.extend(split_items(cell))
    return tuple(items)


def _read_roles(fields: SheetFields, head: Row, more: list[Row]) -> None:
    if fields.roles:  # duties may continue the role of an earlier block
        _read_roles_into(fields, head, more)
        return
    base = head.line
    key = ("roles", tuple([(r.line - base, r.cells) for r in (head, *more)]))
    hit = _BLOCKS.get(key)
    if hit is None:
        alone = SheetFields()
        _read_roles_into(alone, Row(0, head.cells), [Row(r.line - base, r.cells) for r in more])
        hit = _remember(key, (tuple(alone.roles), tuple(alone.findings)))
    roles, remembered = hit
    fields.roles.extend(roles)
    if remembered:
        fields.findings.extend([_shift(f, base) for f in remembered])


def _read_roles_into(fields: SheetFields, head: Row, more: list[Row]) -> None:
    for row in (head, *more):
        cells = [c for _, c in row.nonempty(1 if row is head else 0)]
        if not cells:
            continue
        first = to_text(cells[0])
        if len(cells) == 1 and "\n" not in first and (paired := _PARTY_AND_DUTIES.match(first)):
            cells = [paired["party"], paired["duties"]]  # 「高岡市：事業の総括」: the party, then its duties
            first = paired["party"]
        if len(cells) == 1 and not _PARTY_LIKE.match(fold(first)):
            if fields.roles:
                last = fields.roles[-1]
                fields.roles[-1] = Role(party=last.party, duties=(*last.duties, *split_items(cells[0])))
            else:
                _warn(fields, "roles.no_party", "役割分担に主体（北九州市・連携市町など）がありません。", row.line)
                fields.roles.append(Role(party="", duties=tuple(split_items(cells[0]))))
            continue
        duties = [item for cell in cells[1:] for item in split_items(cell)]
        above = fields.roles[-1] if fields.roles else None
        if duties and all(is_ditto(d) for d in duties):  # 「射水市 | 〃」: the duties of the row above
            if above is None:
                _warn(fields, "roles.ditto_without_above",
                      f"役割分担の「{duties[0]}」（同上）の上に繰り返す役割がありません。", row.line,
                      "役割を書いてください。")
            else:
                duties = list(above.duties)
        if is_ditto(first) and above is not None:  # 「〃 | …」: more duties of the party above
            fields.roles[-1] = Role(party=above.party, duties=(*above.duties, *duties))
            continue
        fields.roles.append(Role(party=first, duties=tuple(duties)))


def _read_kpis(fields: SheetFields, head: Row, more: list[Row]) -> None:
    base = head.line
    key = ("kpi", tuple([(r.line - base, r.cells) for r in (head, *more)]))
    hit = _BLOCKS.get(key)
    if hit is None:
        shifted = [Row(r.line - base, r.cells) for r in (head, *more)]
        raws, header_years, findings = read_kpi_rows(shifted[0], shifted[1:])
        kpis, more_findings = build_kpis(raws, header_years)
        hit = _remember(key, (tuple(kpis), (*findings, *more_findings)))
    kpis, remembered = hit
    fields.kpis.extend([KPI(k.indicator, k.baseline, k.target, k.direction, (k.line or 0) + base) for k in kpis])
    if remembered:
        fields.findings.extend([_shift(f, base) for f in remembered])


# Blocks (a budget, a KPI table) read before, by their cells and the lines relative to their first row:
# documents repeat them, and the readers are pure. Bounded; cleared by clear_reader_caches().
_BLOCKS: dict[tuple[object, ...], tuple[Any, tuple[Finding, ...]]] = {}
_MAX_BLOCKS = 50_000


def _remember(key: tuple[object, ...], value: tuple[Any, tuple[Finding, ...]]) -> tuple[Any, tuple[Finding, ...]]:
    if len(_BLOCKS) >= _MAX_BLOCKS:
        _BLOCKS.clear()
    _BLOCKS[key] = value
    return value


def _shift(finding: Finding, base: int) -> Finding:
    if finding.line is None:
        return finding
    return Finding(finding.rule, finding.severity, finding.message, finding.line + base, finding.project,
                   finding.suggestion)


def _budget_block(rows: list[Row], plan_years: range) -> tuple[Budget, list[Finding]]:
    if len(rows) == 2 and rows[1].cells and not rows[1].cells[0]:
        simple = read_simple_budget(rows[0], rows[1])
        if simple is not None:
            return simple, []
    base = rows[0].line
    key = ("budget", tuple((r.line - base, r.cells) for r in rows))
    hit = _BLOCKS.get(key)
    if hit is None:
        budget, findings = read_budget_block([Row(r.line - base, r.cells) for r in rows], plan_years)
        hit = _remember(key, (budget, tuple(findings)))
    budget, remembered = hit
    moved = Budget(budget.unit, budget.cells, budget.note, (budget.line or 0) + base, budget.total_text,
                   budget.total_amount)
    return moved, [_shift(f, base) for f in remembered]


def clear_block_cache() -> None:
    """Forget the blocks read before."""
    _BLOCKS.clear()


_COMPLETE = frozenset({RowKind.CONTENT, RowKind.EFFECTS, RowKind.BUDGET, RowKind.ROLES, RowKind.COST, RowKind.KPI})


def _check_complete(fields: SheetFields, line: int, kinds: set[RowKind]) -> None:
    wanted = ((RowKind.CONTENT, "事業内容"), (RowKind.EFFECTS, "効果"), (RowKind.BUDGET, "事業費"),
              (RowKind.ROLES, "役割分担"), (RowKind.COST, "費用負担"), (RowKind.KPI, "重要業績評価指数（KPI）"))
    for kind, label in wanted:
        if kind not in kinds:
            _warn(fields, "sheet.missing_field", f"事業シートに「{label}」の行がありません。", line,
                  f"「{label}」の行を補ってください。")
