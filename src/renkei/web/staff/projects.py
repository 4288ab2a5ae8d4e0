"""Staff pages of a project: its text draft (publish), its annual evaluation (事業評価) and its history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from renkei.domain.permission import Action, Target, is_allowed
from renkei.domain.workflow import ReviewStatus, Step, steps_from
from renkei.services import evaluations, project_text
from renkei.services.accounts import StaffUser
from renkei.services.evaluations import EvaluationInput, project_target
from renkei.store import accounts as account_store
from renkei.store import repository
from renkei.store.evaluations import find_evaluation, list_evaluations
from renkei.store.portal_queries import area_slug_of_plan
from renkei.store.project_text import pending_project_ids
from renkei.store.rounds import project_rows
from renkei.store.tables import ProjectRow
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import FormDep, UserDep, allow, staff_post
from renkei.web.staff.history import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS, project_history
from renkei.web.staff.pages import render_staff
from renkei.web.staff.refusals import (
    FORBIDDEN,
    EntryState,
    answer_refusal,
    found,
    read_number,
    read_step,
    typed_fields,
)
from renkei.web.staff.workspace import staff_workspace

router = APIRouter(prefix="/staff")
Drafts = Annotated[StaffUser, Depends(allow(Action.VIEW_DRAFTS))]


def _visible(user: StaffUser, target: Target) -> bool:
    """Tell whether a user sees a project's staff pages (a municipality: the projects it takes part in)."""
    return is_allowed(user.subject, Action.VIEW_DRAFTS, target)


def _project(session: Session, user: StaffUser, project_id: int) -> tuple[ProjectRow, Target]:
    row, target = found(lambda: project_target(session, project_id))
    if not _visible(user, target):
        raise HTTPException(status_code=403, detail=FORBIDDEN)
    return row, target


@router.get("/projects", include_in_schema=False)
def list_projects(request: Request, session: SessionDep, user: Drafts) -> Response:
    """List the projects the user works on, marking unpublished text."""
    space = staff_workspace(request, session, user)
    partners = account_store.all_partner_codes(session=session, plan_id=space.plan.id)
    assigned = account_store.assignments(session=session, plan_id=space.plan.id)
    pending = pending_project_ids(session=session, plan_id=space.plan.id)
    rows = sorted(project_rows(session=session, plan_id=space.plan.id).values(), key=lambda r: r.position)
    shown = [(r, r.id in pending, user.id in assigned.get(r.id, frozenset())) for r in rows
             if _visible(user, Target(r.id, space.area_id, partners.get(r.id, frozenset()),
                                      assigned.get(r.id, frozenset())))]
    return render_staff(request, "staff/projects.html", {"space": space, "projects": shown}, user)


def _text_page(request: Request, session: Session, user: StaffUser, project_id: int, state: EntryState,
               status_code: int = 200) -> Response:
    row, target = _project(session, user, project_id)
    text = project_text.load_project_text(session=session, project_id=project_id)
    code = user.municipality_code
    own_name = account_store.municipality_name(session=session, code=code) if code else None
    own_role = next((r for r in text.working.roles if r.party == own_name), None) if own_name else None
    return render_staff(request, "staff/project_text.html", {
        "area": area_slug_of_plan(session=session, plan_id=row.plan_id),
        "project": row, "text": text, "state": state, "tab": "text",
        "can_edit": is_allowed(user.subject, Action.EDIT_PROJECT_TEXT, target),
        "can_edit_role": own_name is not None and is_allowed(user.subject, Action.EDIT_ROLE_TEXT,
                                                             replace(target, municipality_code=code)),
        "can_publish": is_allowed(user.subject, Action.PUBLISH_PROJECT_TEXT, target),
        "own_name": own_name, "own_role": own_role, "role_rows": max(len(text.working.roles) + 1, 3),
        # The reader's and lint's findings on this sheet: for staff only (the public page says only what was corrected).
        "findings": repository.list_findings(session=session, plan_id=row.plan_id, project_key=row.key),
    }, user, status_code=status_code)


@router.get("/projects/{project_id}", include_in_schema=False)
def show_project(request: Request, session: SessionDep, user: Drafts, project_id: int) -> Response:
    """Show a project's text tab (description, effects, roles; the draft and the published version)."""
    return _text_page(request, session, user, project_id, EntryState())


def _run_text(request: Request, session: Session, user: StaffUser, project_id: int, typed: dict[str, str],
              action: Callable[[], object]) -> Response:
    refused = answer_refusal(session, action, lambda state, code: _text_page(
        request, session, user, project_id, state, code), typed=typed)
    return refused or RedirectResponse(f"/staff/projects/{project_id}", status_code=303)


@staff_post(router, "/projects/{project_id}/text", Action.EDIT_PROJECT_TEXT)
def save_text(request: Request, session: SessionDep, user: UserDep, form: FormDep, project_id: int) -> Response:
    """Save the draft of a project's whole text."""
    typed = typed_fields(form)
    count = min(read_number(form, "role_count"), 60)
    roles = [(typed.get(f"party_{i}", ""), typed.get(f"duties_{i}", "")) for i in range(count)]
    return _run_text(request, session, user, project_id, typed, lambda: project_text.save_text_draft(
        session=session, user=user, project_id=project_id, description=typed.get("description", ""),
        effects=typed.get("effects", ""), roles=roles, expected_version=read_number(form, "version")))


