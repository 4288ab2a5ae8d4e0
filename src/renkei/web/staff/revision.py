"""The admin page that imports a revision of the vision (一部改正): upload, preview the KPI changes, confirm.

One form route takes two steps: ``preview`` reads the uploaded document and runs the import as a dry run
(:func:`renkei.services.revision_import.preview_revision`); ``confirm`` imports the document the preview carried
back, checked against its SHA-256 and the plan version the preview saw (a stale preview: 409, nothing written).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.permission import Action
from renkei.domain.revision import Revision
from renkei.reading.document_text import decode_document
from renkei.reading.input_limits import UPLOAD, check_file_size
from renkei.services.accounts import StaffUser
from renkei.services.plan_import import ImportResult
from renkei.services.revision_import import (
    RevisionPreview,
    StalePreview,
    confirm_revision,
    normalise_newlines,
    preview_revision,
    read_revision_form,
)
from renkei.services.workflow import FormErrors
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import FormDep, UserDep, allow, staff_post
from renkei.web.staff.pages import render_staff
from renkei.web.staff.refusals import FILE_FIELD, EntryState, answer_refusal, read_step
from renkei.web.staff.workspace import Workspace, staff_workspace

router = APIRouter(prefix="/staff/admin")
#: What a multipart form adds to the document (boundaries, part headers, the fields).
FORM_OVERHEAD = 64 * 1024
#: The form's fields that describe the revision (typed back beside any error).
FIELDS = ("label", "revised_on", "in_force_from", "reason")
#: A confirmation without what the preview carried back.
AGAIN = "プレビューからやり直してください / preview the document again"


class Step(Enum):
    """What the form asks for."""

    PREVIEW = "preview"
    CONFIRM = "confirm"


def _page(request: Request, session: Session, user: StaffUser, *, space: Workspace | None = None,
          preview: RevisionPreview | None = None, document: str = "", done: ImportResult | None = None,
          errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
          status_code: int = 200) -> Response:
    return render_staff(request, "staff/admin_revision.html", {
        "space": space or staff_workspace(request, session, user), "preview": preview, "document": document,
        "done": done, "errors": errors or {}, "typed": typed or {}, "format_fiscal_year": format_fiscal_year,
    }, user, status_code=status_code)


@router.get("/revision", include_in_schema=False)
def revision_form(request: Request, session: SessionDep,
                  user: Annotated[StaffUser, Depends(allow(Action.IMPORT_REVISION))]) -> Response:
    """Show the form that previews a revised document."""
    return _page(request, session, user)


@staff_post(router, "/revision", Action.IMPORT_REVISION, max_body=2 * UPLOAD.file_bytes + FORM_OVERHEAD)
def revision(request: Request, session: SessionDep, user: UserDep, form: FormDep) -> Response:
    """Preview the revised document (a dry run of its import) or import the previewed one."""
    step = read_step(form, tuple(Step))
    typed = {name: str(form.get(name, "")) for name in FIELDS}
    space = staff_workspace(request, session, user)

    def again(state: EntryState, code: int) -> Response:
        return _page(request, session, user, space=space, errors=state.errors, typed=typed, status_code=code)

    read: list[Revision] = []
    refused = answer_refusal(session, lambda: read.append(read_revision_form(
        **typed, first_year=space.plan.first_year, last_year=space.plan.last_year)), again, typed=typed)
    if refused is not None:
        return refused
    if step is Step.PREVIEW:
        sent = form.get("file")
        if not isinstance(sent, UploadFile) or not sent.filename:
            return again(EntryState(errors={FILE_FIELD: "ファイルを選んでください / choose a file"}), 422)
        data = sent.file.read(UPLOAD.file_bytes + 1)  # spooled by the form parser; this thread reads it
        previewed: list[tuple[str, RevisionPreview]] = []

        def preview() -> None:
            check_file_size(len(data), UPLOAD)
            text = decode_document(data)
            previewed.append((text, preview_revision(session=session, plan=space.plan, text=text, revision=read[0],
                                                     actor=user.username)))

        refused = answer_refusal(session, preview, again, typed=typed)
        if refused is not None:
            return refused
        text, found = previewed[0]
        return _page(request, session, user, space=space, preview=found, document=normalise_newlines(text),
                     typed=typed)
    carried = form.get("document")
    if not isinstance(carried, str) or not carried:
        return again(EntryState(errors={FILE_FIELD: AGAIN}), 422)
    results: list[ImportResult] = []
    try:
        refused = answer_refusal(session, lambda: results.append(confirm_revision(
            session=session, plan=space.plan, text=carried, revision=read[0], digest=str(form.get("digest", "")),
            plan_version=_version(form), actor=user.username)), again, typed=typed)
    except StalePreview as exc:
        session.rollback()
        return again(EntryState(errors={FILE_FIELD: str(exc)}), 409)
    if refused is not None:
        return refused
    return _page(request, session, user, done=results[0])


def _version(form: FormData) -> int:
    """Return the plan version the preview saw (a form without it must be previewed again)."""
    try:
        return int(str(form.get("version", "")))
    except ValueError:
        raise FormErrors({FILE_FIELD: AGAIN}) from None
