"""Portal queries: the reads the public portal needs (plan choice, members, assessments, the store fingerprint).

Search does not query the database: it runs over the read model's prepared text (:mod:`renkei.web.search`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from renkei.domain.actual import Assessment, read_assessment_word
from renkei.domain.municipality import Municipality
from renkei.domain.scale import EvaluationScale, RollUp
from renkei.domain.status import Status
from renkei.store.areas import stored_scale
from renkei.store.repository import PlanSummary, list_plans
from renkei.store.rows import as_utc
from renkei.store.tables import (
    ActualRow,
    AreaMemberRow,
    AreaRow,
    AssessmentRow,
    KpiRow,
    MunicipalityRow,
    PlanRow,
    ProjectRow,
    among_projects,
)
from renkei.store.workspace_tables import (
    PartnerEvaluationRow,
    ProjectEvaluationRow,
    ProjectTextRow,
    ReportingRoundRow,
)


@dataclass(frozen=True, slots=True)
class AreaMembers:
    """An area's member municipalities in the area's order, with the lead city's code."""

    slug: str
    name: str
    name_en: str
    lead_code: str
    members: tuple[Municipality, ...]
    #: Synthetic test data (``renkei demo-data``; ``"synthetic": true`` in the area's settings): every page says so.
    synthetic: bool = False
    #: The area's own evaluation scale (None: renkei's A–E) and roll-up rule (docs/evaluation-scale.md).
    scale: EvaluationScale | None = None
    rollup: RollUp = RollUp.WORST
    #: The area asks each partner for its own grade and comment per project (the project page shows them).
    partner_evaluations: bool = False


def choose_plan(*, session: Session, plan_key: str | None = None, area_slug: str | None = None,
                ) -> PlanSummary | None:
    """Return the plan with this key, or the most recent plan (latest first year, then latest update).

    With ``area_slug`` only that area's plans are chosen from: an area's current plan, or one of its earlier ones.
    """
    plans = list_plans(session=session, area_slug=area_slug)
    if plan_key is not None:
        return next((p for p in plans if p.plan_key == plan_key), None)
    return current_plan(plans)


def current_plan(plans: Sequence[PlanSummary]) -> PlanSummary | None:
    """Return an area's current plan among its plans: the latest period (a 第2期 vision after the first), then the
    latest import; None when there is none. The others are its earlier plans."""
    return max(plans, key=lambda p: (p.first_year, p.updated_at, p.id), default=None)


@dataclass(frozen=True, slots=True)
class AreaListing:
    """An area as the national index lists it: its names, lead city, members, plans and projects."""

    slug: str
    name: str
    name_en: str
    lead_name: str
    prefectures: tuple[str, ...]
    member_count: int
    plan_count: int
    project_count: int
    #: Synthetic test data (``renkei demo-data``): the index marks it.
    synthetic: bool = False


def area_slug_of_plan(*, session: Session, plan_id: int) -> str | None:
    """Return the slug of a plan's area, or None when there is no such plan."""
    return session.scalar(select(AreaRow.slug).join(PlanRow, PlanRow.area_id == AreaRow.id)
                          .where(PlanRow.id == plan_id))


def list_area_slugs(*, session: Session) -> list[str]:
    """Return the slugs of the areas that hold a plan (one query)."""
    return list(session.scalars(select(AreaRow.slug).where(AreaRow.id.in_(select(PlanRow.area_id)))
                                .order_by(AreaRow.slug)))


def list_areas(*, session: Session) -> list[AreaListing]:
    """Return every stored area that holds a plan, by slug (a few queries whatever the number of areas)."""
    plans = list_plans(session=session)
    by_area: dict[str, list[PlanSummary]] = {}
    for plan in plans:
        by_area.setdefault(plan.area_slug, []).append(plan)
    if not by_area:
        return []
    rows = session.execute(
        select(AreaRow.slug, AreaRow.name, AreaRow.name_en, AreaRow.lead_code, MunicipalityRow.code,
               MunicipalityRow.name, MunicipalityRow.prefecture, AreaRow.settings)
        .join(AreaMemberRow, AreaMemberRow.area_id == AreaRow.id)
        .join(MunicipalityRow, MunicipalityRow.id == AreaMemberRow.municipality_id)
        .where(AreaRow.slug.in_(by_area)).order_by(AreaRow.slug, AreaMemberRow.position)
    ).all()
    members: dict[str, list[tuple[str, str, str]]] = {}
    names: dict[str, tuple[str, str, str]] = {}
    synthetic: set[str] = set()
    for slug, name, name_en, lead, code, member, prefecture, settings in rows:
        names[slug] = (name, name_en or "", lead)
        if (settings or {}).get("synthetic"):
            synthetic.add(slug)
        members.setdefault(slug, []).append((code, member, prefecture or ""))
    listed = []
    for slug, editions in sorted(by_area.items()):
        name, name_en, lead = names.get(slug, (editions[0].area_name, editions[0].area_name_en, ""))
        people = members.get(slug, [])
        current = current_plan(editions)
        assert current is not None  # an area is listed for its plans
        listed.append(AreaListing(
            slug, name, name_en, next((m for c, m, _ in people if c == lead), ""),
            tuple(dict.fromkeys(p for _, _, p in people if p)), len(people), len(editions), current.project_count,
            synthetic=slug in synthetic))
    return listed


