"""The national pages: every area the portal publishes (``/``), a search and a KPI dashboard across them all
(``/search``, ``/kpis``); and where yesterday's one-area URLs lead now.

One deployment serves many areas, each under ``/a/{area}/``. ``/`` lists them. A URL from before areas had their
own paths (``/projects/…``, ``/api/kpis``) still works: with one area it is moved there for good (301); with
several, ``/`` is offered instead, since the URL does not say which area it meant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from renkei.presentation.chart import build_kpi_series, render_sparkline
from renkei.presentation.i18n import translate
from renkei.presentation.prefecture_tiles import prefecture_code, render_prefecture_tiles
from renkei.services.national_kpis import list_national_kpis
from renkei.store.national_kpis import KpiOrder
from renkei.store.national_search import LIMIT as SEARCH_LIMIT
from renkei.store.national_search import search_everywhere
from renkei.store.portal_queries import AreaListing, list_areas, load_area_members
from renkei.web.grades import members_grading
from renkei.web.pagination import PAGE_SIZE, Page, read_page_number
from renkei.web.parameters import check_page
from renkei.web.readmodel import kpi_view
from renkei.web.rendering import SessionDep, get_language, render_page
from renkei.web.urls import AREA_SLUG, SHARED_PATHS, area_path, is_area_path

router = APIRouter()


@router.get("/", include_in_schema=False)
def show_areas(request: Request, session: SessionDep) -> Response:
    """List every area; with exactly one, go to its home page (a 302: a second area may come later)."""
    areas = list_areas(session=session)
    if len(areas) == 1:
        return RedirectResponse(_with_query(area_path(areas[0].slug, "/"), request), status_code=302)
    if not areas:
        return render_page(request, "home/empty.html", {})
    groups = by_prefecture(areas)
    lang = get_language(request)
    tiles = render_prefecture_tiles(
        {name: len(listed) for name, listed in groups}, lambda name: f"#pref-{prefecture_code(name)}",
        label=translate("areas.tiles", lang),
        describe=lambda name, count: translate("areas.tile", lang, name=name, count=count))
    return render_page(request, "areas/index.html", {"areas": areas, "by_prefecture": groups, "tiles": tiles,
                                                     "prefecture_code": prefecture_code})


@router.get("/search", include_in_schema=False)
def search_every_area(request: Request, session: SessionDep, q: Annotated[str, Query(max_length=200)] = "",
                      area: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """Search the projects of every area's current plan, with the number found in each area (the area facet)."""
    chosen = area if area and AREA_SLUG.match(area) else None
    results = search_everywhere(session=session, query=q, area_slug=chosen)
    return render_page(request, "areas/search.html", {"q": q, "area": chosen, "results": results,
                                                      "limit": SEARCH_LIMIT})


@router.get("/kpis", include_in_schema=False)
def list_every_area_kpis(request: Request, session: SessionDep,
                         q: Annotated[str, Query(max_length=200)] = "",
                         area: Annotated[str | None, Query(max_length=64)] = None,
                         sort: Annotated[str, Query(max_length=20)] = "document") -> Response:
    """Show the KPIs of every area's current plan, a page at a time, with the number in each area (the area facet).

    The search words and the order are an area dashboard's; the filters that only mean something within one area
    (its policy areas, members and statuses) are on each area's own dashboard, which every KPI links to.
    """
    chosen = area if area and AREA_SLUG.match(area) else None
    order: KpiOrder = "name" if sort == "name" else "document"
    found = list_national_kpis(session=session, query=q, area_slug=chosen, order=order,
                               page=read_page_number(request.query_params.get("page")), page_size=PAGE_SIZE)
    page = Page(items=found.kpis, number=found.number, size=PAGE_SIZE, total=found.total)
    check_page(request, page)
    # each KPI in its own area's grades (an area on renkei's A–E: none); one look-up per area on the page
    gradings = {slug: members_grading(load_area_members(session=session, area_slug=slug))
                for slug in dict.fromkeys(item.found.area_slug for item in found.kpis)}
    rows = []
    for item in found.kpis:
        view = kpi_view(item.progress)
        series = build_kpi_series(view, item.first_year, item.last_year)
        line = render_sparkline(list(series.actual), target=view.kpi.target.value, years=series.years,
                                label=view.kpi.indicator, label_lang="ja", baseline=series.baseline)
        rows.append((item, view, line, gradings[item.found.area_slug]))
    graded = {slug: g for slug, g in gradings.items() if g is not None}
    english = get_language(request) == "en"
    names = {i.found.area_slug: i.found.area_name_en if english and i.found.area_name_en else i.found.area_name
             for i in found.kpis}
    return render_page(request, "areas/kpis.html", {
        "q": q, "area": chosen, "sort": order, "found": found, "page": page, "rows": rows,
        "area_gradings": [(names[slug], g) for slug, g in graded.items()],
        "area_stylesheets": [area_path(slug, "/scale.css") for slug in graded]})


def by_prefecture(areas: list[AreaListing]) -> list[tuple[str, list[AreaListing]]]:
    """Group areas by the prefectures of their members (an area across two prefectures is listed under both)."""
    groups: dict[str, list[AreaListing]] = {}
    for area in areas:
        for prefecture in area.prefectures or ("",):
            groups.setdefault(prefecture, []).append(area)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))


def _with_query(path: str, request: Request) -> str:
    return path + (f"?{request.url.query}" if request.url.query else "")


class EarlierPaths:
    """Send a GET for a page or API path without its area to the area's path (301), or to ``/`` (several areas)."""

    def __init__(self, app: ASGIApp, *, areas: Callable[[], list[str]]) -> None:
        self.app = app
        self.areas = areas  # the stored areas' slugs, read per request: areas come and go

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if (not path or path == "/" or scope.get("method") not in ("GET", "HEAD") or path.startswith(SHARED_PATHS)
                or is_area_path(path) or not _is_portal_path(path)):
            await self.app(scope, receive, send)
            return
        from starlette.concurrency import run_in_threadpool

        slugs = await run_in_threadpool(self.areas)
        query = scope.get("query_string", b"").decode("latin-1")
        if path in ("/search", "/kpis") and len(slugs) != 1:
            await self.app(scope, receive, send)  # with several areas, these search and list them all
            return
        if len(slugs) == 1:
            target = area_path(slugs[0], path) + (f"?{query}" if query else "")
            response: Response = RedirectResponse(target, status_code=301)
        elif path.startswith("/api/"):
            from fastapi.responses import JSONResponse

            response = JSONResponse({"detail": "the API of an area is under /api/a/{area}/…; areas: "
                                               + ", ".join(slugs)}, status_code=404)
        else:
            response = RedirectResponse("/", status_code=302)
        await response(scope, receive, send)


#: The first segments of the paths an area's portal has (pages and API).
_PORTAL_ROOTS = frozenset({"projects", "municipalities", "kpis", "map", "method", "docs", "downloads", "search",
                           "api", "opendata", "search-index.js"})


def _is_portal_path(path: str) -> bool:
    """Tell whether a path is one of an area's pages or API paths written without the area.

    >>> _is_portal_path("/projects/3f2a"), _is_portal_path("/api/kpis.csv"), _is_portal_path("/robots.txt")
    (True, True, False)
    """
    return path.strip("/").split("/", 1)[0] in _PORTAL_ROOTS

