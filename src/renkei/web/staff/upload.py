"""Sending an actuals sheet from the browser (into the review workflow), and the preview with pending values."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from renkei.domain.permission import Action
from renkei.reading.actuals import ActualsReadError, read_actuals_csv, read_actuals_xlsx
from renkei.reading.sheet import PlanReadError, decode_document
from renkei.services.accounts import StaffUser
from renkei.services.actuals import ActualsImportReport, import_actuals
from renkei.services.progress import evaluate_stored_plan
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import FormDep, UserDep, allow, staff_post
from renkei.web.staff.pages import render_staff
from renkei.web.staff.workspace import load_workspace

router = APIRouter(prefix="/staff")
#: The largest sheet accepted (a plan's whole template is far smaller).
MAX_UPLOAD = 5 * 1024 * 1024


def _page(request: Request, user: StaffUser, report: ActualsImportReport | None = None, error: str | None = None,
          status_code: int = 200) -> Response:
    return render_staff(request, "staff/upload.html", {"report": report, "error": error}, user,
                        status_code=status_code)


@router.get("/upload", include_in_schema=False)
def upload_form(request: Request, user: Annotated[StaffUser, Depends(allow(Action.UPLOAD_ACTUALS))]) -> Response:
    """Show the upload form."""
    return _page(request, user)


@staff_post(router, "/upload", Action.UPLOAD_ACTUALS)
def upload(request: Request, session: SessionDep, user: UserDep, form: FormDep) -> Response:
    """Read the sheet and submit the user's rows; rows for others are reported by row number."""
    sent = form.get("file")
    if not isinstance(sent, UploadFile):
        return _page(request, user, error="ファイルを選んでください / choose a file", status_code=422)
    data = sent.file.read(MAX_UPLOAD + 1)  # spooled by the form parser; this thread reads it
    if len(data) > MAX_UPLOAD:
        return _page(request, user, error="ファイルが大きすぎます（5MBまで） / the file is too large (5 MB)",
                     status_code=413)
    name = sent.filename or ""
    try:
        is_xlsx = data.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xlsm"))
        sheet = read_actuals_xlsx(data) if is_xlsx else read_actuals_csv(decode_document(data))
    except (ActualsReadError, PlanReadError) as exc:  # the message says what the file is, in both languages
        return _page(request, user, error=f"「{name}」: {exc}" if name else str(exc), status_code=422)
    space = load_workspace(session)
    report = import_actuals(session=session, plan_id=space.plan.id, sheet=sheet, actor=user.username,
                            skip_invalid=form.get("skip_invalid") == "1", user=user)
    return _page(request, user, report, status_code=422 if report.aborted else 200)


@router.get("/preview", include_in_schema=False)
def preview(request: Request, session: SessionDep,
            user: Annotated[StaffUser, Depends(allow(Action.VIEW_DRAFTS))]) -> Response:
    """Show progress with pending values (drafts, submissions, returns), clearly marked as a preview."""
    space = load_workspace(session)
    year = space.round.fiscal_year if space.round else None
    progress = evaluate_stored_plan(session, space.plan.id, year, include_pending=True)
    kpis = list(progress.kpis)
    if user.municipality_code:
        kpis = [k for k in kpis if user.municipality_code in k.project.partners.codes]
    return render_staff(request, "staff/preview.html", {"progress": progress, "kpis": kpis}, user)