def plan_year_span(*, session: Session) -> tuple[int, int] | None:
    """Return the first and the last fiscal year of every stored plan's period together (None with no plan)."""
    first, last = session.execute(select(func.min(PlanRow.first_year), func.max(PlanRow.last_year))).one()
    return (first, last) if first is not None and last is not None else None


def count_plans(*, session: Session) -> int:
    """Return how many plan editions are stored."""
    return len(session.scalars(select(PlanRow.id)).all())


def load_area_members(*, session: Session, area_slug: str) -> AreaMembers | None:
    """Return an area's members in its order (None when the area is not stored)."""
    area = session.scalars(select(AreaRow).where(AreaRow.slug == area_slug)).one_or_none()
    if area is None:
        return None
    rows = session.execute(
        select(MunicipalityRow)
        .join(AreaMemberRow, AreaMemberRow.municipality_id == MunicipalityRow.id)
        .where(AreaMemberRow.area_id == area.id)
        .order_by(AreaMemberRow.position)
    ).scalars()
    members = tuple(Municipality(r.code, r.name, r.prefecture, r.kana) for r in rows)
    return AreaMembers(area.slug, area.name, area.name_en, area.lead_code, members,
                       synthetic=bool((area.settings or {}).get("synthetic", False)),
                       partner_evaluations=bool((area.settings or {}).get("partner_evaluations", False)),
                       **stored_scale(area))


def plan_area_settings(*, session: Session, plan_id: int) -> dict[str, Any]:
    """Return the settings of a plan's area (``require_second_reviewer`` …); empty when none are stored."""
    settings = session.scalar(select(AreaRow.settings).join(PlanRow, PlanRow.area_id == AreaRow.id)
                              .where(PlanRow.id == plan_id))
    return dict(settings or {})


def list_assessments(*, session: Session, plan_id: int,
                     project_keys: Collection[str] | None = None) -> dict[tuple[str, str], list[Assessment]]:
    """Return published assessments of a plan's KPIs keyed by (project key, KPI key), oldest year first.

    The published version is the last approved one (kept while a correction is reviewed). Its status holds a
    status value (``behind``) or the staff's own word (一部達成),
    read as :data:`renkei.domain.actual.ASSESSMENT_WORDS` says. With ``project_keys``, only those sheets' KPIs.
    """
    rows = session.connection().execute(
        select(AssessmentRow.__table__, ProjectRow.key.label("sheet_key"), KpiRow.indicator_key)
        .join(KpiRow, KpiRow.id == AssessmentRow.kpi_id)
        .join(ProjectRow, ProjectRow.id == KpiRow.project_id)
        .where(ProjectRow.plan_id == plan_id, AssessmentRow.published_status.is_not(None),
               *among_projects(project_keys))
        .order_by(AssessmentRow.fiscal_year, AssessmentRow.id)
    ).all()  # plain rows (Core): nothing is tracked
    result: dict[tuple[str, str], list[Assessment]] = {}
    for row in rows:
        key, indicator = row.sheet_key, row.indicator_key
        published = row.published_status or ""
        word_reading = read_assessment_word(published)
        rating = None
        word = ""
        if word_reading is not None:
            word, status, rating = word_reading
        else:
            try:
                status = Status(published)
            except ValueError:
                continue  # a free-text status a later migration may tighten; never break the portal over it
        result.setdefault((key, indicator), []).append(
            Assessment(
                fiscal_year=row.fiscal_year,
                status=status,
                rating=rating,
                word=word,
                comment=row.published_comment or "",
                evidence=row.published_evidence,
                reported_by=row.published_reported_by,
                entered_at=as_utc(row.published_at),
            )
        )
    return result


def project_key_by_slug(*, session: Session, plan_id: int, slug: str) -> str | None:
    """Return the key of a plan's active project with this slug, or None."""
    return session.scalars(
        select(ProjectRow.key).where(
            ProjectRow.plan_id == plan_id, ProjectRow.slug == slug, ProjectRow.status == "active"
        )
    ).one_or_none()


__all__ = [
    "AreaMembers",
    "PlanSummary",
    "choose_plan",
    "count_plans",
    "current_plan",
    "list_assessments",
    "load_area_members",
    "project_key_by_slug",
    "read_area_fingerprint",
    "read_store_fingerprint",
]


