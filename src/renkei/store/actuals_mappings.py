"""Saved mappings of areas' own actuals sheets, and the files kept between the steps of the staff mapping page."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from renkei.store.audit import record_audit_event
from renkei.store.tables import PlanRow, now_utc
from renkei.store.workspace_tables import ActualsMappingRow, MappingUploadRow

#: How long a file sent to the mapping page is kept when it is never imported.
UPLOAD_KEPT_FOR = timedelta(days=1)


def area_id_of_plan(*, session: Session, plan_id: int) -> int:
    """Return the id of the area a plan belongs to; LookupError when there is no such plan."""
    area_id = session.scalar(select(PlanRow.area_id).where(PlanRow.id == plan_id))
    if area_id is None:
        raise LookupError(f"no plan with id {plan_id}")
    return area_id


def save_mapping(*, session: Session, area_id: int, name: str, fingerprint: str, header: list[str],
                 mapping: dict[str, Any], actor: str) -> ActualsMappingRow:
    """Save a mapping under its name for the area (replacing one of the same name), with an audit event."""
    row = session.scalars(select(ActualsMappingRow).where(ActualsMappingRow.area_id == area_id,
                                                          ActualsMappingRow.name == name)).one_or_none()
    before = {"fingerprint": row.fingerprint, "mapping": row.mapping} if row is not None else None
    if row is None:
        row = ActualsMappingRow(area_id=area_id, name=name, fingerprint=fingerprint, header=header, mapping=mapping,
                                updated_by=actor)
        session.add(row)
    else:
        row.fingerprint, row.header, row.mapping, row.updated_by = fingerprint, header, mapping, actor
        row.updated_at = now_utc()
    session.flush()
    record_audit_event(session=session, actor=actor, action="actuals_mapping.save", entity="actuals_mapping",
                       entity_key=f"{area_id}/{name}", before=before,
                       after={"fingerprint": fingerprint, "mapping": mapping})
    return row


def find_mapping(*, session: Session, area_id: int, name: str) -> ActualsMappingRow | None:
    """Return the area's mapping of this name, or None."""
    return session.scalars(select(ActualsMappingRow).where(ActualsMappingRow.area_id == area_id,
                                                           ActualsMappingRow.name == name)).one_or_none()


def find_mapping_for_layout(*, session: Session, area_id: int, fingerprint: str) -> ActualsMappingRow | None:
    """Return the area's mapping saved most recently for a header of this fingerprint, or None."""
    return session.scalars(
        select(ActualsMappingRow)
        .where(ActualsMappingRow.area_id == area_id, ActualsMappingRow.fingerprint == fingerprint)
        .order_by(ActualsMappingRow.updated_at.desc(), ActualsMappingRow.id.desc())
        .limit(1)
    ).first()


def list_mappings(*, session: Session, area_id: int) -> list[ActualsMappingRow]:
    """Return the area's saved mappings by name."""
    return list(session.scalars(select(ActualsMappingRow).where(ActualsMappingRow.area_id == area_id)
                                .order_by(ActualsMappingRow.name)))


def keep_upload(*, session: Session, plan_id: int, username: str, file_name: str, data: bytes,
                now: datetime | None = None) -> str:
    """Keep a file sent to the mapping page and return its token; the user's earlier files and every file older
    than :data:`UPLOAD_KEPT_FOR` are removed."""
    moment = now or now_utc()
    session.execute(delete(MappingUploadRow).where(or_(MappingUploadRow.username == username,
                                                       MappingUploadRow.created_at < moment - UPLOAD_KEPT_FOR)))
    token = secrets.token_urlsafe(32)
    session.add(MappingUploadRow(token=token, plan_id=plan_id, username=username, file_name=file_name[:255],
                                 data=data, created_at=moment))
    session.flush()
    return token


def find_upload(*, session: Session, token: str, username: str) -> MappingUploadRow | None:
    """Return the user's kept file of this token, or None (another user's file is never found)."""
    return session.scalars(select(MappingUploadRow).where(MappingUploadRow.token == token,
                                                          MappingUploadRow.username == username)).one_or_none()


def drop_upload(*, session: Session, token: str) -> None:
    """Remove a kept file."""
    session.execute(delete(MappingUploadRow).where(MappingUploadRow.token == token))
