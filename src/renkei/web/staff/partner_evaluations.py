"""Staff page of a project's partner evaluations (連携市町による評価): each partner records its own grade and comment
for a year, where the area asks for them; a reviewer returns, approves (publishes) or reopens each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from renkei.domain.permission import Action, is_allowed
from renkei.domain.workflow import ReviewStatus, Step, steps_from
from renkei.services import partner_evaluations
from renkei.services.accounts import StaffUser
from renkei.services.evaluations import project_target
from renkei.services.partner_evaluations import PartnerEvaluationInput, area_scale
from renkei.store.partner_evaluations import list_partner_evaluations
from renkei.store.portal_queries import area_slug_of_plan, load_area_members
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import FormDep, UserDep, staff_post
from renkei.web.staff.pages import render_staff
from renkei.web.staff.projects import Drafts
from renkei.web.staff.refusals import (
    FORBIDDEN,
    EntryState,
    answer_refusal,
    found,
    read_number,
    read_step,
    typed_fields,
)
from renkei.web.staff.views import StaffProject
from renkei.web.staff.workspace import staff_workspace

router = APIRouter(prefix="/staff")


def _page(request: Request, session: Session, user: StaffUser, project_id: int, state: EntryState,
          status_code: int = 200) -> Response:
    row, target = found(lambda: project_target(session, project_id))
    if not is_allowed(user.subject, Action.VIEW_DRAFTS, target):
        raise HTTPException(status_code=403, detail=FORBIDDEN)
    space = staff_workspace(request, session, user)
    year = int(state.typed.get("year") or (space.round.fiscal_year if space.round else space.plan.first_year))
    asked, scale, lead_code = area_scale(session, row.plan_id)
    slug = area_slug_of_plan(session=session, plan_id=row.plan_id)
    members = load_area_members(session=session, area_slug=slug) if slug else None
    names = {m.code: m.name for m in (members.members if members else ())}
    records = {r.municipality_code: r for r in list_partner_evaluations(session=session, project_id=project_id,
                                                                        fiscal_year=year)}
    partners = []
    codes = sorted(target.partner_codes - {lead_code}, key=lambda c: list(names).index(c) if c in names else len(names))
    for code in codes:  # the lead city's evaluation is the project's own (事業評価)
        record = records.get(code)
        status = ReviewStatus(record.review_status) if record else ReviewStatus.NOT_STARTED
        partners.append({
            "code": code, "name": names.get(code, code), "record": record, "status": status,
            "can_edit": is_allowed(user.subject, Action.ENTER_PARTNER_EVALUATION,
                                   replace(target, municipality_code=code))
            and status in (ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED),
            "review_steps": [s.value for s in steps_from(status) if s not in (Step.SAVE, Step.SUBMIT)]
            if record and is_allowed(user.subject, Action.REVIEW_EVALUATION, target) else [],
        })
    return render_staff(request, "staff/partner_evaluations.html", {
        "area": slug, "project": StaffProject.of(row), "state": state, "tab": "partners", "year": year,
        "asked": asked, "grades": scale.grades, "partners": partners,
    }, user, status_code=status_code)


@router.get("/projects/{project_id}/partners", include_in_schema=False)
def show_partner_evaluations(request: Request, session: SessionDep, user: Drafts, project_id: int) -> Response:
    """Show each partner's evaluation of the project for the open round's year."""
    return _page(request, session, user, project_id, EntryState())


def _run(request: Request, session: Session, user: StaffUser, project_id: int, typed: dict[str, str],
         action: Callable[[], object]) -> Response:
    refused = answer_refusal(session, action, lambda state, code: _page(
        request, session, user, project_id, state, code), typed=typed)
    return refused or RedirectResponse(f"/staff/projects/{project_id}/partners", status_code=303)


@staff_post(router, "/projects/{project_id}/partners", Action.ENTER_PARTNER_EVALUATION)
def save_partner_evaluation(request: Request, session: SessionDep, user: UserDep, form: FormDep,
                            project_id: int) -> Response:
    """Save or submit one partner's evaluation."""
    typed = typed_fields(form)
    step = read_step(form, (Step.SAVE, Step.SUBMIT))
    data = PartnerEvaluationInput(typed.get("fiscal_year", ""), typed.get("grade", ""), typed.get("comment", ""))
    return _run(request, session, user, project_id, typed, lambda: partner_evaluations.enter_partner_evaluation(
        session=session, user=user, project_id=project_id, municipality_code=typed.get("municipality_code", ""),
        data=data, step=step, expected_version=read_number(form, "version")))


@staff_post(router, "/projects/{project_id}/partners/review", Action.REVIEW_EVALUATION)
def review_partner_evaluation(request: Request, session: SessionDep, user: UserDep, form: FormDep,
                              project_id: int) -> Response:
    """Return, approve (publish) or reopen one partner's evaluation."""
    typed = typed_fields(form)
    step = read_step(form, (Step.RETURN, Step.APPROVE, Step.REOPEN))
    return _run(request, session, user, project_id, typed, lambda: partner_evaluations.review_partner_evaluation(
        session=session, user=user, project_id=project_id, municipality_code=typed.get("municipality_code", ""),
        fiscal_year=read_number(form, "year"), step=step, comment=typed.get("review_comment", ""),
        expected_version=read_number(form, "version")))
