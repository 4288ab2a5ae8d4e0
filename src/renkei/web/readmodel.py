"""The portal's read model: one plan snapshot, with every index a page needs built eagerly.

A :class:`Portal` is built once per (plan, data version, evaluation year clamped to the plan period) from
:func:`renkei.services.progress.evaluate_stored_plan`, the one evaluation every page, chart, the API and the CLI
share. Its :class:`PortalIndex` is built with it: projects by slug, each member's sheets and count, the prepared
search text and every project's facet values. Nothing is added to a snapshot after it is built, so requests only
read it; replaying whole answers is left to HTTP caching (``web/response_cache.py``). Snapshots are built,
cached and updated sheet by sheet in :mod:`renkei.web.snapshot`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from renkei.domain.finding import Finding
from renkei.domain.municipality import Municipality
from renkei.domain.plan import Plan, Project
from renkei.domain.revision import KpiHistory
from renkei.domain.status import RATING_PRIORITY, STATUS_PRIORITY, Rating, Status
from renkei.domain.text import fold_for_search
from renkei.domain.totals import BudgetTotals, budget_in_period, count_projects_by_municipality, outside_period_note
from renkei.presentation.views import KpiView, latest_entry
from renkei.services.progress import KpiProgress, PlanProgress
from renkei.store import portal_queries
from renkei.store.portal_queries import AreaMembers
from renkei.store.repository import PlanSummary

__all__ = ["STATUS_PRIORITY", "FacetRow", "KpiView", "Portal", "PortalIndex", "ProjectView", "build_index",
           "build_project_views"]

#: The policy-area facet value of a project without one.
NO_POLICY_AREA = "none"

@dataclass(frozen=True, slots=True)
class ProjectView:
    """A project sheet as the portal shows it."""

    project: Project
    kpis: tuple[KpiView, ...]
    counted_in_totals: bool
    budget_in_period: int | None
    #: Every reader and lint finding about the sheet: for staff; the public pages show ``corrections`` only.
    findings: tuple[Finding, ...] = ()
    #: 「計画期間外（令和3〜7年度）の事業費のみ記載」 (ja, en) when only years outside the period are stated.
    budget_note: tuple[str, str] | None = None
    #: The sheet this one repeats (【再掲】), when the document has it.
    original_slug: str | None = None
    #: The KPIs a revision of the vision dropped from this sheet by the evaluation year (kept with their actuals;
    #: shown with their history). One dropped from a later year is still among ``kpis``.
    dropped_kpis: tuple[KpiHistory, ...] = ()
    #: The KPIs a revision adds to this sheet from a year after the evaluation year (not yet part of the vision).
    later_kpis: tuple[KpiHistory, ...] = ()

    @property
    def revised(self) -> bool:
        """Tell whether a revision of the vision (一部改正) changed, added or dropped any of its KPIs (「改正あり」)."""
        return bool(self.dropped_kpis or self.later_kpis) or any(k.history is not None for k in self.kpis)

    @property
    def slug(self) -> str:
        """Return the project's URL slug."""
        return self.project.slug

    @property
    def key(self) -> str:
        """Return the project's key."""
        return self.project.key

    @property
    def corrections(self) -> tuple[Finding, ...]:
        """Return the findings its public page tells about: where the reader corrected the document's text."""
        return tuple(f for f in self.findings if f.is_correction)

    @property
    def has_budget(self) -> bool:
        """Tell whether a positive amount is stated within the plan period (the list's budget column)."""
        return (self.budget_in_period or 0) > 0

    @property
    def statuses(self) -> frozenset[Status]:
        """Return the statuses its KPIs have."""
        return frozenset(k.evaluation.status for k in self.kpis)

    @property
    def status(self) -> Status | None:
        """Return the most pressing status among its KPIs (behind before on track …), None without KPIs."""
        if not self.kpis:
            return None
        return min(self.statuses, key=STATUS_PRIORITY.__getitem__)

    @property
    def rating(self) -> Rating | None:
        """Return the rating of its most pressing KPI (the worst among the KPIs of its status), None without KPIs."""
        status = self.status
        if status is None:
            return None
        return min((k.evaluation.rating for k in self.kpis if k.evaluation.status is status),
                   key=RATING_PRIORITY.__getitem__)

    def takes_part(self, municipality: Municipality) -> bool:
        """Tell whether a member municipality is one of its partners."""
        partners = self.project.partners
        return municipality.code in partners.codes or municipality.name in partners.municipalities


