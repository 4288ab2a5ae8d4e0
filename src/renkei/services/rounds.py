"""Reporting rounds: open and close them, and list what each round asks for, KPI by KPI.

A round asks, for its fiscal year, for one figure per KPI that counts (a 【再掲】 repeat is asked once, on
the sheet that holds its actuals): an actual (実績値), or a staff assessment (評価) for a qualitative KPI.
KPIs whose target states nothing measurable are not asked for. Each :class:`ReportItem` carries its record's
review status, last year's published value and the target, what the to-do list and the board show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.domain.permission import Action, Role, Scope, Target, is_allowed, scope_of
from renkei.domain.plan import KPI, Plan, Project, indicator_key
from renkei.domain.progress import KpiForm, classify_kpi
from renkei.domain.relisting import Relisting
from renkei.domain.workflow import RecordKind, ReviewStatus, is_overdue
from renkei.services.accounts import StaffUser
from renkei.services.actuals import kpi_range
from renkei.store import accounts as account_store
from renkei.store import repository
from renkei.store import rounds as store
from renkei.store.tables import ActualRow, AssessmentRow, KpiRow, ProjectRow, now_utc
from renkei.store.workspace_tables import ReportingRoundRow


class RoundError(ValueError):
    """A round that cannot be opened or closed, in Japanese and English."""

    def __init__(self, field: str, message_ja: str, message_en: str) -> None:
        super().__init__(f"{message_ja} / {message_en}")
        self.field = field
        self.message_ja = message_ja
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class Round:
    """A reporting round: the plan, the fiscal year reported, the due date and whether it is open."""

    id: int
    plan_id: int
    fiscal_year: int
    due_date: date
    note: str | None
    open: bool

    @classmethod
    def of(cls, row: ReportingRoundRow) -> Round:
        """Build from a stored round."""
        return cls(row.id, row.plan_id, row.fiscal_year, row.due_date, row.note, row.closed_at is None)


def open_round(*, session: Session, plan_id: int, fiscal_year: int, due_date: date, actor: str,
               note: str | None = None) -> Round:
    """Open a round for a plan's fiscal year (committed); a year within the plan's KPIs' years."""
    plan = repository.load_plan(session=session, plan_id=plan_id)
    low = min([plan.first_year - 1, *(kpi_range(plan, k)[0] for p in plan.projects for k in p.kpis)])
    high = max([plan.last_year, *(kpi_range(plan, k)[1] for p in plan.projects for k in p.kpis)])
    if not low <= fiscal_year <= high:
        raise RoundError("fiscal_year", f"{fiscal_year}年度は計画の年度（{low}～{high}年度）の外です",
                         f"FY{fiscal_year} is outside the plan's years FY{low}-{high}")
    existing = store.find_round(session=session, plan_id=plan_id, fiscal_year=fiscal_year)
    if existing is not None:
        if existing.closed_at is None:
            raise RoundError("fiscal_year", f"{fiscal_year}年度の報告は既に受付中です",
                             f"the FY{fiscal_year} round is already open")
        existing.closed_at, existing.closed_by, existing.due_date = None, None, due_date
        row = existing
        action = "round.reopen"
    else:
        row = store.add_round(session=session, plan_id=plan_id, fiscal_year=fiscal_year, due_date=due_date,
                              actor=actor, note=note)
        action = "round.open"
    repository.record_audit_event(session=session, actor=actor, action=action, entity="round",
                                  entity_key=f"{plan_id}/{fiscal_year}", before=None,
                                  after={"due_date": due_date.isoformat()}, field="due_date",
                                  new_value=due_date.isoformat())
    session.commit()
    return Round.of(row)


def close_round(*, session: Session, plan_id: int, fiscal_year: int, actor: str) -> Round:
    """Close a round (committed): it leaves the to-do lists; records stay as they are."""
    row = store.find_round(session=session, plan_id=plan_id, fiscal_year=fiscal_year)
    if row is None or row.closed_at is not None:
        raise RoundError("fiscal_year", f"{fiscal_year}年度の受付中の報告はありません",
                         f"no open round for FY{fiscal_year}")
    row.closed_at, row.closed_by = now_utc(), actor
    repository.record_audit_event(session=session, actor=actor, action="round.close", entity="round",
                                  entity_key=f"{plan_id}/{fiscal_year}", before=None, after=None)
    session.commit()
    return Round.of(row)


def list_all_rounds(*, session: Session, plan_id: int | None = None) -> list[Round]:
    """Return rounds, newest first."""
    return [Round.of(r) for r in store.list_rounds(session=session, plan_id=plan_id)]


def current_round(*, session: Session, plan_id: int) -> Round | None:
    """Return the plan's open round with the latest fiscal year, or None."""
    return next((r for r in list_all_rounds(session=session, plan_id=plan_id) if r.open), None)


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One figure a round asks for: a KPI's actual (or assessment) for the round's fiscal year."""

    project: Project
    project_id: int
    kpi: KPI
    kpi_id: int
    kind: RecordKind
    fiscal_year: int
    status: ReviewStatus
    version: int
    partner_codes: frozenset[str]
    assigned: frozenset[int]
    overdue: bool
    current: Actual | None = None
    last_year: Actual | None = None
    word: str | None = None
    review_comment: str | None = None
    entered_by: str | None = None
    shares: dict[str, float] = field(default_factory=dict)

    @property
    def target(self) -> Target:
        """Return the record as the permission matrix sees it."""
        return Target(self.project_id, self.partner_codes, self.assigned)

    @property
    def key(self) -> str:
        """Return the item's id in URLs: KPI id and fiscal year."""
        return f"{self.kpi_id}-{self.fiscal_year}"


