"""Plan diff: what a new edition adds, changes and removes compared with the stored one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum

from renkei.domain.plan import (
    KPI,
    Budget,
    BudgetCell,
    Category,
    CostSharing,
    Partners,
    Plan,
    PolicyArea,
    Project,
    Role,
    indicator_key,
)
from renkei.domain.quantity import Quantity

#: Project fields compared between editions; ``line`` (layout) is not a change of content.
PROJECT_FIELDS = (
    "name",
    "policy_area",
    "category",
    "description",
    "effects",
    "partners",
    "budget",
    "roles",
    "cost_sharing",
    "extra",
)
KPI_FIELDS = ("indicator", "direction", "baseline", "target")
PLAN_FIELDS = ("area_name", "title", "first_year", "last_year")


#: The longest old or new value kept with a stored diff (the import history, the audit trail), in characters.
STORED_WIDTH = 200


def excerpt_change(old: str, new: str, width: int = 60, context: int = 12) -> tuple[str, str]:
    """Shorten two long versions of a text to the part that changed, with a little context, marked with …

    Texts that both fit in ``width`` characters are kept whole; otherwise each keeps ``context`` characters before
    the first difference and after the last, at most ``width`` characters in all.

    >>> excerpt_change("令和8年度から実施する。", "令和9年度から実施する。")
    ('令和8年度から実施する。', '令和9年度から実施する。')
    >>> excerpt_change("a" * 100 + "X" + "b" * 100, "a" * 100 + "YY" + "b" * 100, width=20, context=3)
    ('…aaaXbbb…', '…aaaYYbbb…')
    >>> excerpt_change("x" * 50, "x" * 50 + "。追記", width=20, context=3)
    ('…xxx', '…xxx。追記')
    >>> excerpt_change("", "z" * 30, width=10)
    ('', 'zzzzzzzzzz…')
    """
    if len(old) <= width and len(new) <= width:
        return old, new
    context = min(context, width // 3)  # the difference itself always shows
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = max(0, prefix - context)

    def cut(text: str) -> str:
        end = min(len(text), len(text) - suffix + context, start + width)
        return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

    return cut(old), cut(new)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field with its old and new values written for people (whole; :meth:`to_dict` shortens them).

    ``part`` narrows a field down: the fiscal year of a budget cell (``2027``), or its ``unit``, ``note`` or ``total``.
    """

    field: str
    old: str
    new: str
    part: str = ""

    def excerpt(self, width: int = 60) -> tuple[str, str]:
        """Return the old and new values shortened to the part that changed (see :func:`excerpt_change`)."""
        return excerpt_change(self.old, self.new, width)

    def to_dict(self, width: int = STORED_WIDTH) -> dict[str, str]:
        """Return the JSON form, long values shortened to the part that changed."""
        old, new = self.excerpt(width)
        out = {"field": self.field, "old": old, "new": new}
        if self.part:
            out["part"] = self.part
        return out


def describe_value(value: object) -> str:
    """Write a field's value as people read it: names and labels, texts as written, lists one after another.

    >>> describe_value(PolicyArea(2, "ネットワークの強化")), describe_value(("効果A", "効果B")), describe_value(None)
    ('(2) ネットワークの強化', '効果A / 効果B', '')
    >>> describe_value((Role("北九州市", ("推進する", "周知する")),))
    '北九州市：推進する、周知する'
    """
    match value:
        case None:
            return ""
        case str():
            return value
        case Enum():
            return str(value.value)
        case PolicyArea() | Category():
            return value.label
        case Quantity():
            return value.text
        case Partners():
            return value.text or "、".join(value.municipalities)
        case Role():
            return f"{value.party}：{'、'.join(value.duties)}"
        case CostSharing():
            return value.text or ""
        case tuple() | list():
            return " / ".join(describe_value(item) for item in value)
        case _:
            return str(value)


def _cell_text(cell: BudgetCell | None) -> str:
    if cell is None:
        return ""
    return cell.text or ("" if cell.amount is None else f"{cell.amount:,}")


def _budget_changes(old: Budget | None, new: Budget | None) -> list[FieldChange]:
    """Return a budget's changes cell by cell (fiscal year), then its unit, note and stated total."""
    before = {c.fiscal_year: c for c in old.cells} if old else {}
    after = {c.fiscal_year: c for c in new.cells} if new else {}
    changes = [FieldChange("budget", _cell_text(before.get(y)), _cell_text(after.get(y)), str(y))
               for y in sorted(before.keys() | after.keys()) if before.get(y) != after.get(y)]
    for part, name in (("unit", "unit"), ("note", "note"), ("total", "total_text")):
        was, now = (describe_value(getattr(b, name)) if b else "" for b in (old, new))
        if was != now:
            changes.append(FieldChange("budget", was, now, part))
    return changes


