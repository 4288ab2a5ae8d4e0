"""The 「進捗の判定方法」 page: how each status and rating is decided, linked from every verdict; the area's scale and
its stylesheet (the colours of its grades)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from renkei.domain.status import Rating, Status, Thresholds
from renkei.web.grades import area_grading, grade_stylesheet
from renkei.web.rendering import PortalDep, render_page

router = APIRouter()


@router.get("/method", include_in_schema=False)
def show_method(request: Request, portal: PortalDep) -> Response:
    """Explain the progress rules, statuses and ratings in words."""
    return render_page(request, "method/index.html", {
        "portal": portal, "statuses": list(Status), "ratings": list(Rating), "thresholds": Thresholds(),
    })


@router.get("/scale.css", include_in_schema=False)
def show_scale_stylesheet(portal: PortalDep) -> Response:
    """Serve the colours of the area's own grades (the pages allow no inline style); empty for renkei's A–E."""
    grading = area_grading(portal)
    return Response(grade_stylesheet(grading) if grading else "", media_type="text/css")
