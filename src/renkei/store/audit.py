"""Audit trail: append-only events saying who changed which field of which record, from what to what, and why.

A change to a record is written as one event per changed field (``field``, ``old_value``, ``new_value`` as
text), all with the same action, actor, reason and project; an action that changes no field (a sign-in, a
failed sign-in) is one event without a field. The database refuses to change or delete an event.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from renkei.store.tables import AuditEventRow, PlanRow, ProjectRow
from renkei.store.workspace_tables import StaffUserRow


def record_audit_event(
    *,
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    field: str | None = None,
    old_value: str | None = None,
    new_value: str | None = None,
    reason: str | None = None,
    project_id: int | None = None,
) -> AuditEventRow:
    """Append an event to the audit trail (the database refuses to change or delete it later)."""
    row = AuditEventRow(
        actor=actor, action=action, entity=entity, entity_key=entity_key, before=before, after=after, field=field,
        old_value=old_value, new_value=new_value, reason=reason or None, project_id=project_id,
    )
    session.add(row)
    session.flush()
    return row


def audit_text(value: object) -> str | None:
    """Render a field's value as the text the trail keeps (None stays None; numbers without a needless .0).

    >>> audit_text(None), audit_text(12.0), audit_text(84.5), audit_text({"402133": 3.0}), audit_text(["a"])
    (None, '12', '84.5', '{"402133": 3}', '["a"]')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)
    return str(value)


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record_changes(
    *,
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_key: str,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
    reason: str | None = None,
    project_id: int | None = None,
) -> list[AuditEventRow]:
    """Append one event per field whose value differs between ``before`` and ``after`` (one event when none)."""
    old, new = dict(before or {}), dict(after or {})
    names = [n for n in dict.fromkeys([*old, *new]) if audit_text(old.get(n)) != audit_text(new.get(n))
             and not (before is None and new.get(n) in (None, "", False, [], {}))]  # a new record's blanks
    if not names:
        return [record_audit_event(session=session, actor=actor, action=action, entity=entity, entity_key=entity_key,
                                   before=None, after=None, reason=reason, project_id=project_id)]
    return [
        record_audit_event(session=session, actor=actor, action=action, entity=entity, entity_key=entity_key,
                           before=None, after=None, field=name, old_value=audit_text(old.get(name)),
                           new_value=audit_text(new.get(name)), reason=reason, project_id=project_id)
        for name in names
    ]


def list_audit_events(
    *, session: Session, entity: str | None = None, entity_key: str | None = None, project_id: int | None = None,
    since: datetime | None = None, area_id: int | None = None,
) -> list[AuditEventRow]:
    """Return audit events, oldest first, optionally for one entity (and key), one project, since a moment, or one
    area (the events on its projects and on its accounts)."""
    query = select(AuditEventRow).order_by(AuditEventRow.id)
    if area_id is not None:
        projects = select(ProjectRow.id).join(PlanRow, PlanRow.id == ProjectRow.plan_id).where(
            PlanRow.area_id == area_id)
        accounts = select(StaffUserRow.username).where(StaffUserRow.area_id == area_id)
        query = query.where(or_(AuditEventRow.project_id.in_(projects),
                                and_(AuditEventRow.entity == "user", AuditEventRow.entity_key.in_(accounts))))
    if entity is not None:
        query = query.where(AuditEventRow.entity == entity)
    if entity_key is not None:
        query = query.where(AuditEventRow.entity_key == entity_key)
    if project_id is not None:
        query = query.where(AuditEventRow.project_id == project_id)
    if since is not None:
        query = query.where(AuditEventRow.at >= since)
    return list(session.scalars(query))
