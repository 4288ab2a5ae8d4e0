"""Which stored plan a command or a request names: by id, by key (``kitakyushu-2026``) or ``area/key``.

Kept apart from the evaluation of progress (``services/progress.py``) so that a command that only needs the plan's
id, such as ``renkei actuals import``, does not import the evaluation.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from renkei.store import repository


class PlanNotFoundError(LookupError):
    """A plan asked for by id or key that the database does not hold."""


def resolve_plan_id(*, session: Session, plan: str | int | None) -> int:
    """Return the id of a stored plan named by id, by key (``kitakyushu-2026``) or ``area/key``.

    With no name, the only stored plan is meant; several (or none) is an error.
    """
    return resolve_plan(session=session, plan=plan).id


def resolve_plan(*, session: Session, plan: str | int | None) -> repository.PlanSummary:
    """Return the stored plan (its id, key and period) named as :func:`resolve_plan_id` takes it."""
    plans = repository.list_plans(session=session)
    if plan is None:
        if len(plans) == 1:
            return plans[0]
        listed = ", ".join(f"{p.id} ({p.area_slug}/{p.plan_key})" for p in plans) or "なし / none"
        raise PlanNotFoundError(f"計画を --plan で指定してください / name the plan with --plan (stored: {listed})")
    text = str(plan).strip()
    matches = [p for p in plans if text in (str(p.id), p.plan_key, f"{p.area_slug}/{p.plan_key}")]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise PlanNotFoundError(f"計画「{text}」が複数あります。area/key で指定してください / "
                                f"{text!r} is ambiguous: use area/key")
    raise PlanNotFoundError(f"計画「{text}」がありません / no stored plan {text!r}")
