"""Actuals: find a KPI, record an actual or a share (versioned, audited) and list the current actuals of a plan."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual, ActualError
from renkei.domain.plan import indicator_key, normalise_key_text
from renkei.store.audit import record_changes
from renkei.store.rows import actual_columns, actual_from_row, as_utc
from renkei.store.tables import (
    FISCAL_YEAR_RANGE,
    REVIEW_STATUSES,
    ActualRow,
    AssessmentRow,
    KpiRow,
    ProjectRow,
    among_projects,
    now_utc,
)


def find_kpi(*, session: Session, plan_id: int, project: str, indicator: str) -> KpiRow | None:
    """Return a plan's KPI by project (key or name) and indicator (white space and width ignored).

    An original sheet wins over its 【再掲】 copy, and an active project over a withdrawn one.
    """
    wanted = indicator_key(indicator)
    folded = normalise_key_text(project)
    query = (select(KpiRow, ProjectRow).join(ProjectRow, ProjectRow.id == KpiRow.project_id)
             .where(ProjectRow.plan_id == plan_id, KpiRow.indicator_key == wanted))
    # A project named by its key is found by the index; only a name written otherwise needs every sheet with the
    # indicator (a key match always ranks first, so the answer is the same).
    candidates = (session.execute(query.where(ProjectRow.key.in_({project, folded}))).all()
                  or session.execute(query).all())

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


def audit_form(actual: Actual, review_status: str, review_comment: str | None = None) -> dict[str, Any]:
    """Return the fields of an actual the audit trail compares, field by field."""
    return {
        "value": actual.value,
        "note": actual.note,
        "comment": actual.comment,
        "evidence": actual.evidence,
        "review_status": review_status,
        "review_comment": review_comment,
    }


def _part(query: Any, month: int | None, municipality: str | None) -> Any:
    return query.where(func.coalesce(ActualRow.month, 0) == (month or 0),
                       func.coalesce(ActualRow.municipality_code, "") == (municipality or ""))


def find_current_actual(*, session: Session, kpi_id: int, fiscal_year: int, month: int | None,
                        municipality: str | None = None) -> ActualRow | None:
    """Return the current row of a KPI's record for a period (any review status), or None.

    ``municipality`` None is the KPI's own figure (合計); a code is that municipality's share.
    """
    query = select(ActualRow).where(ActualRow.kpi_id == kpi_id, ActualRow.fiscal_year == fiscal_year,
                                    ActualRow.is_current.is_(True))
    return session.scalars(_part(query, month, municipality)).one_or_none()


def find_published_actual(*, session: Session, kpi_id: int, fiscal_year: int, month: int | None,
                          municipality: str | None = None) -> ActualRow | None:
    """Return the published (last approved) row of a KPI's record for a period, or None."""
    query = select(ActualRow).where(ActualRow.kpi_id == kpi_id, ActualRow.fiscal_year == fiscal_year,
                                    ActualRow.is_published.is_(True))
    return session.scalars(_part(query, month, municipality)).one_or_none()


def read_actual(*, session: Session, row: ActualRow) -> Actual:
    """Return the domain Actual of a stored row."""
    return actual_from_row(row)


