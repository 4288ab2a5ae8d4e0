"""The portal's read model: one stored plan with its projects, KPI evaluations, members and findings.

Built once per request from store queries (routes never query the database themselves). KPIs are
evaluated with :func:`renkei.services.progress.evaluate_plan_kpis` as of a fiscal year: by default the current
fiscal year, kept within the plan period.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from renkei.domain.actual import Actual, Assessment, value_by_fiscal_year
from renkei.domain.finding import Finding
from renkei.domain.fiscal import fiscal_year_of
from renkei.domain.municipality import Municipality
from renkei.domain.plan import KPI, Plan, Project, normalise_key_text
from renkei.domain.progress import Evaluation, KpiForm, month_merge_for
from renkei.domain.status import Status
from renkei.domain.totals import (
    BudgetTotals,
    count_projects_by_municipality,
    counts_in_totals,
    find_original,
    total_budget,
)
from renkei.services.progress import KpiProgress, evaluate_plan_kpis
from renkei.store import portal_queries, repository
from renkei.store.portal_queries import AreaMembers
from renkei.store.repository import PlanSummary

#: Project status for sorting and the project's badge: the most pressing status among its KPIs first.
STATUS_PRIORITY: dict[Status, int] = {
    Status.BEHIND: 0,
    Status.ON_TRACK: 1,
    Status.NO_DATA: 2,
    Status.ACHIEVED: 3,
    Status.NOT_MEASURABLE: 4,
}


T = TypeVar("T")

@dataclass(frozen=True, slots=True)
class KpiView:
    """A KPI with its yearly actuals and its evaluation."""

    project_key: str
    project_slug: str
    project_name: str
    position: int
    kpi: KPI
    evaluation: Evaluation
    values: dict[int, float]

    @property
    def anchor(self) -> str:
        """Return the fragment id of the KPI on its project page."""
        return f"kpi-{self.position + 1}"

    @property
    def form(self) -> KpiForm:
        """Return the KPI's form (point, cumulative …)."""
        return self.evaluation.kind


@dataclass(frozen=True, slots=True)
class ProjectView:
    """A project sheet as the portal shows it."""

    project: Project
    kpis: tuple[KpiView, ...]
    counted_in_totals: bool
    budget_in_period: int | None
    findings: tuple[Finding, ...] = ()

    @property
    def slug(self) -> str:
        """Return the project's URL slug."""
        return self.project.slug

    @property
    def key(self) -> str:
        """Return the project's key."""
        return self.project.key

    @property
    def has_budget(self) -> bool:
        """Tell whether a positive amount is stated for any year."""
        return self.project.budget is not None and self.project.budget.has_amount

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

    def takes_part(self, municipality: Municipality) -> bool:
        """Tell whether a member municipality is one of its partners."""
        partners = self.project.partners
        return municipality.code in partners.codes or municipality.name in partners.municipalities


@dataclass(frozen=True, slots=True)
class Portal:
    """Everything the pages show about one plan edition."""

    summary: PlanSummary
    plans: tuple[PlanSummary, ...]
    plan: Plan
    members: AreaMembers | None
    projects: tuple[ProjectView, ...]
    findings: tuple[Finding, ...]
    as_of: int
    totals: BudgetTotals = field(init=False)
    #: Indexes derived on first use by the listings (the portal itself never changes).
    memo: dict[str, object] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "totals", total_budget(self.plan))

    @property
    def kpis(self) -> tuple[KpiView, ...]:
        """Return every KPI in document order."""
        return self.remember("kpis", None, lambda: tuple(k for p in self.projects for k in p.kpis))

    @property
    def municipalities(self) -> tuple[Municipality, ...]:
        """Return the area's members (empty when the area is not configured)."""
        return self.members.members if self.members else ()

    @property
    def lead_code(self) -> str:
        """Return the lead city's code (empty when unknown)."""
        return self.members.lead_code if self.members else ""

    def project_by_slug(self, slug: str) -> ProjectView | None:
        """Return the project with this slug, if any."""
        by_slug = self.remember("by_slug", None, lambda: {p.slug: p for p in reversed(self.projects)})
        return by_slug.get(slug)

    def member_by_code(self, code: str) -> Municipality | None:
        """Return the member with this 6-digit code, if any."""
        return next((m for m in self.municipalities if m.code == code), None)

    def project_counts(self) -> dict[str, int]:
        """Count the projects each member takes part in, keyed by 6-digit code (relisted sheets once)."""
        def compute() -> dict[str, int]:
            by_name = count_projects_by_municipality(self.plan)
            return {m.code: by_name.get(m.name, 0) for m in self.municipalities}

        return dict(self.remember("project_counts", None, compute))

    def remember(self, bucket: str, key: Hashable, compute: Callable[[], T], size: int = 512) -> T:
        """Return ``compute()``, remembered with this portal under (bucket, key).

        A portal never changes (a change to the data builds a new one), so anything derived from it and a
        request's parameters can be kept with it; at most ``size`` keys per bucket are kept.
        """
        cache = self.memo.setdefault(bucket, {})
        assert isinstance(cache, dict)
        if key in cache:
            value: T = cache[key]
            return value
        value = compute()
        if len(cache) < size:
            cache[key] = value
        return value

    def projects_of(self, municipality: Municipality) -> list[ProjectView]:
        """Return the projects a member takes part in (a 【再掲】 copy of a listed project once)."""
        def compute() -> list[ProjectView]:
            seen: set[str] = set()
            found: list[ProjectView] = []
            for view in self.projects:
                folded = view.project.name_key
                if folded in seen or not view.takes_part(municipality):
                    continue
                seen.add(folded)
                found.append(view)
            return found

        return self.remember("projects_of", municipality.code, compute)

    def budget_of(self, views: list[ProjectView]) -> int:
        """Sum the plan-period budget of projects, each budget counted once."""
        return sum(v.budget_in_period or 0 for v in views if v.counted_in_totals)

    def status_counts(self) -> dict[Status, int]:
        """Count KPIs by status (every status present, zero when none)."""
        counted = Counter(k.evaluation.status for k in self.kpis)
        return {s: counted.get(s, 0) for s in Status}


