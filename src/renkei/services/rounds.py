"""Reporting rounds: open and close them, and list what each round asks for, KPI by KPI.

A round asks, for its fiscal year, for one figure per KPI that counts (a 【再掲】 repeat is asked once, on
the sheet that holds its actuals): an actual (実績値), or a staff assessment (評価) for a KPI in words or with
nothing measurable. A round is for a year that has begun: actuals are never collected for the future. Each
:class:`ReportItem` carries its parts (the total and each municipality's share, each with its own review
status), last year's published figure and the target: what the to-do list, the entry page and the board show.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import assert_never

from sqlalchemy.orm import Session

from renkei.domain.actual import Actual, Assessment, read_assessment_word
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.kpi_reporting import ASSESSED_FORMS, kpi_range
from renkei.domain.permission import Action, Role, Target, is_allowed
from renkei.domain.plan import KPI, Plan, Project, indicator_key
from renkei.domain.progress import classify_kpi
from renkei.domain.relisting import Relisting
from renkei.domain.share import FigureSource, ShareMode, ShareRule, YearFigure, read_figure, takes_shares
from renkei.domain.status import Status
from renkei.domain.workflow import RecordKind, ReviewStatus, is_overdue
from renkei.services.accounts import StaffUser
from renkei.services.actuals import current_fiscal_year
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
               note: str | None = None, today: date | None = None) -> Round:
    """Open a round for a plan's fiscal year (committed): a year within the plan's KPIs' years that has begun."""
    current = current_fiscal_year(today)
    if fiscal_year > current:
        raise RoundError("fiscal_year", f"{format_fiscal_year(fiscal_year)}はまだ始まっていません"
                         f"（今年度は{format_fiscal_year(current)}）。実績の報告は年度が始まってから受け付けます",
                         f"{format_fiscal_year(fiscal_year, 'en')} has not begun (this is "
                         f"{format_fiscal_year(current, 'en')}); a round collects actuals of a year under way or ended")
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
class Part:
    """One record of a round's figure: the KPI's own figure (``municipality`` None) or one municipality's share.

    ``current`` is what was entered (any review status), ``published`` what the public sees now (the last approved
    version). ``entered_by`` is a login name: the workspace shows it, the public never does.
    """

    municipality: str | None
    status: ReviewStatus = ReviewStatus.NOT_STARTED
    version: int = 0
    current: Actual | None = None
    published: Actual | None = None
    review_comment: str | None = None
    entered_by: str | None = None
    #: For an assessment: the entered one and the published one, and the internal note.
    judgement: Assessment | None = None
    published_judgement: Assessment | None = None
    note: str | None = None

    @property
    def key(self) -> str:
        """Return the part's name in URLs and forms: ``total`` or the municipality's code."""
        return self.municipality or TOTAL_PART

    @property
    def changed(self) -> bool:
        """Tell whether the entered value differs from the published one (what approving would change)."""
        if self.judgement is not None or self.published_judgement is not None:
            return (self.judgement.word if self.judgement else None) != (
                self.published_judgement.word if self.published_judgement else None)
        return (self.current.value if self.current else None) != (self.published.value if self.published else None)