def field_changes(old: object, new: object, names: tuple[str, ...]) -> tuple[FieldChange, ...]:
    """Return the old and new values of the named fields that differ between two objects (budgets cell by cell)."""
    changes: list[FieldChange] = []
    for name in names:
        was, now = getattr(old, name), getattr(new, name)
        if was == now:
            continue
        if name == "budget":
            found = _budget_changes(was, now)
            if found:
                changes.extend(found)
                continue
        if name == "extra":  # rows of their own: (label, text) pairs
            was, now = (" / ".join(f"{label}：{text}" for label, text in rows) for rows in (was, now))
        changes.append(FieldChange(name, describe_value(was), describe_value(now)))
    return tuple(changes)


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """One added, changed or removed project or KPI.

    ``key`` is the project key (for a KPI: its indicator key, with ``project_key`` beside it);
    ``name`` the project name or the indicator; ``fields`` the changed fields; ``changes`` their old and new values.
    """

    key: str
    name: str
    fields: tuple[str, ...] = ()
    project_key: str | None = None
    changes: tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (long old and new values shortened to the part that changed)."""
        out: dict[str, object] = {"key": self.key, "name": self.name}
        if self.fields:
            out["fields"] = list(self.fields)
        if self.changes:
            out["changes"] = [change.to_dict() for change in self.changes]
        if self.project_key is not None:
            out["project_key"] = self.project_key
        return out


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """The difference between the stored edition and an imported one.

    KPI lists cover projects present in both; a new or withdrawn project's KPIs come and go with it.
    """

    plan_fields: tuple[str, ...] = ()
    added_projects: tuple[DiffEntry, ...] = ()
    changed_projects: tuple[DiffEntry, ...] = ()
    removed_projects: tuple[DiffEntry, ...] = ()
    added_kpis: tuple[DiffEntry, ...] = ()
    changed_kpis: tuple[DiffEntry, ...] = ()
    removed_kpis: tuple[DiffEntry, ...] = field(default=())
    plan_changes: tuple[FieldChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing of substance differs."""
        return not any(getattr(self, name) for name in self.__slots__)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (stored with each import)."""
        out: dict[str, object] = {"plan_fields": list(self.plan_fields)}
        if self.plan_changes:
            out["plan_changes"] = [change.to_dict() for change in self.plan_changes]
        for name in self.__slots__:
            if name not in ("plan_fields", "plan_changes"):
                out[name] = [entry.to_dict() for entry in getattr(self, name)]
        return out


def _comparable_project(project: Project) -> Project:
    budget = replace(project.budget, line=None) if project.budget else None
    return replace(project, line=0, budget=budget, kpis=())


def _comparable_kpi(kpi: KPI) -> KPI:
    return replace(kpi, line=None)


def diff_fields(old: object, new: object, names: tuple[str, ...]) -> tuple[str, ...]:
    """Return the names of the fields that differ between two objects.

    >>> from renkei.domain.plan import PolicyArea
    >>> diff_fields(PolicyArea(1, "a"), PolicyArea(1, "b"), ("number", "name"))
    ('name',)
    """
    return tuple(n for n in names if getattr(old, n) != getattr(new, n))


def diff_kpis(
    project_key: str, old: tuple[KPI, ...], new: tuple[KPI, ...]
) -> tuple[list[DiffEntry], list[DiffEntry], list[DiffEntry]]:
    """Return added, changed and removed KPIs of one project, matched by indicator key."""
    before = {indicator_key(k.indicator): k for k in old}
    after = {indicator_key(k.indicator): k for k in new}
    added = [
        DiffEntry(key, k.indicator, project_key=project_key) for key, k in after.items() if key not in before
    ]
    removed = [
        DiffEntry(key, k.indicator, project_key=project_key) for key, k in before.items() if key not in after
    ]
    changed = []
    for key, k in after.items():
        if key in before:
            was, now = _comparable_kpi(before[key]), _comparable_kpi(k)
            fields = diff_fields(was, now, KPI_FIELDS)
            if fields:
                changed.append(DiffEntry(key, k.indicator, fields, project_key=project_key,
                                         changes=field_changes(was, now, fields)))
    return added, changed, removed


def diff_plan(
    old_header: Mapping[str, object] | None,
    old_projects: Mapping[str, tuple[Project, bool]],
    plan: Plan,
) -> PlanDiff:
    """Compare a plan with the stored edition.

    ``old_header`` holds the stored PLAN_FIELDS (None for a new plan); ``old_projects`` maps each
    stored project key to the project and whether it is active.
    """
    plan_fields = (
        () if old_header is None else tuple(n for n in PLAN_FIELDS if old_header[n] != getattr(plan, n))
    )
    plan_changes = tuple(FieldChange(n, describe_value(old_header[n]), describe_value(getattr(plan, n)))
                         for n in plan_fields if old_header is not None)
    added: list[DiffEntry] = []
    changed: list[DiffEntry] = []
    kpis: tuple[list[DiffEntry], list[DiffEntry], list[DiffEntry]] = ([], [], [])
    new_keys = set()
    for project in plan.projects:
        new_keys.add(project.key)
        stored = old_projects.get(project.key)
        if stored is None:
            added.append(DiffEntry(project.key, project.name))
            continue
        old, active = stored
        was, now = _comparable_project(old), _comparable_project(project)
        fields = diff_fields(was, now, PROJECT_FIELDS)
        changes = field_changes(was, now, fields)
        if not active:
            fields = ("status", *fields)
            changes = (FieldChange("status", "削除済み / withdrawn", "有効 / active"), *changes)
        for bucket, entries in zip(kpis, diff_kpis(project.key, old.kpis, project.kpis), strict=True):
            bucket.extend(entries)
        if fields:
            changed.append(DiffEntry(project.key, project.name, fields, changes=changes))
    removed = [
        DiffEntry(key, old.name)
        for key, (old, active) in old_projects.items()
        if active and key not in new_keys
    ]
    return PlanDiff(
        plan_fields=plan_fields,
        added_projects=tuple(added),
        changed_projects=tuple(changed),
        removed_projects=tuple(removed),
        added_kpis=tuple(kpis[0]),
        changed_kpis=tuple(kpis[1]),
        removed_kpis=tuple(kpis[2]),
        plan_changes=plan_changes,
    )
