"""The sheet reader: a vision document (tab-separated text with HTML fragments) into a Plan and findings.

The document is a sequence of project sheets (事業シート), optionally grouped under policy-area headings
(``## (2) …に係る政策分野``) and agreement categories (``【連携協約】`` followed, on the same or a later line,
by ``a 地域公共交通``). A sheet starts at its 事業名 row and runs until the next sheet or heading. Inside a
sheet each row is recognised by its label, not by its position, and cells are matched to the columns their
header rows announce, so an extra empty column, blank lines, CRLF, a BOM or HTML lists do not disturb it.
A malformed sheet gives a finding with its line number; no sheet is ever dropped.
"""

from __future__ import annotations

import gc
import hashlib
import re
from dataclasses import dataclass, field, replace

from renkei.domain.finding import Finding, Severity
from renkei.domain.framework import recognise_framework_area
from renkei.domain.municipality import Area
from renkei.domain.plan import Category, Partners, Plan, PolicyArea, Project
from renkei.domain.registry import MunicipalityRegistry
from renkei.domain.relisting import strip_relisted
from renkei.reading.area import EXAMPLE_AREA, load_area, load_registry
from renkei.reading.document_text import PlanReadError
from renkei.reading.layout import (
    ATTACHED_KINDS,
    SHEET_KINDS,
    Row,
    RowKind,
    iter_rows,
    read_heading,
    read_policy_area,
)
from renkei.reading.partners import read_partners
from renkei.reading.sheet_fields import SheetFields, read_sheet_fields

_CATEGORY = re.compile(
    r"^(?P<code>[(（]\s*[A-Za-zＡ-Ｚａ-ｚア-ンｱ-ﾝ0-9０-９]{1,2}\s*[)）]|[①-⑳]"
    r"|[a-zA-Zａ-ｚＡ-Ｚ](?:[\s\u3000.．:：)）、]+|(?=[^\x00-\x7f]))"
    r"|[ア-ン](?:[\s\u3000.．:：)）、]+))\s*(?P<name>.+)$")
_SUBTITLE = re.compile(r"\s*[—―]+\s*")
# Row kinds by plain names for the loop over every row (an enum member read off its class costs more).
_NAME, _PARTNERS_ROW, _CONTINUATION = RowKind.NAME, RowKind.PARTNERS, RowKind.CONTINUATION
_OTHER, _BLANK, _RULE = RowKind.OTHER, RowKind.BLANK, RowKind.RULE
_NO_PARTNERS = Partners(text=None)


def clear_reader_caches() -> None:
    """Forget the memoised cell readings (for honest cold-start benchmarks; reading never needs it)."""
    from renkei.domain.direction import direction_of_wording
    from renkei.domain.framework import recognise_framework_area
    from renkei.reading.budget import (
        _columns_of,
        _read_budget_cell,
        _simple_layout,
        _unit_of,
        clear_budget_cells,
        read_header_year,
    )
    from renkei.reading.cost import read_cost_sharing
    from renkei.reading.kpi import _columns_of as _kpi_columns
    from renkei.reading.kpi import _nearest_columns, _years_of
    from renkei.reading.layout import clear_label_caches
    from renkei.reading.markup import _items, to_text
    from renkei.reading.partners import clear_resolved
    from renkei.reading.quantity import clear_shapes
    from renkei.reading.sheet_fields import _effects, clear_block_cache

    clear_shapes()
    clear_budget_cells()
    for cached in (read_header_year, _read_budget_cell, _columns_of, _simple_layout, _unit_of, read_cost_sharing,
                   _items, to_text, recognise_framework_area, direction_of_wording, _effects, _kpi_columns,
                   _nearest_columns, _years_of):
        cached.cache_clear()
    clear_resolved()
    clear_label_caches()
    clear_block_cache()
    _PARTNERS.clear()