#: The part name of the KPI's own figure (合計) in URLs and forms.
TOTAL_PART = "total"


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One figure a round asks for: a KPI's actual (or assessment) for the round's fiscal year.

    The figure has parts: ``total`` (the KPI's own figure, or its assessment) and ``shares`` (each municipality's
    share, reported by that municipality). ``rule`` says how the area's figure is made from them
    (:mod:`renkei.domain.share`): a share is never the total.
    """

    project: Project
    project_id: int
    kpi: KPI
    kpi_id: int
    kind: RecordKind
    fiscal_year: int
    area_id: int
    partner_codes: frozenset[str]
    assigned: frozenset[int]
    rule: ShareRule
    total: Part
    shares: dict[str, Part] = field(default_factory=dict)
    #: Last year's published figure (its value, where it came from and its shares).
    last_year: YearFigure | None = None
    word: str | None = None
    due: date | None = None
    today: date | None = None
    #: Whether the year's round is open: a closed year is shown, never entered or reviewed.
    open: bool = True

    @property
    def target(self) -> Target:
        """Return the record as the permission matrix sees it."""
        return Target(self.project_id, self.area_id, self.partner_codes, self.assigned)

    @property
    def key(self) -> str:
        """Return the item's id in URLs: KPI id and fiscal year."""
        return f"{self.kpi_id}-{self.fiscal_year}"

    def part(self, key: str | None) -> Part:
        """Return a part by its key (``total``/None, or a code); an empty part when nothing was entered."""
        if key in (None, TOTAL_PART):
            return self.total
        return self.shares.get(str(key)) or Part(str(key))

    @property
    def status(self) -> ReviewStatus:
        """Return where the area's figure stands: its total's status, or (summed) its least advanced owed share."""
        if self.kind is RecordKind.ASSESSMENT or self.total.current is not None or self.rule.mode is ShareMode.TOTAL:
            return self.total.status
        owed = [self.part(code).status for code in self.rule.owed]
        return min(owed, key=STATUS_ORDER.__getitem__, default=ReviewStatus.NOT_STARTED)

    def status_of(self, code: str) -> ReviewStatus:
        """Return the status of one municipality's share."""
        return self.part(code).status

    def owes_share(self, code: str) -> bool:
        """Tell whether a municipality owes its share of this figure (the figure is the sum of the shares)."""
        return self.kind is RecordKind.ACTUAL and self.rule.mode is ShareMode.SUM and code in self.rule.owed

    @property
    def overdue(self) -> bool:
        """Tell whether the figure is past the round's due date and not yet submitted."""
        return self.due is not None and is_overdue(self.status, self.due, self.today or date.today())

    def share_overdue(self, code: str) -> bool:
        """Tell whether an owed share is past the due date and not yet submitted."""
        return self.due is not None and self.owes_share(code) and is_overdue(
            self.status_of(code), self.due, self.today or date.today())

    @property
    def figure(self) -> YearFigure:
        """Return the figure the entered records make (pending ones included: for staff only)."""
        records = [p.current for p in (self.total, *self.shares.values()) if p.current is not None]
        return read_figure(self.rule, records) if records else YearFigure(
            self.fiscal_year, None, None, FigureSource.UNKNOWN, (), self.rule.owed)

    @property
    def published_figure(self) -> YearFigure:
        """Return the figure the public sees now (approved records only)."""
        records = [p.published for p in (self.total, *self.shares.values()) if p.published is not None]
        return read_figure(self.rule, records) if records else YearFigure(
            self.fiscal_year, None, None, FigureSource.UNKNOWN, (), self.rule.owed)

    @property
    def current(self) -> Actual | None:
        """Return the KPI's own entered figure (the total), if any."""
        return self.total.current

    @property
    def review_comment(self) -> str | None:
        """Return the reviewer's comment on the total (or assessment)."""
        return self.total.review_comment

    @property
    def entered_by(self) -> str | None:
        """Return who entered the total (or assessment): a login, for staff only."""
        return self.total.entered_by

    @property
    def version(self) -> int:
        """Return the total's version."""
        return self.total.version


#: Review statuses from least to most advanced.
STATUS_ORDER = {ReviewStatus.NOT_STARTED: 0, ReviewStatus.RETURNED: 1, ReviewStatus.DRAFT: 2,
                ReviewStatus.SUBMITTED: 3, ReviewStatus.APPROVED: 4}


def list_report_items(*, session: Session, plan_id: int, fiscal_year: int, due_date: date | None = None,
                      today: date | None = None) -> list[ReportItem]:
    """Return every figure the plan's round for a year asks for, in document order, with its status."""
    plan = repository.load_plan(session=session, plan_id=plan_id)
    return build_items(session, plan_id, plan, fiscal_year, due_date, today or date.today())