def upsert_actual(
    *, session: Session, kpi_id: int, actual: Actual, actor: str, review_status: str = "approved",
    review_comment: str | None = None, action: str | None = None, extra_reason: str | None = None,
) -> ActualRow:
    """Record an actual as the current one for its KPI, period and part, keeping the one it replaces.

    An identical repeat writes nothing. A changed value or review status inserts a new version and retires
    the old row; the audit trail gets one event per changed field. An ``approved`` version also becomes the
    published one (the public keeps the previous approved version until then). Imports write ``approved``.
    ``extra_reason`` is added to the audit reason (a self-approval says so).
    """
    low, high = FISCAL_YEAR_RANGE
    if not low <= actual.fiscal_year <= high:
        raise ActualError(f"fiscal year {actual.fiscal_year} is outside {low}..{high}", "fiscal_year")
    if review_status not in REVIEW_STATUSES:
        raise ActualError(f"unknown review status {review_status!r}", "review_status")
    kpi = session.get(KpiRow, kpi_id)
    if kpi is None:
        raise ActualError(f"no KPI with id {kpi_id}", "kpi_id")
    current = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=actual.fiscal_year, month=actual.month,
                                  municipality=actual.municipality)
    before = None
    version = 1
    comment = review_comment or None
    if current is not None:
        stored = read_actual(session=session, row=current)
        if (stored == _comparable(actual) and current.review_status == review_status
                and (current.review_comment or None) == comment):
            return current
        before = audit_form(stored, current.review_status, current.review_comment)
        version = current.version + 1
        current.is_current = False
        session.flush()  # retire the old row before the unique index sees the new one
    published = review_status == "approved"
    if published:
        session.execute(
            _part(update(ActualRow).where(ActualRow.kpi_id == kpi_id, ActualRow.fiscal_year == actual.fiscal_year,
                                          ActualRow.is_published.is_(True)), actual.month, actual.municipality)
            .values(is_published=False)
        )
    row = ActualRow(
        kpi_id=kpi_id, review_status=review_status, is_current=True, version=version, review_comment=comment,
        is_published=published, **actual_columns(actual),
    )
    session.add(row)
    session.flush()
    reason = " / ".join(r for r in (comment, extra_reason) if r) or None
    record_changes(
        session=session,
        actor=actor,
        action=action or ("actual.update" if before else "actual.create"),
        entity="actual",
        entity_key=actual_key(kpi_id, actual.fiscal_year, actual.month, actual.municipality),
        before=before,
        after=audit_form(actual, review_status, comment),
        reason=reason,
        project_id=kpi.project_id,
    )
    return row


def actual_key(kpi_id: int, fiscal_year: int, month: int | None, municipality: str | None = None) -> str:
    """Return the audit key of a KPI's record for a period: its own figure, or a municipality's share.

    >>> actual_key(3, 2026, None), actual_key(3, 2026, 4), actual_key(3, 2026, None, "402133")
    ('3/2026/-', '3/2026/4', '3/2026/-/402133')
    """
    key = f"{kpi_id}/{fiscal_year}/{month or '-'}"
    return f"{key}/{municipality}" if municipality else key


def _comparable(actual: Actual) -> Actual:
    # Stored values come back as floats and aware UTC datetimes; compare like with like.
    return replace(actual, value=float(actual.value) if actual.value is not None else None,
                   entered_at=as_utc(actual.entered_at))


def list_actuals(
    *, session: Session, plan_id: int, include_pending: bool = False, project_keys: Collection[str] | None = None,
) -> dict[tuple[str, str], list[Actual]]:
    """Return a plan's current records keyed by (project key, KPI key), by fiscal year and month.

    Each KPI's list holds its own figures and the municipalities' shares (:attr:`Actual.municipality`), in the
    order they were made. Only the published (latest approved) versions count unless ``include_pending``: a staff
    preview sees the current version whatever its review status (draft, submitted, returned or approved).
    With ``project_keys``, only those sheets' records (the portal's snapshot update reads what changed).
    The rows are read as plain rows (Core): nothing is tracked.
    """
    shown = ActualRow.is_current.is_(True) if include_pending else ActualRow.is_published.is_(True)
    rows = (
        session.connection().execute(
            select(ActualRow.__table__, ProjectRow.key.label("sheet_key"), KpiRow.indicator_key)
            .join(KpiRow, KpiRow.id == ActualRow.kpi_id)
            .join(ProjectRow, ProjectRow.id == KpiRow.project_id)
            .where(ProjectRow.plan_id == plan_id, shown, *among_projects(project_keys))
            .order_by(ActualRow.fiscal_year, func.coalesce(ActualRow.month, 0), ActualRow.id)
        )
        .all()
    )
    result: dict[tuple[str, str], list[Actual]] = {}
    for row in rows:
        result.setdefault((row.sheet_key, row.indicator_key), []).append(
            actual_from_row(row))  # type: ignore[arg-type]  # a Core row has the ORM row's attributes
    return result


