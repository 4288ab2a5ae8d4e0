"""The review workflow of KPI actuals and assessments: enter, submit, return, approve, reopen.

Every step is checked three ways before anything is written: the permission matrix (who, on which
project, which municipality's share), the workflow (which step from which status), and the version the
form was based on (optimistic locking: a stale form gets :class:`ConflictError`, never a silent
overwrite). Form input is read and checked by the actuals import's own reader and validator
(:mod:`renkei.reading.actuals`, :func:`renkei.services.actuals.validate_actuals`): full-width digits,
thousands separators, 令和/R/western years and the KPI's years. Each step is one transaction and writes the
audit trail field by field.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field

import nh3
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.domain.permission import Action, Target, is_allowed
from renkei.domain.plan import KPI, Plan, Project, indicator_key
from renkei.domain.progress import KpiForm, classify_kpi
from renkei.domain.relisting import Relisting
from renkei.domain.workflow import RecordKind, ReviewStatus, Step, WorkflowError, plan_move
from renkei.reading.actuals import ActualsReadError, read_actuals_cells
from renkei.services.accounts import StaffUser
from renkei.services.actuals import ValidRow, validate_actuals
from renkei.store import accounts as account_store
from renkei.store import repository
from renkei.store.actuals import find_assessment, find_current_actual, read_actual, upsert_actual, upsert_assessment
from renkei.store.tables import ActualRow, AssessmentRow, KpiRow, ProjectRow, now_utc

MAX_TEXT = 4000


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


def clean_text(text: str | None, limit: int = MAX_TEXT) -> str:
    """Return user text as plain text: markup removed (nh3), white space trimmed, length bounded.

    >>> clean_text("<script>alert(1)</script>前年度比 <b>増</b> & 好調 ")
    '前年度比 増 & 好調'
    """
    if not text:
        return ""
    return html.unescape(nh3.clean(text, tags=set())).strip()[:limit]


@dataclass(frozen=True, slots=True)
class KpiContext:
    """A KPI with everything a step needs: its plan, project, rows and permission target."""

    plan: Plan
    project: Project
    kpi: KPI
    project_row: ProjectRow
    kpi_row: KpiRow
    target: Target

    @property
    def kind(self) -> RecordKind:
        """Return what the KPI is reported as: an actual, or an assessment for a qualitative KPI."""
        return RecordKind.ASSESSMENT if classify_kpi(self.kpi) is KpiForm.QUALITATIVE else RecordKind.ACTUAL


def load_kpi(*, session: Session, kpi_id: int) -> KpiContext:
    """Return a reportable KPI's context; LookupError when there is none (or it is a 【再掲】 repeat).

    The KPI's row is locked until the step commits (PostgreSQL), so two steps on one KPI run one after the other
    and the second sees the first's version: a conflict, never a lost update.
    """
    kpi_row = session.get(KpiRow, kpi_id, with_for_update=True)
    project_row = session.get(ProjectRow, kpi_row.project_id) if kpi_row is not None else None
    if kpi_row is None or project_row is None or kpi_row.status != "active" or project_row.status != "active":
        raise LookupError(f"no KPI {kpi_id}")
    plan = repository.load_plan(session=session, plan_id=project_row.plan_id)
    project = next(p for p in plan.projects if p.key == project_row.key)
    kpi = next(k for k in project.kpis if indicator_key(k.indicator) == kpi_row.indicator_key)
    if not Relisting.of(plan).kpi_counts(project.key, kpi.key):
        raise LookupError(f"KPI {kpi_id} is reported on its original sheet")
    target = Target(project_row.id, account_store.partner_codes(session=session, project_id=project_row.id),
                    account_store.assigned_user_ids(session=session, project_id=project_row.id))
    return KpiContext(plan, project, kpi, project_row, kpi_row, target)


def require(user: StaffUser, action: Action, target: Target | None = None) -> None:
    """Raise WorkflowDenied unless the permission matrix allows the action."""
    if not is_allowed(user.subject, action, target):
        raise WorkflowDenied(f"{user.username} ({user.role.value}) may not {action.value}")


_COLUMN_FIELDS = {"fiscal_year": "fiscal_year", "value": "value", "note": "note", "evidence": "evidence",
                  "project": "value", "indicator": "value", "month": "fiscal_year"}


def _validate(ctx: KpiContext, year: str, value: str, note: str, evidence: str,
              shares: Mapping[str, str]) -> ValidRow:
    """Check one form's input exactly as the actuals import checks a row; FormErrors by field otherwise."""
    header = ["事業名", "指標", "年度", "実績値", "備考", "根拠", *(f"実績値:{code}" for code in shares)]
    cells = [ctx.project.key, ctx.kpi.indicator, year, value, note, evidence, *shares.values()]
    try:
        sheet = read_actuals_cells([header, cells])
    except ActualsReadError as exc:  # cannot happen with this header; say so rather than crash
        raise FormErrors({"value": str(exc)}) from None
    if not sheet.rows and not sheet.errors:
        raise FormErrors({"value": "実績値を入力してください / enter the actual"})
    checked = validate_actuals(ctx.plan, sheet)
    if checked.errors:
        errors: dict[str, str] = {}
        for problem in checked.errors:
            column = problem.column or "value"
            name = f"share_{column.split(':', 1)[1]}" if column.startswith("value:") else _COLUMN_FIELDS.get(
                column, "value")
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


