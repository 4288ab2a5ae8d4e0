"""Page rendering: the request's language, the session and plan it reads, and the template context.

Routes depend on :func:`get_session` and :func:`get_portal` and render with :func:`render_page`, which
adds what every template needs (the language, ``t`` for messages, formatters and URL helpers) and
remembers a language chosen with ``?lang=`` in a cookie.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from renkei.domain.status import Status, label_status_group
from renkei.presentation import i18n
from renkei.presentation.i18n import LANGUAGE_COOKIE, LANGUAGES, choose_language, translate
from renkei.store.portal_queries import AreaMembers, load_area_members
from renkei.web.grades import AreaGrading, area_grading
from renkei.web.legend import badge_words, legend_items
from renkei.web.parameters import check_year
from renkei.web.readmodel import Portal
from renkei.web.snapshot import kept_portal, load_portal
from renkei.web.urls import AREA_SLUG, area_path, split_area


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Yield a database session of the application (closed after the request); a writer's for a POST.

    Making a session reads nothing (it connects on first use), so it is made on the event loop; a session that
    connected is closed in a thread (closing ends its transaction), one that never did is closed here. A request
    answered from kept data thus needs no thread for its session.
    """
    factory: sessionmaker[Session] = request.app.state.session_factory
    bind = request.app.state.write_engine if request.method not in ("GET", "HEAD", "OPTIONS") else None
    session = factory(bind=bind) if bind is not None else factory()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_language(request: Request) -> str:
    """Return the request's language: ``?lang=``, else the cookie, else Japanese."""
    return choose_language(request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE))


async def language_of(request: Request) -> str:
    """Return the request's language (:func:`get_language`), as a dependency that needs no thread."""
    return get_language(request)


LanguageDep = Annotated[str, Depends(language_of)]


def request_area(request: Request) -> str | None:
    """Return the area a request is about (set from its path by :func:`current_area`), or None."""
    area = request.scope.get("state", {}).get("area")
    return str(area) if area is not None else None


def member_link(request: Request) -> str:
    """Return the link of a member's page in the request's area, with ``{code}`` where the code goes (for maps)."""
    return area_path(request_area(request), "/municipalities/{code}")


async def current_area(
    request: Request,
    session: SessionDep,
    area: Annotated[str, Path(description="the area's slug, e.g. kitakyushu", pattern=AREA_SLUG.pattern,
                              max_length=63)],
) -> AreaMembers:
    """Return the area the URL names (``/a/{area}/…``, ``/api/a/{area}/…``); 404 when no such area is stored.

    The area is read once per data version of its pages (``request.state.fingerprint``, read by the HTTP cache),
    and from the database on every request only where no version was read. Only a read goes to a thread.
    """
    state = request.scope.get("state", {})
    kept = request.app.state.area_members.peek(area, state["fingerprint"]) if "fingerprint" in state else None
    found: AreaMembers | None = kept[0] if kept is not None else await run_in_threadpool(
        _read_area, request, session, area)
    if found is None:
        raise HTTPException(status_code=404, detail=translate("error.no_area", get_language(request), area=area))
    state = request.scope.setdefault("state", {})
    state["area"], state["synthetic"] = found.slug, found.synthetic
    return found


def _read_area(request: Request, session: Session, area: str) -> AreaMembers | None:
    state = request.scope.get("state", {})
    if "fingerprint" in state:
        return request.app.state.area_members.get(  # type: ignore[no-any-return]
            area, state["fingerprint"], lambda: load_area_members(session=session, area_slug=area))
    return load_area_members(session=session, area_slug=area)


AreaDep = Annotated[AreaMembers, Depends(current_area)]


def is_synthetic_area(request: Request) -> bool:
    """Tell whether the page's area (its path says which) is synthetic test data: every such page says so.

    The area's check (:func:`current_area`) remembers it; a page answered before it ran (a path no route has, an
    error) reads the area once. It reads the database: call it off the event loop.
    """
    state = request.scope.get("state", {})
    if "synthetic" in state:
        return bool(state["synthetic"])
    slug = split_area(request.url.path)[0]
    if slug is None:
        return False
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        found = load_area_members(session=session, area_slug=slug)
    return found is not None and found.synthetic


def find_portal(request: Request, session: Session, plan: str | None, as_of: int | None) -> Portal | None:
    """Return the plan's page data from the application's cache, keyed by the data version of this request
    (read once by the HTTP cache, `web/response_cache.py`), or None when there is no such plan.

    The plan is the request's area's current plan (``plan`` picks another edition of the same area).
    """
    state, area = request.scope.get("state", {}), request_area(request)
    fingerprint = state["fingerprint"] if "fingerprint" in state else request.app.state.read_version(area)
    return load_portal(session=session, plan_key=plan, as_of=as_of, cache=request.app.state.portal_cache,
                       fingerprint=fingerprint, area_slug=area)