def list_report_items(*, session: Session, plan_id: int, fiscal_year: int, due_date: date | None = None,
                      today: date | None = None) -> list[ReportItem]:
    """Return every figure the plan's round for a year asks for, in document order, with its status."""
    plan = repository.load_plan(session=session, plan_id=plan_id)
    return build_items(session, plan_id, plan, fiscal_year, due_date, today or date.today())


def build_items(session: Session, plan_id: int, plan: Plan, fiscal_year: int, due_date: date | None,
                today: date) -> list[ReportItem]:
    """Build the report items of a loaded plan (a few queries, whatever the plan's size)."""
    rule = Relisting.of(plan)
    projects = store.project_rows(session=session, plan_id=plan_id)
    kpis = store.kpi_rows(session=session, plan_id=plan_id)
    actuals = store.current_actuals(session=session, plan_id=plan_id, fiscal_year=fiscal_year)
    previous = store.published_actuals(session=session, plan_id=plan_id, fiscal_year=fiscal_year - 1)
    judged = store.assessments(session=session, plan_id=plan_id, fiscal_year=fiscal_year)
    partners = account_store.all_partner_codes(session=session, plan_id=plan_id)
    assigned = account_store.assignments(session=session, plan_id=plan_id)
    items: list[ReportItem] = []
    for project in plan.projects:
        row = projects.get(project.key)
        if row is None:
            continue
        for kpi in project.kpis:
            if not rule.kpi_counts(project.key, kpi.key):
                continue
            form = classify_kpi(kpi)
            kpi_row = kpis.get((row.id, indicator_key(kpi.indicator)))
            if form is KpiForm.NONE or kpi_row is None:
                continue
            low, high = kpi_range(plan, kpi)
            if not low <= fiscal_year <= high:
                continue
            items.append(_item(project, row.id, kpi, kpi_row.id, form, fiscal_year, actuals, previous, judged,
                               partners.get(row.id, frozenset()), assigned.get(row.id, frozenset()), due_date,
                               today))
    return items


def _item(project: Project, project_id: int, kpi: KPI, kpi_id: int, form: KpiForm, year: int,
          actuals: dict[int, tuple[ActualRow, Actual]], previous: dict[int, Actual],
          judged: dict[int, AssessmentRow],
          partners: frozenset[str], assigned: frozenset[int], due: date | None, today: date) -> ReportItem:
    kind = RecordKind.ASSESSMENT if form is KpiForm.QUALITATIVE else RecordKind.ACTUAL
    status, version, comment, word, entered_by = ReviewStatus.NOT_STARTED, 0, None, None, None
    current: Actual | None = None
    if kind is RecordKind.ACTUAL and kpi_id in actuals:
        row, current = actuals[kpi_id]
        status, version, comment = ReviewStatus(row.review_status), row.version, row.review_comment
        entered_by = current.entered_by
    elif kind is RecordKind.ASSESSMENT and kpi_id in judged:
        judgement = judged[kpi_id]
        status, version = ReviewStatus(judgement.review_status), judgement.version
        comment, word, entered_by = judgement.review_comment, judgement.status, judgement.entered_by
    overdue = due is not None and is_overdue(status, due, today)
    return ReportItem(
        project=project, project_id=project_id, kpi=kpi, kpi_id=kpi_id, kind=kind, fiscal_year=year, status=status,
        version=version, partner_codes=partners, assigned=assigned, overdue=overdue, current=current,
        last_year=previous.get(kpi_id), word=word, review_comment=comment, entered_by=entered_by,
        shares=dict(current.by_municipality) if current else {},
    )


def owes(user: StaffUser, item: ReportItem) -> bool:
    """Tell whether an item is on a user's to-do list: what they may enter, by their role's scope.

    An admin's list is everything; an editor's, the assigned projects; a municipality's, the projects it takes
    part in; a viewer's is empty.
    """
    if user.role is Role.ADMIN:
        return True
    if scope_of(user.role, Action.ENTER_ACTUAL) is Scope.NONE:
        return False
    return is_allowed(user.subject, Action.ENTER_ACTUAL, item.target)


def to_do(user: StaffUser, items: Sequence[ReportItem]) -> list[ReportItem]:
    """Return a user's to-do list: what is theirs, unapproved first, then in document order."""
    own = [i for i in items if owes(user, i)]
    order = {ReviewStatus.RETURNED: 0, ReviewStatus.NOT_STARTED: 1, ReviewStatus.DRAFT: 2,
             ReviewStatus.SUBMITTED: 3, ReviewStatus.APPROVED: 4}
    return sorted(own, key=lambda i: order[i.status])



def report_item(*, session: Session, kpi_id: int, fiscal_year: int, due_date: date | None = None) -> ReportItem:
    """Return one KPI's item for a year (LookupError when the KPI is not one a round asks for)."""
    row = session.get(KpiRow, kpi_id)
    project = session.get(ProjectRow, row.project_id) if row is not None else None
    if row is None or project is None:
        raise LookupError(f"no KPI {kpi_id}")
    plan = repository.load_plan(session=session, plan_id=project.plan_id)
    found = [i for i in build_items(session, project.plan_id, plan, fiscal_year, due_date, date.today())
             if i.kpi_id == kpi_id]
    if not found:
        raise LookupError(f"KPI {kpi_id} is not reported for FY{fiscal_year}")
    return found[0]
