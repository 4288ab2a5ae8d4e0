"""Actuals: find a KPI, record an actual (versioned, audited) and list the current actuals of a plan."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual, ActualError
from renkei.domain.plan import normalise_key_text
from renkei.store.audit import record_audit_event
from renkei.store.rows import actual_columns, actual_from_row, as_utc, indicator_key
from renkei.store.tables import (
    FISCAL_YEAR_RANGE,
    REVIEW_STATUSES,
    ActualRow,
    ActualValueByMunicipalityRow,
    AssessmentRow,
    KpiRow,
    ProjectRow,
    now_utc,
)


def find_kpi(*, session: Session, plan_id: int, project: str, indicator: str) -> KpiRow | None:
    """Return a plan's KPI by project (key or name) and indicator (white space and width ignored).

    An original sheet wins over its 【再掲】 copy, and an active project over a withdrawn one.
    """
    wanted = indicator_key(indicator)
    folded = normalise_key_text(project)
    candidates = (
        session.execute(
            select(KpiRow, ProjectRow)
            .join(ProjectRow, ProjectRow.id == KpiRow.project_id)
            .where(ProjectRow.plan_id == plan_id, KpiRow.indicator_key == wanted)
        )
        .all()
    )

    def rank(pair: tuple[KpiRow, ProjectRow]) -> tuple[int, int, int, int]:
        kpi, row = pair
        if row.key == project:
            how = 0
        elif row.key == folded:
            how = 1
        elif normalise_key_text(row.name) == folded:
            how = 2
        else:
            how = 9
        return (how, row.status != "active", kpi.status != "active", row.relisted)

    ranked = sorted((rank(pair), pair[0].id, pair[0]) for pair in candidates)
    if not ranked or ranked[0][0][0] == 9:
        return None
    return ranked[0][2]


def _shares(session: Session, actual_ids: list[int]) -> defaultdict[int, list[ActualValueByMunicipalityRow]]:
    grouped: defaultdict[int, list[ActualValueByMunicipalityRow]] = defaultdict(list)
    if actual_ids:
        rows = session.scalars(
            select(ActualValueByMunicipalityRow).where(ActualValueByMunicipalityRow.actual_id.in_(actual_ids))
        )
        for row in rows:
            grouped[row.actual_id].append(row)
    return grouped


def _audit_form(actual: Actual, review_status: str) -> dict[str, Any]:
    return {**actual.to_dict(), "review_status": review_status}


def upsert_actual(
    *, session: Session, kpi_id: int, actual: Actual, actor: str, review_status: str = "approved"
) -> ActualRow:
    """Record an actual as the current one for its KPI and period, keeping the one it replaces.

    An identical repeat writes nothing. A changed value inserts a new version and retires the old
    row; either way an audit event records before and after. Imports write ``approved`` actuals.
    """
    low, high = FISCAL_YEAR_RANGE
    if not low <= actual.fiscal_year <= high:
        raise ActualError(f"fiscal year {actual.fiscal_year} is outside {low}..{high}", "fiscal_year")
    if review_status not in REVIEW_STATUSES:
        raise ActualError(f"unknown review status {review_status!r}", "review_status")
    if session.get(KpiRow, kpi_id) is None:
        raise ActualError(f"no KPI with id {kpi_id}", "kpi_id")
    current = session.scalars(
        select(ActualRow).where(
            ActualRow.kpi_id == kpi_id,
            ActualRow.fiscal_year == actual.fiscal_year,
            func.coalesce(ActualRow.month, 0) == (actual.month or 0),
            ActualRow.is_current.is_(True),
        )
    ).one_or_none()
    before = None
    version = 1
    if current is not None:
        stored = actual_from_row(current, _shares(session, [current.id])[current.id])
        if stored == _comparable(actual) and current.review_status == review_status:
            return current
        before = _audit_form(stored, current.review_status)
        version = current.version + 1
        current.is_current = False
        session.flush()  # retire the old row before the unique index sees the new one
    row = ActualRow(
        kpi_id=kpi_id, review_status=review_status, is_current=True, version=version, **actual_columns(actual)
    )
    session.add(row)
    session.flush()
    session.add_all(
        ActualValueByMunicipalityRow(actual_id=row.id, municipality_code=code, position=i, value=value)
        for i, (code, value) in enumerate(actual.by_municipality)
    )
    record_audit_event(
        session=session,
        actor=actor,
        action="actual.update" if before else "actual.create",
        entity="actual",
        entity_key=f"{kpi_id}/{actual.fiscal_year}/{actual.month or '-'}",
        before=before,
        after=_audit_form(actual, review_status),
    )
    return row


def _comparable(actual: Actual) -> Actual:
    # Stored values come back as floats and aware UTC datetimes; compare like with like.
    return Actual(
        fiscal_year=actual.fiscal_year,
        value=float(actual.value) if actual.value is not None else None,
        month=actual.month,
        by_municipality=tuple((code, float(v)) for code, v in actual.by_municipality),
        note=actual.note,
        evidence=actual.evidence,
        entered_by=actual.entered_by,
        entered_at=as_utc(actual.entered_at),
    )


def list_actuals(
    *, session: Session, plan_id: int, include_pending: bool = False
) -> dict[tuple[str, str], list[Actual]]:
    """Return a plan's current actuals keyed by (project key, KPI key), by fiscal year and month.

    Only approved actuals count unless ``include_pending`` (a staff preview also sees drafts and submissions).
    """
    statuses = REVIEW_STATUSES if include_pending else ("approved",)
    rows = (
        session.execute(
            select(ActualRow, ProjectRow.key, KpiRow.indicator_key)
            .join(KpiRow, KpiRow.id == ActualRow.kpi_id)
            .join(ProjectRow, ProjectRow.id == KpiRow.project_id)
            .where(ProjectRow.plan_id == plan_id, ActualRow.is_current.is_(True),
                   ActualRow.review_status.in_(statuses))
            .order_by(ActualRow.fiscal_year, func.coalesce(ActualRow.month, 0), ActualRow.id)
        )
        .all()
    )
    shares = _shares(session, [row.id for row, _, _ in rows])
    result: dict[tuple[str, str], list[Actual]] = {}
    for row, project_key, indicator in rows:
        result.setdefault((project_key, indicator), []).append(actual_from_row(row, shares[row.id]))
    return result


def upsert_assessment(
    *, session: Session, kpi_id: int, fiscal_year: int, word: str, comment: str, actor: str,
    review_status: str = "approved",
) -> bool:
    """Record a staff assessment (評価) of a qualitative KPI for a year; return whether anything changed.

    The status column keeps the staff's own word (一部達成); an audit event records before and after.
    """
    if review_status not in REVIEW_STATUSES:
        raise ActualError(f"unknown review status {review_status!r}", "review_status")
    row = session.scalars(
        select(AssessmentRow).where(AssessmentRow.kpi_id == kpi_id, AssessmentRow.fiscal_year == fiscal_year)
    ).one_or_none()
    after = {"fiscal_year": fiscal_year, "status": word, "comment": comment, "review_status": review_status}
    before = None
    if row is not None:
        before = {"fiscal_year": row.fiscal_year, "status": row.status, "comment": row.comment or "",
                  "review_status": row.review_status}
        if before == after:
            return False
        row.status, row.comment, row.review_status = word, comment, review_status
        row.entered_by, row.entered_at = actor, now_utc()
    else:
        session.add(AssessmentRow(kpi_id=kpi_id, fiscal_year=fiscal_year, status=word, comment=comment,
                                  entered_by=actor, entered_at=now_utc(), review_status=review_status))
    session.flush()
    record_audit_event(session=session, actor=actor, action="assessment.update" if before else "assessment.create",
                       entity="assessment", entity_key=f"{kpi_id}/{fiscal_year}", before=before, after=after)
    return True
