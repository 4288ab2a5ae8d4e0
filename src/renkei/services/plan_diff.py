"""Plan diff: what a new edition adds, changes and removes compared with the stored one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from renkei.domain.plan import KPI, Plan, Project, indicator_key

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


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """One added, changed or removed project or KPI.

    ``key`` is the project key (for a KPI: its indicator key, with ``project_key`` beside it);
    ``name`` the project name or the indicator; ``fields`` the changed fields.
    """

    key: str
    name: str
    fields: tuple[str, ...] = ()
    project_key: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        out: dict[str, object] = {"key": self.key, "name": self.name}
        if self.fields:
            out["fields"] = list(self.fields)
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

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing of substance differs."""
        return not any(getattr(self, name) for name in self.__slots__)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (stored with each import)."""
        out: dict[str, object] = {"plan_fields": list(self.plan_fields)}
        for name in self.__slots__:
            if name != "plan_fields":
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
            fields = diff_fields(_comparable_kpi(before[key]), _comparable_kpi(k), KPI_FIELDS)
            if fields:
                changed.append(DiffEntry(key, k.indicator, fields, project_key=project_key))
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
        fields = diff_fields(_comparable_project(old), _comparable_project(project), PROJECT_FIELDS)
        if not active:
            fields = ("status", *fields)
        for bucket, entries in zip(kpis, diff_kpis(project.key, old.kpis, project.kpis), strict=True):
            bucket.extend(entries)
        if fields:
            changed.append(DiffEntry(project.key, project.name, fields))
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
    )