def build_items(session: Session, plan_id: int, plan: Plan, fiscal_year: int, due_date: date | None,
                today: date, *, keys: Collection[str] | None = None) -> list[ReportItem]:
    """Build the report items of a loaded plan (a few queries, whatever the plan's size).

    Every KPI that counts is asked for: a number, or a staff assessment for a KPI in words or with nothing
    measurable (「-」), which only the staff can judge. With ``keys`` (the plan loaded with only those projects),
    only those projects' rows are read.
    """
    rule = Relisting.of(plan)
    projects = store.project_rows(session=session, plan_id=plan_id, keys=keys)
    kpis = store.kpi_rows(session=session, plan_id=plan_id, keys=keys)
    current = store.current_actuals(session=session, plan_id=plan_id, fiscal_year=fiscal_year, keys=keys)
    published = store.published_actuals(session=session, plan_id=plan_id, fiscal_year=fiscal_year, keys=keys)
    previous = store.published_actuals(session=session, plan_id=plan_id, fiscal_year=fiscal_year - 1, keys=keys)
    judged = store.assessments(session=session, plan_id=plan_id, fiscal_year=fiscal_year, keys=keys)
    modes = store.kpi_share_modes(session=session, plan_id=plan_id, keys=keys)
    partners = account_store.all_partner_codes(session=session, plan_id=plan_id, keys=keys)
    assigned = account_store.assignments(session=session, plan_id=plan_id, keys=keys)
    area_id = account_store.plan_area_id(session=session, plan_id=plan_id)
    items: list[ReportItem] = []
    for project in plan.projects:
        row = projects.get(project.key)
        if row is None:
            continue
        for kpi in project.kpis:
            if not rule.kpi_counts(project.key, kpi.key):
                continue
            kpi_row = kpis.get((row.id, indicator_key(kpi.indicator)))
            if kpi_row is None:
                continue
            low, high = kpi_range(plan, kpi)
            if not low <= fiscal_year <= high:
                continue
            shares = ShareRule.of(project, kpi, modes.get(kpi_row.id, ShareMode.TOTAL))
            kind = RecordKind.ASSESSMENT if classify_kpi(kpi) in ASSESSED_FORMS else RecordKind.ACTUAL
            items.append(_item(
                project, row.id, kpi, kpi_row.id, kind, fiscal_year, shares, current.get(kpi_row.id, {}),
                published.get(kpi_row.id, []), previous.get(kpi_row.id, []), judged.get(kpi_row.id),
                area_id, partners.get(row.id, frozenset()), assigned.get(row.id, frozenset()), due_date, today))
    return items


def _part(code: str | None, entered: tuple[ActualRow, Actual] | None, published: Sequence[Actual]) -> Part:
    shown = next((a for a in published if a.municipality == code), None)
    if entered is None:
        return Part(code, published=shown)
    row, actual = entered
    return Part(code, ReviewStatus(row.review_status), row.version, actual, shown, row.review_comment,
                actual.entered_by)


def read_judgement(year: int, word: str | None, comment: str | None, evidence: str | None,
                   reported_by: str | None) -> Assessment | None:
    """Return a stored assessment (its word, or a status value) as the domain's; None when nothing is stored."""
    if not word:
        return None
    read = read_assessment_word(word)
    if read is not None:
        chosen, status, rating = read
        return Assessment(year, status, comment or "", rating=rating, word=chosen, evidence=evidence,
                          reported_by=reported_by)
    try:
        return Assessment(year, Status(word), comment or "", evidence=evidence, reported_by=reported_by)
    except ValueError:
        return None


def _assessment_part(judgement: AssessmentRow | None) -> Part:
    if judgement is None:
        return Part(None)
    year = judgement.fiscal_year
    return Part(None, ReviewStatus(judgement.review_status), judgement.version, None, None,
                judgement.review_comment, judgement.entered_by,
                judgement=read_judgement(year, judgement.status, judgement.comment, judgement.evidence,
                                         judgement.reported_by),
                published_judgement=read_judgement(year, judgement.published_status, judgement.published_comment,
                                                   judgement.published_evidence, judgement.published_reported_by),
                note=judgement.note)


