"""The review workflow: every (status, step) pair, allowed or refused, with the permission it needs."""

from __future__ import annotations

from datetime import date

import pytest

from renkei.domain.permission import Action
from renkei.domain.workflow import (
    RecordKind,
    ReviewStatus,
    Step,
    WorkflowError,
    is_editable,
    is_overdue,
    plan_move,
    steps_from,
)

R = ReviewStatus
ALLOWED = {
    (R.NOT_STARTED, Step.SAVE): R.DRAFT, (R.NOT_STARTED, Step.SUBMIT): R.SUBMITTED,
    (R.DRAFT, Step.SAVE): R.DRAFT, (R.DRAFT, Step.SUBMIT): R.SUBMITTED,
    (R.SUBMITTED, Step.RETURN): R.RETURNED, (R.SUBMITTED, Step.APPROVE): R.APPROVED,
    (R.RETURNED, Step.SAVE): R.DRAFT, (R.RETURNED, Step.SUBMIT): R.SUBMITTED,
    (R.APPROVED, Step.REOPEN): R.RETURNED,
}  # fmt: skip


@pytest.mark.parametrize("step", list(Step))
@pytest.mark.parametrize("status", list(ReviewStatus))
def test_every_transition(status: ReviewStatus, step: Step) -> None:
    expected = ALLOWED.get((status, step))
    if expected is None:
        with pytest.raises(WorkflowError) as caught:
            plan_move(RecordKind.ACTUAL, status, step, "理由")
        assert caught.value.code == "transition"
    else:
        assert plan_move(RecordKind.ACTUAL, status, step, "理由").target is expected


@pytest.mark.parametrize("step", [Step.RETURN, Step.REOPEN])
@pytest.mark.parametrize("comment", [None, "", "  \u3000 "])
def test_going_back_needs_a_comment(step: Step, comment: str | None) -> None:
    status = R.SUBMITTED if step is Step.RETURN else R.APPROVED
    with pytest.raises(WorkflowError) as caught:
        plan_move(RecordKind.ACTUAL, status, step, comment)
    assert caught.value.code == "comment"
    assert "理由" in caught.value.message_ja


@pytest.mark.parametrize(("kind", "step", "action"), [
    (RecordKind.ACTUAL, Step.SAVE, Action.ENTER_ACTUAL),
    (RecordKind.ASSESSMENT, Step.SUBMIT, Action.ENTER_ACTUAL),
    (RecordKind.ACTUAL, Step.APPROVE, Action.REVIEW_ACTUAL),
    (RecordKind.ASSESSMENT, Step.REOPEN, Action.REVIEW_ACTUAL),
    (RecordKind.EVALUATION, Step.SUBMIT, Action.EDIT_EVALUATION),
    (RecordKind.EVALUATION, Step.RETURN, Action.REVIEW_EVALUATION),
])
def test_each_step_names_its_permission(kind: RecordKind, step: Step, action: Action) -> None:
    status = next(s for (s, t) in ALLOWED if t is step)
    assert plan_move(kind, status, step, "理由").action is action


def test_steps_offered_and_editability_agree_with_the_table() -> None:
    for status in ReviewStatus:
        assert set(steps_from(status)) == {t for (s, t) in ALLOWED if s is status}
        assert is_editable(status) is ((status, Step.SAVE) in ALLOWED)


@pytest.mark.parametrize(("status", "today", "overdue"), [
    (R.NOT_STARTED, date(2027, 5, 31), False), (R.NOT_STARTED, date(2027, 6, 1), True),
    (R.DRAFT, date(2027, 6, 1), True), (R.RETURNED, date(2027, 6, 1), True),
    (R.SUBMITTED, date(2027, 6, 1), False), (R.APPROVED, date(2028, 1, 1), False),
])
def test_overdue_means_past_due_and_not_yet_submitted(status: ReviewStatus, today: date, overdue: bool) -> None:
    assert is_overdue(status, date(2027, 5, 31), today) is overdue
