"""The project list: facets with counts, Japanese full-text search and sorting, all in the URL."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from renkei.web.listing import SORTS, ProjectFilter, find_hits, list_with_facets
from renkei.web.pagination import paginate, read_page_number
from renkei.web.parameters import check_page
from renkei.web.rendering import LanguageDep, PortalDep, SessionDep, render_page
from renkei.web.search_results import describe_results

router = APIRouter()


@router.get("/projects", include_in_schema=False)
def list_projects(request: Request, session: SessionDep, portal: PortalDep, lang: LanguageDep) -> Response:
    """Show the projects matching the filters in the URL."""
    chosen = ProjectFilter.from_params(request.query_params)
    hits = find_hits(portal, session, chosen.q)
    found, facets = list_with_facets(portal, chosen, hits, lang)
    page = paginate(found, read_page_number(request.query_params.get("page")))
    check_page(request, page)
    search = describe_results(request, portal, session, chosen, page.items, len(found), lang)
    return render_page(request, "projects/list.html", {
        "portal": portal, "chosen": chosen, "projects": found, "page": page, "facets": facets, "sorts": SORTS,
        "search": search,
    })