_STORE_FINGERPRINT = select(
    select(func.count(AreaRow.id)).scalar_subquery(),  # an area's settings or members changed (save_area)
    select(func.max(AreaRow.updated_at)).scalar_subquery(),
    select(func.count(PlanRow.id)).scalar_subquery(),
    select(func.sum(PlanRow.version)).scalar_subquery(),
    select(func.max(PlanRow.updated_at)).scalar_subquery(),
    select(func.count(ActualRow.id)).scalar_subquery(),
    select(func.max(ActualRow.id)).scalar_subquery(),
    select(func.count(AssessmentRow.id)).scalar_subquery(),
    select(func.max(AssessmentRow.id)).scalar_subquery(),
    select(func.max(AssessmentRow.published_at)).scalar_subquery(),
    select(func.max(ProjectEvaluationRow.published_at)).scalar_subquery(),
    select(func.max(PartnerEvaluationRow.published_at)).scalar_subquery(),  # a partner's evaluation published
    select(func.count(ProjectTextRow.id)).where(ProjectTextRow.kind == "published").scalar_subquery(),
    select(func.max(ProjectTextRow.updated_at)).where(ProjectTextRow.kind == "published").scalar_subquery(),
    select(func.count(ReportingRoundRow.id)).scalar_subquery(),  # a new round moves the default year
    select(func.max(ReportingRoundRow.fiscal_year)).scalar_subquery(),
)


def read_store_fingerprint(*, connection: Connection) -> tuple[object, ...]:
    """Return one fingerprint of everything the portal shows, over every plan, in a single query.

    Any area's new settings or members, any import (plan version and time), actual version, assessment, published
    assessment, published project or partner evaluation, published project text or reporting round changes it; the
    portal's caches replay a page only while it stays the same. Staff work that the public does not see (drafts,
    sign-ins) leaves it alone, so it never rebuilds the portal. It takes a plain connection: it runs on every request.
    """
    return tuple(connection.execute(_STORE_FINGERPRINT).one())


def _area_fingerprint_query(area_slug: str) -> Any:
    """Return the query of :func:`read_area_fingerprint`: the store fingerprint's parts, within one area."""
    plans = select(PlanRow.id).join(AreaRow, AreaRow.id == PlanRow.area_id).where(AreaRow.slug == area_slug)
    projects = select(ProjectRow.id).where(ProjectRow.plan_id.in_(plans))
    kpis = select(KpiRow.id).where(KpiRow.project_id.in_(projects))
    published_text = (ProjectTextRow.kind == "published", ProjectTextRow.project_id.in_(projects))
    return select(
        select(func.max(AreaRow.updated_at)).where(AreaRow.slug == area_slug).scalar_subquery(),
        select(func.count(PlanRow.id)).where(PlanRow.id.in_(plans)).scalar_subquery(),
        select(func.sum(PlanRow.version)).where(PlanRow.id.in_(plans)).scalar_subquery(),
        select(func.max(PlanRow.updated_at)).where(PlanRow.id.in_(plans)).scalar_subquery(),
        select(func.count(ActualRow.id)).where(ActualRow.kpi_id.in_(kpis)).scalar_subquery(),
        select(func.max(ActualRow.id)).where(ActualRow.kpi_id.in_(kpis)).scalar_subquery(),
        select(func.count(AssessmentRow.id)).where(AssessmentRow.kpi_id.in_(kpis)).scalar_subquery(),
        select(func.max(AssessmentRow.id)).where(AssessmentRow.kpi_id.in_(kpis)).scalar_subquery(),
        select(func.max(AssessmentRow.published_at)).where(AssessmentRow.kpi_id.in_(kpis)).scalar_subquery(),
        select(func.max(ProjectEvaluationRow.published_at))
        .where(ProjectEvaluationRow.project_id.in_(projects)).scalar_subquery(),
        select(func.max(PartnerEvaluationRow.published_at))
        .where(PartnerEvaluationRow.project_id.in_(projects)).scalar_subquery(),
        select(func.count(ProjectTextRow.id)).where(*published_text).scalar_subquery(),
        select(func.max(ProjectTextRow.updated_at)).where(*published_text).scalar_subquery(),
        select(func.count(ReportingRoundRow.id)).where(ReportingRoundRow.plan_id.in_(plans)).scalar_subquery(),
        select(func.max(ReportingRoundRow.fiscal_year)).where(ReportingRoundRow.plan_id.in_(plans)).scalar_subquery(),
    )


def read_area_fingerprint(*, connection: Connection, area_slug: str) -> tuple[object, ...]:
    """Return the fingerprint of what one area's pages show, in a single query (see :func:`read_store_fingerprint`).

    A change in another area leaves it as it was, so that area's ETags, cached pages and page data stay valid. It
    costs more than the store's fingerprint (it follows the area's plans, projects and KPIs), so the portal reads it
    only after the store's fingerprint has moved.
    """
    return (area_slug, *connection.execute(_area_fingerprint_query(area_slug)).one())
