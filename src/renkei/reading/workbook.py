"""Reading a plan workbook (計画ワークブック) written by ``renkei export xlsx`` back into a Plan.

The workbook holds the plan twice: in visible sheets a planner edits (事業, KPI, 事業費, 概要) and in a
hidden sheet (``_renkei``) as JSON. A visible cell that still shows what the hidden data would render
keeps the hidden value exactly (line numbers, resolved partners, quantities); an edited cell wins and is
read again with the document readers (quantities, budget cells, cost sharing, partners).
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

from renkei.domain.direction import infer_direction
from renkei.domain.municipality import Area
from renkei.domain.plan import (
    KPI,
    Budget,
    BudgetCell,
    BudgetCellStatus,
    Category,
    CostBasis,
    CostPrinciple,
    CostSharing,
    Partners,
    Plan,
    PolicyArea,
    Project,
    Role,
)
from renkei.domain.quantity import Direction, Quantity
from renkei.reading.budget import UNIT_FACTORS, make_cell
from renkei.reading.cost import read_cost_sharing
from renkei.reading.file_kind import workbook_problem
from renkei.reading.fiscal_year import read_fiscal_year
from renkei.reading.input_limits import COMMAND_LINE, InputLimits, InputTooLarge, ReadingBudget
from renkei.reading.quantity import read_quantity
from renkei.reading.workbook_archive import WorkbookUnreadable, check_workbook_archive

FORMAT = "renkei-workbook/1"
DATA_SHEET = "_renkei"
OVERVIEW, PROJECTS, KPIS, BUDGETS, PARTNERS = "概要", "事業", "KPI", "事業費", "連携市町"
#: Columns of the 事業 sheet (project), in order.
PROJECT_COLUMNS = ("事業ID", "事業名", "再掲", "政策分野番号", "政策分野", "分類記号", "分類", "分類の副題",
                   "事業内容", "効果", "連携市町（記載）", "役割分担", "費用負担（基本方針）", "その他の項目")
KPI_INPUT = ("KPI番号", "事業ID", "事業名（参考）", "指標", "方向", "現状値", "目標値")
BUDGET_HEAD = ("事業ID", "事業名（参考）", "単位")
BUDGET_NOTE = "備考"
#: The overview's editable header rows: label -> Plan field.
HEADER_ROWS = (("圏域名", "area_name"), ("計画名", "title"), ("計画期間（初年度）", "first_year"),
               ("計画期間（最終年度）", "last_year"))
DIRECTIONS = {Direction.INCREASE: "増加", Direction.DECREASE: "減少", Direction.MAINTAIN: "維持"}
RELISTED_MARK = "【再掲】"
_YEAR_HEADER = re.compile(r"（(\d{4})）")
_CHUNK = 30000  # an Excel cell holds at most 32,767 characters


_T = TypeVar("_T")


class WorkbookReadError(ValueError):
    """A workbook that cannot be read as a plan; ``sheet`` and ``row`` say where."""

    def __init__(self, message: str, sheet: str | None = None, row: int | None = None) -> None:
        where = f"シート「{sheet}」{row}行目: " if sheet and row else f"シート「{sheet}」: " if sheet else ""
        super().__init__(where + message)
        self.sheet = sheet
        self.row = row


# --- JSON form of the domain objects (lossless; the hidden sheet) ---------------------------------


def quantity_from_record(r: dict[str, Any]) -> Quantity:
    """Rebuild a Quantity from its JSON form."""
    return Quantity.from_dict(r)


def quantity_record(q: Quantity) -> dict[str, Any]:
    """Return the lossless JSON form of a Quantity (the value stays a float)."""
    return {**q.to_dict(), "value": q.value}


def project_record(p: Project) -> dict[str, Any]:
    """Return the lossless JSON form of a project."""
    return {
        "name": p.name, "line": p.line, "relisted": p.relisted,
        "policy_area": p.policy_area.to_dict() if p.policy_area else None,
        "category": p.category.to_dict() if p.category else None,
        "description": p.description, "effects": list(p.effects), "partners": p.partners.to_dict(),
        "budget": None if p.budget is None else {
            "unit": p.budget.unit, "note": p.budget.note, "line": p.budget.line,
            "cells": [[c.fiscal_year, c.text, c.status.value, c.amount] for c in p.budget.cells],
            "total": [p.budget.total_text, p.budget.total_amount]},
        "roles": [r.to_dict() for r in p.roles],
        "cost_sharing": {"text": p.cost_sharing.text,
                         "principles": [[c.basis.value, c.text] for c in p.cost_sharing.principles]},
        "kpis": [{"indicator": k.indicator, "direction": k.direction.value if k.direction else None,
                  "baseline": quantity_record(k.baseline), "target": quantity_record(k.target), "line": k.line}
                 for k in p.kpis],
        "extra": [list(e) for e in p.extra],
    }  # fmt: skip


def _kpi_from_record(r: dict[str, Any]) -> KPI:
    return KPI(r["indicator"], quantity_from_record(r["baseline"]), quantity_from_record(r["target"]),
               Direction(r["direction"]) if r["direction"] else None, r["line"])


def project_from_record(r: dict[str, Any]) -> Project:
    """Rebuild a project from its JSON form."""
    pa, cat, pt, b, cs = r["policy_area"], r["category"], r["partners"], r["budget"], r["cost_sharing"]
    return Project(
        name=r["name"], line=r["line"], relisted=r["relisted"],
        policy_area=PolicyArea(pa["number"], pa["name"]) if pa else None,
        category=Category(cat["code"], cat["name"], cat["subtitle"]) if cat else None,
        description=r["description"], effects=tuple(r["effects"]),
        partners=Partners(pt["text"], tuple(pt["municipalities"]), tuple(pt["codes"]), tuple(pt["outside_area"]),
                          tuple(pt["excluded"]), tuple(pt["unresolved"]), pt["all_members"]),
        budget=None if b is None else Budget(
            b["unit"], tuple(BudgetCell(y, t, BudgetCellStatus(s), a) for y, t, s, a in b["cells"]), b["note"],
            b["line"], *(b.get("total") or (None, None))),
        roles=tuple(Role(x["party"], tuple(x["duties"])) for x in r["roles"]),
        cost_sharing=CostSharing(cs["text"], tuple(CostPrinciple(CostBasis(k), t) for k, t in cs["principles"])),
        kpis=tuple(_kpi_from_record(k) for k in r["kpis"]),
        extra=tuple((k, v) for k, v in r["extra"]),
    )  # fmt: skip


def chunks(text: str) -> list[str]:
    """Split text into pieces that fit in an Excel cell.

    >>> [len(c) for c in chunks("x" * 65000)]
    [30000, 30000, 5000]
    """
    return [text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK)] or [""]


# --- how a field shows in a visible cell (writer and reader share these) --------------------------


def render_lines(items: tuple[str, ...]) -> str:
    """Show a list as one line each."""
    return "\n".join(items)


def render_pairs(pairs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """Show labelled texts as ``label：text`` lines."""
    return "\n".join(f"{k}：{v}" for k, v in pairs)


def render_roles(roles: tuple[Role, ...]) -> str:
    """Show roles as one ``party：duty`` line per duty.

    >>> render_roles((Role("北九州市", ("推進する。", "周知する。")),))
    '北九州市：推進する。\\n北九州市：周知する。'
    """
    return render_pairs([(r.party, d) for r in roles for d in (r.duties or ("",))])


def read_pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Read ``label：text`` lines (a line without a colon continues the previous text).

    >>> read_pairs("備考：a\\nb\\n補足：c")
    (('備考', 'a\\nb'), ('補足', 'c'))
    """
    pairs: list[tuple[str, str]] = []
    for line in text.split("\n"):
        label, colon, rest = line.partition("：")
        if colon:
            pairs.append((label.strip(), rest))
        elif pairs:
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + "\n" + line)
        elif line.strip():
            pairs.append(("", line))
    return tuple(pairs)