@dataclass(frozen=True, slots=True)
class ActualInput:
    """What an actual's form sends, as typed: the year, the total, notes and municipalities' shares."""

    fiscal_year: str
    value: str = ""
    note: str = ""
    evidence: str = ""
    #: Shares shown on the form, by 6-digit code (an empty text removes that municipality's share).
    shares: Mapping[str, str] = field(default_factory=dict)


def _actual_view(actual: Actual) -> dict[str, object]:
    return {"value": actual.value, "total": actual.total, "note": actual.note, "evidence": actual.evidence,
            "shares": dict(actual.by_municipality), "entered_by": actual.entered_by}


def enter_actual(*, session: Session, user: StaffUser, kpi_id: int, data: ActualInput, step: Step,
                 expected_version: int) -> ReviewStatus:
    """Save (or save and submit) a KPI's actual from a form; return its new status (committed)."""
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    require(user, Action.ENTER_ACTUAL, ctx.target)
    if ctx.kind is not RecordKind.ACTUAL:
        raise FormErrors({"value": "この指標は定性的です。評価を入力してください / this KPI takes an assessment"})
    probe = _validate_year(ctx, data.fiscal_year)
    row = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=probe, month=None)
    status, version = _status(row)
    stored = read_actual(session=session, row=row) if row is not None else None
    _check_version(status, version, expected_version, _actual_view(stored) if stored else {})
    target = plan_move_checked(RecordKind.ACTUAL, status, step, None)
    shares = {code: f"{v:g}" for code, v in (stored.by_municipality if stored else ())}
    for code, text in data.shares.items():
        old = shares.get(code, "")
        if text.strip() != old:
            require(user, Action.ENTER_SHARE, Target(ctx.target.project_id, ctx.target.partner_codes,
                                                     ctx.target.assigned_user_ids, code))
        if text.strip():
            shares[code] = text.strip()
        else:
            shares.pop(code, None)
    valid = _validate(ctx, data.fiscal_year, data.value.strip(), clean_text(data.note), clean_text(data.evidence),
                      shares)
    actual = Actual(fiscal_year=valid.actual.fiscal_year, value=valid.actual.value, month=None,
                    by_municipality=valid.actual.by_municipality, note=valid.actual.note,
                    evidence=valid.actual.evidence, entered_by=user.username, entered_at=now_utc())
    keep_comment = row.review_comment if (row is not None and step is Step.SAVE) else None
    upsert_actual(session=session, kpi_id=kpi_id, actual=actual, actor=user.username,
                  review_status=target.value, review_comment=keep_comment, action=f"actual.{step.value}")
    session.commit()
    return target


def _validate_year(ctx: KpiContext, text: str) -> int:
    """Read the form's fiscal year as the import does (the rest is checked with the whole row)."""
    from renkei.reading.actuals import read_fiscal_year

    year = read_fiscal_year(text.strip()) if text.strip() else None
    if year is None:
        raise FormErrors({"fiscal_year": f"「{text}」を年度として読めません（例: 2026、令和8年度、R8） / "
                                         f"cannot read {text!r} as a fiscal year"})
    return year


