"""List the KPIs of every area at once: the KPIs of each area's current plan, filtered and paged in the database,
with the number found in each area (the area facet).

Like :mod:`renkei.store.national_search`, it runs a few queries whatever the number of areas and builds no area's
page data: it finds which KPIs a page shows, and only those are evaluated afterwards
(:mod:`renkei.services.national_kpis`). A KPI is listed once: the 【再掲】 sheets, which repeat another sheet's KPIs,
are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from renkei.store.national_search import current_plan_ids, project_holds_words, search_words
from renkei.store.tables import AreaRow, KpiRow, PlanRow, ProjectRow

#: The orders of the national dashboard: the documents' order (area by area), or by indicator.
KpiOrder = Literal["document", "name"]


@dataclass(frozen=True, slots=True)
class FoundKpi:
    """A KPI found: its area, plan, project (key, slug, name) and indicator key."""

    area_slug: str
    area_name: str
    area_name_en: str
    plan_id: int
    project_key: str
    project_slug: str
    indicator_key: str


@dataclass(frozen=True, slots=True)
class NationalKpis:
    """One page of KPIs found, how many in each area (slug, name, count), and how many in all (in the chosen area)."""

    kpis: tuple[FoundKpi, ...]
    by_area: tuple[tuple[str, str, int], ...]
    total: int


def _listed(plan_ids: list[int], words: list[str]) -> Select[str, str, str, int, str, str, str]:
    return (select(AreaRow.slug, AreaRow.name, AreaRow.name_en, ProjectRow.plan_id, ProjectRow.key, ProjectRow.slug,
                   KpiRow.indicator_key)
            .select_from(KpiRow).join(ProjectRow, ProjectRow.id == KpiRow.project_id)
            .join(PlanRow, PlanRow.id == ProjectRow.plan_id).join(AreaRow, AreaRow.id == PlanRow.area_id)
            .where(ProjectRow.plan_id.in_(plan_ids), ProjectRow.status == "active", KpiRow.status == "active",
                   ProjectRow.relisted.is_(False), *project_holds_words(words)))


def list_kpis_everywhere(*, session: Session, query: str = "", area_slug: str | None = None,
                         order: KpiOrder = "document", offset: int = 0, limit: int = 50) -> NationalKpis:
    """Return one page of the KPIs of every area's current plan (or one area's) whose project holds every word.

    The words are matched as :func:`renkei.store.national_search.search_everywhere` matches them (a project's name,
    reading, content or KPI indicators), so a KPI is listed when its project is found, as on an area's dashboard.
    ``offset`` past the end gives an empty page; the caller turns its page number into an offset within ``total``.
    """
    plan_ids = current_plan_ids(session=session)
    if not plan_ids:
        return NationalKpis((), (), 0)
    listed = _listed(plan_ids, search_words(query))
    every = listed.subquery()
    by_area = tuple((slug, name, int(count)) for slug, name, count in session.execute(
        select(every.c.slug, every.c.name, func.count()).group_by(every.c.slug, every.c.name).order_by(every.c.slug)))
    total = sum(count for slug, _, count in by_area if area_slug is None or slug == area_slug)
    chosen = listed.where(AreaRow.slug == area_slug) if area_slug else listed
    document = (AreaRow.slug, ProjectRow.position, KpiRow.position)
    ordered = chosen.order_by(*((KpiRow.indicator, *document) if order == "name" else document))
    rows = session.execute(ordered.offset(max(0, offset)).limit(limit)).all()
    found = tuple(FoundKpi(slug, name, name_en or "", plan_id, key, project_slug, indicator)
                  for slug, name, name_en, plan_id, key, project_slug, indicator in rows)
    return NationalKpis(found, by_area, total)
