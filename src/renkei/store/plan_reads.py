"""Plan reads for the portal's snapshot: a plan's projects through Core rows, and the marks that say what changed.

Rebuilding a plan of 10,000 sheets through ORM objects spent most of its time making and tracking objects it only
read once. :func:`read_projects` asks the same tables for plain rows (SQLAlchemy Core) and makes the same domain
Projects from them (:mod:`renkei.store.rows` reads both alike).

:func:`read_plan_marks` reads, in a few grouped queries, a mark of everything the public pages of one plan show
per KPI and per sheet (published actuals, published assessments, share rule, published text) and of what only a
re-import or a new round changes (:attr:`PlanMarks.structure`). Two marks differ wherever the data differ, so the
portal updates a snapshot by re-evaluating only the sheets whose marks moved (``web/snapshot.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from renkei.domain.plan import Project
from renkei.store.rows import partners_from_rows, project_from_rows
from renkei.store.tables import (
    ActualRow,
    AreaRow,
    AssessmentRow,
    BudgetLineRow,
    CategoryRow,
    FindingRow,
    KpiRow,
    MunicipalityRow,
    PlanRow,
    PolicyAreaRow,
    ProjectPartnerRow,
    ProjectRow,
    RoleRow,
)
from renkei.store.workspace_tables import ProjectTextRow, ReportingRoundRow


def project_ids(plan_id: int, keys: Collection[str] | None = None) -> Select[Any]:
    """Return the query of the ids of a plan's projects (of those with ``keys`` only, when given)."""
    query = select(ProjectRow.id).where(ProjectRow.plan_id == plan_id)
    return query.where(ProjectRow.key.in_(list(keys))) if keys is not None else query


def read_projects(*, session: Session, plan_id: int, keys: Collection[str] | None = None) -> list[Project]:
    """Return a plan's active projects in document order (with ``keys``, only those), read as plain rows.

    The same Projects as :func:`renkei.store.repository.load_projects` makes from ORM objects, at a fraction of
    the cost: nothing is tracked, and each child table is one query.
    """
    query = select(ProjectRow.__table__).where(ProjectRow.plan_id == plan_id, ProjectRow.status == "active")
    if keys is not None:
        query = query.where(ProjectRow.key.in_(list(keys)))
    connection = session.connection()  # rows as the driver gives them: no ORM result processing
    rows = connection.execute(query.order_by(ProjectRow.position, ProjectRow.id)).all()
    if not rows:
        return []
    ids = project_ids(plan_id, keys).where(ProjectRow.status == "active")
    policy_areas: dict[int, Any] = {r.id: r for r in connection.execute(
        select(PolicyAreaRow.__table__).where(PolicyAreaRow.plan_id == plan_id))}
    categories: dict[int, Any] = {r.id: r for r in connection.execute(
        select(CategoryRow.__table__).where(CategoryRow.plan_id == plan_id))}
    partners = _children(connection, ProjectPartnerRow, ids)
    roles = _children(connection, RoleRow, ids)
    budgets = _children(connection, BudgetLineRow, ids)
    kpis = _children(connection, KpiRow, ids, KpiRow.status == "active")
    codes: dict[int, str] = {i: c for i, c in connection.execute(
        select(MunicipalityRow.id, MunicipalityRow.code).where(MunicipalityRow.id.in_(
            select(ProjectPartnerRow.municipality_id).where(ProjectPartnerRow.project_id.in_(ids)))))}
    return [
        project_from_rows(
            row,  # type: ignore[arg-type]  # a Core row has the ORM row's attributes, by column name
            policy_area=policy_areas.get(row.policy_area_id) if row.policy_area_id else None,
            category=categories.get(row.category_id) if row.category_id else None,
            partners=partners_from_rows(row.partners_text, row.partners_all_members, partners[row.id], codes),
            roles=roles[row.id],
            budget_lines=budgets[row.id],
            kpis=kpis[row.id],
        )
        for row in rows
    ]


def _children(connection: Connection, table: Any, ids: Select[Any], *where: Any,
              ) -> defaultdict[int, list[Any]]:
    grouped: defaultdict[int, list[Any]] = defaultdict(list)
    query = select(table.__table__).where(table.project_id.in_(ids), *where).order_by(table.id)
    for row in connection.execute(query).all():  # one fetch, not a call per row
        grouped[row.project_id].append(row)
    return grouped


