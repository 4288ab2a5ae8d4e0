"""Search every area at once: the projects of each area's current plan whose name, reading, content or KPI
indicators hold every word, with the number found in each area (the area facet).

It runs in the database (a few queries, whatever the number of areas), so it never builds any area's page data. The
words are folded to NFKC and matched as written (an area's own search also matches readings across kana; this one
matches the stored reading as it is).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from renkei.domain.text import nfkc
from renkei.store.portal_queries import current_plan
from renkei.store.repository import PlanSummary, list_plans
from renkei.store.tables import AreaRow, KpiRow, PlanRow, ProjectRow

#: The most projects one search answers with (the facet still counts them all).
LIMIT = 100


@dataclass(frozen=True, slots=True)
class FoundProject:
    """A project found: its area, its page's slug and its name."""

    area_slug: str
    area_name: str
    area_name_en: str
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class NationalResults:
    """What a search found: the projects (at most :data:`LIMIT`), and how many in each area (slug, name, count)."""

    projects: tuple[FoundProject, ...]
    by_area: tuple[tuple[str, str, int], ...]
    total: int


def _pattern(word: str) -> str:
    """Return a LIKE pattern holding a word anywhere, its wildcards taken literally.

    >>> _pattern("10%_増")
    '%10\\\\%\\\\_増%'
    """
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def current_plan_ids(*, session: Session) -> list[int]:
    """Return the id of every area's current plan (the plan each area's pages show by default)."""
    plans: dict[str, list[PlanSummary]] = {}
    for plan in list_plans(session=session):
        plans.setdefault(plan.area_slug, []).append(plan)
    return [p.id for p in (current_plan(listed) for listed in plans.values()) if p is not None]


def search_words(query: str) -> list[str]:
    """Return the words of a query, folded to NFKC.

    >>> search_words("  観光　ＰＲ ")
    ['観光', 'PR']
    """
    return [w for w in nfkc(query).split() if w]


def project_holds_words(words: list[str]) -> list[ColumnElement[bool]]:
    """Return one condition per word: the project's name, reading, content or an active KPI's indicator holds it."""
    kpi = aliased(KpiRow)  # its own name: a query over KPIs may use these conditions (store/national_kpis.py)
    conditions = []
    for word in words:
        like = _pattern(word)
        conditions.append(or_(
            ProjectRow.name.like(like, escape="\\"), ProjectRow.reading.like(like, escape="\\"),
            ProjectRow.description.like(like, escape="\\"),
            exists().where(and_(kpi.project_id == ProjectRow.id, kpi.status == "active",
                                kpi.indicator.like(like, escape="\\")))))
    return conditions


def search_everywhere(*, session: Session, query: str, area_slug: str | None = None) -> NationalResults:
    """Return the projects of every area's current plan that hold every word of ``query`` (or one area's)."""
    words = search_words(query)
    current = current_plan_ids(session=session)
    if not words or not current:
        return NationalResults((), (), 0)
    conditions = project_holds_words(words)
    found = (select(AreaRow.slug.label("area_slug"), AreaRow.name.label("area_name"),
                    AreaRow.name_en.label("area_name_en"), ProjectRow.slug.label("slug"), ProjectRow.name.label("name"),
                    ProjectRow.position.label("position"))
             .join(PlanRow, PlanRow.id == ProjectRow.plan_id).join(AreaRow, AreaRow.id == PlanRow.area_id)
             .where(ProjectRow.plan_id.in_(current), ProjectRow.status == "active", *conditions))
    every = found.subquery()
    by_area = tuple((slug, name, int(count)) for slug, name, count in session.execute(
        select(every.c.area_slug, every.c.area_name, func.count())
        .group_by(every.c.area_slug, every.c.area_name).order_by(every.c.area_slug)))
    chosen = found.where(AreaRow.slug == area_slug) if area_slug else found
    rows = session.execute(chosen.order_by(AreaRow.slug, ProjectRow.position).limit(LIMIT)).all()
    projects = tuple(FoundProject(r.area_slug, r.area_name, r.area_name_en or "", r.slug, r.name) for r in rows)
    total = sum(count for slug, _, count in by_area if area_slug is None or slug == area_slug)
    return NationalResults(projects, by_area, total)
