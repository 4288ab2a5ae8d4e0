"""What every staff page works on: the current plan of the user's area, its open reporting round, and the area's
members. An admin of every area chooses the area to work in (``?area=SLUG``, remembered in a cookie)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from renkei.domain.municipality import Municipality
from renkei.services.accounts import StaffUser
from renkei.services.rounds import Round, current_round, list_all_rounds
from renkei.store.accounts import plan_area_id
from renkei.store.portal_queries import choose_plan, list_area_slugs, load_area_members
from renkei.store.repository import PlanSummary

#: The cookie that keeps the area an admin of every area works in.
AREA_COOKIE = "renkei_area"


@dataclass(frozen=True, slots=True)
class Workspace:
    """The plan staff work on (and its area), its open round (if any) and the area's member municipalities."""

    plan: PlanSummary
    area_id: int
    round: Round | None
    rounds: tuple[Round, ...]
    members: tuple[Municipality, ...]
    #: The areas an admin of every area may switch to (empty for everyone else).
    areas: tuple[str, ...] = ()

    def member_name(self, code: str) -> str:
        """Return a member's name by code (the code itself when unknown)."""
        return next((m.name for m in self.members if m.code == code), code)


def working_area(user: StaffUser, chosen: str | None) -> str | None:
    """Return the slug of the area a user works in: the account's own, or, for an admin of every area, the one
    chosen (None: the most recent plan's).

    >>> from renkei.domain.permission import Role
    >>> working_area(StaffUser(1, "a", "", Role.EDITOR, None, area_id=2, area_slug="harima"), "kitakyushu")
    'harima'
    >>> working_area(StaffUser(1, "a", "", Role.ADMIN, None), "kitakyushu")
    'kitakyushu'
    """
    return user.area_slug if not user.every_area else chosen


def load_workspace(session: Session, user: StaffUser, year: int | None = None, *,
                   chosen_area: str | None = None) -> Workspace:
    """Return the workspace of the user's area's current plan (404 when none is stored; 403 for an account without
    an area); ``year`` picks a round."""
    if not user.every_area and user.area_id is None:
        raise HTTPException(status_code=403, detail="このアカウントには圏域が設定されていません。管理者に依頼して"
                                                    "ください / this account has no area yet; ask an admin to set one")
    slug = working_area(user, chosen_area)
    plan = choose_plan(session=session, area_slug=slug) if slug else None
    if plan is None and user.every_area:
        plan = choose_plan(session=session)
    if plan is None:
        raise HTTPException(status_code=404, detail="計画がまだ登録されていません / no plan has been imported")
    rounds = tuple(list_all_rounds(session=session, plan_id=plan.id))
    chosen = next((r for r in rounds if r.fiscal_year == year), None) if year is not None else current_round(
        session=session, plan_id=plan.id)
    area = load_area_members(session=session, area_slug=plan.area_slug)
    areas = tuple(list_area_slugs(session=session)) if user.every_area else ()
    return Workspace(plan, plan_area_id(session=session, plan_id=plan.id), chosen, rounds,
                     area.members if area else (), areas)


def chosen_area(request: Request) -> str | None:
    """Return the area an admin of every area chose: ``?area=SLUG`` on this request, else the remembered one."""
    chosen = request.query_params.get("area") or request.cookies.get(AREA_COOKIE)
    return chosen[:100] if chosen else None


def staff_workspace(request: Request, session: Session, user: StaffUser, year: int | None = None) -> Workspace:
    """Return the workspace of a request's user (see :func:`load_workspace`)."""
    return load_workspace(session, user, year, chosen_area=chosen_area(request))