def read_roles(text: str) -> tuple[Role, ...]:
    """Read roles from ``party：duty`` lines; consecutive lines of one party make one role.

    >>> read_roles("北九州市：推進する。\\n北九州市：周知する。\\n連携市町：協力する。")[0].duties
    ('推進する。', '周知する。')
    """
    roles: list[Role] = []
    for party, duty in read_pairs(text):
        if roles and roles[-1].party == party:
            roles[-1] = Role(party, (*roles[-1].duties, duty))
        else:
            roles.append(Role(party, (duty,)))
    return tuple(roles)


def read_direction(text: str) -> Direction | None:
    """Read a direction written in Japanese or English (blank: none).

    >>> read_direction("増加"), read_direction("decrease"), read_direction("")
    (<Direction.INCREASE: 'increase'>, <Direction.DECREASE: 'decrease'>, None)
    """
    folded = text.strip()
    if not folded:
        return None
    for direction, label in DIRECTIONS.items():
        if folded in (label, direction.value):
            return direction
    raise ValueError(f"方向「{text}」は 増加・減少・維持 のいずれかです / direction must be 増加, 減少 or 維持")


def budget_cell_value(cell: BudgetCell) -> object:
    """Return what a budget cell shows: the amount (千円) as a number, else the text as written."""
    return cell.amount if cell.status is BudgetCellStatus.AMOUNT else cell.text


