"""Sending an actuals sheet from the browser (into the review workflow), and the preview with pending values."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.responses import Response

from renkei.domain.permission import Action
from renkei.reading.actuals import ActualsSheet, read_actuals_csv, read_actuals_xlsx
from renkei.reading.document_text import decode_document
from renkei.reading.input_limits import UPLOAD, check_file_size
from renkei.services.accounts import StaffUser
from renkei.services.actuals import ActualsImportReport, import_actuals
from renkei.services.progress import evaluate_stored_plan
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import FormDep, UserDep, allow, staff_post
from renkei.web.staff.pages import render_staff
from renkei.web.staff.refusals import FILE_FIELD, EntryState, answer_refusal
from renkei.web.staff.workspace import staff_workspace

router = APIRouter(prefix="/staff")
#: What a multipart form adds to the file (boundaries, part headers, the CSRF token, the check box).
FORM_OVERHEAD = 64 * 1024


def _page(request: Request, user: StaffUser, report: ActualsImportReport | None = None, error: str | None = None,
          status_code: int = 200) -> Response:
    return render_staff(request, "staff/upload.html", {"report": report, "error": error}, user,
                        status_code=status_code)


@router.get("/upload", include_in_schema=False)
def upload_form(request: Request, user: Annotated[StaffUser, Depends(allow(Action.UPLOAD_ACTUALS))]) -> Response:
    """Show the upload form."""
    return _page(request, user)


@staff_post(router, "/upload", Action.UPLOAD_ACTUALS, max_body=UPLOAD.file_bytes + FORM_OVERHEAD)
def upload(request: Request, session: SessionDep, user: UserDep, form: FormDep) -> Response:
    """Read the sheet and submit the user's rows; rows for others are reported by row number.

    The form is received on the event loop (``FormDep``); reading the sheet and writing the rows run in this worker
    thread (a plain ``def``), so that the public portal never waits for an upload.
    """
    sent = form.get("file")
    if not isinstance(sent, UploadFile):
        return _page(request, user, error="ファイルを選んでください / choose a file", status_code=422)
    data = sent.file.read(UPLOAD.file_bytes + 1)  # spooled by the form parser; this thread reads it
    return _read_and_submit(request, session, user, data, sent.filename or "", form.get("skip_invalid") == "1")


def read_uploaded_sheet(data: bytes, name: str) -> ActualsSheet:
    """Read an uploaded actuals sheet (xlsx or CSV) within the upload limits (:data:`UPLOAD`)."""
    check_file_size(len(data), UPLOAD)
    if data.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xlsm")):
        return read_actuals_xlsx(data, UPLOAD)
    return read_actuals_csv(decode_document(data), UPLOAD)


def _read_and_submit(request: Request, session: Session, user: StaffUser, data: bytes, name: str,
                     skip_invalid: bool) -> Response:
    """Read the sheet and import it; a refused file gets the page with the message (``refusals``: 413 over a limit,
    422 for a file that is not an actuals sheet), naming the file."""
    read: list[ActualsSheet] = []

    def again(state: EntryState, code: int) -> Response:
        message = state.errors.get(FILE_FIELD, "")
        return _page(request, user, error=f"「{name}」: {message}" if name else message, status_code=code)

    refused = answer_refusal(session, lambda: read.append(read_uploaded_sheet(data, name)), again)
    if refused is not None:
        return refused
    space = staff_workspace(request, session, user)
    report = import_actuals(session=session, plan_id=space.plan.id, sheet=read[0], actor=user.username,
                            skip_invalid=skip_invalid, user=user)
    return _page(request, user, report, status_code=422 if report.aborted else 200)


@router.get("/preview", include_in_schema=False)
def preview(request: Request, session: SessionDep,
            user: Annotated[StaffUser, Depends(allow(Action.VIEW_DRAFTS))]) -> Response:
    """Show progress with pending values (drafts, submissions, returns), clearly marked as a preview."""
    space = staff_workspace(request, session, user)
    year = space.round.fiscal_year if space.round else None
    progress = evaluate_stored_plan(session, space.plan.id, year, include_pending=True)
    kpis = list(progress.kpis)
    if user.municipality_code:
        kpis = [k for k in kpis if user.municipality_code in k.project.partners.codes]
    return render_staff(request, "staff/preview.html", {"progress": progress, "kpis": kpis}, user)

