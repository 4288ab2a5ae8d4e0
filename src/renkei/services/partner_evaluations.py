"""Partner evaluations (連携市町による評価): where an area asks for them, each partner municipality records its own
grade (in the area's scale) and comment on a project for a year; they are reviewed like the lead city's evaluation
and, once approved, published beside it on the project page.

Only the municipality itself (or an admin) enters its evaluation — the permission matrix's ``partner`` scope with the
municipality named — and whoever may review the lead city's evaluation reviews it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from renkei.domain.permission import Action
from renkei.domain.scale import DEFAULT_SCALE, EvaluationScale
from renkei.domain.workflow import RecordKind, ReviewStatus, Step
from renkei.services.accounts import StaffUser
from renkei.services.evaluations import evaluation_year, project_target
from renkei.services.workflow import ConflictError, FormErrors, approval_note, clean_text, plan_move_checked, require
from renkei.store.audit import record_changes
from renkei.store.partner_evaluations import find_partner_evaluation, plan_partner_rules
from renkei.store.tables import ProjectRow, now_utc
from renkei.store.workspace_tables import PartnerEvaluationRow


@dataclass(frozen=True, slots=True)
class PartnerEvaluationInput:
    """What the partner evaluation form sends, as typed."""

    fiscal_year: str
    grade: str = ""
    comment: str = ""


def area_scale(session: Session, plan_id: int) -> tuple[bool, EvaluationScale, str]:
    """Return whether a plan's area asks for partner evaluations, the scale they are graded in and the lead city
    (whose evaluation is the project's own, 事業評価, not a partner's)."""
    rules = plan_partner_rules(session=session, plan_id=plan_id)
    return rules.asked, rules.grading.get("scale") or DEFAULT_SCALE, rules.lead_code


def _form(row: PartnerEvaluationRow) -> dict[str, object]:
    return {"grade": row.grade, "comment": row.comment, "review_status": row.review_status,
            "review_comment": row.review_comment}


def _write(session: Session, row: PartnerEvaluationRow | None, project: ProjectRow, year: int, code: str, actor: str,
           action: str, reason: str | None, **values: object) -> PartnerEvaluationRow:
    before = _form(row) if row is not None else None
    if row is None:
        row = PartnerEvaluationRow(project_id=project.id, fiscal_year=year, municipality_code=code, version=0,
                                   comment="")
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    if row.review_status == ReviewStatus.APPROVED.value:
        row.published_grade, row.published_comment, row.published_at = row.grade, row.comment, now_utc()
    session.flush()
    record_changes(session=session, actor=actor, action=action, entity="partner_evaluation",
                   entity_key=f"{project.id}/{year}/{code}", before=before, after=_form(row), reason=reason,
                   project_id=project.id)
    return row


def enter_partner_evaluation(*, session: Session, user: StaffUser, project_id: int, municipality_code: str,
                             data: PartnerEvaluationInput, step: Step, expected_version: int) -> ReviewStatus:
    """Save (or save and submit) a partner's evaluation of a project; return its new status (committed)."""
    project, target = project_target(session, project_id, lock=True)
    require(user, Action.ENTER_PARTNER_EVALUATION, replace(target, municipality_code=municipality_code))
    asked, scale, lead_code = area_scale(session, project.plan_id)
    if not asked:
        raise FormErrors({"status": "この圏域は連携市町による評価を求めていません / this area does not ask its "
                                    "partners for evaluations"})
    if municipality_code not in target.partner_codes or municipality_code == lead_code:
        raise FormErrors({"municipality_code": f"{municipality_code} はこの事業の連携市町ではありません / not a "
                                              "partner of this project"})
    year = evaluation_year(session, project, data.fiscal_year)
    row = find_partner_evaluation(session=session, project_id=project_id, fiscal_year=year,
                                  municipality_code=municipality_code)
    status = ReviewStatus(row.review_status) if row else ReviewStatus.NOT_STARTED
    if (row.version if row else 0) != expected_version:
        raise ConflictError(status, row.version if row else 0, _form(row) if row else {})
    moved = plan_move_checked(RecordKind.EVALUATION, status, step, None)
    errors: dict[str, str] = {}
    keys = [g.key for g in scale.grades]
    if data.grade not in keys:
        errors["grade"] = f"評価（{'・'.join(keys)}）を選んでください / choose a grade ({', '.join(keys)})"
    comment = clean_text(data.comment, "evaluation_comment")
    if step is Step.SUBMIT and not comment:
        errors["comment"] = "評価の理由（コメント）を入力してください / enter the reason for the evaluation"
    if errors:
        raise FormErrors(errors)
    _write(session, row, project, year, municipality_code, user.username, f"partner_evaluation.{step.value}", None,
           grade=data.grade, comment=comment, review_status=moved.value,
           review_comment=row.review_comment if (row is not None and step is Step.SAVE) else None,
           entered_by=user.username, entered_at=now_utc())
    session.commit()
    return moved


def review_partner_evaluation(*, session: Session, user: StaffUser, project_id: int, municipality_code: str,
                              fiscal_year: int, step: Step, comment: str, expected_version: int) -> ReviewStatus:
    """Return, approve (publish) or reopen a partner's evaluation; return its new status (committed)."""
    project, target = project_target(session, project_id, lock=True)
    require(user, Action.REVIEW_EVALUATION, target)
    row = find_partner_evaluation(session=session, project_id=project_id, fiscal_year=fiscal_year,
                                  municipality_code=municipality_code)
    status = ReviewStatus(row.review_status) if row else ReviewStatus.NOT_STARTED
    if (row.version if row else 0) != expected_version:
        raise ConflictError(status, row.version if row else 0, _form(row) if row else {})
    note = clean_text(comment, "review_comment")
    moved = plan_move_checked(RecordKind.EVALUATION, status, step, note)
    assert row is not None  # a record that was never entered has no review step (plan_move refused it)
    self_approval = approval_note(session, project.plan_id, user, step, row.entered_by)
    reason = " / ".join(r for r in (note, self_approval) if r) or None
    _write(session, row, project, fiscal_year, municipality_code, user.username, f"partner_evaluation.{step.value}",
           reason, review_status=moved.value, review_comment=note or None)
    session.commit()
    return moved


__all__ = ["PartnerEvaluationInput", "area_scale", "enter_partner_evaluation", "review_partner_evaluation"]