def year_of_header(title: str) -> int | None:
    """Return the western fiscal year in a column title such as 令和8年度（2026）.

    >>> year_of_header("令和8年度（2026）"), year_of_header("備考")
    (2026, None)
    """
    match = _YEAR_HEADER.search(title)
    return int(match.group(1)) if match else None


# --- the reader ----------------------------------------------------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class _Sheet:
    name: str
    header: list[str]
    rows: list[tuple[int, dict[str, object]]]


@dataclass
class _Book:
    """An open read-only workbook whose rows are streamed within the reading's time budget."""

    workbook: Any
    budget: ReadingBudget

    @property
    def sheetnames(self) -> list[str]:
        names: list[str] = self.workbook.sheetnames
        return names

    def rows(self, name: str) -> Iterator[tuple[Any, ...]]:
        """Stream a sheet's rows, each only as wide as its last cell (a declared sheet size is not trusted)."""
        worksheet = self.workbook[name]
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()
        for row in worksheet.iter_rows(values_only=True):
            self.budget.tick()  # rows and cells were counted by the archive check; time goes on
            yield row


def _sheet(workbook: _Book, name: str) -> _Sheet:
    if name not in workbook.sheetnames:
        raise WorkbookReadError("シートがありません / the sheet is missing", name)
    values = list(workbook.rows(name))
    if not values:
        return _Sheet(name, [], [])
    header = [_text(v).strip() for v in values[0]]
    rows = []
    for number, row in enumerate(values[1:], start=2):
        cells = {h: v for h, v in zip(header, row, strict=False) if h}
        if any(_text(v).strip() for v in cells.values()):
            rows.append((number, cells))
    return _Sheet(name, header, rows)


def _hidden(workbook: _Book) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    if DATA_SHEET not in workbook.sheetnames:
        raise WorkbookReadError("renkei の計画ワークブックではありません / not a renkei plan workbook", DATA_SHEET)
    rows = [[_text(v) for v in row] for row in workbook.rows(DATA_SHEET)]
    if not rows or rows[0][:1] != [FORMAT]:
        raise WorkbookReadError(f"形式が違います / expected {FORMAT}", DATA_SHEET)
    try:
        header = json.loads("".join(rows[1][1:]))
        projects = {row[0]: json.loads("".join(row[1:])) for row in rows[2:] if row and row[0]}
    except (json.JSONDecodeError, IndexError) as exc:
        raise WorkbookReadError(f"隠しシートが壊れています / the hidden data is damaged: {exc}", DATA_SHEET) from None
    return header, projects


def _kept(visible: object, hidden: _T, render: Callable[[_T], object], parse: Callable[[str], _T]) -> _T:
    """Keep the hidden value while the cell shows its rendering; read the cell when it was edited."""
    if _same(visible, render(hidden)):
        return hidden
    return parse(_text(visible))


def _same(visible: object, rendered: object) -> bool:
    if isinstance(rendered, int | float) and not isinstance(rendered, bool):
        try:
            return float(_text(visible).replace(",", "")) == float(rendered)
        except ValueError:
            return False
    return _text(visible) == _text(rendered)


