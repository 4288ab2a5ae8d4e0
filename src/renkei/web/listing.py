"""Project and KPI listings: filters read from the URL, facet counts and sort orders.

Each facet counts the projects that match every *other* chosen filter, so a count says how many rows
choosing that value would show. The URL carries the whole state, so a filtered list can be shared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace

from renkei.domain.plan import Project
from renkei.domain.status import Status
from renkei.domain.totals import policy_area_label
from renkei.web.i18n import label_status, translate
from renkei.web.readmodel import STATUS_PRIORITY, KpiView, Portal, ProjectView

SORTS = ("document", "name", "budget", "status")
NO_POLICY_AREA = "none"


@dataclass(frozen=True, slots=True)
class ProjectFilter:
    """The filters of a listing; empty strings mean "any"."""

    q: str = ""
    policy_area: str = ""
    category: str = ""
    municipality: str = ""
    status: str = ""
    budget: str = ""
    relisted: str = ""
    sort: str = "document"

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ProjectFilter:
        """Read filters from query parameters, ignoring unknown values of closed vocabularies.

        >>> chosen = ProjectFilter.from_params({"status": "behind", "budget": "maybe", "sort": "x"})
        >>> chosen.status, chosen.budget, chosen.sort
        ('behind', '', 'document')
        """
        values = {f.name: str(params.get(f.name, "")).strip()[:200] for f in fields(cls)}
        if values["status"] not in {s.value for s in Status}:
            values["status"] = ""
        for name in ("budget", "relisted"):
            if values[name] not in ("yes", "no"):
                values[name] = ""
        if values["sort"] not in SORTS:
            values["sort"] = "document"
        return cls(**values)

    def without(self, name: str) -> ProjectFilter:
        """Return the filter with one facet cleared."""
        return replace(self, **{name: ""})

    @property
    def active(self) -> bool:
        """Tell whether any filter (not the sort) is set."""
        return any(getattr(self, f.name) for f in fields(self) if f.name != "sort")


def policy_area_key(project: Project) -> str:
    """Return a project's policy-area facet value: its number, or ``none``."""
    return str(project.policy_area.number) if project.policy_area else NO_POLICY_AREA


def category_key(project: Project) -> str:
    """Return a project's category facet value: policy-area number and code (``3-a``), or empty."""
    if project.category is None:
        return ""
    return f"{policy_area_key(project)}-{project.category.code}"


def category_label(project: Project) -> str:
    """Return a project's category label (``a 人材の育成``)."""
    if project.category is None:
        return ""
    return f"{project.category.code} {project.category.name}"


def _matches(view: ProjectView, chosen: ProjectFilter, portal: Portal, hits: set[str] | None) -> bool:
    project = view.project
    if hits is not None and project.key not in hits:
        return False
    if chosen.policy_area and policy_area_key(project) != chosen.policy_area:
        return False
    if chosen.category and category_key(project) != chosen.category:
        return False
    if chosen.municipality:
        member = portal.member_by_code(chosen.municipality)
        if member is None or not view.takes_part(member):
            return False
    if chosen.status and Status(chosen.status) not in view.statuses:
        return False
    if chosen.budget and view.has_budget != (chosen.budget == "yes"):
        return False
    return not (chosen.relisted and project.relisted != (chosen.relisted == "yes"))


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet with its count and whether it is chosen."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class Facet:
    """A facet: its query parameter, its title and its values."""

    name: str
    title: str
    values: tuple[FacetValue, ...]


def filter_projects(portal: Portal, chosen: ProjectFilter, hits: set[str] | None) -> list[ProjectView]:
    """Return the projects matching the filters, in the chosen order."""
    found = [v for v in portal.projects if _matches(v, chosen, portal, hits)]
    return sort_projects(found, chosen.sort)


def sort_projects(views: list[ProjectView], order: str) -> list[ProjectView]:
    """Sort projects by name, budget (largest first), status (behind first) or keep document order."""
    if order == "name":
        return sorted(views, key=lambda v: v.project.name)
    if order == "budget":
        return sorted(views, key=lambda v: -(v.budget_in_period or 0))
    if order == "status":
        return sorted(views, key=lambda v: STATUS_PRIORITY[v.status] if v.status else len(STATUS_PRIORITY))
    return list(views)


