"""Reporting rounds in the store, and the per-year records the review board reads in a few queries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.store.rows import actual_from_row
from renkei.store.tables import ActualRow, AssessmentRow, KpiRow, ProjectRow, now_utc
from renkei.store.workspace_tables import ProjectEvaluationRow, ReportingRoundRow


def list_rounds(*, session: Session, plan_id: int | None = None) -> list[ReportingRoundRow]:
    """Return reporting rounds, newest fiscal year first (of one plan, or all)."""
    query = select(ReportingRoundRow).order_by(ReportingRoundRow.fiscal_year.desc(), ReportingRoundRow.id)
    if plan_id is not None:
        query = query.where(ReportingRoundRow.plan_id == plan_id)
    return list(session.scalars(query))


def round_years(*, session: Session, plan_id: int) -> list[int]:
    """Return the fiscal years of a plan's reporting rounds, newest first."""
    query = select(ReportingRoundRow.fiscal_year).where(ReportingRoundRow.plan_id == plan_id)
    return sorted(session.scalars(query), reverse=True)


def find_round(*, session: Session, plan_id: int, fiscal_year: int) -> ReportingRoundRow | None:
    """Return a plan's round for a fiscal year, or None."""
    return session.scalars(select(ReportingRoundRow).where(
        ReportingRoundRow.plan_id == plan_id, ReportingRoundRow.fiscal_year == fiscal_year)).one_or_none()


def add_round(*, session: Session, plan_id: int, fiscal_year: int, due_date: date, actor: str,
              note: str | None) -> ReportingRoundRow:
    """Store a new open round."""
    row = ReportingRoundRow(plan_id=plan_id, fiscal_year=fiscal_year, due_date=due_date, note=note, opened_by=actor,
                            opened_at=now_utc())
    session.add(row)
    session.flush()
    return row


#: Some projects of a plan by key (None: every project). Staff work on one KPI reads only its project's sheets.
Keys = Collection[str] | None


def _projects(plan_id: int, keys: Keys) -> list[Any]:
    """Return the conditions choosing a plan's projects (only those with ``keys``, when given)."""
    conditions: list[Any] = [ProjectRow.plan_id == plan_id]
    if keys is not None:
        conditions.append(ProjectRow.key.in_(list(keys)))
    return conditions


def _kpi_ids(plan_id: int, keys: Keys = None):  # type: ignore[no-untyped-def]
    return select(KpiRow.id).join(ProjectRow, ProjectRow.id == KpiRow.project_id).where(*_projects(plan_id, keys))


def current_actuals(*, session: Session, plan_id: int, fiscal_year: int, keys: Keys = None,
                    ) -> dict[int, dict[str | None, tuple[ActualRow, Actual]]]:
    """Return the current whole-year records of each KPI of a plan for a year (any status), by KPI id and part.

    The part is None for the KPI's own figure (合計) and a municipality code for that municipality's share.
    """
    rows = session.scalars(select(ActualRow).where(
        ActualRow.kpi_id.in_(_kpi_ids(plan_id, keys)), ActualRow.fiscal_year == fiscal_year, ActualRow.month.is_(None),
        ActualRow.is_current.is_(True)).order_by(ActualRow.id))
    found: dict[int, dict[str | None, tuple[ActualRow, Actual]]] = {}
    for row in rows:
        found.setdefault(row.kpi_id, {})[row.municipality_code] = (row, actual_from_row(row))
    return found


def published_actuals(*, session: Session, plan_id: int, fiscal_year: int, keys: Keys = None,
                      ) -> dict[int, list[Actual]]:
    """Return the published whole-year records (the figure and the shares) of each KPI of a plan, by KPI id."""
    rows = session.scalars(select(ActualRow).where(
        ActualRow.kpi_id.in_(_kpi_ids(plan_id, keys)), ActualRow.fiscal_year == fiscal_year, ActualRow.month.is_(None),
        ActualRow.is_published.is_(True)).order_by(ActualRow.id))
    found: dict[int, list[Actual]] = {}
    for row in rows:
        found.setdefault(row.kpi_id, []).append(actual_from_row(row))
    return found


def kpi_share_modes(*, session: Session, plan_id: int, keys: Keys = None) -> dict[int, str]:
    """Return each KPI's share mode by KPI id (only those not made of a plain total)."""
    rows = session.execute(select(KpiRow.id, KpiRow.share_mode).where(
        KpiRow.id.in_(_kpi_ids(plan_id, keys)), KpiRow.share_mode != "total")).all()
    return {kpi_id: mode for kpi_id, mode in rows}


def assessments(*, session: Session, plan_id: int, fiscal_year: int, keys: Keys = None,
                ) -> dict[int, AssessmentRow]:
    """Return each KPI's assessment of a plan for a year, by KPI id."""
    return {r.kpi_id: r for r in session.scalars(select(AssessmentRow).where(
        AssessmentRow.kpi_id.in_(_kpi_ids(plan_id, keys)), AssessmentRow.fiscal_year == fiscal_year))}


def evaluations(*, session: Session, plan_id: int, fiscal_year: int) -> dict[int, ProjectEvaluationRow]:
    """Return each project's evaluation of a plan for a year, by project id."""
    return {r.project_id: r for r in session.scalars(
        select(ProjectEvaluationRow).join(ProjectRow, ProjectRow.id == ProjectEvaluationRow.project_id)
        .where(ProjectRow.plan_id == plan_id, ProjectEvaluationRow.fiscal_year == fiscal_year))}


def project_rows(*, session: Session, plan_id: int, keys: Keys = None) -> dict[str, ProjectRow]:
    """Return a plan's active projects by key."""
    return {r.key: r for r in session.scalars(select(ProjectRow).where(
        *_projects(plan_id, keys), ProjectRow.status == "active"))}


def kpi_rows(*, session: Session, plan_id: int, keys: Keys = None) -> dict[tuple[int, str], KpiRow]:
    """Return a plan's active KPIs by (project id, indicator key)."""
    return {(r.project_id, r.indicator_key): r for r in session.scalars(
        select(KpiRow).where(KpiRow.project_id.in_(
            select(ProjectRow.id).where(*_projects(plan_id, keys))), KpiRow.status == "active"))}