def review_actual(*, session: Session, user: StaffUser, kpi_id: int, fiscal_year: int, step: Step,
                  comment: str, expected_version: int) -> ReviewStatus:
    """Return, approve or reopen a KPI's actual for a year; return its new status (committed)."""
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    require(user, Action.REVIEW_ACTUAL, ctx.target)
    row = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year, month=None)
    status, version = _status(row)
    stored = read_actual(session=session, row=row) if row is not None else None
    _check_version(status, version, expected_version, _actual_view(stored) if stored else {})
    note = clean_text(comment)
    move = plan_move_checked(RecordKind.ACTUAL, status, step, note)
    assert stored is not None  # a record that was never entered has no review step (plan_move refused it)
    upsert_actual(session=session, kpi_id=kpi_id, actual=stored, actor=user.username, review_status=move.value,
                  review_comment=note or None, action=f"actual.{step.value}")
    session.commit()
    return move


def plan_move_checked(kind: RecordKind, status: ReviewStatus, step: Step, comment: str | None) -> ReviewStatus:
    """Return where a step leads, or raise FormErrors (the form shows why)."""
    try:
        return plan_move(kind, status, step, comment).target
    except WorkflowError as exc:
        raise FormErrors({"comment" if exc.code == "comment" else "status": str(exc)}) from None


@dataclass(frozen=True, slots=True)
class AssessmentInput:
    """What an assessment's form sends: the year, the word (達成 …), evidence and a comment."""

    fiscal_year: str
    word: str = ""
    evidence: str = ""
    comment: str = ""


def _assessment_view(row: AssessmentRow | None) -> dict[str, object]:
    if row is None:
        return {}
    return {"word": row.status, "evidence": row.evidence, "comment": row.comment, "entered_by": row.entered_by}


def enter_assessment(*, session: Session, user: StaffUser, kpi_id: int, data: AssessmentInput, step: Step,
                     expected_version: int) -> ReviewStatus:
    """Save (or save and submit) a qualitative KPI's assessment; return its new status (committed)."""
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    require(user, Action.ENTER_ACTUAL, ctx.target)
    year = _validate_year(ctx, data.fiscal_year)
    row = find_assessment(session=session, kpi_id=kpi_id, fiscal_year=year)
    status, version = _status(row)
    _check_version(status, version, expected_version, _assessment_view(row))
    target = plan_move_checked(RecordKind.ASSESSMENT, status, step, None)
    comment, evidence = clean_text(data.comment), clean_text(data.evidence)
    valid = _validate(ctx, data.fiscal_year, data.word.strip(), comment, evidence, {})
    if valid.assessment is None:
        raise FormErrors({"word": "評価（達成・順調・一部達成・遅れ・未着手・未達成）を選んでください / "
                                  "choose an assessment"})
    keep_comment = row.review_comment if (row is not None and step is Step.SAVE) else None
    upsert_assessment(session=session, kpi_id=kpi_id, fiscal_year=valid.actual.fiscal_year, word=valid.assessment,
                      comment=comment, evidence=evidence or None, actor=user.username, review_status=target.value,
                      review_comment=keep_comment, action=f"assessment.{step.value}")
    session.commit()
    return target


def review_assessment(*, session: Session, user: StaffUser, kpi_id: int, fiscal_year: int, step: Step,
                      comment: str, expected_version: int) -> ReviewStatus:
    """Return, approve or reopen a qualitative KPI's assessment; return its new status (committed)."""
    ctx = load_kpi(session=session, kpi_id=kpi_id)
    require(user, Action.REVIEW_ACTUAL, ctx.target)
    row = find_assessment(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year)
    status, version = _status(row)
    _check_version(status, version, expected_version, _assessment_view(row))
    note = clean_text(comment)
    target = plan_move_checked(RecordKind.ASSESSMENT, status, step, note)
    assert row is not None
    upsert_assessment(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year, word=row.status,
                      comment=row.comment or "", evidence=row.evidence, actor=user.username,
                      review_status=target.value, review_comment=note or None, action=f"assessment.{step.value}")
    session.commit()
    return target