@staff_post(router, "/projects/{project_id}/role", Action.EDIT_ROLE_TEXT)
def save_role(request: Request, session: SessionDep, user: UserDep, form: FormDep, project_id: int) -> Response:
    """Save the draft of the user's own municipality's role text."""
    typed = typed_fields(form)
    return _run_text(request, session, user, project_id, typed, lambda: project_text.save_role_draft(
        session=session, user=user, project_id=project_id, duties=typed.get("own_duties", ""),
        expected_version=read_number(form, "version"), municipality_code=typed.get("municipality_code") or None))


@staff_post(router, "/projects/{project_id}/publish", Action.PUBLISH_PROJECT_TEXT)
def publish(request: Request, session: SessionDep, user: UserDep, form: FormDep, project_id: int) -> Response:
    """Publish the draft: the public page shows it from now on."""
    return _run_text(request, session, user, project_id, typed_fields(form), lambda: project_text.publish_text(
        session=session, user=user, project_id=project_id, expected_version=read_number(form, "version")))


def _evaluation_page(request: Request, session: Session, user: StaffUser, project_id: int, state: EntryState,
                     status_code: int = 200) -> Response:
    row, target = _project(session, user, project_id)
    space = staff_workspace(request, session, user)
    year = int(state.typed.get("year") or (space.round.fiscal_year if space.round else space.plan.first_year))
    current = find_evaluation(session=session, project_id=project_id, fiscal_year=year)
    status = ReviewStatus(current.review_status) if current else ReviewStatus.NOT_STARTED
    return render_staff(request, "staff/project_evaluation.html", {
        "area": area_slug_of_plan(session=session, plan_id=row.plan_id),
        "project": row, "state": state, "tab": "evaluation", "year": year, "current": current, "status": status,
        "all": list_evaluations(session=session, project_id=project_id),
        "can_edit": is_allowed(user.subject, Action.EDIT_EVALUATION, target),
        "can_review": is_allowed(user.subject, Action.REVIEW_EVALUATION, target),
        "review_steps": [s.value for s in steps_from(status) if s not in (Step.SAVE, Step.SUBMIT)],
        "editable": status in (ReviewStatus.NOT_STARTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED),
    }, user, status_code=status_code)


@router.get("/projects/{project_id}/evaluation", include_in_schema=False)
def show_evaluation(request: Request, session: SessionDep, user: Drafts, project_id: int) -> Response:
    """Show a project's evaluation tab for the open round's year."""
    return _evaluation_page(request, session, user, project_id, EntryState())


def _run_evaluation(request: Request, session: Session, user: StaffUser, project_id: int, typed: dict[str, str],
                    action: Callable[[], object]) -> Response:
    refused = answer_refusal(session, action, lambda state, code: _evaluation_page(
        request, session, user, project_id, state, code), typed=typed)
    return refused or RedirectResponse(f"/staff/projects/{project_id}/evaluation", status_code=303)


@staff_post(router, "/projects/{project_id}/evaluation", Action.EDIT_EVALUATION)
def save_evaluation(request: Request, session: SessionDep, user: UserDep, form: FormDep, project_id: int) -> Response:
    """Save or submit the project's evaluation."""
    typed = typed_fields(form)
    step = read_step(form, (Step.SAVE, Step.SUBMIT))
    data = EvaluationInput(typed.get("fiscal_year", ""), typed.get("direction", ""), typed.get("comment", ""))
    return _run_evaluation(request, session, user, project_id, typed, lambda: evaluations.enter_evaluation(
        session=session, user=user, project_id=project_id, data=data, step=step,
        expected_version=read_number(form, "version")))


@staff_post(router, "/projects/{project_id}/evaluation/review", Action.REVIEW_EVALUATION)
def review_evaluation(request: Request, session: SessionDep, user: UserDep, form: FormDep, project_id: int) -> Response:
    """Return, approve (publish) or reopen the project's evaluation."""
    typed = typed_fields(form)
    step = read_step(form, (Step.RETURN, Step.APPROVE, Step.REOPEN))
    return _run_evaluation(request, session, user, project_id, typed, lambda: evaluations.review_evaluation(
        session=session, user=user, project_id=project_id, fiscal_year=read_number(form, "year"), step=step,
        comment=typed.get("review_comment", ""), expected_version=read_number(form, "version")))


@router.get("/projects/{project_id}/history", include_in_schema=False)
def show_history(request: Request, session: SessionDep,
                 user: Annotated[StaffUser, Depends(allow(Action.VIEW_HISTORY))], project_id: int) -> Response:
    """Show every audited change of a project, field by field."""
    row, _ = _project(session, user, project_id)
    return render_staff(request, "staff/project_history.html", {
        "area": area_slug_of_plan(session=session, plan_id=row.plan_id),
        "project": row, "tab": "history", "entries": project_history(session=session, project_id=project_id),
        "field_labels": FIELD_LABELS, "action_labels": ACTION_LABELS, "entity_labels": ENTITY_LABELS,
    }, user)
