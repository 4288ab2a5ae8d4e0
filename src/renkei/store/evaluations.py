"""Project evaluations (事業評価) in the store: the record under review and the published one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.store.rows import as_utc
from renkei.store.tables import ProjectRow
from renkei.store.workspace_tables import ProjectEvaluationRow


def find_evaluation(*, session: Session, project_id: int, fiscal_year: int) -> ProjectEvaluationRow | None:
    """Return a project's evaluation for a fiscal year, or None."""
    return session.scalars(select(ProjectEvaluationRow).where(
        ProjectEvaluationRow.project_id == project_id, ProjectEvaluationRow.fiscal_year == fiscal_year)).one_or_none()


def list_evaluations(*, session: Session, project_id: int) -> list[ProjectEvaluationRow]:
    """Return a project's evaluations, newest fiscal year first."""
    return list(session.scalars(select(ProjectEvaluationRow).where(ProjectEvaluationRow.project_id == project_id)
                                .order_by(ProjectEvaluationRow.fiscal_year.desc())))


def list_published_evaluations(*, session: Session, project_id: int) -> list[ProjectEvaluationRow]:
    """Return a project's published (approved) evaluations, newest fiscal year first."""
    return [r for r in list_evaluations(session=session, project_id=project_id) if r.published_direction]


def published_evaluations_of(*, session: Session, plan_id: int, project_key: str) -> list[ProjectEvaluationRow]:
    """Return the published evaluations of a plan's project by key, newest fiscal year first (for the public page)."""
    return list(session.scalars(
        select(ProjectEvaluationRow).join(ProjectRow, ProjectRow.id == ProjectEvaluationRow.project_id)
        .where(ProjectRow.plan_id == plan_id, ProjectRow.key == project_key,
               ProjectEvaluationRow.published_direction.is_not(None))
        .order_by(ProjectEvaluationRow.fiscal_year.desc())))


@dataclass(frozen=True, slots=True)
class PublishedEvaluation:
    """An approved annual project evaluation (事業評価) as published: never a draft or a pending change."""

    fiscal_year: int
    direction: str  # expand / continue / improve / reduce / end (拡充 / 継続 / 改善 / 縮小 / 終了)
    comment: str
    published_at: datetime | None


def published_evaluations_by_project(*, session: Session, plan_id: int) -> dict[str, list[PublishedEvaluation]]:
    """Return a plan's published evaluations by project key, oldest fiscal year first (for reports and open data)."""
    rows = session.execute(
        select(ProjectRow.key, ProjectEvaluationRow).join(ProjectRow, ProjectRow.id == ProjectEvaluationRow.project_id)
        .where(ProjectRow.plan_id == plan_id, ProjectEvaluationRow.published_direction.is_not(None))
        .order_by(ProjectRow.position, ProjectEvaluationRow.fiscal_year))
    found: dict[str, list[PublishedEvaluation]] = {}
    for key, row in rows:
        assert row.published_direction is not None
        found.setdefault(key, []).append(PublishedEvaluation(
            row.fiscal_year, row.published_direction, row.published_comment or "",
            as_utc(row.published_at)))
    return found
