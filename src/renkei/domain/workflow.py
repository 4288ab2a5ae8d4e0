"""The review workflow of actuals, assessments and project evaluations: statuses, steps and who takes them.

::

    (not started) ─save→ draft ─submit→ submitted ─approve→ approved
                     ↑ save   │                │ return (comment)   │ reopen (reason)
                     └────────┴──── returned ←─┴────────────────────┘

A returned record is corrected (saved, it becomes a draft again) and resubmitted. Saving and submitting
are entering; returning, approving and reopening are reviewing, each a separate permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from renkei.domain.permission import Action


class ReviewStatus(StrEnum):
    """Where a record stands; ``not_started`` is a record nobody has entered yet."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"

    @property
    def label_ja(self) -> str:
        """Return the Japanese label."""
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        """Return the English label."""
        return _LABELS[self][1]


_LABELS = {
    ReviewStatus.NOT_STARTED: ("未着手", "not started"),
    ReviewStatus.DRAFT: ("下書き", "draft"),
    ReviewStatus.SUBMITTED: ("提出済み", "submitted"),
    ReviewStatus.RETURNED: ("差し戻し", "returned"),
    ReviewStatus.APPROVED: ("承認済み", "approved"),
}


class Step(StrEnum):
    """A workflow step."""

    SAVE = "save"
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    REOPEN = "reopen"


class RecordKind(StrEnum):
    """What goes through the workflow."""

    ACTUAL = "actual"  # a KPI's actual (実績値)
    ASSESSMENT = "assessment"  # a qualitative KPI's assessment (評価)
    EVALUATION = "evaluation"  # a project's annual evaluation (事業評価)


R = ReviewStatus
#: (status, step) → the status it leads to. Anything else is not a step the record can take.
TRANSITIONS: dict[tuple[ReviewStatus, Step], ReviewStatus] = {
    (R.NOT_STARTED, Step.SAVE): R.DRAFT,
    (R.DRAFT, Step.SAVE): R.DRAFT,
    (R.RETURNED, Step.SAVE): R.DRAFT,
    (R.NOT_STARTED, Step.SUBMIT): R.SUBMITTED,
    (R.DRAFT, Step.SUBMIT): R.SUBMITTED,
    (R.RETURNED, Step.SUBMIT): R.SUBMITTED,
    (R.SUBMITTED, Step.RETURN): R.RETURNED,
    (R.SUBMITTED, Step.APPROVE): R.APPROVED,
    (R.APPROVED, Step.REOPEN): R.RETURNED,
}
#: Steps that change the content (the rest only move the status).
ENTERING = frozenset({Step.SAVE, Step.SUBMIT})
#: Steps that need a comment: why it goes back.
NEEDS_COMMENT = frozenset({Step.RETURN, Step.REOPEN})
#: The permission each step needs, by record kind.
STEP_ACTIONS: dict[RecordKind, dict[bool, Action]] = {
    RecordKind.ACTUAL: {True: Action.ENTER_ACTUAL, False: Action.REVIEW_ACTUAL},
    RecordKind.ASSESSMENT: {True: Action.ENTER_ACTUAL, False: Action.REVIEW_ACTUAL},
    RecordKind.EVALUATION: {True: Action.EDIT_EVALUATION, False: Action.REVIEW_EVALUATION},
}


class WorkflowError(ValueError):
    """A step the record cannot take (in Japanese and English); ``code`` says which rule."""

    def __init__(self, code: str, message_ja: str, message_en: str) -> None:
        super().__init__(f"{message_ja} / {message_en}")
        self.code = code
        self.message_ja = message_ja
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class Move:
    """A step checked against the workflow: from where, to where, and the permission it needs."""

    source: ReviewStatus
    step: Step
    target: ReviewStatus
    action: Action


def action_for(kind: RecordKind, step: Step) -> Action:
    """Return the permission a step on a kind of record needs.

    >>> action_for(RecordKind.ACTUAL, Step.SUBMIT), action_for(RecordKind.EVALUATION, Step.APPROVE)
    (<Action.ENTER_ACTUAL: 'actual.enter'>, <Action.REVIEW_EVALUATION: 'evaluation.review'>)
    """
    return STEP_ACTIONS[kind][step in ENTERING]


def plan_move(kind: RecordKind, status: ReviewStatus, step: Step, comment: str | None = None) -> Move:
    """Check a step against the workflow and return the move; raise WorkflowError when it is not allowed.

    >>> plan_move(RecordKind.ACTUAL, ReviewStatus.SUBMITTED, Step.APPROVE).target
    <ReviewStatus.APPROVED: 'approved'>
    >>> plan_move(RecordKind.ACTUAL, ReviewStatus.SUBMITTED, Step.RETURN, "  ")
    Traceback (most recent call last):
    ...
    renkei.domain.workflow.WorkflowError: 差し戻しには理由（コメント）が必要です / a return needs a comment saying why
    """
    target = TRANSITIONS.get((status, step))
    if target is None:
        raise WorkflowError(
            "transition", f"「{status.label_ja}」の記録は「{STEP_LABELS[step][0]}」できません",
            f"a {status.label_en} record cannot be {STEP_LABELS[step][2]}")
    if step in NEEDS_COMMENT and not (comment or "").strip():
        raise WorkflowError("comment", f"{STEP_LABELS[step][0]}には理由（コメント）が必要です",
                            f"a {STEP_LABELS[step][1]} needs a comment saying why")
    return Move(status, step, target, action_for(kind, step))


#: Step → (Japanese, English noun, English past participle).
STEP_LABELS: dict[Step, tuple[str, str, str]] = {
    Step.SAVE: ("下書き保存", "save", "saved"),
    Step.SUBMIT: ("提出", "submission", "submitted"),
    Step.RETURN: ("差し戻し", "return", "returned"),
    Step.APPROVE: ("承認", "approval", "approved"),
    Step.REOPEN: ("再開（承認の取り消し）", "reopening", "reopened"),
}


def steps_from(status: ReviewStatus) -> tuple[Step, ...]:
    """Return the steps a record in this status can take, in the order a form offers them.

    >>> steps_from(ReviewStatus.RETURNED)
    (<Step.SAVE: 'save'>, <Step.SUBMIT: 'submit'>)
    """
    return tuple(step for step in Step if (status, step) in TRANSITIONS)


def is_editable(status: ReviewStatus) -> bool:
    """Tell whether the content can be changed (not while submitted or approved).

    >>> [is_editable(s) for s in ReviewStatus]
    [True, True, False, True, False]
    """
    return (status, Step.SAVE) in TRANSITIONS


def is_overdue(status: ReviewStatus, due: date, today: date) -> bool:
    """Tell whether a record is overdue: past the due date and not yet submitted (or approved).

    >>> is_overdue(ReviewStatus.RETURNED, date(2027, 5, 31), date(2027, 6, 1))
    True
    >>> is_overdue(ReviewStatus.SUBMITTED, date(2027, 5, 31), date(2027, 6, 1))
    False
    """
    return today > due and status in (ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED)
