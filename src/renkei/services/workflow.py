"""The review workflow of KPI figures and assessments: enter, submit, return, approve, reopen.

A KPI's figure for a year has parts, each a record with its own review status and version: the KPI's own figure
(合計, entered by the lead city or the assigned department) and each partner municipality's share (内訳, entered
by that municipality). How the area's figure is made from them is the KPI's stated rule
(:mod:`renkei.domain.share`): a share is never the total.

Every step is checked four ways before anything is written: the year (a round is open for it and it has begun,
:class:`renkei.domain.reporting_year.ReportingYears`), the permission matrix (who, on which project, which part),
the workflow (which step from which status), and the version the form was based on (optimistic locking: a stale
form gets :class:`ConflictError`, never a silent overwrite). Form input is read and checked by the actuals
import's own reader and validator (:mod:`renkei.reading.actuals`, :func:`renkei.services.actuals.validate_actuals`).
An approval by the person who entered the record is a self-approval: it is said so in the audit trail, and an
area that requires a second reviewer refuses it. Each step is one transaction and writes the audit trail field
by field.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import nh3
from sqlalchemy.orm import Session

from renkei.domain.actual import ASSESSMENT_WORDS, Actual, text_too_long
from renkei.domain.kpi_reporting import ASSESSED_FORMS
from renkei.domain.municipality import Area
from renkei.domain.permission import Action, Target, is_allowed
from renkei.domain.plan import KPI, Plan, Project, indicator_key
from renkei.domain.progress import classify_kpi
from renkei.domain.relisting import Relisting
from renkei.domain.share import ShareMode, takes_shares
from renkei.domain.workflow import RecordKind, ReviewStatus, Step, WorkflowError, plan_move
from renkei.reading.actuals import ActualsReadError, read_actuals_cells
from renkei.services.accounts import StaffUser
from renkei.services.actuals import ValidRow, organisation_of, reporting_years, validate_actuals
from renkei.store import accounts as account_store
from renkei.store import repository
from renkei.store.actuals import find_assessment, find_current_actual, read_actual, upsert_actual, upsert_assessment
from renkei.store.areas import find_area
from renkei.store.audit import record_changes
from renkei.store.portal_queries import plan_area_settings
from renkei.store.tables import ActualRow, AssessmentRow, KpiRow, ProjectRow, now_utc

#: What the audit trail says of an approval by the person who entered the record.
SELF_APPROVAL = "本人による承認（自己承認） / approved by the person who entered it"


class WorkflowDenied(PermissionError):
    """The permission matrix refuses the step (the route answers 403 and nothing is written)."""


class FormErrors(ValueError):
    """Input that does not validate: messages by form field, in Japanese and English."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class ConflictError(Exception):
    """Someone else saved the record after the form was opened: their version, kept for the person to compare."""

    status: ReviewStatus
    version: int
    current: dict[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return "conflict: the record changed since the form was opened"


def clean_text(text: str | None, field: str | None = None) -> str:
    """Return user text as plain text: markup removed (nh3), white space trimmed.

    With ``field`` (note, comment, evidence, review_comment) a text longer than the field takes is refused with
    :class:`FormErrors` naming the field, never cut silently.

    >>> clean_text("<script>alert(1)</script>前年度比 <b>増</b> & 好調 ")
    '前年度比 増 & 好調'
    >>> clean_text("x" * 2000, "note")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.services.workflow.FormErrors: note: 備考は1,000字以内で入力してください（2,000字あります） / ...
    """
    if not text:
        return ""
    cleaned = html.unescape(nh3.clean(text, tags=set())).strip()
    if field is not None:
        problem = text_too_long(field, cleaned)
        if problem is not None:
            raise FormErrors({field: " / ".join(problem)})
    return cleaned


@dataclass(frozen=True, slots=True)
class KpiContext:
    """A KPI with everything a step needs: its plan, project, rows and permission target."""

    plan: Plan
    project: Project
    kpi: KPI
    project_row: ProjectRow
    kpi_row: KpiRow
    target: Target
    #: The plan's area as stored (its members name the shares); None for an area stored without members.
    area: Area | None = None

    @property
    def kind(self) -> RecordKind:
        """Return what the KPI is reported as: an actual, or an assessment for a KPI in words or without a number."""
        return RecordKind.ASSESSMENT if classify_kpi(self.kpi) in ASSESSED_FORMS else RecordKind.ACTUAL


def load_kpi(*, session: Session, kpi_id: int) -> KpiContext:
    """Return a reportable KPI's context; LookupError when there is none (or it is a 【再掲】 repeat).

    The KPI's row is locked until the step commits (PostgreSQL), so two steps on one KPI run one after the other
    and the second sees the first's version: a conflict, never a lost update.
    """
    kpi_row = session.get(KpiRow, kpi_id, with_for_update=True)
    project_row = session.get(ProjectRow, kpi_row.project_id) if kpi_row is not None else None
    if kpi_row is None or project_row is None or kpi_row.status != "active" or project_row.status != "active":
        raise LookupError(f"no KPI {kpi_id}")
    plan = repository.load_plan(session=session, plan_id=project_row.plan_id,
                                project_keys=repository.sheets_of_project(project_row.key))
    project = next(p for p in plan.projects if p.key == project_row.key)
    kpi = next(k for k in project.kpis if indicator_key(k.indicator) == kpi_row.indicator_key)
    if not Relisting.of(plan).kpi_counts(project.key, kpi.key):
        raise LookupError(f"KPI {kpi_id} is reported on its original sheet")
    target = account_store.project_target(session=session, project_id=project_row.id, plan_id=project_row.plan_id)
    return KpiContext(plan, project, kpi, project_row, kpi_row, target, find_area(session=session, slug=plan.area_slug))


def require(user: StaffUser, action: Action, target: Target | None = None) -> None:
    """Raise WorkflowDenied unless the permission matrix allows the action."""
    if not is_allowed(user.subject, action, target):
        raise WorkflowDenied(f"{user.username} ({user.role.value}) may not {action.value}")


def require_part(user: StaffUser, ctx: KpiContext, part: str | None) -> None:
    """Raise WorkflowDenied unless the user may enter this part: the total (lead city), or this share."""
    require(user, Action.ENTER_ACTUAL, ctx.target)
    if part is None:
        require(user, Action.ENTER_TOTAL, ctx.target)
    else:
        require(user, Action.ENTER_SHARE, replace(ctx.target, municipality_code=part))


def check_year(session: Session, ctx: KpiContext, year: int, today: date | None = None) -> None:
    """Refuse (FormErrors on ``fiscal_year``) a year without an open round, or one that has not begun."""
    refused = reporting_years(session, ctx.project_row.plan_id, today).refusal(year)
    if refused is not None:
        raise FormErrors({"fiscal_year": " / ".join(refused)})


def check_part(ctx: KpiContext, part: str | None) -> None:
    """Refuse a share of a municipality that is not one of the project's partners (LookupError: a 404)."""
    if part is not None and part not in ctx.target.partner_codes:
        raise LookupError(f"{part} is not a partner of project {ctx.project_row.id}")


_COLUMN_FIELDS = {"fiscal_year": "fiscal_year", "value": "value", "note": "note", "evidence": "evidence",
                  "comment": "comment", "project": "value", "indicator": "value", "month": "fiscal_year"}


def _validate(ctx: KpiContext, year: int, part: str | None, value: str, note: str, comment: str,
              evidence: str) -> ValidRow:
    """Check one form's input exactly as the actuals import checks a row; FormErrors by field otherwise."""
    column = "実績値" if part is None else f"実績値:{part}"
    header = ["事業名", "指標", "年度", column, "備考", "公開コメント", "根拠"]
    cells = [ctx.project.key, ctx.kpi.indicator, str(year), value, note, comment, evidence]
    try:
        sheet = read_actuals_cells([header, cells])
    except ActualsReadError as exc:  # cannot happen with this header; say so rather than crash
        raise FormErrors({"value": str(exc)}) from None
    if not sheet.rows and not sheet.errors:
        raise FormErrors({"value": "実績値を入力してください / enter the actual"})
    checked = validate_actuals(ctx.plan, sheet, area=ctx.area)
    if checked.errors:
        errors: dict[str, str] = {}
        for problem in checked.errors:
            name = "value" if (problem.column or "").startswith("value") else _COLUMN_FIELDS.get(
                problem.column or "value", "value")
            errors.setdefault(name, f"{problem.message_ja} / {problem.message_en}")
        raise FormErrors(errors)
    return checked.valid[0]


def _status(row: ActualRow | AssessmentRow | None) -> tuple[ReviewStatus, int]:
    if row is None:
        return ReviewStatus.NOT_STARTED, 0
    return ReviewStatus(row.review_status), row.version


def _check_version(status: ReviewStatus, version: int, expected: int, current: dict[str, object]) -> None:
    if version != expected:
        raise ConflictError(status, version, current)


def plan_move_checked(kind: RecordKind, status: ReviewStatus, step: Step, comment: str | None) -> ReviewStatus:
    """Return where a step leads, or raise FormErrors (the form shows why)."""
    try:
        return plan_move(kind, status, step, comment).target
    except WorkflowError as exc:
        raise FormErrors({"comment" if exc.code == "comment" else "status": str(exc)}) from None


def approval_note(session: Session, plan_id: int, user: StaffUser, step: Step, entered_by: str | None) -> str | None:
    """Return what the audit trail says of a self-approval; refuse it where the area requires a second reviewer."""
    if step is not Step.APPROVE or entered_by is None or entered_by != user.username:
        return None
    if plan_area_settings(session=session, plan_id=plan_id).get("require_second_reviewer"):
        raise FormErrors({"status": "この圏域では、入力・提出した人とは別の人が承認します / "
                                    "in this area, someone other than the person who entered the figure approves it"})
    return SELF_APPROVAL


@dataclass(frozen=True, slots=True)
class ActualInput:
    """What an actual's form sends, as typed: the value, the internal note, the public comment and evidence."""

    value: str = ""
    note: str = ""
    comment: str = ""
    evidence: str = ""


def _actual_view(actual: Actual) -> dict[str, object]:
    return {"value": actual.value, "note": actual.note, "comment": actual.comment, "evidence": actual.evidence,
            "entered_by": actual.entered_by}


def enter_actual(*, session: Session, user: StaffUser, kpi_id: int, fiscal_year: int, part: str | None,
                 data: ActualInput, step: Step, expected_version: int, today: date | None = None) -> ReviewStatus:
    """Save (or save and submit) one part of a KPI's figure for a year: its total, or one share (committed)."""
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    check_part(ctx, part)
    require_part(user, ctx, part)
    if ctx.kind is not RecordKind.ACTUAL:
        raise FormErrors({"value": "この指標は評価（達成・順調…）で報告します / this KPI takes an assessment"})
    check_year(session, ctx, fiscal_year, today)
    row = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year, month=None, municipality=part)
    status, version = _status(row)
    stored = read_actual(session=session, row=row) if row is not None else None
    _check_version(status, version, expected_version, _actual_view(stored) if stored else {})
    target = plan_move_checked(RecordKind.ACTUAL, status, step, None)
    note, comment = clean_text(data.note, "note"), clean_text(data.comment, "comment")
    evidence = clean_text(data.evidence, "evidence")
    valid = _validate(ctx, fiscal_year, part, data.value.strip(), note, comment, evidence)
    record = valid.records[0] if valid.records else None
    if record is None or record.value is None:
        raise FormErrors({"value": "実績値を入力してください / enter the actual"})
    actual = replace(record, entered_by=user.username, entered_at=now_utc(),
                     reported_by=organisation_of(session, ctx.plan, user))
    keep_comment = row.review_comment if (row is not None and step is Step.SAVE) else None
    upsert_actual(session=session, kpi_id=kpi_id, actual=actual, actor=user.username,
                  review_status=target.value, review_comment=keep_comment, action=f"actual.{step.value}")
    session.commit()
    return target


