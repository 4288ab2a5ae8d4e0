"""Plan revisions in the store: record a revision (一部改正) and its KPI history rows, and read each KPI's history."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.domain.quantity import Quantity
from renkei.domain.revision import KpiChange, KpiHistory, KpiRevision, Revision
from renkei.store.rows import kpi_from_row, quantity_from_json, quantity_to_json
from renkei.store.tables import KpiRevisionRow, KpiRow, PlanRevisionRow, ProjectRow, among_projects

#: A KPI in a plan: (project key, KPI key), as actuals are keyed.
KpiPlace = tuple[str, str]


@dataclass(frozen=True, slots=True)
class KpiRevisionEntry:
    """One KPI history row to write: which KPI (by place) and what the revision did to it."""

    place: KpiPlace
    change: KpiChange
    fields: tuple[str, ...] = ()
    old_baseline: Quantity | None = None
    old_target: Quantity | None = None
    new_baseline: Quantity | None = None
    new_target: Quantity | None = None
    #: The sheet's name and the indicator as written (for a preview; the rows are keyed by ``place``).
    sheet: str = ""
    indicator: str = ""


def _json(quantity: Quantity | None) -> dict[str, Any] | None:
    return quantity_to_json(quantity) if quantity is not None else None


def _quantity(values: dict[str, Any] | None) -> Quantity | None:
    return quantity_from_json(values) if values is not None else None


def record_revision(*, session: Session, plan_id: int, revision: Revision, plan_version: int, actor: str,
                    entries: Sequence[KpiRevisionEntry]) -> PlanRevisionRow:
    """Append a revision of a plan and its KPI history rows (each KPI found by its project key and KPI key)."""
    row = PlanRevisionRow(plan_id=plan_id, label=revision.label, reason=revision.reason,
                          revised_on=revision.revised_on, date_text=revision.date_text,
                          in_force_from=revision.in_force_from, plan_version=plan_version, actor=actor)
    session.add(row)
    session.flush()
    ids = {(key, indicator): kpi_id for kpi_id, key, indicator in session.execute(
        select(KpiRow.id, ProjectRow.key, KpiRow.indicator_key).join(ProjectRow, ProjectRow.id == KpiRow.project_id)
        .where(ProjectRow.plan_id == plan_id))}
    values = [{
        "plan_revision_id": row.id, "kpi_id": ids[entry.place], "change": entry.change.value,
        "fields": list(entry.fields), "old_baseline": _json(entry.old_baseline), "old_target": _json(entry.old_target),
        "new_baseline": _json(entry.new_baseline), "new_target": _json(entry.new_target),
    } for entry in entries]
    if values:
        session.add_all(KpiRevisionRow(**value) for value in values)
        session.flush()
    return row


def _revision(row: Any) -> Revision:
    return Revision(label=row.label, revised_on=row.revised_on, in_force_from=row.in_force_from,
                    reason=row.reason or "", date_text=row.date_text or "")


def list_revisions(*, session: Session, plan_id: int) -> list[Revision]:
    """Return a plan's revisions in the order they were made."""
    return [_revision(row) for row in session.scalars(
        select(PlanRevisionRow).where(PlanRevisionRow.plan_id == plan_id).order_by(PlanRevisionRow.id))]


def list_kpi_histories(*, session: Session, plan_id: int,
                       project_keys: Collection[str] | None = None) -> dict[KpiPlace, KpiHistory]:
    """Return the history of every revised KPI of a plan (dropped ones too) by (project key, KPI key): one query.

    A KPI no longer in the plan (dropped, or on a sheet a revision withdrew) comes with its form as last stored and
    its place on its sheet (:attr:`KpiHistory.last_form`), so a year before the drop can still judge it.
    A plan never revised gives an empty mapping.
    """
    query = (
        select(ProjectRow.key, KpiRow.indicator_key, KpiRow.indicator, KpiRow.id.label("kpi_id"), KpiRow.position,
               ((KpiRow.status != "active") | (ProjectRow.status != "active")).label("gone"),
               ProjectRow.status.label("sheet_status"), ProjectRow.name.label("sheet_name"), KpiRevisionRow.change,
               KpiRevisionRow.fields, KpiRevisionRow.old_baseline, KpiRevisionRow.old_target,
               KpiRevisionRow.new_baseline, KpiRevisionRow.new_target, PlanRevisionRow.label,
               PlanRevisionRow.revised_on, PlanRevisionRow.in_force_from, PlanRevisionRow.reason,
               PlanRevisionRow.date_text)
        .join(KpiRow, KpiRow.id == KpiRevisionRow.kpi_id)
        .join(ProjectRow, ProjectRow.id == KpiRow.project_id)
        .join(PlanRevisionRow, PlanRevisionRow.id == KpiRevisionRow.plan_revision_id)
        .where(PlanRevisionRow.plan_id == plan_id, *among_projects(project_keys))
        .order_by(PlanRevisionRow.id, KpiRevisionRow.id)
    )
    found: dict[KpiPlace, tuple[str, list[KpiRevision]]] = {}
    gone: dict[KpiPlace, tuple[int, int]] = {}
    withdrawn: dict[KpiPlace, str] = {}
    revisions: dict[tuple[object, ...], Revision] = {}
    for row in session.execute(query):
        if row.gone:
            gone[(row.key, row.indicator_key)] = (row.kpi_id, row.position)
        if row.sheet_status != "active":
            withdrawn[(row.key, row.indicator_key)] = row.sheet_name
        header = (row.label, row.revised_on, row.in_force_from, row.reason, row.date_text)
        revision = revisions.get(header) or revisions.setdefault(header, _revision(row))
        entry = KpiRevision(revision, KpiChange(row.change), tuple(row.fields or ()),
                            _quantity(row.old_baseline), _quantity(row.old_target),
                            _quantity(row.new_baseline), _quantity(row.new_target))
        found.setdefault((row.key, row.indicator_key), (row.indicator, []))[1].append(entry)
    forms = {row.id: kpi_from_row(row) for row in session.scalars(
        select(KpiRow).where(KpiRow.id.in_([kpi_id for kpi_id, _ in gone.values()])))} if gone else {}
    histories: dict[KpiPlace, KpiHistory] = {}
    for place, (indicator, entries) in found.items():
        kpi_id, position = gone.get(place, (None, None))
        last_form = forms[kpi_id] if kpi_id is not None else None
        histories[place] = KpiHistory(indicator, tuple(entries), last_form=last_form, position=position,
                                      withdrawn_sheet=withdrawn.get(place))
    return histories