def default_as_of(first_year: int, last_year: int, today: date | None = None) -> int:
    """Return the fiscal year to evaluate as of: the current one, kept within the plan period.

    >>> default_as_of(2026, 2030, date(2027, 2, 1))
    2026
    >>> default_as_of(2026, 2030, date(2035, 5, 1)), default_as_of(2026, 2030, date(2020, 5, 1))
    (2030, 2026)
    """
    current = fiscal_year_of((today or date.today()).year, (today or date.today()).month)
    return min(max(current, first_year), last_year)


def _budget_in_period(project: Project, plan: Plan) -> int | None:
    if project.budget is None:
        return None
    return sum(v or 0 for y, v in project.budget.by_fiscal_year.items() if plan.first_year <= y <= plan.last_year)


def _yearly_values(
    plan: Plan, project: Project, kpi: KPI, actuals: dict[tuple[str, str], list[Actual]]
) -> dict[int, float]:
    """Return a KPI's yearly actuals; a 【再掲】 sheet shares its original's (as the evaluation does)."""
    original = find_original(plan, project)
    keys = [project.key] + ([original.key] if original is not None else [])
    wanted = normalise_key_text(kpi.indicator)
    for key in keys:
        for (stored_key, indicator), entries in actuals.items():
            if stored_key == key and normalise_key_text(indicator) == wanted:
                return value_by_fiscal_year(entries, months=month_merge_for(kpi))
    return {}


def build_project_views(
    plan: Plan,
    *,
    actuals: dict[tuple[str, str], list[Actual]],
    assessments: Mapping[tuple[str, str], Sequence[Assessment]],
    findings: tuple[Finding, ...],
    as_of: int,
) -> tuple[ProjectView, ...]:
    """Evaluate every KPI (see :mod:`renkei.services.progress`) and gather what each project page shows."""
    progress = evaluate_plan_kpis(plan, actuals, as_of=as_of, assessments=assessments)
    by_project: dict[int, list[KpiProgress]] = {}
    for item in progress:
        by_project.setdefault(id(item.project), []).append(item)
    views = []
    for project in plan.projects:
        kpis = tuple(
            KpiView(project.key, project.slug, project.name, position, item.kpi, item.evaluation,
                    _yearly_values(plan, project, item.kpi, actuals))
            for position, item in enumerate(by_project.get(id(project), []))
        )
        views.append(ProjectView(
            project=project,
            kpis=kpis,
            counted_in_totals=counts_in_totals(plan, project),
            budget_in_period=_budget_in_period(project, plan),
            findings=tuple(f for f in findings if f.project == project.name),
        ))
    return tuple(views)


class PortalCache:
    """Page data of recent plans, keyed by the data fingerprint: any change to the data is a new key.

    Building a Portal reads and evaluates the whole plan; pages only read it, so it is built once per
    (plan, data version, as-of year) and shared by requests. The few most recent entries are kept.
    """

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[object, ...], Portal] = OrderedDict()
        self._lock = threading.Lock()
        #: Held while a portal is built, so that a build is never done twice at once.
        self.building = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Portal | None:
        """Return the cached portal for a key, if any."""
        with self._lock:
            portal = self._entries.get(key)
            if portal is not None:
                self._entries.move_to_end(key)
            return portal

    def put(self, key: tuple[object, ...], portal: Portal) -> None:
        """Keep a portal, dropping the least recently used beyond the size."""
        with self._lock:
            self._entries[key] = portal
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


def load_portal(*, session: Session, plan_key: str | None = None, as_of: int | None = None,
                cache: PortalCache | None = None) -> Portal | None:
    """Load a plan edition (the most recent by default) with everything the pages show; None if absent."""
    summary = portal_queries.choose_plan(session=session, plan_key=plan_key)
    if summary is None:
        return None
    key = (summary.id, *portal_queries.read_store_fingerprint(connection=session.connection()), as_of)
    if cache is None:
        return _build_portal(session=session, summary=summary, as_of=as_of)
    cached = cache.get(key)
    if cached is not None:
        return cached
    with cache.building:  # one build at a time: concurrent requests wait for it instead of piling up
        cached = cache.get(key)
        if cached is None:
            cached = _build_portal(session=session, summary=summary, as_of=as_of)
            cache.put(key, cached)
        return cached


def _build_portal(*, session: Session, summary: PlanSummary, as_of: int | None) -> Portal:
    plan = repository.load_plan(session=session, plan_id=summary.id)
    year = as_of if as_of is not None else default_as_of(plan.first_year, plan.last_year)
    actuals = repository.list_actuals(session=session, plan_id=summary.id)
    assessments = portal_queries.list_assessments(session=session, plan_id=summary.id)
    findings = tuple(repository.list_findings(session=session, plan_id=summary.id))
    projects = build_project_views(plan, actuals=actuals, assessments=assessments, findings=findings, as_of=year)
    return Portal(
        summary=summary,
        plans=tuple(repository.list_plans(session=session)),
        plan=plan,
        members=portal_queries.load_area_members(session=session, area_slug=plan.area_slug),
        projects=projects,
        findings=findings,
        as_of=year,
    )