def review_actual(*, session: Session, user: StaffUser, kpi_id: int, fiscal_year: int, part: str | None, step: Step,
                  comment: str, expected_version: int, today: date | None = None) -> ReviewStatus:
    """Return, approve or reopen one part of a KPI's figure for a year (committed)."""
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    check_part(ctx, part)
    require(user, Action.REVIEW_ACTUAL, ctx.target)
    check_year(session, ctx, fiscal_year, today)
    row = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year, month=None, municipality=part)
    status, version = _status(row)
    stored = read_actual(session=session, row=row) if row is not None else None
    _check_version(status, version, expected_version, _actual_view(stored) if stored else {})
    note = clean_text(comment, "review_comment")
    move = plan_move_checked(RecordKind.ACTUAL, status, step, note)
    assert stored is not None  # a record that was never entered has no review step (plan_move refused it)
    self_approval = approval_note(session, ctx.project_row.plan_id, user, step, stored.entered_by)
    upsert_actual(session=session, kpi_id=kpi_id, actual=stored, actor=user.username, review_status=move.value,
                  review_comment=note or None, action=f"actual.{step.value}", extra_reason=self_approval)
    session.commit()
    return move


@dataclass(frozen=True, slots=True)
class AssessmentInput:
    """What an assessment's form sends: the word (達成 …), evidence, the public comment and the internal note."""

    word: str = ""
    evidence: str = ""
    comment: str = ""
    note: str = ""


