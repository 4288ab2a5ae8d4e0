"""The list of member municipalities with their number of projects."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from renkei.web.rendering import PortalDep, render_page
from renkei.web.schemas import municipality_items

router = APIRouter()


@router.get("/municipalities", include_in_schema=False)
def list_municipalities(request: Request, portal: PortalDep) -> Response:
    """Show every member with its projects and their budget."""
    items = municipality_items(portal)
    return render_page(request, "municipalities/list.html", {"portal": portal, "items": items})
