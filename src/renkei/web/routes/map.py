"""The map page: members shaded by their number of projects, each linked to its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from renkei.presentation.choropleth import build_classes, load_shapes, render_map
from renkei.presentation.i18n import translate
from renkei.web.rendering import LanguageDep, PortalDep, member_link, render_page
from renkei.web.schemas import municipality_items

router = APIRouter()


@router.get("/map", include_in_schema=False)
def show_map(request: Request, portal: PortalDep, lang: LanguageDep) -> Response:
    """Show the choropleth of members by number of projects."""
    items = municipality_items(portal)
    counts = {i.code: i.project_count for i in items}
    shapes = load_shapes(portal.plan.area_slug)
    area_map = None
    if shapes is not None:
        area_map = render_map(
            shapes, title=translate("map.title", lang),
            description=", ".join(f"{i.name} {i.project_count}" for i in items), values=counts,
            label="{name}: {count}" + ("件" if lang == "ja" else ""), names_lang="ja", href=member_link(request),
        )
    classes = build_classes(list(counts.values()))
    legend = [(c.index, c.label) for c in classes]
    return render_page(request, "map/index.html", {
        "portal": portal, "items": items, "area_map": area_map, "legend": legend,
        "legend_low": classes[0].low if classes else None,  # the legend says when it does not start at 0
    })
