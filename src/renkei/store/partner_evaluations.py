"""Partner municipalities' own evaluations of a project (連携市町による評価) in the store: the record under review
and the published one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.store.areas import stored_scale
from renkei.store.rows import as_utc
from renkei.store.tables import AreaRow, PlanRow, ProjectRow
from renkei.store.workspace_tables import PartnerEvaluationRow


def find_partner_evaluation(*, session: Session, project_id: int, fiscal_year: int,
                            municipality_code: str) -> PartnerEvaluationRow | None:
    """Return one partner's evaluation of a project for a fiscal year, or None."""
    return session.scalars(select(PartnerEvaluationRow).where(
        PartnerEvaluationRow.project_id == project_id, PartnerEvaluationRow.fiscal_year == fiscal_year,
        PartnerEvaluationRow.municipality_code == municipality_code)).one_or_none()


def list_partner_evaluations(*, session: Session, project_id: int, fiscal_year: int) -> list[PartnerEvaluationRow]:
    """Return every partner's evaluation of a project for a fiscal year (drafts too: for staff), by code."""
    return list(session.scalars(select(PartnerEvaluationRow).where(
        PartnerEvaluationRow.project_id == project_id, PartnerEvaluationRow.fiscal_year == fiscal_year)
        .order_by(PartnerEvaluationRow.municipality_code)))


@dataclass(frozen=True, slots=True)
class PublishedPartnerEvaluation:
    """A partner's approved evaluation as published: never a draft or a change under review."""

    fiscal_year: int
    municipality_code: str
    grade: str
    comment: str
    published_at: datetime | None


def published_partner_evaluations_of(*, session: Session, plan_id: int,
                                     project_key: str) -> list[PublishedPartnerEvaluation]:
    """Return the published partner evaluations of a plan's project by key, newest year first, then by code."""
    rows = session.scalars(
        select(PartnerEvaluationRow).join(ProjectRow, ProjectRow.id == PartnerEvaluationRow.project_id)
        .where(ProjectRow.plan_id == plan_id, ProjectRow.key == project_key,
               PartnerEvaluationRow.published_grade.is_not(None))
        .order_by(PartnerEvaluationRow.fiscal_year.desc(), PartnerEvaluationRow.municipality_code))
    return [PublishedPartnerEvaluation(r.fiscal_year, r.municipality_code, r.published_grade or "",
                                       r.published_comment or "", as_utc(r.published_at)) for r in rows]


def published_partner_evaluations_by_project(*, session: Session,
                                             plan_id: int) -> dict[str, list[PublishedPartnerEvaluation]]:
    """Return a plan's published partner evaluations by project key, oldest year first, then by code (for the
    report, the open data and the API) — none when the plan's area does not ask for them (as the project page)."""
    if not plan_partner_rules(session=session, plan_id=plan_id).asked:
        return {}
    rows = session.execute(
        select(ProjectRow.key, PartnerEvaluationRow)
        .join(ProjectRow, ProjectRow.id == PartnerEvaluationRow.project_id)
        .where(ProjectRow.plan_id == plan_id, PartnerEvaluationRow.published_grade.is_not(None))
        .order_by(ProjectRow.position, PartnerEvaluationRow.fiscal_year, PartnerEvaluationRow.municipality_code))
    found: dict[str, list[PublishedPartnerEvaluation]] = {}
    for key, r in rows:
        found.setdefault(key, []).append(PublishedPartnerEvaluation(
            r.fiscal_year, r.municipality_code, r.published_grade or "", r.published_comment or "",
            as_utc(r.published_at)))
    return found


@dataclass(frozen=True, slots=True)
class PartnerRules:
    """What a plan's area says of partner evaluations: whether it asks for them, its lead city and its scale."""

    asked: bool
    lead_code: str
    #: The area's scale and roll-up as :class:`~renkei.domain.municipality.Area`'s keyword arguments (empty: A–E).
    grading: dict[str, Any]


def plan_partner_rules(*, session: Session, plan_id: int) -> PartnerRules:
    """Return what a plan's area says of partner evaluations (nothing asked when the plan has no stored area)."""
    row = session.scalars(select(AreaRow).join(PlanRow, PlanRow.area_id == AreaRow.id)
                          .where(PlanRow.id == plan_id)).one_or_none()
    if row is None:
        return PartnerRules(False, "", {})
    return PartnerRules(bool((row.settings or {}).get("partner_evaluations")), row.lead_code, stored_scale(row))
