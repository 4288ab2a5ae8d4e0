"""Audit trail: append-only events saying who did what to which record, before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.store.tables import AuditEventRow


def record_audit_event(
    *,
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEventRow:
    """Append an event to the audit trail (the database refuses to change or delete it later)."""
    row = AuditEventRow(
        actor=actor, action=action, entity=entity, entity_key=entity_key, before=before, after=after
    )
    session.add(row)
    session.flush()
    return row


def list_audit_events(
    *, session: Session, entity: str | None = None, entity_key: str | None = None
) -> list[AuditEventRow]:
    """Return audit events, oldest first, optionally for one entity (and key)."""
    query = select(AuditEventRow).order_by(AuditEventRow.id)
    if entity is not None:
        query = query.where(AuditEventRow.entity == entity)
    if entity_key is not None:
        query = query.where(AuditEventRow.entity_key == entity_key)
    return list(session.scalars(query))
