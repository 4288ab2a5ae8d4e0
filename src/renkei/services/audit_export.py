"""The audit trail written out: CSV (UTF-8 with BOM) or JSON Lines, oldest event first, optionally since a moment.

In the CSV a text cell that a spreadsheet would run as a formula gets a single quote before it
(:mod:`renkei.domain.csv_cell`): notes, reasons and values are typed by people.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.orm import Session

from renkei.domain.csv_cell import neutralise_record
from renkei.store.audit import list_audit_events
from renkei.store.rows import as_utc
from renkei.store.tables import AuditEventRow

COLUMNS = ("id", "at", "actor", "action", "entity", "entity_key", "field", "old_value", "new_value", "reason",
           "project_id", "before", "after")


def event_record(row: AuditEventRow) -> dict[str, object]:
    """Return one event as a flat record."""
    at = as_utc(row.at)
    return {
        "id": row.id, "at": at.isoformat() if at else None, "actor": row.actor, "action": row.action,
        "entity": row.entity, "entity_key": row.entity_key, "field": row.field, "old_value": row.old_value,
        "new_value": row.new_value, "reason": row.reason, "project_id": row.project_id, "before": row.before,
        "after": row.after,
    }  # fmt: skip


def export_audit(*, session: Session, since: datetime | None = None, format: str = "csv",
                 area_id: int | None = None) -> Iterator[str]:
    """Yield the trail as text chunks in ``csv`` or ``jsonl``; raise ValueError for another format.

    With ``area_id``, only that area's part: events on its projects and on its accounts.
    """
    if format not in ("csv", "jsonl"):
        raise ValueError(f"unknown format {format!r}: csv or jsonl")
    events = list_audit_events(session=session, since=since, area_id=area_id)
    if format == "jsonl":
        for row in events:
            yield json.dumps(event_record(row), ensure_ascii=False) + "\n"
        return
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writeheader()
    for row in events:
        record = event_record(row)
        for name in ("before", "after"):
            value = record[name]
            record[name] = json.dumps(value, ensure_ascii=False) if value is not None else ""
        writer.writerow(neutralise_record(record))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
