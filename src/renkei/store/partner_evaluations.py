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


def plan_area_grading(*, session: Session, plan_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return a plan's area settings and its scale and roll-up (as :class:`~renkei.domain.municipality.Area`'s
    keyword arguments; empty when the area keeps renkei's A–E)."""
    row = session.scalars(select(AreaRow).join(PlanRow, PlanRow.area_id == AreaRow.id)
                          .where(PlanRow.id == plan_id)).one_or_none()
    if row is None:
        return {}, {}
    return dict(row.settings or {}), stored_scale(row)
