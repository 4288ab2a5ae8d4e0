"""The portal's read model: one stored plan's evaluation with what the pages show (members, findings).

Built once per (plan, data version, evaluation year) from :func:`renkei.services.progress.evaluate_stored_plan`,
the one evaluation every page, chart, the API and the CLI share. The evaluation year is the chosen ``as_of``
or, by default, the latest fiscal year that has ended, always kept within the plan period.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.orm import Session

from renkei.domain.actual import Actual, Assessment
from renkei.domain.finding import Finding
from renkei.domain.municipality import Municipality
from renkei.domain.plan import KPI, Plan, Project
from renkei.domain.progress import Evaluation, KpiForm
from renkei.domain.status import STATUS_PRIORITY, Status
from renkei.domain.totals import BudgetTotals, budget_in_period, count_projects_by_municipality, outside_period_note
from renkei.services.progress import PlanProgress, clamp_year, default_evaluation_year, evaluate_stored_plan
from renkei.store import portal_queries, repository, rounds
from renkei.store.portal_queries import AreaMembers
from renkei.store.repository import PlanSummary

__all__ = ["STATUS_PRIORITY", "KpiView", "Portal", "PortalCache", "ProjectView", "load_portal"]


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
    counted: bool = True
    actuals: tuple[Actual, ...] = ()
    assessment: Assessment | None = None

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
    #: 「計画期間外（令和3〜7年度）の事業費のみ記載」 (ja, en) when only years outside the period are stated.
    budget_note: tuple[str, str] | None = None
    #: The sheet this one repeats (【再掲】), when the document has it.
    original_slug: str | None = None

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

    def takes_part(self, municipality: Municipality) -> bool:
        """Tell whether a member municipality is one of its partners."""
        partners = self.project.partners
        return municipality.code in partners.codes or municipality.name in partners.municipalities


@dataclass(frozen=True, slots=True)
class Portal:
    """Everything the pages show about one plan edition, as of one evaluation year."""

    summary: PlanSummary
    plans: tuple[PlanSummary, ...]
    progress: PlanProgress
    members: AreaMembers | None
    projects: tuple[ProjectView, ...]
    findings: tuple[Finding, ...]
    #: The year a visitor sees without choosing one (`services.progress.default_evaluation_year`).
    default_year: int
    #: Indexes derived on first use by the listings (the portal itself never changes).
    memo: dict[str, object] = field(default_factory=dict, init=False, compare=False, repr=False)

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
        """Count the projects each member takes part in, keyed by 6-digit code (a project once)."""
        def compute() -> dict[str, int]:
            by_name = count_projects_by_municipality(self.plan, self.progress.relisting)
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
        """Return the sheets a member takes part in, 【再掲】 sheets included (marked on its page)."""
        return self.remember("projects_of", municipality.code,
                             lambda: [v for v in self.projects if v.takes_part(municipality)])

    def status_counts(self) -> dict[Status, int]:
        """Count KPIs by status, each KPI once (every status present, zero when none)."""
        counted = Counter(k.evaluation.status for k in self.kpis if k.counted)
        return {s: counted.get(s, 0) for s in Status}


def build_project_views(progress: PlanProgress, findings: tuple[Finding, ...]) -> tuple[ProjectView, ...]:
    """Gather what each project page shows from the plan's evaluation."""
    plan, rule = progress.plan, progress.relisting
    by_project: dict[str, list[KpiView]] = {}
    for item in progress.kpis:
        p = item.project
        by_project.setdefault(p.key, []).append(KpiView(
            p.key, p.slug, p.name, item.position, item.kpi, item.evaluation, dict(item.values),
            counted=item.counted, actuals=item.actuals, assessment=item.assessment,
        ))  # fmt: skip
    slugs = {p.key: p.slug for p in plan.projects}
    by_key: dict[str | None, list[Finding]] = {}
    for finding in findings:
        by_key.setdefault(finding.project_key, []).append(finding)
    views = []
    for project in plan.projects:
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
                cache: PortalCache | None = None, fingerprint: Hashable | None = None) -> Portal | None:
    """Load a plan edition (the most recent by default) with everything the pages show; None if absent.

    ``as_of`` is kept within the plan period, so at most one build per year of the period and data version.
    ``fingerprint`` is the data version the HTTP cache read for this request (read here when absent).
    """
    summary = portal_queries.choose_plan(session=session, plan_key=plan_key)
    if summary is None:
        return None
    period = Plan(summary.area_slug, summary.area_name, summary.first_year, summary.last_year, ())
    default = default_evaluation_year(period, round_years=rounds.round_years(session=session, plan_id=summary.id))
    year = clamp_year(period, as_of) if as_of is not None else default
    if fingerprint is None:
        fingerprint = portal_queries.read_store_fingerprint(connection=session.connection())
    key = (summary.id, fingerprint, year, default)
    if cache is None:
        return _build_portal(session=session, summary=summary, as_of=year, default_year=default)
    cached = cache.get(key)
    if cached is not None:
        return cached
    with cache.building:  # one build at a time: concurrent requests wait for it instead of piling up
        cached = cache.get(key)
        if cached is None:
            cached = _build_portal(session=session, summary=summary, as_of=year, default_year=default)
            cache.put(key, cached)
        return cached


def _build_portal(*, session: Session, summary: PlanSummary, as_of: int, default_year: int) -> Portal:
    progress = evaluate_stored_plan(session, summary.id, as_of)
    findings = tuple(repository.list_findings(session=session, plan_id=summary.id))
    return Portal(
        summary=summary,
        plans=tuple(repository.list_plans(session=session)),
        progress=progress,
        members=portal_queries.load_area_members(session=session, area_slug=progress.plan.area_slug),
        projects=build_project_views(progress, findings),
        findings=findings,
        default_year=default_year,
    )