def _or_none(text: str) -> str | None:
    return text if text.strip() else None


def _project(number: int, cells: dict[str, object], old: Project | None, sheet: str) -> Project:
    blank = old or Project(name="", line=0)

    def cell(title: str, attr: Callable[[Project], Any], render: Callable[[Any], object],
             parse: Callable[[str], Any]) -> Any:
        return _kept(cells.get(title), attr(blank), render, parse) if old else parse(_text(cells.get(title)))

    name = _text(cells.get("事業名")).strip()
    if not name:
        raise WorkbookReadError("事業名が空です / the project name is blank", sheet, number)
    number_cell = _text(cells.get("政策分野番号")).strip()
    area_name = _text(cells.get("政策分野"))
    policy_area = blank.policy_area if old and _same(number_cell, _num(blank.policy_area)) and _same(
        area_name, blank.policy_area.name if blank.policy_area else "") else _policy_area(number_cell, area_name,
                                                                                         sheet, number)
    category_cells = tuple(_text(cells.get(t)) for t in ("分類記号", "分類", "分類の副題"))
    category = blank.category if old and category_cells == _category_cells(blank.category) else (
        Category(category_cells[0].strip(), category_cells[1], _or_none(category_cells[2]))
        if category_cells[0].strip() or category_cells[1].strip() else None)
    partners_text = cell("連携市町（記載）", lambda p: p.partners, lambda x: x.text or "",
                         lambda t: Partners(text=_or_none(t)))
    return Project(
        name=name if not old or name != blank.name else blank.name,
        line=blank.line,
        relisted=bool(_text(cells.get("再掲")).strip()),
        policy_area=policy_area,
        category=category,
        description=cell("事業内容", lambda p: p.description, lambda d: d or "", _or_none),
        effects=cell("効果", lambda p: p.effects, render_lines,
                     lambda t: tuple(x for x in t.split("\n") if x.strip())),
        partners=partners_text,
        budget=blank.budget,
        roles=cell("役割分担", lambda p: p.roles, render_roles, read_roles),
        cost_sharing=cell("費用負担（基本方針）", lambda p: p.cost_sharing, lambda c: c.text or "",
                          lambda t: read_cost_sharing(_or_none(t))),
        kpis=(),
        extra=cell("その他の項目", lambda p: p.extra, render_pairs, read_pairs),
    )


def _num(area: PolicyArea | None) -> object:
    return area.number if area else ""


def _category_cells(category: Category | None) -> tuple[str, str, str]:
    return (category.code, category.name, category.subtitle or "") if category else ("", "", "")


def _policy_area(number: str, name: str, sheet: str, row: int) -> PolicyArea | None:
    if not number and not name.strip():
        return None
    try:
        return PolicyArea(int(float(number)), name)
    except ValueError:
        raise WorkbookReadError(f"政策分野番号「{number}」は整数ではありません / not a whole number", sheet, row) from None  # noqa: E501


def _kpis(sheet: _Sheet, old: dict[str, KPI]) -> Iterator[tuple[str, int, KPI]]:
    for number, cells in sheet.rows:
        project_id = _text(cells.get("事業ID")).strip()
        indicator = _text(cells.get("指標")).strip()
        if not indicator:
            raise WorkbookReadError("指標が空です / the indicator is blank", sheet.name, number)
        previous = old.get(_text(cells.get("KPI番号")).strip())
        try:
            direction_cell = _text(cells.get("方向"))
            if previous is not None:
                baseline = _kept(cells.get("現状値"), previous.baseline, lambda q: q.text, read_quantity)
                target = _kept(cells.get("目標値"), previous.target, lambda q: q.text, read_quantity)
                direction = _kept(direction_cell, previous.direction,
                                  lambda d: DIRECTIONS[d] if d else "", read_direction)
                kept = indicator if indicator != " ".join(previous.indicator.split()) else previous.indicator
                yield project_id, number, KPI(kept, baseline, target, direction, previous.line)
            else:
                baseline = read_quantity(_text(cells.get("現状値")))
                target = read_quantity(_text(cells.get("目標値")))
                direction = read_direction(direction_cell) or infer_direction(indicator, baseline, target)
                yield project_id, number, KPI(indicator, baseline, target, direction, None)
        except ValueError as exc:
            raise WorkbookReadError(str(exc), sheet.name, number) from None


