"""Project and KPI listings: filters read from the URL, facet counts and sort orders.

Each facet counts the projects that match every *other* chosen filter, so a count says how many rows
choosing that value would show. The URL carries the whole state, so a filtered list can be shared.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace

from sqlalchemy.orm import Session

from renkei.domain.collation import gojuon_key
from renkei.domain.plan import Project
from renkei.domain.status import RATING_PRIORITY, Status, label_status_group
from renkei.presentation.i18n import label_group, translate
from renkei.presentation.views import KpiView
from renkei.web.grades import area_grading
from renkei.web.readmodel import (
    FACETS,
    STATUS_PRIORITY,
    FacetRow,
    Portal,
    ProjectView,
)
from renkei.web.search import match_projects

SORTS = ("document", "name", "budget", "status")


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


def category_label(project: Project) -> str:
    """Return a project's category label under its policy area (``(3) a 人材の育成``), or empty."""
    return project.category_label if project.category is not None else ""


def find_hits(portal: Portal, session: Session, query: str) -> set[str] | None:
    """Return the keys of the projects a search matches (None for no search), over the portal's prepared text."""
    return match_projects(portal.index.search_text, query, portal.index.member_readings)


def _failing_rows(portal: Portal, chosen: ProjectFilter, hits: set[str] | None,
                  ignore: str = "") -> Iterator[tuple[FacetRow, Sequence[str]]]:
    """Yield each row the search found (every row without a search) with the facets whose chosen value it lacks.

    A row the search misses counts in no facet and is listed nowhere (it fails the search and at least that), so it is
    left out at once. The chosen facet values are read once, not once per row.
    """
    wanted = [(name, value) for name in FACETS if (value := getattr(chosen, name)) and name != ignore]
    rows: Sequence[FacetRow] = portal.index.facet_rows
    if hits is not None:
        rows = [row for row in rows if row.view.project.key in hits]
    if not wanted:
        for row in rows:
            yield row, ()
    elif len(wanted) == 1:  # the usual case, one facet chosen: no list made per row
        ((name, value),) = wanted
        misses = (name,)
        for row in rows:
            yield row, (() if value in row.values[name] else misses)
    else:
        for row in rows:
            yield row, [name for name, value in wanted if value not in row.values[name]]


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
    found = [row.view for row, failing in _failing_rows(portal, chosen, hits) if not failing]
    return sort_projects(found, chosen.sort)


def list_with_facets(portal: Portal, chosen: ProjectFilter, hits: set[str] | None,
                     lang: str) -> tuple[list[ProjectView], list[Facet]]:
    """Return what :func:`filter_projects` and :func:`build_facets` return, in one pass over the rows."""
    if hits is None and not any(getattr(chosen, name) for name in FACETS):  # no filter: counted with the snapshot
        found = [row.view for row in portal.index.facet_rows]
        return sort_projects(found, chosen.sort), label_facets(portal, chosen, portal.index.facet_counts, lang)
    found, counts = _match_and_count(portal, chosen, hits)
    return sort_projects(found, chosen.sort), label_facets(portal, chosen, counts, lang)


def sort_projects(views: list[ProjectView], order: str) -> list[ProjectView]:
    """Sort projects by name, budget (largest first), status (behind first) or keep document order."""
    if order == "name":  # 五十音順 by the reading stored at import; code point order where none is known
        return sorted(views, key=lambda v: gojuon_key(v.project.name, v.project.reading))
    if order == "budget":
        return sorted(views, key=lambda v: -(v.budget_in_period or 0))
    if order == "status":  # 遅れを先に: 未達成, then behind (worst rating first), …
        return sorted(views, key=lambda v: (STATUS_PRIORITY[v.status] if v.status else len(STATUS_PRIORITY),
                                            min((RATING_PRIORITY[k.evaluation.rating] for k in v.kpis), default=9)))
    return list(views)


def _project_counts(portal: Portal, chosen: ProjectFilter, hits: set[str] | None) -> dict[str, dict[str, int]]:
    """Count, for every facet, the projects per value among those matching every *other* filter."""
    return _match_and_count(portal, chosen, hits)[1]