def policy_area_key(project: Project) -> str:
    """Return a project's policy-area facet value: its number, or ``none``."""
    return str(project.policy_area.number) if project.policy_area else NO_POLICY_AREA


def category_key(project: Project) -> str:
    """Return a project's category facet value: policy-area number and code (``3-a``), or empty."""
    if project.category is None:
        return ""
    return f"{policy_area_key(project)}-{project.category.code}"


#: The facets of the project and KPI lists, in the order the filter form shows them.
FACETS = ("policy_area", "category", "municipality", "status", "budget", "relisted")


@dataclass(frozen=True, slots=True)
class FacetRow:
    """A project with its value of every facet (a project may have several municipalities and statuses)."""

    view: ProjectView
    values: dict[str, frozenset[str]]


@dataclass(frozen=True, slots=True)
class PortalIndex:
    """Every index the pages read, built once with the snapshot."""

    #: Every KPI in document order (relisted repeats too; see ``KpiView.counted``).
    kpis: tuple[KpiView, ...]
    by_slug: dict[str, ProjectView]
    #: The sheets each member takes part in, by 6-digit code (【再掲】 sheets included, marked on its page).
    projects_of: dict[str, tuple[ProjectView, ...]]
    #: The projects each member takes part in, by code, each project once.
    project_counts: dict[str, int]
    #: Each project's folded searchable text, by project key (`web/search.py`).
    search_text: dict[str, str]
    #: The members' readings and names, folded, for finding places by reading (かんだ → 苅田町; `web/search_terms.py`).
    member_readings: tuple[tuple[str, str], ...]
    facet_rows: tuple[FacetRow, ...]
    #: KPIs by status, each KPI once (every status present, zero when none).
    status_counts: dict[Status, int]
    #: Projects, and KPIs, per facet value with no filter chosen (the lists' first pages read them).
    facet_counts: dict[str, dict[str, int]]
    kpi_facet_counts: dict[str, dict[str, int]]
    #: Projects by policy area and by category, in document order: facet value → (label, number of sheets).
    policy_areas: dict[str, tuple[str, int]]
    categories: dict[str, tuple[str, int]]
    #: When the latest approved actual or published assessment shown was entered (the footer's date reads it, so
    #: no page walks every KPI); None when there is none.
    latest_entry: datetime | None = None