@dataclass(frozen=True, slots=True)
class PlanMarks:
    """What one plan's public pages show, as marks to compare (equal marks: equal pages).

    ``structure`` moves with what only an import, an area's settings (its scale too) or a reporting round change
    (then the whole snapshot is built again); ``kpis`` and ``texts`` with what staff publish, per KPI and per sheet.
    """

    structure: tuple[object, ...]
    #: KPI id → (share rule unless a plain total; published actuals: count, sum and max of ids, latest record time;
    #: assessments: count, sum of ids and of versions, latest publication); a KPI with none of these is absent.
    kpis: dict[int, tuple[object, ...]]
    #: Sheet key → (id, version, time) of its published staff text.
    texts: dict[str, tuple[object, ...]]
    #: KPI id → the key of its sheet, for every KPI of the plan (only a re-import, a change of ``structure``,
    #: changes it, so it is read once per structure).
    sheet_of: dict[int, str]

    def changed_sheets(self, other: PlanMarks) -> frozenset[str] | None:
        """Return the keys of the sheets whose KPIs or published text differ from ``other``'s; None when the
        structure differs (the whole plan must be read again)."""
        if self.structure != other.structure:
            return None
        kpis = {kpi for kpi in self.kpis.keys() | other.kpis.keys() if self.kpis.get(kpi) != other.kpis.get(kpi)}
        texts = {key for key in self.texts.keys() | other.texts.keys()
                 if self.texts.get(key) != other.texts.get(key)}
        return frozenset({self.sheet_of.get(kpi) or other.sheet_of[kpi] for kpi in kpis} | texts)


def read_plan_marks(*, session: Session, plan_id: int, previous: PlanMarks | None = None) -> PlanMarks | None:
    """Return the marks of a stored plan (None when there is no such plan): a few small grouped queries.

    With ``previous`` marks of the same structure, their map of KPIs to sheets is kept instead of read again.
    """
    plan = session.execute(
        select(PlanRow.version, PlanRow.updated_at, PlanRow.source_sha256, AreaRow.updated_at,
               AreaRow.settings, AreaRow.evaluation_scale, AreaRow.rollup)
        .join(AreaRow, AreaRow.id == PlanRow.area_id).where(PlanRow.id == plan_id)
    ).one_or_none()
    if plan is None:
        return None
    extra = session.execute(select(
        select(func.count(FindingRow.id)).where(FindingRow.plan_id == plan_id).scalar_subquery(),
        select(func.count(ReportingRoundRow.id)).where(ReportingRoundRow.plan_id == plan_id).scalar_subquery(),
        select(func.max(ReportingRoundRow.fiscal_year)).where(ReportingRoundRow.plan_id == plan_id)
        .scalar_subquery(),
        select(func.count(KpiRow.id)).where(KpiRow.project_id.in_(project_ids(plan_id))).scalar_subquery(),
    )).one()
    structure = (*plan, *extra)
    if previous is not None and previous.structure == structure:
        sheet_of = previous.sheet_of
    else:
        sheet_of = {kpi_id: key for kpi_id, key in session.execute(
            select(KpiRow.id, ProjectRow.key).join(ProjectRow, ProjectRow.id == KpiRow.project_id)
            .where(ProjectRow.plan_id == plan_id))}
    kpi_ids = select(KpiRow.id).where(KpiRow.project_id.in_(project_ids(plan_id)))
    modes = {kpi_id: (mode,) for kpi_id, mode in session.execute(
        select(KpiRow.id, KpiRow.share_mode).where(KpiRow.id.in_(kpi_ids), KpiRow.share_mode != "total"))}
    actuals = {kpi_id: tuple(marks) for kpi_id, *marks in session.execute(
        select(ActualRow.kpi_id, func.count(ActualRow.id), func.sum(ActualRow.id), func.max(ActualRow.id),
               func.max(ActualRow.recorded_at))  # the time too: ids may be used again after a restore
        .where(ActualRow.kpi_id.in_(kpi_ids), ActualRow.is_published.is_(True)).group_by(ActualRow.kpi_id))}
    assessments = {kpi_id: tuple(marks) for kpi_id, *marks in session.execute(
        select(AssessmentRow.kpi_id, func.count(AssessmentRow.id), func.sum(AssessmentRow.id),
               func.sum(AssessmentRow.version), func.max(AssessmentRow.published_at))
        .where(AssessmentRow.kpi_id.in_(kpi_ids)).group_by(AssessmentRow.kpi_id))}
    texts: dict[str, tuple[object, ...]] = {
        key: (text_id, version, updated) for key, text_id, version, updated in session.execute(
            select(ProjectRow.key, ProjectTextRow.id, ProjectTextRow.version, ProjectTextRow.updated_at)
            .join(ProjectTextRow, ProjectTextRow.project_id == ProjectRow.id)
            .where(ProjectRow.plan_id == plan_id, ProjectTextRow.kind == "published"))}
    kpis: dict[int, tuple[object, ...]] = {
        kpi_id: (modes.get(kpi_id, ()), actuals.get(kpi_id, ()), assessments.get(kpi_id, ()))
        for kpi_id in modes.keys() | actuals.keys() | assessments.keys()}
    return PlanMarks(structure=structure, kpis=kpis, texts=texts, sheet_of=sheet_of)
