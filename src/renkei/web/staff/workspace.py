"""What every staff page works on: the most recent plan and its open reporting round, and the area's members."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException
from sqlalchemy.orm import Session

from renkei.domain.municipality import Municipality
from renkei.services.rounds import Round, current_round, list_all_rounds
from renkei.store.portal_queries import choose_plan, load_area_members
from renkei.store.repository import PlanSummary


@dataclass(frozen=True, slots=True)
class Workspace:
    """The plan staff work on, its open round (if any) and the area's member municipalities."""

    plan: PlanSummary
    round: Round | None
    rounds: tuple[Round, ...]
    members: tuple[Municipality, ...]

    def member_name(self, code: str) -> str:
        """Return a member's name by code (the code itself when unknown)."""
        return next((m.name for m in self.members if m.code == code), code)


def load_workspace(session: Session, year: int | None = None) -> Workspace:
    """Return the workspace of the most recent plan (404 when none is stored); ``year`` picks a round."""
    plan = choose_plan(session=session)
    if plan is None:
        raise HTTPException(status_code=404, detail="計画がまだ登録されていません / no plan has been imported")
    rounds = tuple(list_all_rounds(session=session, plan_id=plan.id))
    chosen = next((r for r in rounds if r.fiscal_year == year), None) if year is not None else current_round(
        session=session, plan_id=plan.id)
    area = load_area_members(session=session, area_slug=plan.area_slug)
    return Workspace(plan, chosen, rounds, area.members if area else ())