def _project_counts(portal: Portal, chosen: ProjectFilter, hits: set[str] | None, name: str,
                    key: Callable[[ProjectView, KpiView | None], list[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for view in portal.projects:
        if _matches(view, chosen.without(name), portal, hits):
            for value in key(view, None):
                counts[value] = counts.get(value, 0) + 1
    return counts


def _kpi_counts(portal: Portal, chosen: ProjectFilter, hits: set[str] | None, name: str,
                key: Callable[[ProjectView, KpiView | None], list[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    others = chosen.without(name).without("status")
    for view in portal.projects:
        if not _matches(view, others, portal, hits):
            continue
        for kpi in view.kpis:
            if name != "status" and chosen.status and kpi.evaluation.status.value != chosen.status:
                continue
            for value in key(view, kpi):
                counts[value] = counts.get(value, 0) + 1
    return counts


def build_facets(
    portal: Portal, chosen: ProjectFilter, hits: set[str] | None, lang: str, *, count_kpis: bool = False
) -> list[Facet]:
    """Return the facets of a listing with their counts: of projects, or of KPIs for the KPI dashboard."""
    facets: list[Facet] = []
    counter = _kpi_counts if count_kpis else _project_counts

    def add(name: str, title: str, options: list[tuple[str, str]],
            key: Callable[[ProjectView, KpiView | None], list[str]]) -> None:
        counts = counter(portal, chosen, hits, name, key)
        selected = getattr(chosen, name)
        values = tuple(FacetValue(v, label, counts.get(v, 0), v == selected) for v, label in options)
        facets.append(Facet(name, title, values))

    def statuses(view: ProjectView, kpi: KpiView | None) -> list[str]:
        if kpi is not None:
            return [kpi.evaluation.status.value]
        return [s.value for s in view.statuses]

    areas: dict[str, str] = {}
    categories: dict[str, str] = {}
    for view in portal.projects:
        areas.setdefault(policy_area_key(view.project), policy_area_label(view.project))
        if view.project.category is not None:
            prefix = f"({view.project.policy_area.number}) " if view.project.policy_area else ""
            categories.setdefault(category_key(view.project), prefix + category_label(view.project))
    add("policy_area", translate("col.policy_area", lang), list(areas.items()),
        lambda v, _k: [policy_area_key(v.project)])
    add("category", translate("col.category", lang), list(categories.items()),
        lambda v, _k: [category_key(v.project)] if v.project.category else [])
    add("municipality", translate("col.municipality", lang), [(m.code, m.name) for m in portal.municipalities],
        lambda v, _k: [m.code for m in portal.municipalities if v.takes_part(m)])
    add("status", translate("col.status", lang), [(s.value, label_status(s, lang)) for s in Status], statuses)
    add("budget", translate("facet.budget", lang),
        [("yes", translate("facet.budget.yes", lang)), ("no", translate("facet.budget.no", lang))],
        lambda v, _k: ["yes" if v.has_budget else "no"])
    add("relisted", translate("facet.relisted", lang),
        [("yes", translate("facet.relisted.yes", lang)), ("no", translate("facet.relisted.no", lang))],
        lambda v, _k: ["yes" if v.project.relisted else "no"])
    return facets


def filter_kpis(portal: Portal, chosen: ProjectFilter, hits: set[str] | None) -> list[KpiView]:
    """Return the KPIs of the projects matching every filter but status, then filtered by their own status."""
    projects = filter_projects(portal, replace(chosen.without("status"), sort="document"), hits)
    found = [k for p in projects for k in p.kpis if not chosen.status or k.evaluation.status.value == chosen.status]
    if chosen.sort == "status":
        found.sort(key=lambda k: STATUS_PRIORITY[k.evaluation.status])
    elif chosen.sort == "name":
        found.sort(key=lambda k: k.kpi.indicator)
    return found
