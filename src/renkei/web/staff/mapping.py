"""The staff page for earlier years' figures from an area's own sheet: upload, the mapping as a form, preview, import.

One form walks the steps (``step``): ``upload`` keeps the file (``store.actuals_mappings.keep_upload``: the steps
that follow find it by a token, on any worker) and proposes the mapping — the area's saved one for the same header,
or a fresh guess; ``preview`` reads the file with the mapping as the form now says (one select per column, one per
row whose KPI is not certain); ``import`` stores the figures into review, marked historical; ``save`` keeps the
mapping under a name for the next file. The form is received on the event loop; reading, previewing and writing run
in the worker's thread (plain ``def``), within the upload limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from renkei.domain.actuals_mapping import (
    ActualsMapping,
    ColumnRole,
    KpiChoice,
    MappingError,
    column_letter,
)
from renkei.domain.permission import Action
from renkei.reading.input_limits import UPLOAD, check_file_size
from renkei.reading.sheet_table import Table, read_table
from renkei.services.accounts import StaffUser
from renkei.services.actuals_mapping import (
    MappingNameError,
    MappingPreview,
    plan_kpis,
    propose,
    run_mapping,
    save,
    saved_mappings,
)
from renkei.services.workflow import FormErrors
from renkei.store import actuals_mappings as uploads
from renkei.web.rendering import SessionDep
from renkei.web.staff.auth import FormDep, UserDep, allow, staff_post
from renkei.web.staff.pages import render_staff
from renkei.web.staff.refusals import FILE_FIELD, EntryState, answer_refusal, read_step, typed_fields
from renkei.web.staff.upload import FORM_OVERHEAD
from renkei.web.staff.views import ColumnChoice, RowChoice
from renkei.web.staff.workspace import staff_workspace

router = APIRouter(prefix="/staff")
#: A select's value for a row to leave out (合計, a KPI of another plan).
LEAVE_OUT = "skip"
#: How many years before the plan's first a year column may be set to.
EARLIER_YEARS = 8
#: The most columns the form offers a choice for (a sheet's further columns are not used; the command reads any).
FORM_COLUMNS = 200
#: The most rows confirmed by hand one form sends.
FORM_ROWS = 5000


@dataclass
class _Taken:
    """What a step found: the kept file, its table, the preview and the plan's KPIs (for the page after it)."""

    token: str = ""
    file_name: str = ""
    table: Table | None = None
    mapping: ActualsMapping | None = None
    preview: MappingPreview | None = None
    kpis: tuple[KpiChoice, ...] = ()
    saved_as: str | None = None


class MappingStep(StrEnum):
    """A step of the mapping form."""

    UPLOAD = "upload"
    SHEET = "sheet"  # propose again for another worksheet of the kept workbook
    PREVIEW = "preview"
    IMPORT = "import"
    SAVE = "save"


def _page(request: Request, session: Session, user: StaffUser, *, status_code: int = 200,
          errors: dict[str, str] | None = None, token: str = "", file_name: str = "", table: Table | None = None,
          preview: MappingPreview | None = None, kpis: Sequence[KpiChoice] = (), saved_as: str | None = None,
          typed: dict[str, str] | None = None, mapping: ActualsMapping | None = None) -> Response:
    space = staff_workspace(request, session, user)
    columns: list[ColumnChoice] = []
    rows: list[RowChoice] = []
    mapping = preview.mapping if preview is not None else mapping
    if mapping is not None and table is not None:
        header = table.header(mapping.header_row)
        for index in range(min(FORM_COLUMNS, max(len(header), max((c.column + 1 for c in mapping.columns),
                                                                  default=0)))):
            given = mapping.role_of(index)
            selected = "ignore" if given is None else (
                f"value:{given.fiscal_year}" if given.fiscal_year is not None else given.role.value)
            columns.append(ColumnChoice(index, column_letter(index), header[index] if index < len(header) else "",
                                        selected))
        labels = {kpi: number for number, kpi in enumerate(kpis)}
        if preview is None:  # the form shown again: the rows confirmed by hand stay as they were chosen
            rows.extend(RowChoice(0, key, key, LEAVE_OUT if kpi is None else str(labels.get(kpi, "")), None,
                                  kpi.label if kpi else "") for key, kpi in mapping.matches)
        for match in preview.sheet.matches if preview is not None else ():
            if match.confirmed or match.kpi is None or (match.score or 0) < 100:
                chosen = "" if not match.confirmed else (LEAVE_OUT if match.kpi is None else str(labels.get(
                    match.kpi, "")))
                rows.append(RowChoice(match.row, match.key, match.written, chosen, match.score,
                                      match.kpi.label if match.kpi else ""))
    first, last = space.plan.first_year, space.plan.last_year
    return render_staff(request, "staff/mapping.html", {
        "space": space, "errors": errors or {}, "token": token, "file_name": file_name, "preview": preview,
        "mapping": mapping, "sheets": table.sheets if table is not None else (),
        "sheet": table.sheet if table is not None else None,
        "columns": columns, "rows": rows, "kpis": list(enumerate(kpis)), "roles": list(ColumnRole),
        "years": list(range(first - EARLIER_YEARS, last + 1)), "saved": saved_mappings(session=session,
                                                                                        plan_id=space.plan.id),
        "saved_as": saved_as, "typed": typed or {}, "leave_out": LEAVE_OUT,
    }, user, status_code=status_code)


@router.get("/mapping", include_in_schema=False)
def mapping_form(request: Request, session: SessionDep,
                 user: Annotated[StaffUser, Depends(allow(Action.UPLOAD_ACTUALS))]) -> Response:
    """Show the upload form and the area's saved mappings."""
    return _page(request, session, user)


