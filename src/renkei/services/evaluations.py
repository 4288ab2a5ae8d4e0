"""Project evaluations (事業評価): the editor's yearly direction and comment, reviewed, then published.

The directions are those Japanese administrations use: 拡充 (expand), 継続 (continue), 改善 (improve),
縮小 (reduce) and 終了 (end). The workflow is the actuals' one; approval publishes the evaluation on the
public project page (the previous approved one stays there while a correction is reviewed).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from renkei.domain.permission import Action, Target
from renkei.domain.workflow import RecordKind, ReviewStatus, Step
from renkei.reading.fiscal_year import read_fiscal_year
from renkei.services.accounts import StaffUser
from renkei.services.workflow import (
    ConflictError,
    FormErrors,
    approval_note,
    clean_text,
    plan_move_checked,
    require,
)
from renkei.store import accounts as account_store
from renkei.store.audit import record_changes
from renkei.store.evaluations import find_evaluation
from renkei.store.tables import PlanRow, ProjectRow, now_utc
from renkei.store.workspace_tables import EVALUATION_DIRECTIONS, ProjectEvaluationRow

#: Direction → (Japanese, English).
DIRECTION_LABELS: dict[str, tuple[str, str]] = {
    "expand": ("拡充", "expand"),
    "continue": ("継続", "continue"),
    "improve": ("改善", "improve"),
    "reduce": ("縮小", "reduce"),
    "end": ("終了", "end"),
}


@dataclass(frozen=True, slots=True)
class EvaluationInput:
    """What the evaluation form sends, as typed."""

    fiscal_year: str
    direction: str = ""
    comment: str = ""


def project_target(session: Session, project_id: int, *, lock: bool = False) -> tuple[ProjectRow, Target]:
    """Return an active project's row and its permission target; LookupError when there is none.

    ``lock`` holds the project's row until the step commits (PostgreSQL): writes to its evaluation or text run one
    after the other, so a stale form is always caught by its version.
    """
    row = session.get(ProjectRow, project_id, with_for_update=lock)
    if row is None or row.status != "active":
        raise LookupError(f"no project {project_id}")
    return row, account_store.project_target(session=session, project_id=row.id, plan_id=row.plan_id)


def _form(row: ProjectEvaluationRow) -> dict[str, object]:
    return {"direction": row.direction, "comment": row.comment, "review_status": row.review_status,
            "review_comment": row.review_comment}


def evaluation_year(session: Session, project: ProjectRow, text: str) -> int:
    """Read the fiscal year an evaluation is for (the year before the plan's first up to its last), or refuse it."""
    plan = session.get(PlanRow, project.plan_id)
    year = read_fiscal_year(text.strip()) if text.strip() else None
    if year is None or plan is None or not plan.first_year - 1 <= year <= plan.last_year:
        low, high = (plan.first_year - 1, plan.last_year) if plan else (0, 0)
        raise FormErrors({"fiscal_year": f"「{text}」は評価できる年度（{low}～{high}年度）ではありません / "
                                         f"{text!r} is not a fiscal year of the plan (FY{low}-{high})"})
    return year


def _write(session: Session, row: ProjectEvaluationRow | None, project: ProjectRow, year: int, actor: str,
           action: str, reason: str | None, **values: object) -> ProjectEvaluationRow:
    before = _form(row) if row is not None else None
    if row is None:
        row = ProjectEvaluationRow(project_id=project.id, fiscal_year=year, version=0, comment="")
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    if row.review_status == ReviewStatus.APPROVED.value:
        row.published_direction, row.published_comment, row.published_at = row.direction, row.comment, now_utc()
    session.flush()
    record_changes(session=session, actor=actor, action=action, entity="evaluation",
                   entity_key=f"{project.id}/{year}", before=before, after=_form(row), reason=reason,
                   project_id=project.id)
    return row


def enter_evaluation(*, session: Session, user: StaffUser, project_id: int, data: EvaluationInput, step: Step,
                     expected_version: int) -> ReviewStatus:
    """Save (or save and submit) a project's evaluation; return its new status (committed)."""
    project, target = project_target(session, project_id, lock=True)
    require(user, Action.EDIT_EVALUATION, target)
    year = evaluation_year(session, project, data.fiscal_year)
    row = find_evaluation(session=session, project_id=project_id, fiscal_year=year)
    status = ReviewStatus(row.review_status) if row else ReviewStatus.NOT_STARTED
    if (row.version if row else 0) != expected_version:
        raise ConflictError(status, row.version if row else 0, _form(row) if row else {})
    moved = plan_move_checked(RecordKind.EVALUATION, status, step, None)
    errors: dict[str, str] = {}
    if data.direction not in EVALUATION_DIRECTIONS:
        errors["direction"] = "方向性（拡充・継続・改善・縮小・終了）を選んでください / choose a direction"
    comment = clean_text(data.comment, "evaluation_comment")
    if step is Step.SUBMIT and not comment:
        errors["comment"] = "評価の理由（コメント）を入力してください / enter the reason for the evaluation"
    if errors:
        raise FormErrors(errors)
    _write(session, row, project, year, user.username, f"evaluation.{step.value}", None, direction=data.direction,
           comment=comment, review_status=moved.value,
           review_comment=row.review_comment if (row is not None and step is Step.SAVE) else None,
           entered_by=user.username, entered_at=now_utc())
    session.commit()
    return moved


def review_evaluation(*, session: Session, user: StaffUser, project_id: int, fiscal_year: int, step: Step,
                      comment: str, expected_version: int) -> ReviewStatus:
    """Return, approve (publish) or reopen a project's evaluation; return its new status (committed)."""
    project, target = project_target(session, project_id, lock=True)
    require(user, Action.REVIEW_EVALUATION, target)
    row = find_evaluation(session=session, project_id=project_id, fiscal_year=fiscal_year)
    status = ReviewStatus(row.review_status) if row else ReviewStatus.NOT_STARTED
    if (row.version if row else 0) != expected_version:
        raise ConflictError(status, row.version if row else 0, _form(row) if row else {})
    note = clean_text(comment, "review_comment")
    moved = plan_move_checked(RecordKind.EVALUATION, status, step, note)
    assert row is not None  # a record that was never entered has no review step (plan_move refused it)
    self_approval = approval_note(session, project.plan_id, user, step, row.entered_by)
    reason = " / ".join(r for r in (note, self_approval) if r) or None
    _write(session, row, project, fiscal_year, user.username, f"evaluation.{step.value}", reason,
           review_status=moved.value, review_comment=note or None)
    session.commit()
    return moved


def plan_id_of(session: Session, project_id: int) -> int | None:
    """Return the plan a project belongs to."""
    row = session.get(ProjectRow, project_id)
    return row.plan_id if row else None


__all__ = ["DIRECTION_LABELS", "EvaluationInput", "enter_evaluation", "evaluation_year", "plan_id_of",
           "project_target", "review_evaluation"]