def build_index(progress: PlanProgress, projects: tuple[ProjectView, ...], members: tuple[Municipality, ...], *,
                previous: PortalIndex | None = None, changed: Collection[str] = ()) -> PortalIndex:
    """Build a snapshot's indexes from its project views and the area's members.

    With ``previous`` (the index of the snapshot being updated, of the same sheets), every view it already indexed
    that is not in ``changed`` keeps its facet row and search text, the facet counts are the previous ones with the
    changed rows' difference, and the groups and members' counts (which only a re-import changes) are kept.
    """
    from renkei.web.search import searchable_text  # the web layer's search reads this module's views

    known = previous.search_text if previous is not None else {}
    indexed = {id(row.view): row for row in previous.facet_rows} if previous is not None else {}

    def search_text(view: ProjectView) -> str:
        key = view.project.key
        kept = known.get(key) if key not in changed else None
        return kept if kept is not None else searchable_text(view.project)

    def facet_row(view: ProjectView) -> FacetRow:
        kept = indexed.get(id(view))
        if kept is not None and kept.view is view and view.key not in changed:
            return kept
        return FacetRow(view, {
            "policy_area": frozenset({policy_area_key(view.project)}),
            "category": frozenset({category_key(view.project)} if view.project.category else ()),
            "municipality": frozenset(m.code for m in members if view.takes_part(m)),
            "status": frozenset(s.value for s in view.statuses),
            "budget": frozenset({"yes" if view.has_budget else "no"}),
            "relisted": frozenset({"yes" if view.project.relisted else "no"}),
        })

    kpis = tuple(k for p in projects for k in p.kpis)
    rows = tuple(facet_row(view) for view in projects)
    sheets_of: dict[str, list[ProjectView]] = {m.code: [] for m in members}
    for row in rows:  # a member's sheets are those whose municipality facet names it, in document order
        for code in row.values["municipality"]:
            sheets_of[code].append(row.view)
    counted = Counter(k.evaluation.status for k in kpis if k.counted)
    facet_counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    kpi_facet_counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    new_rows = [row for row in rows if indexed.get(id(row.view)) is not row]
    if previous is not None and len(new_rows) * 4 <= len(rows):  # an update: count the changed rows' difference
        for name in FACETS:
            facet_counts[name].update(previous.facet_counts[name])
            kpi_facet_counts[name].update(previous.kpi_facet_counts[name])
        kept = {id(row) for row in rows}
        for row in previous.facet_rows:
            if id(row) not in kept:
                _count_row(row, -1, facet_counts, kpi_facet_counts)
        for row in new_rows:
            _count_row(row, 1, facet_counts, kpi_facet_counts)
    else:
        for row in rows:
            _count_row(row, 1, facet_counts, kpi_facet_counts)
    if previous is not None:  # sheets, partners, policy areas and categories change only with a re-import
        areas, categories, project_counts = previous.policy_areas, previous.categories, previous.project_counts
    else:
        areas, categories = {}, {}
        for view in projects:
            key, label = policy_area_key(view.project), view.project.policy_area_label
            areas[key] = (label, areas.get(key, (label, 0))[1] + 1)
            if view.project.category is not None:
                key, label = category_key(view.project), view.project.category_label
                categories[key] = (label, categories.get(key, (label, 0))[1] + 1)
        by_name = count_projects_by_municipality(progress.plan, progress.relisting)
        project_counts = {m.code: by_name.get(m.name, 0) for m in members}
    return PortalIndex(
        kpis=kpis,
        by_slug={p.slug: p for p in reversed(projects)},  # the first sheet of a slug wins
        projects_of={code: tuple(views) for code, views in sheets_of.items()},
        project_counts=project_counts,
        search_text={v.project.key: search_text(v) for v in projects},
        member_readings=tuple((fold_for_search(m.kana), fold_for_search(m.name)) for m in members if m.kana),
        facet_rows=rows,
        status_counts={s: counted.get(s, 0) for s in Status},
        facet_counts={name: {v: n for v, n in c.items() if n} for name, c in facet_counts.items()},
        kpi_facet_counts={name: {v: n for v, n in c.items() if n} for name, c in kpi_facet_counts.items()},
        policy_areas=areas,
        categories=categories,
        latest_entry=latest_entry(kpis),
    )


def _count_row(row: FacetRow, sign: int, facet_counts: dict[str, Counter[str]],
               kpi_facet_counts: dict[str, Counter[str]]) -> None:
    """Add a sheet's facet values to the counts (``sign`` -1 takes them away): the sheet once, each KPI once."""
    kpis = row.view.kpis
    for name in FACETS:
        for value in row.values[name]:
            facet_counts[name][value] += sign
            if name != "status" and kpis:
                kpi_facet_counts[name][value] += sign * len(kpis)
        if name == "status":  # a KPI counts under its own status, and under its project's other values
            for kpi in kpis:
                kpi_facet_counts[name][kpi.evaluation.status.value] += sign


