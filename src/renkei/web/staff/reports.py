"""The to-do list and the entry page of one KPI's figure: enter, submit, and (for reviewers) return or approve."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from renkei.domain.permission import Action, Role, Target, is_allowed
from renkei.domain.workflow import RecordKind, Step, is_editable, steps_from
from renkei.services import workflow
from renkei.services.accounts import StaffUser
from renkei.services.rounds import ReportItem, build_items, report_item, to_do
from renkei.services.workflow import ActualInput, AssessmentInput, ConflictError, FormErrors, WorkflowDenied
from renkei.store import repository
from renkei.store.actuals import actual_key
from renkei.store.audit import list_audit_events
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import UserDep, allow, staff_post
from renkei.web.staff.pages import render_staff
from renkei.web.staff.signin import safe_next
from renkei.web.staff.workspace import Workspace, load_workspace

router = APIRouter(prefix="/staff")
ASSESSMENT_CHOICES = ("達成", "順調", "概ね順調", "一部達成", "遅れ", "未着手", "未達成")


@dataclass
class EntryState:
    """What the entry form shows besides the record: typed values, errors and a conflict."""

    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    conflict: ConflictError | None = None


def share_codes(user: StaffUser, item: ReportItem, space: Workspace) -> list[str]:
    """Return the municipalities whose share the user may enter on this item, in the area's order."""
    order = [m.code for m in space.members]
    codes = sorted(item.partner_codes, key=lambda c: order.index(c) if c in order else len(order))
    return [c for c in codes if is_allowed(user.subject, Action.ENTER_SHARE, Target(
        item.project_id, item.partner_codes, item.assigned, c))]


def item_view(user: StaffUser, item: ReportItem) -> dict[str, Any]:
    """Return what a user may do with an item."""
    return {
        "can_enter": is_allowed(user.subject, Action.ENTER_ACTUAL, item.target) and is_editable(item.status),
        "can_review": is_allowed(user.subject, Action.REVIEW_ACTUAL, item.target),
        "review_steps": [s.value for s in steps_from(item.status) if s not in (Step.SAVE, Step.SUBMIT)],
    }


@router.get("", include_in_schema=False)
def show_to_do(request: Request, session: SessionDep,
               actor: Annotated[StaffUser, Depends(allow(Action.VIEW_WORKSPACE))],
               year: Annotated[int | None, Query(ge=1900, le=2200)] = None) -> Response:
    """Show the user's to-do list for the open round: last year's value and the target beside each input."""
    space = load_workspace(session, year)
    items: list[ReportItem] = []
    if space.round is not None:
        plan = repository.load_plan(session=session, plan_id=space.plan.id)
        items = to_do(actor, build_items(session, space.plan.id, plan, space.round.fiscal_year, space.round.due_date,
                                         _today()))
    return render_staff(request, "staff/todo.html", {
        "space": space, "items": [(i, item_view(actor, i)) for i in items], "choices": ASSESSMENT_CHOICES,
    }, actor)


def _today() -> date:
    return date.today()


def _entry_page(request: Request, session: SessionDep, user: StaffUser, kpi_id: int, year: int,
                state: EntryState, status_code: int = 200) -> Response:
    space = load_workspace(session)
    due = space.round.due_date if space.round and space.round.fiscal_year == year else None
    try:
        item = report_item(session=session, kpi_id=kpi_id, fiscal_year=year, due_date=due)
    except LookupError:
        raise HTTPException(status_code=404, detail="この指標の報告はありません / no such figure") from None
    if not (is_allowed(user.subject, Action.ENTER_ACTUAL, item.target) or is_allowed(
            user.subject, Action.REVIEW_ACTUAL, item.target) or (user.role is not Role.MUNICIPALITY and is_allowed(
            user.subject, Action.VIEW_BOARD, item.target))):
        raise HTTPException(status_code=403, detail="この指標を見る権限がありません / you may not see this figure")
    entity = "assessment" if item.kind is RecordKind.ASSESSMENT else "actual"
    key = f"{kpi_id}/{year}" if entity == "assessment" else actual_key(kpi_id, year, None)
    events = list_audit_events(session=session, entity=entity, entity_key=key)
    return render_staff(request, "staff/entry.html", {
        "space": space, "item": item, "view": item_view(user, item), "state": state,
        "shares": share_codes(user, item, space), "choices": ASSESSMENT_CHOICES,
        "events": [e for e in events if e.field in ("review_status", None)],
    }, user, status_code=status_code)


