"""The JSON API (documented in /openapi.json) and CSV downloads (UTF-8 with BOM) of every list."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, TypeAdapter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.responses import Response

from renkei.domain.csv_cell import csv_writer
from renkei.domain.status import Rating
from renkei.presentation.choropleth import load_shapes
from renkei.presentation.columns import Column, Columns
from renkei.presentation.i18n import label_status, translate
from renkei.store.partner_evaluations import published_partner_evaluations_of
from renkei.web.api_guide import download_name
from renkei.web.grades import area_grading
from renkei.web.listing import ProjectFilter, filter_kpis, find_hits, list_with_facets
from renkei.web.listing_memo import ListingMemo
from renkei.web.readmodel import Portal, ProjectView
from renkei.web.rendering import LanguageDep, PortalDep, SessionDep
from renkei.web.revision_history import RevisionHistory, revision_history
from renkei.web.schemas import (
    FacetItem,
    GradeItem,
    KpiItem,
    MapData,
    MunicipalityDetail,
    MunicipalityItem,
    NotFound,
    ProjectDetail,
    ProjectItem,
    ProjectList,
    RollUpItem,
    Summary,
    build_summary,
    facet_items,
    kpi_item,
    map_data,
    municipality_detail,
    municipality_items,
    project_detail,
    project_item,
)

#: Rows in one JSON response of a list, unless ?limit= says otherwise.
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

#: What every API operation may answer besides 200, 414 and 422 (web/parameters.py): an unknown area or plan.
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": NotFound, "description": "No such area, plan (?plan=), project or municipality."}}
router = APIRouter(tags=["portal"], responses=NOT_FOUND)  # mounted at /api/a/{area} (web/app.py)

BOM = "\ufeff"

FILTER_DOC = (
    " Filters (query parameters): q (search), policy_area, category, municipality (6-digit code), "
    "status, budget (yes/no), relisted (yes/no), sort (document/name/budget/status); plan=<plan_key>."
)


def cell_text(value: object) -> object:
    """Write a value for people reading the CSV in a spreadsheet: はい/いいえ for yes and no, blank for unknown.

    (The open-data package, for machines, keeps typed booleans and codes with its schema.)

    >>> cell_text(True), cell_text(False), cell_text(None), cell_text(3)
    ('はい', 'いいえ', '', 3)
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str) -> Response:
    """Return rows as a CSV download in UTF-8 with a BOM (so spreadsheet software reads Japanese right)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv_writer(buffer)  # text a spreadsheet would run as a formula gets a quote before it
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_text(v) for v in row])
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )


#: The columns of the projects CSV: a project of the list (its JSON item), by name.
PROJECT_CSV: Columns[ProjectItem, str] = Columns((
    Column("slug", lambda p: p.slug), Column("事業名", lambda p: p.name), Column("再掲", lambda p: p.relisted),
    Column("政策分野", lambda p: p.policy_area), Column("連携協約", lambda p: p.category),
    Column("連携市町", lambda p: "、".join(p.partners)), Column("全市町", lambda p: p.all_members),
    Column("事業費（計画期間・千円）", lambda p: p.budget_plan_period),
    Column("事業費の注記", lambda p: p.budget_period_note or ""), Column("事業費あり", lambda p: p.has_budget),
    Column("合計に算入", lambda p: p.counted_in_totals),
    Column("進捗", lambda p: label_status(p.status, "ja") if p.status else None), Column("評価", lambda p: p.rating),
    Column("評価の名称", lambda p: Rating(p.rating).label_ja if p.rating else None),
    Column("KPI数", lambda p: p.kpi_count),
))
#: The projects CSV of an area with its own evaluation scale: the same columns, then the KPIs rolled up.
GRADED_PROJECT_CSV: Columns[ProjectItem, str] = Columns((
    *PROJECT_CSV.columns,
    Column("評価区分", lambda p: _total_grade(p, "key")), Column("評価区分の名称", lambda p: _total_grade(p, "label")),
    Column("平均得点率", lambda p: _total(p).mean_score_rate),
    Column("評価区分ごとのKPI数", lambda p: "、".join(f"{k} {n}" for k, n in _total(p).by_grade.items() if n)),
))


def _total(item: ProjectItem) -> RollUpItem:
    assert item.grades is not None  # the graded CSV is written for a graded area's items only
    return item.grades


def _total_grade(item: ProjectItem, name: str) -> str | None:
    grade = _total(item).grade
    return getattr(grade, name) if grade is not None else None  # no single grade under share: blank


def _grade(item: KpiItem) -> GradeItem:
    assert item.grade is not None  # the graded CSV is written for a graded area's items only
    return item.grade
#: The columns of the municipalities CSV.
MUNICIPALITY_CSV: Columns[MunicipalityItem, str] = Columns((
    Column("全国地方公共団体コード", lambda m: m.code), Column("市町村名", lambda m: m.name),
    Column("連携中枢都市", lambda m: m.is_lead), Column("参加事業数", lambda m: m.project_count),
))
#: The columns of the KPIs CSV: a KPI and its evaluation (its JSON item), by name.
KPI_CSV: Columns[KpiItem, str] = Columns((
    Column("事業slug", lambda k: k.project_slug), Column("事業名", lambda k: k.project_name),
    Column("指標", lambda k: k.indicator), Column("形式", lambda k: translate(f"kpi.kind.{k.form}", "ja")),
    Column("現状値", lambda k: k.baseline), Column("目標値", lambda k: k.target),
    Column("目標年度", lambda k: k.target_fiscal_year), Column("判定年度", lambda k: k.judged_year),
    Column("最新実績", lambda k: k.latest_actual), Column("進捗率", lambda k: k.progress),
    Column("期待進捗率", lambda k: k.expected_progress), Column("進捗", lambda k: k.status_label),
    Column("評価", lambda k: k.rating), Column("評価の名称", lambda k: k.rating_label),
    Column("判定の根拠", lambda k: k.explanation), Column("重複計上なし", lambda k: k.counted),
))
#: The KPIs CSV of an area with its own evaluation scale: the same columns, then the KPI's grade.
GRADED_KPI_CSV: Columns[KpiItem, str] = Columns((
    *KPI_CSV.columns,
    Column("評価区分", lambda k: _grade(k).key), Column("評価区分の名称", lambda k: _grade(k).label),
))


@router.get("/summary", response_model=Summary, summary="The plan at a glance")
def get_summary(portal: PortalDep, lang: LanguageDep) -> Summary:
    """Return the plan's period, counts, budget by fiscal year (relisted counted once) and KPI statuses."""
    return build_summary(portal, lang)


LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per response (the CSV has them all)")]
OffsetQuery = Annotated[int, Query(ge=0, description="rows to skip")]


@dataclass(frozen=True, slots=True)
class ProjectListing:
    """What every page of one filtered project list shares: the matching projects in order and the facets."""

    found: tuple[ProjectView, ...]
    facets: list[FacetItem]


def _listing(portal: Portal, session: Session, chosen: ProjectFilter, lang: str) -> ProjectListing:
    found, facets = list_with_facets(portal, chosen, find_hits(portal, session, chosen.q), lang)
    return ProjectListing(tuple(found), facet_items(facets))


def _projects(request: Request, session: SessionDep, portal: PortalDep, lang: str,
              window: slice | None = None) -> ProjectList:
    chosen = ProjectFilter.from_params(request.query_params)
    listings: ListingMemo[ProjectListing] = request.app.state.listings
    listing = listings.get(portal, (chosen, lang), lambda: _listing(portal, session, chosen, lang))
    return _project_list(portal, listing, lang, window)


def _project_list(portal: Portal, listing: ProjectListing, lang: str, window: slice | None) -> ProjectList:
    shown = listing.found[window] if window else listing.found
    return ProjectList(plan_key=portal.summary.plan_key, count=len(listing.found),
                       projects=[project_item(v, area_grading(portal), lang) for v in shown],
                       facets=listing.facets)


def _next_link(request: Request, headers: MutableHeaders, *, total: int, limit: int, offset: int) -> str | None:
    """Set X-Total-Count and a Link rel=next header; return the next page's URL, if any."""
    headers["X-Total-Count"] = str(total)
    if offset + limit >= total:
        return None
    url = str(request.url.include_query_params(offset=offset + limit, limit=limit))
    headers["Link"] = f'<{url}>; rel="next"'
    return url


@cache
def _adapter(model: type[BaseModel]) -> TypeAdapter[Any]:
    return TypeAdapter(model)  # what FastAPI's response field serialises with


def json_answer(model: BaseModel, headers: MutableHeaders | None = None) -> Response:
    """Return a response model as the JSON FastAPI writes for it (the same bytes and headers, ``headers`` after its
    own), serialised once: given the model itself, FastAPI would validate it again, in a thread of its own, first."""
    answer = Response(_adapter(type(model)).dump_json(model, by_alias=True), media_type="application/json")
    if headers is not None:
        answer.headers.raw.extend(headers.raw)
    return answer


@router.get("/projects", response_model=ProjectList, summary="Projects, filtered, with facet counts")
async def get_projects(request: Request, session: SessionDep, portal: PortalDep, lang: LanguageDep,
                       limit: LimitQuery = DEFAULT_LIMIT, offset: OffsetQuery = 0) -> Response:
    """Return the projects matching the filters (a page of ``limit`` from ``offset``), with facet counts."""
    # A page of a kept listing is written here, on the event loop (no thread for a slice of rows); filtering and
    # counting a listing not kept yet is done in a thread.
    window, kept = slice(offset, offset + limit), request.app.state.listings.peek(
        portal, (ProjectFilter.from_params(request.query_params), lang))
    listing = _project_list(portal, kept[0], lang, window) if kept is not None else await run_in_threadpool(
        _projects, request, session, portal, lang, window)
    headers = MutableHeaders()
    listing.next = _next_link(request, headers, total=listing.count, limit=limit, offset=offset)
    return json_answer(listing, headers)


