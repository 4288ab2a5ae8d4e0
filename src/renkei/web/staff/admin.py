"""Admin pages: accounts (create, role, disable, password, project assignments), reporting rounds, audit export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response, StreamingResponse

from renkei.domain.permission import Action, Role
from renkei.reading.fiscal_year import read_fiscal_year
from renkei.services import accounts
from renkei.services.accounts import StaffUser
from renkei.services.audit_export import export_audit
from renkei.services.rounds import close_round, open_round
from renkei.store.rounds import project_rows
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import FormDep, UserDep, allow, staff_post
from renkei.web.staff.pages import NO_STORE, render_staff
from renkei.web.staff.refusals import NO_ACCOUNT, PageAgain, answer_refusal, typed_fields
from renkei.web.staff.workspace import staff_workspace

router = APIRouter(prefix="/staff/admin")
Admin = Annotated[StaffUser, Depends(allow(Action.MANAGE_USERS))]


def _typed(form: FormData) -> dict[str, str]:
    return typed_fields(form, hidden=("password",))  # a password is never shown again


def _users_page(request: Request, session: Session, user: StaffUser, errors: dict[str, str] | None = None,
                typed: dict[str, str] | None = None, status_code: int = 200) -> Response:
    space = staff_workspace(request, session, user)
    projects = sorted(project_rows(session=session, plan_id=space.plan.id).values(), key=lambda r: r.position)
    names = {p.id: p.name for p in projects}
    staff = accounts.list_staff(session=session, by=user)
    assigned = {u.username: [names.get(i, str(i)) for i in accounts.assigned_project_ids(
        session=session, username=u.username)] for u in staff if u.role is Role.EDITOR}
    return render_staff(request, "staff/admin_users.html", {
        "space": space, "staff": staff, "assigned": assigned, "projects": projects, "roles": list(Role),
        "errors": errors or {}, "typed": typed or {},
    }, user, status_code=status_code)


@router.get("/users", include_in_schema=False)
def users(request: Request, session: SessionDep, user: Admin) -> Response:
    """List the accounts with what can be done to each."""
    return _users_page(request, session, user)


def _account_change(request: Request, session: Session, user: StaffUser, form: FormData,
                    change: Callable[[], object]) -> Response:
    refused = answer_refusal(session, change, lambda state, code: _users_page(
        request, session, user, state.errors, state.typed, code), typed=_typed(form), missing=NO_ACCOUNT)
    return refused or RedirectResponse("/staff/admin/users", status_code=303)


@staff_post(router, "/users", Action.MANAGE_USERS)
def create(request: Request, session: SessionDep, user: UserDep, form: FormDep) -> Response:
    """Create an account."""
    t = _typed(form)
    return _account_change(request, session, user, form, lambda: accounts.create_user(
        session=session, username=t.get("username", ""), role=t.get("role", ""),
        password=str(form.get("password", "")), actor=user.username,
        municipality_code=t.get("municipality_code") or None, display_name=t.get("display_name", ""),
        organisation=t.get("organisation", ""), area=t.get("area") or None, by=user))


@staff_post(router, "/users/{username}/role", Action.MANAGE_USERS)
def change_role(request: Request, session: SessionDep, user: UserDep, form: FormDep, username: str) -> Response:
    """Change an account's role (its sessions end)."""
    t = _typed(form)
    return _account_change(request, session, user, form, lambda: accounts.set_role(
        session=session, username=username, role=t.get("role", ""), actor=user.username,
        municipality_code=t.get("municipality_code") or None,
        organisation=t.get("organisation"), by=user))


@staff_post(router, "/users/{username}/disabled", Action.MANAGE_USERS)
def change_disabled(request: Request, session: SessionDep, user: UserDep, form: FormDep, username: str) -> Response:
    """Disable (sessions end at once) or enable an account."""
    return _account_change(request, session, user, form, lambda: accounts.set_disabled(
        session=session, username=username, disabled=form.get("disabled") == "1", actor=user.username,
        by=user))