async def get_portal(
    session: SessionDep,
    request: Request,
    area: AreaDep,
    plan: Annotated[str | None, Query(description="plan key (default: the area's current plan)",
                                      max_length=100)] = None,
    as_of: Annotated[int | None, Query(
        description="evaluate KPIs as of this fiscal year, within the plan's period (the summary's first_year to "
                    "last_year; a year outside it is answered 422 with the nearest year in errors[].nearest)",
        ge=1900, le=2200)] = None,
) -> Portal:
    """Load the chosen plan of the URL's area (its current plan by default); 404 when there is none.

    A snapshot kept for this data version is taken here; one to choose or build is loaded in a thread.
    """
    del area  # named for its check and its place in the schema; the request carries it
    state = request.scope.get("state", {})
    portal = kept_portal(cache=request.app.state.portal_cache, fingerprint=state["fingerprint"], plan_key=plan,
                         as_of=as_of, area_slug=request_area(request)) if "fingerprint" in state else None
    if portal is None:
        portal = await run_in_threadpool(find_portal, request, session, plan, as_of)
    if portal is None:
        raise HTTPException(status_code=404, detail=translate("error.no_plan", get_language(request)))
    check_year(as_of, portal.as_of, portal.plan.first_year, portal.plan.last_year)  # outside the period: nearest
    return portal


PortalDep = Annotated[Portal, Depends(get_portal)]


def url_with(request: Request, path: str | None = None, **changes: object) -> str:
    """Return a URL of ``path`` (default: this page) keeping the query, with changes applied.

    ``path`` is written without the area (``/projects``): the request's area is added (:mod:`renkei.web.urls`).
    For another path only the plan and the year are kept. A change to None or "" removes the parameter; ``lang``
    is kept only when it changes.
    """
    params: dict[str, str] = {k: v for k, v in request.query_params.items() if k != "lang"}
    if path is not None:
        params = {k: v for k, v in params.items() if k in ("plan", "as_of")}
    return _url(request, path, params, changes)


def list_url(request: Request, path: str, **changes: object) -> str:
    """Return the URL of another path with this page's whole query (a download of the list as filtered)."""
    params: dict[str, str] = {k: v for k, v in request.query_params.items() if k != "lang"}
    return _url(request, path, params, changes)


def _url(request: Request, path: str | None, params: dict[str, str], changes: Mapping[str, object]) -> str:
    if path is not None:
        path = area_path(request_area(request), path)
    for name, value in changes.items():
        if value is None or value == "":
            params.pop(name, None)
        else:
            params[name] = str(value)
    query = urlencode(params)
    return (path or request.url.path) + (f"?{query}" if query else "")


def link(request: Request, path: str, **params: object) -> str:
    """Return a link to another page of the portal keeping the chosen plan and year, with more parameters."""
    return url_with(request, path, **params)


def _context(request: Request, lang: str) -> dict[str, Any]:
    def t(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    other = "en" if lang == "ja" else "ja"
    return {
        "request": request,
        "lang": lang,
        "t": t,
        "other_lang": other,
        "other_lang_label": "English" if other == "en" else "日本語",
        "lang_url": url_with(request, lang=other),
        "url_with": lambda **changes: url_with(request, **changes),
        "link": lambda path, **params: link(request, path, **params),
        "list_link": lambda path, **changes: list_url(request, path, **changes),
        "area_link": lambda area, path="/": area_path(area, path),
        "fy": lambda year: i18n.format_year(year, lang),
        "money": lambda amount: i18n.format_thousand_yen(amount, lang),
        "yen_words": lambda amount: i18n.format_yen_words(amount, lang),
        "num": i18n.format_count,
        "pct": i18n.format_percent,
        "status_label": lambda status: i18n.label_status(status, lang),
        "badge_words": lambda status, rating=None: badge_words(status, rating, lang),
        "status_group_label": lambda status: label_status_group(Status(status), lang),
        "legend_entries": legend_items(lang),
        "group_label": lambda label: i18n.label_group(label, lang),
        "cost_label": lambda basis: i18n.label_cost_basis(basis, lang),
        "path": split_area(request.url.path)[1],  # the page within its area, for the menu's current page
        #: Whether the page belongs to an area (its menu and footer then link to the area's pages).
        "in_area": split_area(request.url.path)[0] is not None,
        "full_path": request.url.path,
    }


def grading_context(grading: AreaGrading | None, lang: str) -> dict[str, Any]:
    """Return what the templates need to show the area's own grades (``grading`` None: renkei's A–E, as before)."""
    if grading is None:
        return {"grading": None}
    return {
        "grading": grading,
        "legend_grades": grading.legend(lang),
        "kpi_grade": grading.kpi,
        "project_total": grading.project,
        "total_words": lambda result: grading.total_words(result, lang),
        "grade_rule_words": grading.rule_words(lang),
        "rollup_words": grading.rollup_words(lang),
    }


def render_page(
    request: Request, template: str, context: Mapping[str, Any], *, status_code: int = 200
) -> Response:
    """Render a template with the shared context; remember ``?lang=`` in a cookie.

    ``synthetic`` tells the page frame to say that the area is synthetic test data (on every page of such an area,
    its error pages too).
    """
    lang = get_language(request)
    templates: Jinja2Templates = request.app.state.templates
    portal = context.get("portal")
    synthetic = portal.synthetic if isinstance(portal, Portal) else is_synthetic_area(request)
    grades = grading_context(area_grading(portal if isinstance(portal, Portal) else None), lang)
    response = templates.TemplateResponse(
        request, template, {**_context(request, lang), "synthetic": synthetic, **grades, **context},
        status_code=status_code,
    )
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, str(chosen), max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