def _budget(cells: dict[str, object], years: list[tuple[str, int]], old: Budget | None) -> Budget:
    unit = _text(cells.get("単位")).strip() or None
    note = _or_none(_text(cells.get(BUDGET_NOTE)))
    if old is not None:
        unit = old.unit if _same(cells.get("単位"), old.unit or "") else unit
        note = old.note if _same(cells.get(BUDGET_NOTE), old.note or "") else note
    before = {c.fiscal_year: c for c in old.cells} if old else {}
    shown: dict[int, BudgetCell] = {}
    for title, year in years:
        value = cells.get(title)
        kept = before.get(year)
        if kept is not None and _same(value, budget_cell_value(kept)):
            shown[year] = kept
        elif kept is not None or _text(value).strip():
            shown[year] = _edited_cell(year, value, unit)
    order = [y for y in before if y in shown] + sorted(y for y in shown if y not in before)
    return Budget(unit, tuple(shown[y] for y in order), note, old.line if old else None,
                  old.total_text if old else None, old.total_amount if old else None)


def _edited_cell(year: int, value: object, unit: str | None) -> BudgetCell:
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = round(value)
        factor = UNIT_FACTORS.get(unit or "千円", 1.0)
        written = value / factor
        text = f"{int(written):,}" if float(written).is_integer() else f"{written:,}"
        return BudgetCell(year, text, BudgetCellStatus.AMOUNT, amount)
    return make_cell(year, _text(value), unit=unit)[0]


@dataclass(frozen=True, slots=True)
class WorkbookEdition:
    """A plan read from a workbook, with the projects renamed in it: old ``Project.key`` → new key.

    The 事業ID column ties a row to the project it was written from, so a changed name is a rename
    (its KPIs and actuals go with it), not a withdrawn project and a new one.
    """

    plan: Plan
    renames: dict[str, str]


def read_plan_workbook(data: bytes | BinaryIO, limits: InputLimits = COMMAND_LINE) -> Plan:
    """Read a plan workbook (bytes or a binary stream) into a Plan; visible edits win over the hidden copy."""
    return read_workbook_edition(data, limits).plan


def read_workbook_edition(data: bytes | BinaryIO, limits: InputLimits = COMMAND_LINE, *,
                          clock: Callable[[], float] = time.monotonic,
                          areas: Callable[[str], Area | None] | None = None) -> WorkbookEdition:
    """Read a plan workbook into a Plan and the renames made in it (see :class:`WorkbookEdition`).

    The zip container and its XML parts are checked against ``limits`` before openpyxl opens anything
    (:class:`~renkei.reading.input_limits.InputTooLarge` past one); the sheets are then streamed (read-only),
    within ``limits.seconds`` of the whole reading. ``areas`` finds the workbook's area by slug (the stored one;
    default: the package's seed), asked once and only when a partner cell was edited: an edited cell is read
    against its members.
    """
    from openpyxl import load_workbook

    content = data if isinstance(data, bytes) else data.read(limits.file_bytes + 1)
    budget = ReadingBudget(limits, clock)
    try:
        check_workbook_archive(content, limits, budget)
    except WorkbookUnreadable as exc:
        raise WorkbookReadError(str(exc)) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or foreign file, in English: say what it is
        raise WorkbookReadError(workbook_problem(content)) from None
    try:
        return _read_edition(_Book(workbook, budget), areas)
    except (WorkbookReadError, InputTooLarge):
        raise
    except Exception:  # a part openpyxl cannot read although it is well-formed XML: a damaged workbook
        raise WorkbookReadError(workbook_problem(content)) from None
    finally:
        workbook.close()