def _assessment_view(row: AssessmentRow | None) -> dict[str, object]:
    if row is None:
        return {}
    return {"word": row.status, "evidence": row.evidence, "comment": row.comment, "note": row.note,
            "entered_by": row.entered_by}


def enter_assessment(*, session: Session, user: StaffUser, kpi_id: int, fiscal_year: int, data: AssessmentInput,
                     step: Step, expected_version: int, today: date | None = None) -> ReviewStatus:
    """Save (or save and submit) a KPI's assessment for a year: the lead city's judgment (committed)."""
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    require_part(user, ctx, None)
    check_year(session, ctx, fiscal_year, today)
    row = find_assessment(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year)
    status, version = _status(row)
    _check_version(status, version, expected_version, _assessment_view(row))
    target = plan_move_checked(RecordKind.ASSESSMENT, status, step, None)
    comment, evidence = clean_text(data.comment, "comment"), clean_text(data.evidence, "evidence")
    note = clean_text(data.note, "note")
    valid = _validate(ctx, fiscal_year, None, data.word.strip(), note, comment, evidence)
    if valid.assessment is None:
        raise FormErrors({"word": f"評価（{'・'.join(ASSESSMENT_WORDS)}）を選んでください / choose an assessment"})
    keep_comment = row.review_comment if (row is not None and step is Step.SAVE) else None
    upsert_assessment(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year, word=valid.assessment,
                      comment=comment, evidence=evidence or None, note=note or None, actor=user.username,
                      reported_by=organisation_of(session, ctx.plan, user), review_status=target.value,
                      review_comment=keep_comment, action=f"assessment.{step.value}")
    session.commit()
    return target