get_projects.__doc__ = (get_projects.__doc__ or "") + FILTER_DOC


@router.get("/projects.csv", summary="Projects as CSV (UTF-8 with BOM)", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def get_projects_csv(request: Request, session: SessionDep, portal: PortalDep, lang: LanguageDep) -> Response:
    """Download the filtered project list as CSV."""
    listing = _projects(request, session, portal, lang)
    shape = GRADED_PROJECT_CSV if area_grading(portal) else PROJECT_CSV
    return write_csv(shape.header(), shape.rows(listing.projects), download_name("projects", portal.plan))


@router.get("/projects/{slug}", response_model=ProjectDetail, summary="One project sheet")
async def get_project(slug: str, session: SessionDep, portal: PortalDep, lang: LanguageDep) -> Response:
    """Return a project: its list row, ``sheet`` (every field as read, the shape `renkei parse --format json` writes),
    its KPIs evaluated with their chart series, where the document's text was read as corrected and, where the area
    asks for them, the partners' own approved evaluations (``partner_evaluations``)."""
    # written from the snapshot on the event loop; only the partners' evaluations are read, in a thread
    view = portal.project_by_slug(slug)
    if view is None:
        raise HTTPException(status_code=404, detail=translate("project.not_found", lang))
    partners = await run_in_threadpool(
        published_partner_evaluations_of, session=session, plan_id=portal.summary.id, project_key=view.key) \
        if portal.members is not None and portal.members.partner_evaluations else []
    return json_answer(project_detail(view, portal, lang, partners))


@router.get("/municipalities", response_model=list[MunicipalityItem], summary="Member municipalities")
def get_municipalities(portal: PortalDep) -> list[MunicipalityItem]:
    """Return the members with their number of projects and the budget of those projects."""
    return municipality_items(portal)


@router.get("/municipalities.csv", summary="Member municipalities as CSV (UTF-8 with BOM)",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def get_municipalities_csv(portal: PortalDep) -> Response:
    """Download the members as CSV."""
    return write_csv(MUNICIPALITY_CSV.header(), MUNICIPALITY_CSV.rows(municipality_items(portal)),
                     download_name("municipalities", portal.plan))


@router.get("/municipalities/{code}", response_model=MunicipalityDetail, summary="One member municipality")
def get_municipality(
    portal: PortalDep, lang: LanguageDep,
    code: str = Path(pattern=r"^\d{6}$", description="6-digit local government code"),
) -> MunicipalityDetail:
    """Return a member's projects with its role and the cost-sharing basis, and the area averages."""
    detail = municipality_detail(portal, code, lang=lang)
    if detail is None:
        raise HTTPException(status_code=404, detail=translate("muni.not_found", lang))
    return detail


def _kpis(request: Request, session: SessionDep, portal: PortalDep, lang: str,
          window: slice | None = None) -> tuple[int, list[KpiItem]]:
    chosen = ProjectFilter.from_params(request.query_params)
    hits = find_hits(portal, session, chosen.q)
    found = filter_kpis(portal, chosen, hits)
    shown = found[window] if window else found
    return len(found), [kpi_item(v, portal, lang) for v in shown]


@router.get("/kpis", response_model=list[KpiItem], summary="KPIs with status and rating")
def get_kpis(request: Request, response: Response, session: SessionDep, portal: PortalDep, lang: LanguageDep,
             limit: LimitQuery = DEFAULT_LIMIT, offset: OffsetQuery = 0) -> list[KpiItem]:
    """Return the KPIs of the matching projects with their evaluation (a page; X-Total-Count and Link: next)."""
    total, items = _kpis(request, session, portal, lang, slice(offset, offset + limit))
    _next_link(request, response.headers, total=total, limit=limit, offset=offset)
    return items


@router.get("/kpis.csv", summary="KPIs as CSV (UTF-8 with BOM)", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def get_kpis_csv(request: Request, session: SessionDep, portal: PortalDep, lang: LanguageDep) -> Response:
    """Download the KPIs as CSV."""
    shape = GRADED_KPI_CSV if area_grading(portal) else KPI_CSV
    return write_csv(shape.header(), shape.rows(_kpis(request, session, portal, lang)[1]),
                     download_name("kpis", portal.plan))


@router.get("/revisions", response_model=RevisionHistory, summary="Revisions of the vision and each KPI's history")
def get_revisions(portal: PortalDep) -> RevisionHistory:
    """Return the plan's revisions mid-period (partial amendments) and the history of every KPI they added, changed
    or dropped, those of sheets a revision withdrew included; ``in_vision`` tells whether a KPI is evaluated in
    ``as_of``."""
    return revision_history(portal)


@router.get("/map", response_model=MapData, summary="The area map")
def get_map(portal: PortalDep, lang: LanguageDep) -> MapData:
    """Return each member's shape (SVG path) with its number of projects, and the data credit."""
    return map_data(portal, load_shapes(portal.plan.area_slug), translate("map.credit", lang))
