"""A project page: every field of the sheet, partners on a map, budget and KPI charts with their tables."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from renkei.domain.scale import DEFAULT_SCALE
from renkei.presentation.budget_chart import draw_budget_chart, project_budget_years
from renkei.presentation.chart import build_kpi_series, render_kpi_chart
from renkei.presentation.choropleth import load_shapes, render_map
from renkei.presentation.i18n import short_year_labels, translate
from renkei.services.evaluations import DIRECTION_LABELS
from renkei.store.evaluations import published_evaluations_of
from renkei.store.partner_evaluations import published_partner_evaluations_of
from renkei.web.rendering import LanguageDep, PortalDep, SessionDep, member_link, render_page

router = APIRouter()


@router.get("/projects/{slug}", include_in_schema=False)
def show_project(request: Request, slug: str, portal: PortalDep, lang: LanguageDep, session: SessionDep) -> Response:
    """Show one project sheet."""
    view = portal.project_by_slug(slug)
    if view is None:
        raise HTTPException(status_code=404, detail=translate("project.not_found", lang))
    budget = view.project.budget
    budget_chart = None
    if budget is not None and budget.has_amount:  # a blank year is a gap saying 記載なし, never a zero bar
        years = project_budget_years(budget, lang)
        budget_chart = draw_budget_chart(
            years, title=translate("project.budget", lang), highlight=portal.plan.years, lang=lang,
            year_label=short_year_labels(tuple(y.fiscal_year for y in years), lang),
        )
    names = {"actual": translate("col.actual", lang), "baseline": translate("col.baseline", lang),
             "target": translate("col.target", lang)}
    kpi_charts = []
    for kpi in view.kpis:
        series = build_kpi_series(kpi, portal.plan.first_year, portal.plan.last_year)
        chart = None
        if series.drawable:
            chart = render_kpi_chart(
                series, title=kpi.kpi.indicator,
                description=(kpi.evaluation.explanation_en if lang == "en" else kpi.evaluation.explanation_ja),
                names=names, year_label=short_year_labels(series.years, lang), title_lang="ja",
            )
        kpi_charts.append((kpi, series, chart))
    shapes = load_shapes(portal.plan.area_slug)
    partner_codes = frozenset(m.code for m in portal.municipalities if view.takes_part(m))
    partner_map = None
    if shapes is not None:
        partner_map = render_map(
            shapes, title=translate("map.partners", lang),
            description="、".join(m.name for m in portal.municipalities if m.code in partner_codes),
            highlight=partner_codes, label="{name}", href=member_link(request),
        )
    evaluations = [(e.fiscal_year, DIRECTION_LABELS[e.published_direction or "continue"][lang == "en"],
                    e.published_comment or "") for e in published_evaluations_of(
                        session=session, plan_id=portal.summary.id, project_key=view.key)]
    # the partners' own evaluations, where the area asks for them: each in the area's scale, by the lead city's
    scale = (portal.members.scale if portal.members else None) or DEFAULT_SCALE
    keys = {g.key for g in scale.grades}
    partner_evaluations = [(e.fiscal_year, portal.member_names.get(e.municipality_code, e.municipality_code),
                            scale.grade(e.grade) if e.grade in keys else None, e.grade, e.comment)
                           for e in published_partner_evaluations_of(session=session, plan_id=portal.summary.id,
                                                                    project_key=view.key)
                           ] if portal.members is not None and portal.members.partner_evaluations else []
    session.close()  # the reads are done: the connection goes back to the pool before the page is rendered
    return render_page(request, "projects/detail.html", {
        "portal": portal, "view": view, "budget_chart": budget_chart, "kpi_charts": kpi_charts,
        "partner_map": partner_map, "partner_codes": partner_codes, "evaluations": evaluations,
        "partner_evaluations": partner_evaluations,
    })