@staff_post(router, "/users/{username}/password", Action.MANAGE_USERS)
def change_password(request: Request, session: SessionDep, user: UserDep, form: FormDep, username: str) -> Response:
    """Set a new password (the account's sessions end at once)."""
    return _account_change(request, session, user, form, lambda: accounts.reset_password(
        session=session, username=username, password=str(form.get("password", "")), actor=user.username,
        by=user))


@staff_post(router, "/users/{username}/assignment", Action.MANAGE_USERS)
def change_assignment(request: Request, session: SessionDep, user: UserDep, form: FormDep, username: str) -> Response:
    """Assign an editor to a project, or take it away."""
    try:
        project_id = int(str(form.get("project_id", "")))
    except ValueError:
        return _users_page(request, session, user, {"project": "事業を選んでください / choose a project"},
                           status_code=422)
    return _account_change(request, session, user, form, lambda: accounts.set_project_assignment(
        session=session, username=username, project_id=project_id, assigned=form.get("assigned") != "0",
        actor=user.username, by=user))


def _rounds_page(request: Request, session: Session, user: StaffUser, errors: dict[str, str] | None = None,
                 typed: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render_staff(request, "staff/admin_rounds.html", {
        "space": staff_workspace(request, session, user), "errors": errors or {}, "typed": typed or {},
    }, user, status_code=status_code)


def _rounds_again(request: Request, session: Session, user: StaffUser) -> PageAgain:
    return lambda state, code: _rounds_page(request, session, user, state.errors, state.typed, code)


@router.get("/rounds", include_in_schema=False)
def rounds(request: Request, session: SessionDep,
           user: Annotated[StaffUser, Depends(allow(Action.MANAGE_ROUNDS))]) -> Response:
    """List the reporting rounds and the form to open one."""
    return _rounds_page(request, session, user)


@staff_post(router, "/rounds", Action.MANAGE_ROUNDS)
def start_round(request: Request, session: SessionDep, user: UserDep, form: FormDep) -> Response:
    """Open a reporting round for a fiscal year with a due date."""
    t = _typed(form)
    errors: dict[str, str] = {}
    year = read_fiscal_year(t.get("fiscal_year", ""))
    if year is None:
        errors["fiscal_year"] = "年度を 2026・令和8年度・R8 のように入力してください / enter a fiscal year"
    try:
        due = date.fromisoformat(t.get("due_date", ""))
    except ValueError:
        errors["due_date"] = "期限を選んでください（YYYY-MM-DD） / choose a due date"
    if errors or year is None:
        return _rounds_page(request, session, user, errors, t, 422)
    refused = answer_refusal(session, lambda: open_round(
        session=session, plan_id=staff_workspace(request, session, user).plan.id, fiscal_year=year, due_date=due,
        actor=user.username, note=t.get("note") or None), _rounds_again(request, session, user), typed=t)
    return refused or RedirectResponse("/staff/admin/rounds", status_code=303)


@staff_post(router, "/rounds/{year}/close", Action.MANAGE_ROUNDS)
def end_round(request: Request, session: SessionDep, user: UserDep, year: int) -> Response:
    """Close a round."""
    refused = answer_refusal(session, lambda: close_round(
        session=session, plan_id=staff_workspace(request, session, user).plan.id, fiscal_year=year,
        actor=user.username), _rounds_again(request, session, user))
    return refused or RedirectResponse("/staff/admin/rounds", status_code=303)


@router.get("/audit.csv", include_in_schema=False)
def audit_csv(session: SessionDep, user: Annotated[StaffUser, Depends(allow(Action.EXPORT_AUDIT))]) -> Response:
    """Download the audit trail as CSV: the whole trail for an admin of every area, else its area's part."""
    return StreamingResponse(export_audit(session=session, format="csv", area_id=user.area_id),
                             media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"',
                                      "Cache-Control": NO_STORE})