def review_assessment(*, session: Session, user: StaffUser, kpi_id: int, fiscal_year: int, step: Step,
                      comment: str, expected_version: int, today: date | None = None) -> ReviewStatus:
    """Return, approve or reopen a KPI's assessment (committed)."""
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    require(user, Action.REVIEW_ACTUAL, ctx.target)
    check_year(session, ctx, fiscal_year, today)
    row = find_assessment(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year)
    status, version = _status(row)
    _check_version(status, version, expected_version, _assessment_view(row))
    note = clean_text(comment, "review_comment")
    target = plan_move_checked(RecordKind.ASSESSMENT, status, step, note)
    assert row is not None
    self_approval = approval_note(session, ctx.project_row.plan_id, user, step, row.entered_by)
    upsert_assessment(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year, word=row.status,
                      comment=row.comment or "", evidence=row.evidence, note=row.note, actor=user.username,
                      reported_by=row.reported_by, review_status=target.value, review_comment=note or None,
                      action=f"assessment.{step.value}", extra_reason=self_approval)
    session.commit()
    return target


def set_share_mode(*, session: Session, user: StaffUser, kpi_id: int, mode: str) -> ShareMode:
    """Choose how a KPI's figure is made: the lead city's total, or the sum of every partner's share (committed).

    Only a KPI whose quantity adds up (a count, an amount) can be the sum of its shares.
    """
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    require(user, Action.SET_SHARE_RULE, ctx.target)
    try:
        chosen = ShareMode(mode)
    except ValueError:
        raise FormErrors({"share_mode": "集計方法を選んでください / choose how the figure is made"}) from None
    if chosen is ShareMode.SUM and not takes_shares(ctx.kpi):
        raise FormErrors({"share_mode": "この指標は率・平均など足し合わせられない値です。"
                                        "合計は中心市・担当課が入力します / "
                                        "this KPI is a rate or an average: its shares do not add up"})
    if chosen is ShareMode.SUM and len(ctx.target.partner_codes) < 2:
        raise FormErrors({"share_mode": "連携市町が1団体以下の事業は内訳の合計にできません / "
                                        "a project with fewer than two partners cannot sum shares"})
    before = ctx.kpi_row.share_mode
    if before != chosen.value:
        ctx.kpi_row.share_mode = chosen.value
        repository.mark_plan_updated(session=session, plan_id=ctx.project_row.plan_id)  # the figure shown changes
        session.flush()
        record_changes(session=session, actor=user.username, action="kpi.share_mode", entity="kpi",
                       entity_key=str(kpi_id), before={"share_mode": before}, after={"share_mode": chosen.value},
                       project_id=ctx.project_row.id)
    session.commit()
    return chosen