def read_category(text: str) -> Category | None:
    """Read an agreement category line such as ``a 地域公共交通``; the code is kept as written.

    >>> read_category("a 地域公共交通")
    Category(code='a', name='地域公共交通', subtitle=None)
    >>> read_category("e 交流及び移住の促進等—アフターコロナをターゲットとした取組")
    Category(code='e', name='交流及び移住の促進等', subtitle='アフターコロナをターゲットとした取組')
    >>> [read_category(t).code for t in ("A 医療", "ア 医療", "(ア) 医療", "① 医療", "（１）医療")]
    ['A', 'ア', '(ア)', '①', '（１）']
    >>> read_category("A 医療") == read_category("a 医療")
    True
    >>> read_category("事業名") is None, read_category("アフターコロナ対策") is None
    (True, True)
    """
    match = _CATEGORY.match(text.strip())
    if not match:
        return None
    code = match.group("code").strip().rstrip(".．:：、").strip()
    if code.endswith((")", "）")) and not code.startswith(("(", "（")):
        code = code[:-1].strip()  # 「a) 地域公共交通」
    rest = match.group("name").strip()
    if not rest or (rest[0].isascii() and rest[0].isalpha()):
        return None
    parts = _SUBTITLE.split(rest, maxsplit=1)
    subtitle = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
    return Category(code=code, name=parts[0].strip(), subtitle=subtitle)


@dataclass
class _State:
    area: Area
    registry: MunicipalityRegistry
    policy_area: PolicyArea | None = None
    category: Category | None = None
    category_pending_line: int | None = None
    title: str | None = None
    plan_years: range = field(init=False)
    projects: list[Project] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.plan_years = self.area.plan_years


def read_plan(
    text: str, *, area: Area | None = None, registry: MunicipalityRegistry | None = None
) -> tuple[Plan, list[Finding]]:
    """Read a vision document into a Plan and the findings about it. Never raises for any str input.

    ``area`` gives the members and the plan period (default: the bundled example's area seed).
    """
    if not isinstance(text, str):
        raise PlanReadError("read_plan takes text (str); decode bytes with decode_document first")
    # The reader makes millions of small objects and no reference cycles: the cyclic collector would only
    # walk them again and again (a third of the time on 10,000 sheets). Reference counting still frees them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_plan(text, area=area, registry=registry)
    finally:
        if collecting:
            gc.enable()


def _read_plan(text: str, *, area: Area | None, registry: MunicipalityRegistry | None) -> tuple[Plan, list[Finding]]:
    state = _State(area=area or load_area(EXAMPLE_AREA), registry=registry or load_registry())
    rows = iter_rows(text, keep_blank=False)
    sheet: list[Row] = []
    seen: set[RowKind] = set()  # the sheet labels met in the current sheet
    for row in rows:
        kind = row.kind
        if kind in SHEET_KINDS:
            # A 事業名 row starts a sheet; so does a label already met (that sheet's 事業名 is missing).
            # (連携市町 may stand twice: as the partner row and as a party of 役割分担.)
            if sheet and (kind is _NAME or (kind in seen and kind is not _PARTNERS_ROW)):
                _close_sheet(state, sheet)
                sheet = []
                seen = set()
            sheet.append(row)
            seen.add(kind)
            continue
        if sheet and (kind is _CONTINUATION or kind in ATTACHED_KINDS):
            sheet.append(row)
            continue
        if sheet and kind is _OTHER and not _is_category_line(row):
            sheet.append(row)
            continue
        if kind in (_BLANK, _RULE):
            continue
        _close_sheet(state, sheet)
        sheet = []
        seen = set()
        _read_structure(state, row, kind)
    _close_sheet(state, sheet)
    if state.category_pending_line is not None:
        state.findings.append(Finding("category.missing", Severity.WARNING,
                                      "【連携協約】の後に分類（例: a 地域公共交通）がありません。",
                                      line=state.category_pending_line))
    if not state.projects:
        state.findings.append(Finding("document.empty", Severity.ERROR,
                                      "事業シートが見つかりません（「事業名」の行がありません）。", line=None))
    plan = Plan(
        area_slug=state.area.slug,
        area_name=state.area.name,
        first_year=state.area.plan_first_year,
        last_year=state.area.plan_last_year,
        projects=tuple(state.projects),
        source_sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        title=state.title,
    )
    return plan, state.findings


def _is_category_line(row: Row) -> bool:
    cells = [c for c in row.cells if c]
    return len(cells) == 1 and read_category(cells[0]) is not None


