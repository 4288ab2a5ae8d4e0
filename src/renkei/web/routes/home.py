"""The home page: the plan at a glance (period, counts, budget by year, KPI progress, the map)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from renkei.presentation.budget_chart import draw_budget_chart, total_budget_years
from renkei.presentation.choropleth import build_classes, load_shapes, render_map
from renkei.presentation.i18n import short_year_labels, translate
from renkei.web.parameters import check_year
from renkei.web.rendering import LanguageDep, SessionDep, find_portal, member_link, render_page
from renkei.web.schemas import build_summary

router = APIRouter()


@router.get("/", include_in_schema=False)
def show_home(request: Request, session: SessionDep, lang: LanguageDep, plan: str | None = None,
              as_of: int | None = None) -> Response:
    """Show the plan's overview (as of the chosen year), or an invitation to import one when the database is empty."""
    portal = find_portal(request, session, plan, as_of)
    if portal is None:
        if plan is not None:
            return render_page(request, "errors/error.html",
                               {"status": 404, "message": translate("error.no_plan", lang)}, status_code=404)
        return render_page(request, "home/empty.html", {})
    check_year(as_of, portal.as_of, portal.plan.first_year, portal.plan.last_year)
    summary = build_summary(portal, lang)
    years = total_budget_years(portal.totals.years, lang)  # the plan period only; a year no sheet states is a gap
    budget_chart = draw_budget_chart(
        years, title=translate("home.budget_by_year", lang), highlight=portal.plan.years, lang=lang,
        year_label=short_year_labels(tuple(y.fiscal_year for y in years), lang),
    )
    shapes = load_shapes(portal.plan.area_slug)
    counts = portal.project_counts()
    area_map = None
    if shapes is not None:
        area_map = render_map(
            shapes,
            title=translate("map.title", lang),
            description=", ".join(f"{m.name} {counts.get(m.code, 0)}" for m in portal.municipalities),
            values=counts,
            href=member_link(request),
            label="{name}: {count}" + ("件" if lang == "ja" else ""),
        )
    status_max = max((c.count for c in summary.kpi_status), default=0) or 1
    classes = build_classes(list(counts.values()))  # the shaded map has its legend, which says where it starts
    return render_page(request, "home/index.html", {
        "portal": portal, "summary": summary, "budget_chart": budget_chart, "area_map": area_map,
        "status_max": status_max, "counts": counts, "legend": [(c.index, c.label) for c in classes],
        "legend_low": classes[0].low if classes else None,
    })
