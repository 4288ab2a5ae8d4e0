"""A municipality page: the projects it takes part in, a page at a time, with its role and cost sharing."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from renkei.presentation.choropleth import load_shapes, render_map
from renkei.presentation.i18n import translate
from renkei.web.pagination import Page, paginate, read_page_number
from renkei.web.parameters import check_page
from renkei.web.readmodel import ProjectView
from renkei.web.rendering import LanguageDep, PortalDep, member_link, render_page
from renkei.web.schemas import municipality_detail

router = APIRouter()


@router.get("/municipalities/{code}", include_in_schema=False)
def show_municipality(request: Request, code: str, portal: PortalDep, lang: LanguageDep) -> Response:
    """Show a member municipality."""
    number = read_page_number(request.query_params.get("page"))
    pages: list[Page[ProjectView]] = []

    def one_page(sheets: list[ProjectView]) -> Sequence[ProjectView]:  # describe only the sheets shown
        pages.append(paginate(sheets, number))
        return pages[0].items

    detail = municipality_detail(portal, code, one_page, lang)
    if detail is None:
        raise HTTPException(status_code=404, detail=translate("muni.not_found", lang))
    shapes = load_shapes(portal.plan.area_slug)
    area_map = None
    if shapes is not None:
        area_map = render_map(shapes, title=translate("map.title", lang), description=detail.name,
                              highlight=frozenset({code}), label="{name}", href=member_link(request))
    page = Page(detail.projects, pages[0].number, pages[0].size, pages[0].total)
    check_page(request, page)
    return render_page(request, "municipalities/detail.html", {
        "portal": portal, "detail": detail, "area_map": area_map, "page": page,
    })
