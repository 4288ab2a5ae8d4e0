"""The human pages about the data itself: the API guide (/docs) and every download (/downloads)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from renkei.web.api_guide import describe_api, list_downloads
from renkei.web.parameters import check_year
from renkei.web.readmodel import Portal
from renkei.web.rendering import LanguageDep, SessionDep, find_portal, render_page

router = APIRouter()


def _portal(request: Request, session: SessionDep, plan: str | None, as_of: int | None) -> Portal | None:
    portal = find_portal(request, session, plan, as_of)
    if portal is not None:
        check_year(as_of, portal.as_of, portal.plan.first_year, portal.plan.last_year)
    return portal


def _examples(portal: Portal | None) -> dict[str, str]:
    if portal is None:
        return {}
    found = {"area": portal.plan.area_slug, "code": portal.lead_code or "401005"}
    return {**found, "slug": portal.projects[0].slug} if portal.projects else found


@router.get("/docs", include_in_schema=False)
def show_api_guide(request: Request, session: SessionDep, lang: LanguageDep, plan: str | None = None,
                   as_of: int | None = None) -> Response:
    """Describe the JSON API and CSV downloads for people, from the OpenAPI schema."""
    portal = _portal(request, session, plan, as_of)
    endpoints = describe_api(request.app.openapi(), lang, _examples(portal))
    context = {"endpoints": endpoints}
    return render_page(request, "guide/api.html", {**context, "portal": portal} if portal else context)


@router.get("/downloads", include_in_schema=False)
def show_downloads(request: Request, session: SessionDep, lang: LanguageDep, plan: str | None = None,
                   as_of: int | None = None) -> Response:
    """List every CSV and JSON download with what it holds and how many rows it has."""
    portal = _portal(request, session, plan, as_of)
    counts = {}
    if portal is not None:
        counts = {"/api/projects": len(portal.projects), "/api/kpis": len(portal.kpis),
                  "/api/municipalities": len(portal.municipalities)}
    downloads = list_downloads(describe_api(request.app.openapi(), lang, _examples(portal)), counts)
    context = {"downloads": downloads}
    return render_page(request, "guide/downloads.html", {**context, "portal": portal} if portal else context)
