"""The review board page and its CSV: who still owes what, per municipality and per project."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from renkei.domain.permission import Action, Role
from renkei.domain.workflow import ReviewStatus
from renkei.services.accounts import StaffUser, list_staff
from renkei.services.board import Board, BoardFilter, board_csv, build_board
from renkei.services.rounds import build_items
from renkei.store import repository
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import allow
from renkei.web.staff.pages import NO_STORE, render_staff
from renkei.web.staff.workspace import Workspace, staff_workspace

router = APIRouter(prefix="/staff")
Viewer = Annotated[StaffUser, Depends(allow(Action.VIEW_BOARD))]


def _filter(status: str | None, municipality: str | None, project: str | None, overdue: str | None) -> BoardFilter:
    chosen = next((s for s in ReviewStatus if s.value == status), None)
    return BoardFilter(status=chosen, municipality=municipality or None, project=project or None,
                       overdue=overdue in ("1", "on", "true"))


def _board(request: Request, session: SessionDep, user: StaffUser, year: int | None,
           chosen: BoardFilter) -> tuple[Workspace, Board]:
    space = staff_workspace(request, session, user, year)
    items = []
    if space.round is not None:
        plan = repository.load_plan(session=session, plan_id=space.plan.id)
        items = build_items(session, space.plan.id, plan, space.round.fiscal_year, space.round.due_date, date.today())
    visible = None
    if user.role is Role.MUNICIPALITY:  # its own row and the projects it takes part in, nothing of the others
        code = user.municipality_code or ""
        items = [i for i in items if code in i.partner_codes]
        visible = frozenset({code})
    owners = {u.id: u.organisation or u.label for u in list_staff(session=session, by=user)}
    return space, build_board(items, space.members, chosen, visible, owners)


Year = Annotated[int | None, Query(ge=1900, le=2200)]
Text = Annotated[str | None, Query(max_length=100)]


@router.get("/board", include_in_schema=False)
def show_board(request: Request, session: SessionDep, user: Viewer, year: Year = None, status: Text = None,
               municipality: Text = None, project: Text = None, overdue: Text = None) -> Response:
    """Show the board of the open round (or ``year``), filtered."""
    chosen = _filter(status, municipality, project, overdue)
    space, board = _board(request, session, user, year, chosen)
    return render_staff(request, "staff/board.html", {"space": space, "board": board, "chosen": chosen,
                                                      "query": request.url.query}, user)


@router.get("/board.csv", include_in_schema=False)
def board_as_csv(request: Request, session: SessionDep, user: Viewer, year: Year = None, status: Text = None,
                 municipality: Text = None, project: Text = None, overdue: Text = None) -> Response:
    """Download the filtered board, one line per figure (UTF-8 with BOM)."""
    space, board = _board(request, session, user, year, _filter(status, municipality, project, overdue))
    names = {m.code: m.name for m in space.members}
    return Response(board_csv(board, names), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="review-board.csv"', "Cache-Control": NO_STORE})