@router.get("/kpis/{kpi_id}/{year}", include_in_schema=False)
def show_entry(request: Request, session: SessionDep, user: UserDep, kpi_id: int, year: int) -> Response:
    """Show one KPI's figure for a year: the form to enter it, and the review actions."""
    return _entry_page(request, session, user, kpi_id, year, EntryState())


def _step(form: FormData, allowed: tuple[Step, ...]) -> Step:
    try:
        step = Step(str(form.get("step", "")))
    except ValueError:
        raise HTTPException(status_code=400, detail="操作が分かりません / unknown step") from None
    if step not in allowed:
        raise HTTPException(status_code=400, detail="操作が分かりません / unknown step")
    return step


def _version(form: FormData) -> int:
    try:
        return int(str(form.get("version", "0")))
    except ValueError:
        raise HTTPException(status_code=400, detail="version") from None


@staff_post(router, "/kpis/{kpi_id}/{year}/enter", Action.ENTER_ACTUAL)
async def enter(request: Request, session: SessionDep, user: UserDep, kpi_id: int, year: int) -> Response:
    """Save or submit a KPI's figure; errors come back beside the fields with what was typed."""
    form = await request.form()
    step = _step(form, (Step.SAVE, Step.SUBMIT))
    typed = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        item = report_item(session=session, kpi_id=kpi_id, fiscal_year=year)
        if item.kind is RecordKind.ASSESSMENT:
            workflow.enter_assessment(
                session=session, user=user, kpi_id=kpi_id, step=step, expected_version=_version(form),
                data=AssessmentInput(typed.get("fiscal_year", str(year)), typed.get("word", ""),
                                     typed.get("evidence", ""), typed.get("comment", "")))
        else:
            shares = {k.removeprefix("share_"): v for k, v in typed.items() if k.startswith("share_")}
            workflow.enter_actual(
                session=session, user=user, kpi_id=kpi_id, step=step, expected_version=_version(form),
                data=ActualInput(typed.get("fiscal_year", str(year)), typed.get("value", ""), typed.get("note", ""),
                                 typed.get("evidence", ""), shares))
    except WorkflowDenied:
        session.rollback()
        raise HTTPException(status_code=403, detail="この操作の権限がありません / you may not do this") from None
    except LookupError:
        raise HTTPException(status_code=404, detail="この指標の報告はありません / no such figure") from None
    except FormErrors as exc:
        session.rollback()
        return _entry_page(request, session, user, kpi_id, year, EntryState(typed, exc.errors), 422)
    except ConflictError as exc:
        session.rollback()
        return _entry_page(request, session, user, kpi_id, year, EntryState(typed, conflict=exc), 409)
    return RedirectResponse(safe_next(typed.get("next")) + f"#item-{kpi_id}-{year}", status_code=303)


@staff_post(router, "/kpis/{kpi_id}/{year}/review", Action.REVIEW_ACTUAL)
async def review(request: Request, session: SessionDep, user: UserDep, kpi_id: int, year: int) -> Response:
    """Return (with a comment), approve or reopen (with a reason) a KPI's figure."""
    form = await request.form()
    step = _step(form, (Step.RETURN, Step.APPROVE, Step.REOPEN))
    typed = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        item = report_item(session=session, kpi_id=kpi_id, fiscal_year=year)
        run = workflow.review_assessment if item.kind is RecordKind.ASSESSMENT else workflow.review_actual
        run(session=session, user=user, kpi_id=kpi_id, fiscal_year=year, step=step,
            comment=typed.get("review_comment", ""), expected_version=_version(form))
    except WorkflowDenied:
        session.rollback()
        raise HTTPException(status_code=403, detail="この操作の権限がありません / you may not do this") from None
    except LookupError:
        raise HTTPException(status_code=404, detail="この指標の報告はありません / no such figure") from None
    except FormErrors as exc:
        session.rollback()
        return _entry_page(request, session, user, kpi_id, year, EntryState(typed, exc.errors), 422)
    except ConflictError as exc:
        session.rollback()
        return _entry_page(request, session, user, kpi_id, year, EntryState(typed, conflict=exc), 409)
    return RedirectResponse(safe_next(typed.get("next") or f"/staff/kpis/{kpi_id}/{year}"), status_code=303)
