"""The to-do list and the entry page of one KPI's figure: enter, submit, and (for reviewers) return or approve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.responses import RedirectResponse, Response

from renkei.domain.actual import ASSESSMENT_WORDS
from renkei.domain.permission import Action, Role, is_allowed
from renkei.domain.reporting_year import ReportingYears
from renkei.domain.share import takes_shares
from renkei.domain.workflow import RecordKind, Step, is_editable, steps_from
from renkei.services import workflow
from renkei.services.accounts import StaffUser
from renkei.services.actuals import current_fiscal_year
from renkei.services.rounds import TOTAL_PART, Part, ReportItem, build_items, own_part, report_item, to_do
from renkei.services.workflow import ActualInput, AssessmentInput
from renkei.store import repository
from renkei.store.actuals import actual_key
from renkei.store.audit import list_audit_events
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import FormDep, UserDep, allow, staff_post
from renkei.web.staff.pages import render_staff
from renkei.web.staff.refusals import (
    NO_FIGURE,
    EntryState,
    answer_refusal,
    found,
    read_number,
    read_step,
    typed_fields,
)
from renkei.web.staff.signin import safe_next
from renkei.web.staff.workspace import Workspace, staff_workspace

router = APIRouter(prefix="/staff")
#: The assessment words a form offers, in the domain's order (事業完了 and 中止, the state of the work, last).
ASSESSMENT_CHOICES = tuple(ASSESSMENT_WORDS)


def item_view(user: StaffUser, item: ReportItem, part: Part | None = None) -> dict[str, Any]:
    """Return what a user may do with one part of an item (by default the part the user reports)."""
    chosen = part if part is not None else own_part(user, item)
    target = item.target
    if chosen.municipality is None:
        may_enter = is_allowed(user.subject, Action.ENTER_TOTAL, target)
    else:
        may_enter = is_allowed(user.subject, Action.ENTER_SHARE, replace(target, municipality_code=chosen.municipality))
    may_enter = may_enter and is_allowed(user.subject, Action.ENTER_ACTUAL, target)
    return {
        "part": chosen,
        "can_enter": may_enter and is_editable(chosen.status) and item.open,
        "can_review": is_allowed(user.subject, Action.REVIEW_ACTUAL, target) and item.open,
        "review_steps": [s.value for s in steps_from(chosen.status) if s not in (Step.SAVE, Step.SUBMIT)],
        "can_set_rule": is_allowed(user.subject, Action.SET_SHARE_RULE, target) and item.kind is RecordKind.ACTUAL
        and takes_shares(item.kpi) and len(item.partner_codes) > 1,
    }


@router.get("", include_in_schema=False)
def show_to_do(request: Request, session: SessionDep,
               actor: Annotated[StaffUser, Depends(allow(Action.VIEW_WORKSPACE))],
               year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
               saved: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """Show the user's to-do list for the open round: last year's value and the target beside each input."""
    space = staff_workspace(request, session, actor, year)
    items: list[ReportItem] = []
    if space.round is not None:
        plan = repository.load_plan(session=session, plan_id=space.plan.id)
        items = to_do(actor, build_items(session, space.plan.id, plan, space.round.fiscal_year, space.round.due_date,
                                         _today()))
    return render_staff(request, "staff/todo.html", {
        "space": space, "items": [(i, item_view(actor, _opened(i, space))) for i in items],
        "choices": ASSESSMENT_CHOICES, "saved": _saved_notice(saved, space),
    }, actor)


def _today() -> date:
    return date.today()


def _opened(item: ReportItem, space: Workspace) -> ReportItem:
    """Mark whether the item's year has an open round (a closed year is shown, never entered)."""
    return replace(item, open=any(r.open and r.fiscal_year == item.fiscal_year for r in space.rounds))


def _saved_notice(saved: str | None, space: Workspace) -> dict[str, str] | None:
    """Read the ``saved`` query (``<step>-<year>-<part>``) a save redirects with: what to confirm on the page."""
    if not saved:
        return None
    step, _, rest = saved.partition("-")
    year_text, _, part = rest.partition("-")
    if step not in ("save", "submit") or not year_text.isdigit():
        return None
    who = space.member_name(part) if part and part != TOTAL_PART else ""
    return {"step": step, "year": year_text, "who": who}