def _read_structure(state: _State, row: Row, kind: RowKind) -> None:
    """Handle a row outside sheets: headings, 【連携協約】, category lines, stray text."""
    if kind is RowKind.POLICY_AREA:
        parsed = read_policy_area(row)
        if parsed:
            state.policy_area = PolicyArea(number=parsed[0], name=parsed[1])
            state.category = None
            state.category_pending_line = None
        return
    if kind is RowKind.HEADING:
        heading = read_heading(row)
        category = read_category(heading)
        if category is not None and (state.category_pending_line is not None or state.policy_area is not None):
            state.category = category  # 「### a 地域公共交通」: a category written as a heading
            state.category_pending_line = None
        elif state.title is None and not state.projects:
            state.title = heading
        return
    if kind is RowKind.AGREEMENT:
        rest = [c for c in row.cells[1:] if c]
        first = row.cells[0]
        label_rest = re.sub(r"^\s*[【\[［]?\s*連携協約\s*[】\]］]?\s*", "", first)
        candidates = [label_rest, *rest] if label_rest.strip() else rest
        for candidate in candidates:
            category = read_category(candidate)
            if category:
                state.category = category
                state.category_pending_line = None
                return
        state.category_pending_line = row.line
        return
    text = row.text
    if state.category_pending_line is not None:
        category = read_category(text)
        if category:
            state.category = category
            state.category_pending_line = None
            return
    if _is_category_line(row):
        category = read_category(text)
        state.findings.append(Finding("category.without_agreement", Severity.INFO,
                                      f"「{text}」を連携協約の分類として読みました（【連携協約】の行がありません）。",
                                      line=row.line))
        state.category = category
        return
    if state.title is None and not state.projects and len(text) <= 80:
        state.title = text
        return
    state.findings.append(Finding("document.unrecognised_line", Severity.WARNING,
                                  f"事業シートの外にある行を読めませんでした: 「{text[:60]}」",
                                  line=row.line,
                                  suggestion="事業シートの一部なら、行頭の項目名（事業名・事業内容など）を確認してください。"))


# Partner cells read before, for the area and registry they were read against (documents repeat 全市町).
_PARTNERS: dict[str, tuple[Area, MunicipalityRegistry, Partners, list[Finding]]] = {}


def _read_partners(text: str, state: _State) -> tuple[Partners, list[Finding]]:
    hit = _PARTNERS.get(text)
    if hit is None or hit[0] is not state.area or hit[1] is not state.registry:
        partners, findings = read_partners(text, area=state.area, registry=state.registry)
        if len(_PARTNERS) >= 20_000:
            _PARTNERS.clear()
        hit = _PARTNERS[text] = (state.area, state.registry, partners, findings)
    return hit[2], hit[3]


def _close_sheet(state: _State, sheet: list[Row]) -> None:
    """Turn the rows of one sheet into a Project, with findings."""
    if not sheet:
        return
    fields: SheetFields = read_sheet_fields(sheet, plan_years=state.plan_years)
    raw_name = fields.name or ""
    name, relisted = strip_relisted(raw_name)
    findings = list(fields.findings)
    if not name:
        name = f"（事業名なし：{sheet[0].line}行目）"
        findings.append(Finding("sheet.missing_name", Severity.ERROR,
                                "事業名がありません。シートは残し、仮の名前を付けました。", line=sheet[0].line,
                                suggestion="「事業名」の行を補ってください。"))
    partners = _NO_PARTNERS
    if fields.partners_text is not None:
        partners, partner_findings = _read_partners(fields.partners_text, state)
        if partner_findings:
            findings.extend([replace(f, line=f.line or fields.partners_line) for f in partner_findings])
    policy_area = state.policy_area
    if fields.policy_text is not None:  # 政策分野 | 圏域全体の経済成長のけん引: the sheet says its own area
        framework = recognise_framework_area(fields.policy_text)
        if framework is not None:
            policy_area = PolicyArea(number=framework.order, name=fields.policy_text)
    project = Project(
        name=name,
        line=sheet[0].line,
        relisted=relisted,
        policy_area=policy_area,
        category=state.category,
        description=fields.description,
        effects=tuple(fields.effects),
        partners=partners,
        budget=fields.budget,
        roles=tuple(fields.roles),
        cost_sharing=fields.cost_sharing,
        kpis=tuple(fields.kpis),
        extra=tuple(fields.extra),
    )
    state.projects.append(project)
    if findings:
        state.findings.extend([replace(f, project=f.project or name) for f in findings])