def list_share_modes(*, session: Session, plan_id: int,
                     project_keys: Collection[str] | None = None) -> dict[tuple[str, str], str]:
    """Return how each KPI of a plan makes its figure (:class:`~renkei.domain.share.ShareMode` values) by key."""
    rows = session.execute(
        select(ProjectRow.key, KpiRow.indicator_key, KpiRow.share_mode)
        .join(ProjectRow, ProjectRow.id == KpiRow.project_id)
        .where(ProjectRow.plan_id == plan_id, KpiRow.share_mode != "total", *among_projects(project_keys))
    ).all()
    return {(project_key, indicator): mode for project_key, indicator, mode in rows}


def assessment_form(row: AssessmentRow) -> dict[str, Any]:
    """Return the fields of an assessment the audit trail compares."""
    return {"status": row.status, "evidence": row.evidence, "comment": row.comment or "", "note": row.note,
            "review_status": row.review_status, "review_comment": row.review_comment}


def find_assessment(*, session: Session, kpi_id: int, fiscal_year: int) -> AssessmentRow | None:
    """Return a KPI's assessment for a fiscal year, or None."""
    return session.scalars(
        select(AssessmentRow).where(AssessmentRow.kpi_id == kpi_id, AssessmentRow.fiscal_year == fiscal_year)
    ).one_or_none()


def upsert_assessment(
    *, session: Session, kpi_id: int, fiscal_year: int, word: str, comment: str, actor: str,
    review_status: str = "approved", evidence: str | None = None, review_comment: str | None = None,
    action: str | None = None, note: str | None = None, reported_by: str | None = None,
    extra_reason: str | None = None,
) -> bool:
    """Record a staff assessment (評価) of a KPI for a year; return whether anything changed.

    The status column keeps the staff's own word (一部達成). An approved assessment is also published (the
    public keeps the previous approved one until then): its word, public comment, evidence and organisation,
    never the internal note or the login name. Every changed field is audited.
    """
    if review_status not in REVIEW_STATUSES:
        raise ActualError(f"unknown review status {review_status!r}", "review_status")
    kpi = session.get(KpiRow, kpi_id)
    if kpi is None:
        raise ActualError(f"no KPI with id {kpi_id}", "kpi_id")
    row = find_assessment(session=session, kpi_id=kpi_id, fiscal_year=fiscal_year)
    after = {"status": word, "evidence": evidence or None, "comment": comment, "note": note or None,
             "review_status": review_status, "review_comment": review_comment or None}
    before = None
    if row is not None:
        before = assessment_form(row)
        if before == after:
            return False
        row.version += 1
    else:
        row = AssessmentRow(kpi_id=kpi_id, fiscal_year=fiscal_year, version=1)
        session.add(row)
    content = ("status", "evidence", "comment", "note")
    if before is None or any(before[k] != after[k] for k in content):  # a review step keeps who entered it
        row.entered_by, row.entered_at, row.reported_by = actor, now_utc(), reported_by
    row.status, row.comment, row.review_status = word, comment, review_status
    row.evidence, row.review_comment, row.note = evidence or None, review_comment or None, note or None
    if review_status == "approved":
        row.published_status, row.published_comment, row.published_evidence = word, comment, evidence or None
        row.published_reported_by, row.published_at = row.reported_by, now_utc()
    session.flush()
    reason = " / ".join(r for r in (review_comment, extra_reason) if r) or None
    record_changes(session=session, actor=actor,
                   action=action or ("assessment.update" if before else "assessment.create"),
                   entity="assessment", entity_key=f"{kpi_id}/{fiscal_year}", before=before, after=after,
                   reason=reason, project_id=kpi.project_id)
    return True
