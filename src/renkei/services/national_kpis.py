"""The KPI dashboard of every area: one page of KPIs found in the database, each evaluated as its area shows it.

Finding, counting per area and paging run in the database (:mod:`renkei.store.national_kpis`); only the KPIs of the
page are then evaluated, a plan at a time, from their projects' rows alone (with the 【再掲】 sheets that decide where
their actuals count), as of the year each area's pages show by default. So a request costs the page it shows,
whatever the number of areas, and builds no area's page data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from renkei.services.progress import KpiProgress, evaluate_stored_plan
from renkei.store.national_kpis import FoundKpi, KpiOrder, list_kpis_everywhere
from renkei.store.repository import sheets_of_project


@dataclass(frozen=True, slots=True)
class NationalKpi:
    """A KPI of the national dashboard: where it is found, its evaluation, and its plan's period and year."""

    found: FoundKpi
    progress: KpiProgress
    first_year: int
    last_year: int
    as_of: int


@dataclass(frozen=True, slots=True)
class NationalKpiPage:
    """One page of the national dashboard: its KPIs, the area facet (slug, name, count), the page's number and the
    number of KPIs in all (in the chosen area)."""

    kpis: tuple[NationalKpi, ...]
    by_area: tuple[tuple[str, str, int], ...]
    number: int
    total: int


def list_national_kpis(*, session: Session, query: str = "", area_slug: str | None = None,
                       order: KpiOrder = "document", page: int = 1, page_size: int = 50) -> NationalKpiPage:
    """Return one page (1-based; past the end: the last) of the KPIs of every area's current plan, evaluated."""
    first = list_kpis_everywhere(session=session, query=query, area_slug=area_slug, order=order,
                                 offset=(max(1, page) - 1) * page_size, limit=page_size)
    pages = max(1, -(-first.total // page_size))
    number = min(max(1, page), pages)
    found = first if number == max(1, page) else list_kpis_everywhere(
        session=session, query=query, area_slug=area_slug, order=order, offset=(number - 1) * page_size,
        limit=page_size)
    return NationalKpiPage(evaluate_found(session=session, found=found.kpis), found.by_area, number, found.total)


def evaluate_found(*, session: Session, found: tuple[FoundKpi, ...]) -> tuple[NationalKpi, ...]:
    """Evaluate the KPIs found, in their order: each plan once, over the projects of the page only."""
    by_plan: dict[int, set[str]] = {}
    for kpi in found:
        by_plan.setdefault(kpi.plan_id, set()).update(sheets_of_project(kpi.project_key))
    listed: dict[tuple[int, str, str], NationalKpi] = {}
    wanted = {(kpi.plan_id, kpi.project_key, kpi.indicator_key): kpi for kpi in found}
    for plan_id, keys in by_plan.items():
        progress = evaluate_stored_plan(session, plan_id, project_keys=keys)  # as of the area's default year
        plan = progress.plan
        for item in progress.kpis:
            asked = wanted.get((plan_id, item.project.key, item.kpi.key))
            if asked is not None:
                listed[(plan_id, item.project.key, item.kpi.key)] = NationalKpi(
                    asked, item, plan.first_year, plan.last_year, progress.as_of)
    # A KPI whose row and document disagree on its key would be missing here: left out rather than guessed.
    return tuple(listed[key] for key in wanted if key in listed)