def _part_key(text: str | None, user: StaffUser, item: ReportItem) -> Part:
    if text in (None, ""):
        return own_part(user, item)
    if text == TOTAL_PART:
        return item.total
    if text not in item.partner_codes:
        raise HTTPException(status_code=404, detail="この団体の内訳はありません / no such share")
    return item.part(text)


def _entry_page(request: Request, session: SessionDep, user: StaffUser, kpi_id: int, year: int,
                state: EntryState, part: str | None = None, status_code: int = 200,
                saved: str | None = None) -> Response:
    space = staff_workspace(request, session, user)
    due = next((r.due_date for r in space.rounds if r.fiscal_year == year), None)
    item = _opened(found(lambda: report_item(session=session, kpi_id=kpi_id, fiscal_year=year, due_date=due),
                         NO_FIGURE), space)
    if not (is_allowed(user.subject, Action.ENTER_ACTUAL, item.target) or is_allowed(
            user.subject, Action.REVIEW_ACTUAL, item.target) or (user.role is not Role.MUNICIPALITY and is_allowed(
            user.subject, Action.VIEW_BOARD, item.target))):
        raise HTTPException(status_code=403, detail="この指標を見る権限がありません / you may not see this figure")
    chosen = _part_key(part, user, item)
    if user.role is Role.MUNICIPALITY and chosen.municipality != user.municipality_code:
        raise HTTPException(status_code=403, detail="自団体の内訳だけを見られます / you see your own share only")
    entity = "assessment" if item.kind is RecordKind.ASSESSMENT else "actual"
    key = f"{kpi_id}/{year}" if entity == "assessment" else actual_key(kpi_id, year, None, chosen.municipality)
    events = list_audit_events(session=session, entity=entity, entity_key=key)
    round_open = any(r.open and r.fiscal_year == year for r in space.rounds)
    parts = [item.total, *(item.part(c) for c in _share_codes(item, space))]
    if user.role is Role.MUNICIPALITY:
        parts = [p for p in parts if p.municipality == user.municipality_code]
    return render_staff(request, "staff/entry.html", {
        "space": space, "item": item, "view": item_view(user, item, chosen), "state": state, "parts": parts,
        "choices": ASSESSMENT_CHOICES, "round_open": round_open, "saved": _saved_notice(saved, space),
        "year_refusal": None if round_open else ReportingYears.of(current_fiscal_year(), [
            r.fiscal_year for r in space.rounds if r.open]).refusal(year),
        "events": [e for e in events if e.field in ("review_status", None)],
    }, user, status_code=status_code)


def _share_codes(item: ReportItem, space: Workspace) -> list[str]:
    """Return the municipalities whose share the entry page lists: those owing one, and any that reported."""
    order = [m.code for m in space.members]
    codes = set(item.shares) | set(item.rule.owed)
    return sorted(codes, key=lambda c: (order.index(c) if c in order else len(order), c))