def _item(project: Project, project_id: int, kpi: KPI, kpi_id: int, kind: RecordKind, year: int, shares: ShareRule,
          entered: dict[str | None, tuple[ActualRow, Actual]], published: Sequence[Actual],
          previous: Sequence[Actual], judgement: AssessmentRow | None, area_id: int, partners: frozenset[str],
          assigned: frozenset[int], due: date | None, today: date) -> ReportItem:
    if kind is RecordKind.ASSESSMENT:
        total, parts, word = _assessment_part(judgement), {}, judgement.status if judgement else None
    else:
        total = _part(None, entered.get(None), published)
        codes = [c for c in entered if c is not None] + [a.municipality for a in published if a.municipality]
        parts = {code: _part(code, entered.get(code), published) for code in dict.fromkeys(codes) if code}
        word = None
    last = read_figure(shares, list(previous)) if previous else None
    return ReportItem(
        project=project, project_id=project_id, kpi=kpi, kpi_id=kpi_id, kind=kind, fiscal_year=year,
        area_id=area_id, partner_codes=partners, assigned=assigned, rule=shares, total=total, shares=parts,
        last_year=last, word=word, due=due, today=today,
    )


def owes(user: StaffUser, item: ReportItem) -> bool:
    """Tell whether an item is on a user's to-do list: what they may enter, by their role's scope.

    An admin's list is everything; an editor's, the assigned projects; a municipality's, the figures of the
    projects it takes part in whose quantity adds up across municipalities, so that its share means something
    (never a rate or an assessment, which are the lead city's); a viewer's is empty.
    """
    may_enter = is_allowed(user.subject, Action.ENTER_ACTUAL, item.target)
    match user.role:
        case Role.ADMIN | Role.EDITOR:
            return may_enter and is_allowed(user.subject, Action.ENTER_TOTAL, item.target)
        case Role.MUNICIPALITY:
            return may_enter and (is_allowed(user.subject, Action.ENTER_TOTAL, item.target) or (
                item.kind is RecordKind.ACTUAL and user.municipality_code in item.partner_codes
                and takes_shares(item.kpi)))
        case Role.VIEWER:
            return False
        case _:
            assert_never(user.role)


def own_part(user: StaffUser, item: ReportItem) -> Part:
    """Return the part a user reports on an item: a municipality user's share, else the total."""
    if user.municipality_code and not is_allowed(user.subject, Action.ENTER_TOTAL, item.target):
        return item.part(user.municipality_code)
    return item.total


def to_do(user: StaffUser, items: Sequence[ReportItem]) -> list[ReportItem]:
    """Return a user's to-do list: what is theirs, what they owe first, unapproved first, then in document order."""
    own = [i for i in items if owes(user, i)]
    order = {ReviewStatus.RETURNED: 0, ReviewStatus.NOT_STARTED: 1, ReviewStatus.DRAFT: 2,
             ReviewStatus.SUBMITTED: 3, ReviewStatus.APPROVED: 4}
    code = user.municipality_code

    def rank(item: ReportItem) -> tuple[int, int]:
        optional = code is not None and own_part(user, item).municipality == code and not item.owes_share(code)
        return int(optional), order[own_part(user, item).status]

    return sorted(own, key=rank)


def report_item(*, session: Session, kpi_id: int, fiscal_year: int, due_date: date | None = None) -> ReportItem:
    """Return one KPI's item for a year (LookupError when the KPI is not one a round asks for)."""
    row = session.get(KpiRow, kpi_id)
    project = session.get(ProjectRow, row.project_id) if row is not None else None
    if row is None or project is None:
        raise LookupError(f"no KPI {kpi_id}")
    # Only the project and the sheets that repeat it: where its KPI counts needs nothing else of the plan.
    keys = repository.sheets_of_project(project.key)
    plan = repository.load_plan(session=session, plan_id=project.plan_id, project_keys=keys)
    found = [i for i in build_items(session, project.plan_id, plan, fiscal_year, due_date, date.today(), keys=keys)
             if i.kpi_id == kpi_id]
    if not found:
        raise LookupError(f"KPI {kpi_id} is not reported for FY{fiscal_year}")
    return found[0]