def _read_edition(workbook: _Book, areas: Callable[[str], Area | None] | None) -> WorkbookEdition:
    header, hidden = _hidden(workbook)
    old_projects = {pid: project_from_record(r) for pid, r in hidden.items()}
    plan_fields = _overview(workbook, header)
    projects_sheet = _sheet(workbook, PROJECTS)
    projects: list[tuple[str, Project]] = []
    for number, cells in projects_sheet.rows:
        pid = _text(cells.get("事業ID")).strip() or f"新規{number}"
        projects.append((pid, _project(number, cells, old_projects.get(pid), PROJECTS)))
    ids = {pid for pid, _ in projects}
    old_kpis = {f"{pid}-K{i}": k for pid, p in old_projects.items() for i, k in enumerate(p.kpis, start=1)}
    kpis: dict[str, list[KPI]] = {}
    for pid, number, kpi in _kpis(_sheet(workbook, KPIS), old_kpis):
        if pid not in ids:
            raise WorkbookReadError(f"事業ID「{pid}」は「事業」シートにありません / unknown project id", KPIS, number)
        kpis.setdefault(pid, []).append(kpi)
    budgets_sheet = _sheet(workbook, BUDGETS)
    years = [(t, y) for t in budgets_sheet.header if (y := year_of_header(t)) is not None]
    budgets: dict[str, Budget] = {}
    for number, cells in budgets_sheet.rows:
        pid = _text(cells.get("事業ID")).strip()
        if pid not in ids:
            raise WorkbookReadError(f"事業ID「{pid}」は「事業」シートにありません / unknown project id", BUDGETS, number)  # noqa: E501
        old = old_projects.get(pid)
        budgets[pid] = _budget(cells, years, old.budget if old else None)
    result = []
    renames: dict[str, str] = {}
    found: list[Area | None] = []  # the area, once asked for
    for pid, project in projects:
        old = old_projects.get(pid)
        partners = project.partners
        if old is None or partners.text != old.partners.text:
            if not found:
                found.append((areas or _seed_area)(header["area_slug"]))
            partners = _resolve_partners(found[0], partners.text)
        result.append(_rebuild(project, kpis.get(pid, ()), budgets.get(pid), partners))
        if old is not None and old.key != project.key:
            renames[old.key] = project.key
    plan = Plan(header["area_slug"], plan_fields["area_name"], plan_fields["first_year"], plan_fields["last_year"],
                tuple(result), header["source_sha256"], plan_fields["title"])
    return WorkbookEdition(plan, renames)


def _rebuild(project: Project, kpis: Any, budget: Budget | None, partners: Partners) -> Project:
    return Project(name=project.name, line=project.line, relisted=project.relisted, policy_area=project.policy_area,
                   category=project.category, description=project.description, effects=project.effects,
                   partners=partners, budget=budget, roles=project.roles, cost_sharing=project.cost_sharing,
                   kpis=tuple(kpis), extra=project.extra)


def _seed_area(slug: str) -> Area | None:
    from renkei.reading.area import AreaConfigError, load_area

    try:
        return load_area(slug)
    except (AreaConfigError, LookupError, FileNotFoundError):
        return None


def _resolve_partners(area: Area | None, text: str | None) -> Partners:
    from renkei.reading.area import load_registry
    from renkei.reading.partners import read_partners

    if area is None:
        return Partners(text=text)
    return read_partners(text, area=area, registry=load_registry())[0]


def _overview(workbook: _Book, header: dict[str, Any]) -> dict[str, Any]:
    if OVERVIEW not in workbook.sheetnames:
        raise WorkbookReadError("シートがありません / the sheet is missing", OVERVIEW)
    labels = {_text(row[0]): row[1] if len(row) > 1 else None
              for row in workbook.rows(OVERVIEW) if row}
    fields: dict[str, Any] = {}
    for label, name in HEADER_ROWS:
        value = labels.get(label)
        if name in ("first_year", "last_year"):
            year = header[name] if _same(value, _year_text(header[name])) else read_fiscal_year(_text(value))
            if year is None:
                raise WorkbookReadError(f"{label}「{_text(value)}」は年度ではありません / not a fiscal year", OVERVIEW)
            fields[name] = year
        else:
            fields[name] = header[name] if _same(value, header[name] or "") else _or_none(_text(value))
    if fields["area_name"] is None:
        raise WorkbookReadError("圏域名が空です / the area name is blank", OVERVIEW)
    return fields


def _year_text(year: int) -> str:
    from renkei.domain.fiscal import format_fiscal_year

    return format_fiscal_year(year)
