"""The KPI dashboard: every KPI with its status, rating and a server-drawn sparkline, filterable."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from renkei.presentation.chart import build_kpi_series, render_sparkline
from renkei.web.listing import ProjectFilter, build_facets, filter_kpis, find_hits
from renkei.web.pagination import paginate, read_page_number
from renkei.web.parameters import check_page
from renkei.web.rendering import LanguageDep, PortalDep, SessionDep, render_page
from renkei.web.search_results import describe_results

router = APIRouter()


@router.get("/kpis", include_in_schema=False)
def list_kpis(request: Request, session: SessionDep, portal: PortalDep, lang: LanguageDep) -> Response:
    """Show the KPIs of the projects matching the filters."""
    chosen = ProjectFilter.from_params(request.query_params)
    hits = find_hits(portal, session, chosen.q)
    rows = []
    found = filter_kpis(portal, chosen, hits)
    page = paginate(found, read_page_number(request.query_params.get("page")))
    check_page(request, page)
    for view in page.items:
        series = build_kpi_series(view, portal.plan.first_year, portal.plan.last_year)
        line = render_sparkline(list(series.actual), target=view.kpi.target.value, years=series.years,
                                label=view.kpi.indicator, label_lang="ja", baseline=series.baseline)
        rows.append((view, line))
    facets = [f for f in build_facets(portal, chosen, hits, lang, count_kpis=True) if f.name != "relisted"]
    search = describe_results(request, portal, session, chosen, (), len(found), lang, kpis=True)
    return render_page(request, "kpis/list.html", {
        "portal": portal, "chosen": chosen, "rows": rows, "page": page, "facets": facets, "search": search,
    })