def _match_and_count(portal: Portal, chosen: ProjectFilter,
                     hits: set[str] | None) -> tuple[list[ProjectView], dict[str, dict[str, int]]]:
    """Return the matching projects in document order and the facet counts (see :func:`_project_counts`), in one
    pass over the rows."""
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    found: list[ProjectView] = []
    for row, failing in _failing_rows(portal, chosen, hits):
        if len(failing) > 1:
            continue
        if not failing:
            found.append(row.view)
        for name in (failing if failing else FACETS):
            bucket = counts[name]
            for value in row.values[name]:
                bucket[value] = bucket.get(value, 0) + 1
    return found, counts


def _kpi_counts(portal: Portal, chosen: ProjectFilter, hits: set[str] | None) -> dict[str, dict[str, int]]:
    """Count KPIs per facet value: a KPI's own status decides the status facet and the status filter."""
    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for row, failing in _failing_rows(portal, chosen, hits, ignore="status"):
        if len(failing) > 1:
            continue
        for kpi in row.view.kpis:
            status = kpi.evaluation.status.value
            for name in (failing if failing else FACETS):
                if name != "status" and chosen.status and status != chosen.status:
                    continue
                bucket = counts[name]
                for value in ({status} if name == "status" else row.values[name]):
                    bucket[value] = bucket.get(value, 0) + 1
    return counts


def build_facets(
    portal: Portal, chosen: ProjectFilter, hits: set[str] | None, lang: str, *, count_kpis: bool = False
) -> list[Facet]:
    """Return the facets of a listing with their counts: of projects, or of KPIs for the KPI dashboard."""
    return _build_facets(portal, chosen, hits, lang, count_kpis)


def _build_facets(portal: Portal, chosen: ProjectFilter, hits: set[str] | None, lang: str,
                  count_kpis: bool) -> list[Facet]:
    if hits is None and not any(getattr(chosen, name) for name in FACETS):  # no filter: counted with the snapshot
        counts = portal.index.kpi_facet_counts if count_kpis else portal.index.facet_counts
    else:
        counts = (_kpi_counts if count_kpis else _project_counts)(portal, chosen, hits)
    return label_facets(portal, chosen, counts, lang)


def label_facets(portal: Portal, chosen: ProjectFilter, counts: Mapping[str, Mapping[str, int]],
                 lang: str) -> list[Facet]:
    """Return the facets of a listing from its counts per facet value, every value of the plan in its order."""
    facets: list[Facet] = []

    def add(name: str, title: str, options: list[tuple[str, str]]) -> None:
        selected = getattr(chosen, name)
        values = tuple(FacetValue(v, label, counts[name].get(v, 0), v == selected) for v, label in options)
        facets.append(Facet(name, title, values))

    index = portal.index
    add("policy_area", translate("col.policy_area", lang),
        [(key, label_group(label, lang)) for key, (label, _) in index.policy_areas.items()])
    add("category", translate("col.category", lang), [(key, label) for key, (label, _) in index.categories.items()])
    add("municipality", translate("col.municipality", lang), [(m.code, m.name) for m in portal.municipalities])
    # renkei's status words; an area with its own grades has letters of its own, so renkei's (C・D) are left out
    own_grades = area_grading(portal) is not None
    add("status", translate("col.status", lang),
        [(s.value, (s.label_en if lang == "en" else s.label_ja) if own_grades else label_status_group(s, lang))
         for s in Status])
    add("budget", translate("facet.budget", lang),
        [("yes", translate("facet.budget.yes", lang)), ("no", translate("facet.budget.no", lang))])
    add("relisted", translate("facet.relisted", lang),
        [("yes", translate("facet.relisted.yes", lang)), ("no", translate("facet.relisted.no", lang))])
    return facets


def filter_kpis(portal: Portal, chosen: ProjectFilter, hits: set[str] | None) -> list[KpiView]:
    """Return the KPIs of the projects matching every filter but status, then filtered by their own status."""
    projects = filter_projects(portal, replace(chosen.without("status"), sort="document"), hits)
    found = [k for p in projects for k in p.kpis if not chosen.status or k.evaluation.status.value == chosen.status]
    if chosen.sort == "status":
        found.sort(key=lambda k: (STATUS_PRIORITY[k.evaluation.status], RATING_PRIORITY[k.evaluation.rating]))
    elif chosen.sort == "name":
        found.sort(key=lambda k: k.kpi.indicator)
    return found
