"""Plan snapshots: built once per plan, updated sheet by sheet after staff publish, one lock per plan.

A :class:`~renkei.web.readmodel.Portal` (the snapshot) is what every page of one plan edition reads, as of one
evaluation year. The cache holds it by (plan, data version, year, default year), as before; what changed is how a
new data version is reached:

- **Update, not rebuild.** Each snapshot keeps the :class:`~renkei.store.plan_reads.PlanMarks` it was read under
  (per KPI: its share rule, the ids of its published actuals, its assessments' versions; per sheet: its published
  text; for the plan: version, import time, area settings, findings and rounds). When the data version moves, the
  marks are read again (five grouped queries) and compared. If only KPIs' figures, assessments or published texts
  moved, only the sheets concerned (and the sheets that repeat them, 【再掲】, which show the same figures) are read
  and evaluated again; the plan's summary, the project views and the indexes are then brought up to date in memory
  from the changed views (counts move by the difference), not from the database. Anything else (a re-import, an
  area's new settings, a new round) builds the whole snapshot again, as does a change to more than a quarter of the
  sheets (reading everything is cheaper then).
- **Another year without reading the plan.** A first request as of another year starts from a current snapshot of
  the same plan: its sheets and figures are evaluated again as of that year.
- **One lock per plan and year, not one for all.** A build holds the lock of its own (plan, year); a request for
  another area, or another plan, never waits for it. Requests for the same plan wait for the one build instead of
  starting their own.
- **Every number still comes from the store.** An update reads the changed sheets' rows exactly as a full build reads
  every sheet's (``evaluate_plan_kpis`` with the plan's 【再掲】 rule), and the tests compare an updated snapshot with
  a full build after each kind of change (``tests/web/test_snapshot.py``).

The marks are read before the data, so a change committed in between is seen twice (the next update re-evaluates it
again), never missed. ``docs/architecture.md`` describes the design; ``benchmarks/README.md`` its measurements.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.domain.plan import Plan
from renkei.services.progress import (
    KpiProgress,
    PlanProgress,
    clamp_year,
    default_evaluation_year,
    evaluate_plan_kpis,
    evaluate_stored_plan,
    summarise_progress,
    update_summary,
)
from renkei.store import portal_queries, repository, rounds
from renkei.store.actuals import list_share_modes
from renkei.store.plan_reads import PlanMarks, read_plan_marks, read_projects
from renkei.store.portal_queries import list_assessments
from renkei.store.project_text import apply_published_text
from renkei.store.repository import PlanSummary
from renkei.web.kept_by_version import KeptByVersion
from renkei.web.plan_choice import MAX_LISTINGS, PlanChoices
from renkei.web.readmodel import Portal, build_index, build_project_views
from renkei.web.snapshot_files import SnapshotFiles

__all__ = ["PortalCache", "Snapshot", "build_snapshot", "load_portal", "update_snapshot"]

#: The most snapshots a process keeps, and the most project sheets they may hold together (100,000 sheets: ten
#: versions or years of a 10,000-sheet plan, or every area of a national deployment at ~100 sheets each, many times).
MAX_SNAPSHOTS = 512
MAX_SHEETS = 100_000
#: Above this share of a plan's sheets changed at once, an update reads the whole plan instead.
UPDATE_SHARE = 0.25


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A plan's page data with the marks of the data it was read from."""

    portal: Portal
    marks: PlanMarks


#: (plan id, evaluation year, default year): one plan's snapshots, whatever their data version.
PlanYear = tuple[int, int, int]