@router.get("/kpis/{kpi_id}/{year}", include_in_schema=False)
def show_entry(request: Request, session: SessionDep, user: UserDep, kpi_id: int, year: int,
               part: Annotated[str | None, Query(max_length=10)] = None,
               saved: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """Show one KPI's figure for a year: its parts, the form to enter one, and the review actions."""
    return _entry_page(request, session, user, kpi_id, year, EntryState(), part, saved=saved)


def _form_part(typed: dict[str, str]) -> str | None:
    part = typed.get("part") or TOTAL_PART
    return None if part == TOTAL_PART else part


def _after_save(typed: dict[str, str], kpi_id: int, year: int, step: Step, part: str | None) -> str:
    """Return where a saved form goes: back where it came from, saying which year (and part) was saved."""
    saved = f"saved={step.value}-{year}-{part or TOTAL_PART}"
    target = typed.get("next")
    if target:
        path = safe_next(target)
        return f"{path}{'&' if '?' in path else '?'}{saved}#item-{kpi_id}-{year}"
    query = f"?part={part}&{saved}" if part else f"?{saved}"
    return f"/staff/kpis/{kpi_id}/{year}{query}"


def _run_step(request: Request, session: SessionDep, user: StaffUser, kpi_id: int, year: int, typed: dict[str, str],
              part: str | None, step: Callable[[], object]) -> Response | None:
    """Take a step of a KPI's figure; a refusal is answered as on every staff page (``refusals``), with this KPI's
    entry page drawn again. None means the step was taken (and committed) and the route redirects."""
    return answer_refusal(session, step, lambda state, code: _entry_page(
        request, session, user, kpi_id, year, state, part or TOTAL_PART, code), typed=typed, missing=NO_FIGURE)


@staff_post(router, "/kpis/{kpi_id}/{year}/enter", Action.ENTER_ACTUAL)
def enter(request: Request, session: SessionDep, user: UserDep, form: FormDep, kpi_id: int, year: int) -> Response:
    """Save or submit one part of a KPI's figure; errors come back beside the fields with what was typed."""
    step = read_step(form, (Step.SAVE, Step.SUBMIT))
    typed = typed_fields(form)
    part = _form_part(typed)

    def take() -> object:
        if report_item(session=session, kpi_id=kpi_id, fiscal_year=year).kind is RecordKind.ASSESSMENT:
            return workflow.enter_assessment(
                session=session, user=user, kpi_id=kpi_id, fiscal_year=year, step=step,
                expected_version=read_number(form, "version"),
                data=AssessmentInput(typed.get("word", ""), typed.get("evidence", ""), typed.get("comment", ""),
                                     typed.get("note", "")))
        return workflow.enter_actual(
            session=session, user=user, kpi_id=kpi_id, fiscal_year=year, part=part, step=step,
            expected_version=read_number(form, "version"),
            data=ActualInput(typed.get("value", ""), typed.get("note", ""), typed.get("comment", ""),
                             typed.get("evidence", "")))

    refused = _run_step(request, session, user, kpi_id, year, typed, part, take)
    return refused or RedirectResponse(_after_save(typed, kpi_id, year, step, part), status_code=303)


@staff_post(router, "/kpis/{kpi_id}/{year}/review", Action.REVIEW_ACTUAL)
def review(request: Request, session: SessionDep, user: UserDep, form: FormDep, kpi_id: int, year: int) -> Response:
    """Return (with a comment), approve or reopen (with a reason) one part of a KPI's figure."""
    step = read_step(form, (Step.RETURN, Step.APPROVE, Step.REOPEN))
    typed = typed_fields(form)
    part = _form_part(typed)

    def take() -> object:
        if report_item(session=session, kpi_id=kpi_id, fiscal_year=year).kind is RecordKind.ASSESSMENT:
            return workflow.review_assessment(session=session, user=user, kpi_id=kpi_id, fiscal_year=year, step=step,
                                              comment=typed.get("review_comment", ""),
                                              expected_version=read_number(form, "version"))
        return workflow.review_actual(session=session, user=user, kpi_id=kpi_id, fiscal_year=year, part=part,
                                      step=step, comment=typed.get("review_comment", ""),
                                      expected_version=read_number(form, "version"))

    refused = _run_step(request, session, user, kpi_id, year, typed, part, take)
    back = f"/staff/kpis/{kpi_id}/{year}" + (f"?part={part}" if part else "")
    return refused or RedirectResponse(safe_next(typed.get("next") or back), status_code=303)


@staff_post(router, "/kpis/{kpi_id}/share-rule", Action.SET_SHARE_RULE)
def share_rule(request: Request, session: SessionDep, user: UserDep, form: FormDep, kpi_id: int) -> Response:
    """Choose how a KPI's figure is made: the lead city's total, or the sum of every partner's share."""
    typed = typed_fields(form)
    year = int(typed["year"]) if typed.get("year", "").isdigit() else 0
    refused = _run_step(request, session, user, kpi_id, year, typed, None, lambda: workflow.set_share_mode(
        session=session, user=user, kpi_id=kpi_id, mode=typed.get("share_mode", "")))
    return refused or RedirectResponse(f"/staff/kpis/{kpi_id}/{year}", status_code=303)