@dataclass(frozen=True, slots=True, weakref_slot=True)  # the listings kept per snapshot hold it weakly
class Portal:
    """Everything the pages show about one plan edition, as of one evaluation year: the plan snapshot."""

    summary: PlanSummary
    plans: tuple[PlanSummary, ...]
    progress: PlanProgress
    members: AreaMembers | None
    projects: tuple[ProjectView, ...]
    findings: tuple[Finding, ...]
    #: The year a visitor sees without choosing one (`services.progress.default_evaluation_year`).
    default_year: int
    index: PortalIndex

    @property
    def plan(self) -> Plan:
        """Return the plan edition."""
        return self.progress.plan

    @property
    def as_of(self) -> int:
        """Return the evaluation year (within the plan period)."""
        return self.progress.as_of

    @property
    def totals(self) -> BudgetTotals:
        """Return the budget totals, each budget counted once and blanks kept apart."""
        return self.progress.totals

    @property
    def kpis(self) -> tuple[KpiView, ...]:
        """Return every KPI in document order (relisted repeats too; see ``counted``)."""
        return self.index.kpis

    @property
    def current_plan(self) -> PlanSummary:
        """Return the area's current plan (the one its pages show unless ``?plan=`` picks another)."""
        return portal_queries.current_plan(self.plans) or self.summary

    @property
    def earlier_plans(self) -> tuple[PlanSummary, ...]:
        """Return the area's other plans, the most recent first (each a click away: ``?plan=KEY``)."""
        current = self.current_plan
        others = [p for p in self.plans if p.id != current.id]
        return tuple(sorted(others, key=lambda p: (p.first_year, p.updated_at, p.id), reverse=True))

    @property
    def is_current(self) -> bool:
        """Tell whether this is the area's current plan (else an earlier one, chosen with ``?plan=``)."""
        return self.summary.id == self.current_plan.id

    @property
    def municipalities(self) -> tuple[Municipality, ...]:
        """Return the area's members (empty when the area is not configured)."""
        return self.members.members if self.members else ()

    @property
    def synthetic(self) -> bool:
        """Tell whether the area is synthetic test data (``renkei demo-data``): its every page says so."""
        return self.members is not None and self.members.synthetic

    @property
    def lead_code(self) -> str:
        """Return the lead city's code (empty when unknown)."""
        return self.members.lead_code if self.members else ""

    def project_by_slug(self, slug: str) -> ProjectView | None:
        """Return the project with this slug, if any."""
        return self.index.by_slug.get(slug)

    def member_by_code(self, code: str) -> Municipality | None:
        """Return the member with this 6-digit code, if any."""
        return next((m for m in self.municipalities if m.code == code), None)

    @property
    def member_names(self) -> dict[str, str]:
        """Return the members' names by 6-digit code."""
        return {m.code: m.name for m in self.municipalities}

    def project_counts(self) -> dict[str, int]:
        """Count the projects each member takes part in, keyed by 6-digit code (a project once)."""
        return dict(self.index.project_counts)

    def projects_of(self, municipality: Municipality) -> list[ProjectView]:
        """Return the sheets a member takes part in, 【再掲】 sheets included (marked on its page)."""
        return list(self.index.projects_of.get(municipality.code, ()))

    def status_counts(self) -> dict[Status, int]:
        """Count KPIs by status, each KPI once (every status present, zero when none)."""
        return dict(self.index.status_counts)


def kpi_view(item: KpiProgress) -> KpiView:
    """Return what the pages show of one evaluated KPI."""
    p = item.project
    return KpiView(
        p.key, p.slug, p.name, item.position, item.kpi, item.evaluation, dict(item.values),
        counted=item.counted, actuals=item.actuals, assessment=item.assessment, figures=item.figures,
        shares=item.shares, history=item.history,
    )  # fmt: skip


def build_project_views(progress: PlanProgress, findings: tuple[Finding, ...], *,
                        keep: Mapping[str, ProjectView] | None = None) -> tuple[ProjectView, ...]:
    """Gather what each project page shows from the plan's evaluation.

    ``keep`` holds views to use as they are, by sheet key (a snapshot's update keeps every sheet that did not change).
    """
    plan, rule = progress.plan, progress.relisting
    keep = keep or {}
    by_project: dict[str, list[KpiView]] = {}
    for item in progress.kpis:
        if item.project.key in keep:
            continue
        by_project.setdefault(item.project.key, []).append(kpi_view(item))
    slugs = {p.key: p.slug for p in plan.projects}
    dropped: dict[str, list[KpiHistory]] = {}
    later: dict[str, list[KpiHistory]] = {}
    for (project_key, _), history in progress.histories.items():
        if not history.in_force(progress.as_of):  # not part of the vision in the year: listed apart
            (later if history.last_form is None else dropped).setdefault(project_key, []).append(history)
    by_key: dict[str | None, list[Finding]] = {}
    for finding in findings:
        by_key.setdefault(finding.project_key, []).append(finding)
    views = []
    for project in plan.projects:
        kept = keep.get(project.key)
        if kept is not None:
            views.append(kept)
            continue
        original = rule.original_key(project.key)
        own = tuple(by_key.get(project.key, ()))  # joined by the sheet's key, never by name
        views.append(ProjectView(
            project=project,
            kpis=tuple(by_project.get(project.key, [])),
            counted_in_totals=rule.budget_counts(project.key),
            budget_in_period=budget_in_period(project, plan),
            findings=own,
            budget_note=outside_period_note(project, plan),
            original_slug=slugs.get(original) if original else None,
            dropped_kpis=tuple(dropped.get(project.key, ())),
            later_kpis=tuple(later.get(project.key, ())),
        ))
    return tuple(views)