class PortalCache:
    """Snapshots of recent plans, keyed by (plan, data version, year, default year), with a lock per plan and year.

    One snapshot per (plan, year, default year) is kept: its newest data version (a new one replaces the one it
    updates). Of those, the most recently used are kept while together they hold at most ``sheets`` project sheets
    (a snapshot's memory grows with its sheets: a hundred areas of 100 sheets cost what one plan of 10,000 does)
    and number at most ``size``; the newest is always kept. Successive versions of one plan share every project
    view that did not change. ``builds`` counts what each miss did:
    ``full`` (the whole plan read), ``update`` (some sheets read again), ``same`` (nothing the pages show moved).
    ``year`` counts snapshots evaluated as of another year from one of the same data. ``on_build`` is called with
    the plan's id just before a snapshot is read (the tests watch builds through it).
    With ``files``, a plan's first snapshot in this process starts from the one kept on disk (counted as
    ``from_file``), and every full build is kept there for the next worker.
    """

    def __init__(self, size: int = MAX_SNAPSHOTS, *, sheets: int = MAX_SHEETS,
                 on_build: Callable[[int], None] | None = None, files: SnapshotFiles | None = None) -> None:
        self._size = size
        self._sheets = sheets
        #: Where full snapshots are kept for the next worker (``renkei serve`` sets it; see ``snapshot_files``).
        self.files = files
        self._entries: OrderedDict[tuple[object, ...], Snapshot] = OrderedDict()
        self._newest: dict[PlanYear, tuple[object, ...]] = {}
        self._locks: dict[PlanYear, threading.Lock] = {}
        self._lock = threading.Lock()
        self.on_build = on_build
        self.builds: Counter[str] = Counter()
        #: Each area's plans by data version: which plan a request shows, chosen without counting projects.
        self.plans = PlanChoices()
        #: Each plan's default evaluation year (it follows the reporting rounds), read once per data version.
        self.default_years: KeptByVersion[int] = KeptByVersion(MAX_LISTINGS)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: tuple[object, ...]) -> Portal | None:
        """Return the cached portal for a key, if any."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found.portal

    def newest(self, plan: PlanYear) -> Snapshot | None:
        """Return the most recently built snapshot of a plan and year (any data version), if one is kept."""
        with self._lock:
            key = self._newest.get(plan)
            return self._entries.get(key) if key is not None else None

    def put(self, key: tuple[object, ...], plan: PlanYear, snapshot: Snapshot) -> None:
        """Keep a snapshot as its plan's newest, dropping the one it supersedes and the least recently used beyond
        the size.

        A data version only moves forward, so a plan's earlier version is never asked for again: keeping it until
        the size pushed it out held up to ``size`` versions of a busy plan (one per staff write: memory that grew
        for the first 512 writes of a soak run before it settled).
        """
        with self._lock:
            superseded = self._newest.get(plan)
            if superseded is not None and superseded != key:
                self._entries.pop(superseded, None)
            self._entries[key] = snapshot
            self._entries.move_to_end(key)
            self._newest[plan] = key
            while len(self._entries) > 1 and (len(self._entries) > self._size or self._held() > self._sheets):
                dropped, _ = self._entries.popitem(last=False)
                self._newest = {p: k for p, k in self._newest.items() if k != dropped}

    def _held(self) -> int:
        """Return how many project sheets the kept snapshots hold (the lock is held)."""
        return sum(len(entry.portal.projects) for entry in self._entries.values())

    def newest_of_plan(self, plan_id: int) -> Snapshot | None:
        """Return the most recently built snapshot of a plan for any year, if one is kept."""
        with self._lock:
            for key in reversed(self._entries):
                if key[0] == plan_id:
                    return self._entries[key]
            return None

    def lock_for(self, plan: PlanYear) -> threading.Lock:
        """Return the lock that one build of this plan and year holds (made on first use; never one for all)."""
        with self._lock:
            return self._locks.setdefault(plan, threading.Lock())


def load_portal(*, session: Session, plan_key: str | None = None, as_of: int | None = None,
                cache: PortalCache | None = None, fingerprint: Hashable | None = None,
                area_slug: str | None = None) -> Portal | None:
    """Load a plan edition (the area's current one by default) with everything the pages show; None if absent.

    ``as_of`` is kept within the plan period, so at most one snapshot per year of the period and data version.
    ``fingerprint`` is the data version the HTTP cache read for this request (read here when absent). With a
    cache, a new data version updates the plan's newest snapshot (see the module docstring).
    """
    if cache is not None and fingerprint is not None:  # the plans listed once per data version, not per request
        summary = cache.plans.choose(session=session, area_slug=area_slug, version=fingerprint, plan_key=plan_key)
    else:
        summary = portal_queries.choose_plan(session=session, plan_key=plan_key, area_slug=area_slug)
    if summary is None:
        return None
    period = Plan(summary.area_slug, summary.area_name, summary.first_year, summary.last_year, ())
    def read_default() -> int:
        return default_evaluation_year(period, round_years=rounds.round_years(session=session, plan_id=summary.id))

    if cache is not None and fingerprint is not None:  # the rounds are part of the data version
        default = cache.default_years.get(summary.id, fingerprint, read_default)
    else:
        default = read_default()
    year = clamp_year(period, as_of) if as_of is not None else default
    if cache is None:
        plans = tuple(repository.list_plans(session=session, area_slug=summary.area_slug))
        return build_snapshot(session=session, summary=summary, plans=plans, as_of=year,
                              default_year=default).portal
    if fingerprint is None:
        fingerprint = portal_queries.read_store_fingerprint(connection=session.connection())
    key = (summary.id, fingerprint, year, default)
    cached = cache.get(key)
    if cached is not None:
        return cached
    plan: PlanYear = (summary.id, year, default)
    with cache.lock_for(plan):  # this plan's requests wait for its one build; other plans' never do
        cached = cache.get(key)
        if cached is not None:
            return cached
        if cache.on_build is not None:
            cache.on_build(summary.id)
        previous = cache.newest(plan)
        name, from_file = f"plan-{summary.id}-{year}-{default}", False
        if previous is None and cache.files is not None:
            kept = cache.files.read(name)
            if isinstance(kept, Snapshot):
                previous, from_file = kept, True
                cache.builds["from_file"] += 1
        plans = tuple(repository.list_plans(session=session, area_slug=summary.area_slug))  # a miss: read once
        snapshot, kind = update_snapshot(session=session, summary=summary, plans=plans, as_of=year,
                                         default_year=default,
                                         previous=previous,
                                         other_year=cache.newest_of_plan(summary.id) if previous is None else None)
        cache.builds[kind] += 1
        cache.put(key, plan, snapshot)
        if cache.files is not None and (kind == "full" or (from_file and kind == "update")):
            cache.files.write_later(name, snapshot)  # the next worker starts from it
        return snapshot.portal


def kept_portal(*, cache: PortalCache, fingerprint: Hashable, plan_key: str | None = None, as_of: int | None = None,
                area_slug: str | None = None) -> Portal | None:
    """Return the snapshot :func:`load_portal` would, when everything choosing it takes is kept in ``cache`` for this
    data version (the area's plans, the plan's default year and the snapshot itself); else None, having read nothing:
    then call :func:`load_portal` off the event loop. It never blocks, so a request for a built snapshot needs no
    thread."""
    chosen = cache.plans.choose_kept(area_slug=area_slug, version=fingerprint, plan_key=plan_key)
    if chosen is None or chosen[0] is None:
        return None
    summary = chosen[0]
    default = cache.default_years.peek(summary.id, fingerprint)
    if default is None:
        return None
    period = Plan(summary.area_slug, summary.area_name, summary.first_year, summary.last_year, ())
    year = clamp_year(period, as_of) if as_of is not None else default[0]
    return cache.get((summary.id, fingerprint, year, default[0]))


def build_snapshot(*, session: Session, summary: PlanSummary, plans: tuple[PlanSummary, ...], as_of: int,
                   default_year: int, marks: PlanMarks | None = None) -> Snapshot:
    """Read and evaluate a whole plan into its snapshot (its marks read first: see the module docstring)."""
    marks = marks or read_plan_marks(session=session, plan_id=summary.id)
    assert marks is not None, "the plan was chosen in this request"
    progress = evaluate_stored_plan(session, summary.id, as_of)
    findings = tuple(repository.list_findings(session=session, plan_id=summary.id))
    members = portal_queries.load_area_members(session=session, area_slug=progress.plan.area_slug)
    projects = build_project_views(progress, findings)
    portal = Portal(
        summary=summary,
        plans=plans,
        progress=progress,
        members=members,
        projects=projects,
        findings=findings,
        default_year=default_year,
        index=build_index(progress, projects, members.members if members else ()),
    )
    return Snapshot(portal, marks)


def update_snapshot(*, session: Session, summary: PlanSummary, plans: tuple[PlanSummary, ...], as_of: int,
                    default_year: int, previous: Snapshot | None, other_year: Snapshot | None = None,
                    ) -> tuple[Snapshot, str]:
    """Bring a plan's snapshot to the data as stored now: ``(snapshot, "same" | "update" | "year" | "full")``.

    Only the sheets whose marks moved since ``previous`` are read again. Without one, a snapshot of the same plan
    as of ``other_year`` whose data are still current gives its sheets and figures, evaluated again as of this year
    (``year``: the plan is not read again). Otherwise, or when the plan itself changed, the whole plan is read.
    """
    known = previous or other_year
    marks = read_plan_marks(session=session, plan_id=summary.id, previous=known.marks if known else None)
    assert marks is not None, "the plan was chosen in this request"
    if (previous is None and other_year is not None and other_year.portal.summary.id == summary.id
            and marks.changed_sheets(other_year.marks) == frozenset()):
        portal = _other_year(session=session, portal=other_year.portal, summary=summary, plans=plans,
                             as_of=as_of, default_year=default_year)
        return Snapshot(portal, marks), "year"
    if previous is not None and previous.portal.summary.id == summary.id and previous.portal.as_of == as_of:
        changed = marks.changed_sheets(previous.marks)
        sheets = len(previous.portal.plan.projects)
        if changed is not None and len(changed) <= max(1, sheets * UPDATE_SHARE):
            portal = replace(previous.portal, summary=summary, plans=plans)
            if not changed:
                return Snapshot(portal, marks), "same"
            updated = _update_sheets(session=session, portal=portal, changed=changed)
            if updated is not None:
                return Snapshot(updated, marks), "update"
    return build_snapshot(session=session, summary=summary, plans=plans, as_of=as_of, default_year=default_year,
                          marks=marks), "full"


def _update_sheets(*, session: Session, portal: Portal, changed: frozenset[str]) -> Portal | None:
    """Return the portal with the changed sheets (and every sheet repeating them) read and evaluated again; None
    when the stored sheets no longer match the snapshot's (then the caller reads the whole plan)."""
    progress, plan_id = portal.progress, portal.summary.id
    rule = progress.relisting
    owners = {rule.owner_key(key) for key in changed}
    affected = frozenset(p.key for p in progress.plan.projects if rule.owner_key(p.key) in owners)
    if not affected:  # only withdrawn sheets moved: nothing the pages show
        return portal
    fresh = read_projects(session=session, plan_id=plan_id, keys=affected)
    if {p.key for p in fresh} != affected:
        return None
    part = apply_published_text(session=session, plan_id=plan_id, plan=replace(progress.plan, projects=tuple(fresh)))
    evaluated = evaluate_plan_kpis(
        part,
        repository.list_actuals(session=session, plan_id=plan_id, project_keys=affected),
        as_of=progress.as_of,
        assessments=list_assessments(session=session, plan_id=plan_id, project_keys=affected),
        relisting=rule,
        share_modes=list_share_modes(session=session, plan_id=plan_id, project_keys=affected),
        histories=progress.histories,  # revisions come only with a re-import, which reads the whole plan
    )
    by_key = {p.key: p for p in part.projects}
    plan = replace(progress.plan, projects=tuple(by_key.get(p.key, p) for p in progress.plan.projects))
    items: dict[str, list[KpiProgress]] = {}
    for item in (*(k for k in progress.kpis if k.project.key not in affected), *evaluated):
        items.setdefault(item.project.key, []).append(item)
    kpis = tuple(item for p in plan.projects for item in items.get(p.key, ()))
    updated = PlanProgress(
        plan_id=progress.plan_id, plan=plan, as_of=progress.as_of, kpis=kpis,
        summary=update_summary(progress.summary, plan, rule, removed=[k for k in progress.kpis
                                                                      if k.project.key in affected],
                               added=evaluated),
        totals=progress.totals,  # budgets change only with a re-import, which reads the whole plan
        relisting=rule, include_pending=progress.include_pending, histories=progress.histories,
    )
    kept = {view.key: view for view in portal.projects if view.key not in affected}
    projects = build_project_views(updated, portal.findings, keep=kept)
    members = portal.municipalities
    return replace(portal, progress=updated, projects=projects,
                   index=build_index(updated, projects, members, previous=portal.index, changed=affected))


def _other_year(*, session: Session, portal: Portal, summary: PlanSummary, plans: tuple[PlanSummary, ...],
                as_of: int, default_year: int) -> Portal:
    """Return the portal of the same data as of another year: the snapshot's sheets and figures evaluated again
    (every published assessment and share rule is read again: the snapshot keeps only each KPI's due one)."""
    progress, plan_id = portal.progress, summary.id
    rule, plan = progress.relisting, progress.plan
    actuals: dict[tuple[str, str], tuple[Actual, ...]] = {}
    for item in progress.kpis:  # each KPI's figures, under the sheet that holds them (read there first)
        actuals.setdefault(rule.actuals_key(item.project, item.kpi), item.actuals)
    kpis = tuple(evaluate_plan_kpis(
        plan, actuals, as_of=as_of, relisting=rule,
        assessments=list_assessments(session=session, plan_id=plan_id),
        share_modes=list_share_modes(session=session, plan_id=plan_id),
        histories=progress.histories,  # the target in force in this year, not the snapshot's year
    ))
    evaluated = PlanProgress(
        plan_id=progress.plan_id, plan=plan, as_of=as_of, kpis=kpis,
        summary=summarise_progress(plan, kpis, rule, as_of=as_of), totals=progress.totals, relisting=rule,
        include_pending=progress.include_pending, histories=progress.histories,
    )
    projects = build_project_views(evaluated, portal.findings)
    return replace(portal, summary=summary, plans=plans, progress=evaluated, projects=projects,
                   default_year=default_year,
                   index=build_index(evaluated, projects, portal.municipalities, previous=portal.index))