def mapping_of_form(form: FormData, base: ActualsMapping, width: int, kpis: Sequence[KpiChoice]) -> ActualsMapping:
    """Return the mapping the form states: its header row, one role per column, the grade's year and rows by hand.

    A field that is not one of the form's own values is a malformed request (:class:`FormErrors`).
    """
    try:
        header_row = int(str(form.get("header_row", base.header_row)))
    except ValueError:
        raise FormErrors({"header_row": "見出しの行は数字で指定します / the header row is a number"}) from None
    mapping = replace(base, header_row=header_row, columns=())
    for index in range(min(width, FORM_COLUMNS)):
        value = str(form.get(f"col_{index}", "ignore"))
        role_text, _, year_text = value.partition(":")
        try:
            role = ColumnRole(role_text)
            year = int(year_text) if year_text else None
        except ValueError:
            raise FormErrors({f"col_{index}": f"{column_letter(index)}列の役割が分かりません / unknown role"}) from None
        mapping = mapping.with_column(index, role, year)
    grade_year = str(form.get("grade_year", ""))
    mapping = replace(mapping, grade_year=int(grade_year) if grade_year.isdigit() else None)
    count = str(form.get("row_count", "0"))
    for number in range(min(int(count), FORM_ROWS) if count.isdigit() else 0):
        key, chosen = str(form.get(f"row_key_{number}", "")), str(form.get(f"row_{number}", ""))
        if not key or not chosen:
            continue
        if chosen == LEAVE_OUT:
            mapping = mapping.with_match(key, None)
        elif chosen.isdigit() and int(chosen) < len(kpis):
            mapping = mapping.with_match(key, kpis[int(chosen)])
    return mapping


@staff_post(router, "/mapping", Action.UPLOAD_ACTUALS, max_body=UPLOAD.file_bytes + FORM_OVERHEAD)
def mapping_step(request: Request, session: SessionDep, user: UserDep, form: FormDep) -> Response:
    """Take one step of the mapping form (see the module)."""
    step = read_step(form, tuple(MappingStep))
    space = staff_workspace(request, session, user)
    plan_id = space.plan.id
    found = _Taken()
    typed = typed_fields(form)

    def again(state: EntryState, code: int) -> Response:
        # a mapping that cannot be read is shown again as the form stated it, beside its problem
        shown = found.mapping is not None and found.table is not None
        return _page(request, session, user, status_code=code, errors=state.errors, typed=typed,
                     token=found.token if shown else "", file_name=found.file_name, table=found.table,
                     mapping=found.mapping, kpis=found.kpis)

    def take() -> None:
        kpis = found.kpis = plan_kpis(session, plan_id)
        if step is MappingStep.UPLOAD:
            sent = form.get("file")
            if not isinstance(sent, UploadFile):
                raise FormErrors({FILE_FIELD: "ファイルを選んでください / choose a file"})
            data = sent.file.read(UPLOAD.file_bytes + 1)  # spooled by the form parser; this thread reads it
            check_file_size(len(data), UPLOAD)
            name = sent.filename or "upload"
            found.file_name = name
            table = read_table(data, name, UPLOAD)
            found.token = uploads.keep_upload(session=session, plan_id=plan_id, username=user.username,
                                                 file_name=name, data=data)
            session.commit()
            mapping, saved_name = propose(session=session, plan_id=plan_id, table=table, kpis=kpis)
            found.table, found.mapping = table, mapping
        else:
            kept = uploads.find_upload(session=session, token=str(form.get("token", "")), username=user.username)
            if kept is None or kept.plan_id != plan_id:
                raise FormErrors({FILE_FIELD: "ファイルの有効期限が切れました。もう一度選んでください / the file has "
                                              "expired; choose it again"})
            found.token, found.file_name = kept.token, kept.file_name
            sheet = str(form.get("sheet", "")) or None
            table = read_table(kept.data, kept.file_name, UPLOAD, sheet=sheet)
            if step is MappingStep.SHEET:
                mapping, saved_name = propose(session=session, plan_id=plan_id, table=table, kpis=kpis)
            else:
                mapping = replace(mapping_of_form(form, ActualsMapping(1, ()), table.width, kpis), sheet=sheet)
                saved_name = str(form.get("saved_name", "")) or None
            found.table, found.mapping = table, mapping
        try:
            mapping.check()
        except MappingError as exc:
            raise FormErrors({"mapping": str(exc)}) from None
        saved_as = None
        if step is MappingStep.SAVE:
            try:
                saved_as = save(session=session, plan_id=plan_id, name=str(form.get("name", "")), table=table,
                                mapping=mapping, actor=user.username, user=user)
            except MappingNameError as exc:
                raise FormErrors({"name": str(exc)}) from None
            saved_name = saved_as
        preview = run_mapping(session=session, plan_id=plan_id, table=table, mapping=mapping,
                              file_name=found.file_name, actor=user.username, user=user,
                              write=step is MappingStep.IMPORT, saved_name=saved_name)
        if step is MappingStep.IMPORT:
            uploads.drop_upload(session=session, token=found.token)
            session.commit()
        found.table, found.preview, found.kpis, found.saved_as = table, preview, kpis, saved_as

    refused = answer_refusal(session, take, again, typed=typed)
    if refused is not None:
        return refused
    assert found.preview is not None
    return _page(request, session, user, token="" if found.preview.written else found.token,
                 file_name=found.file_name, table=found.table, preview=found.preview, kpis=found.kpis,
                 saved_as=found.saved_as, typed=typed)

