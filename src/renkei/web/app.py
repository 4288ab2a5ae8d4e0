"""The public portal application: ``create_app(settings)`` builds a FastAPI app with its own engine.

Every asset is served by the app itself (no CDN), and every response carries a strict
Content-Security-Policy: no inline script or style at all, so chart data travels in
``<script type="application/json">`` blocks and colours in CSS classes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from renkei.presentation.i18n import translate
from renkei.settings import Settings, get_settings
from renkei.store.engine import WORKER_THREADS, create_engine_from_url, create_session_factory, writer
from renkei.store.portal_queries import AreaMembers
from renkei.web import health, staff
from renkei.web.busy import READ_EN, READ_JA, RETRY_AFTER, answer_busy
from renkei.web.client_address import parse_trusted_proxies
from renkei.web.data_version import MAX_AREAS, DataVersions
from renkei.web.kept_by_version import KeptByVersion
from renkei.web.listing_memo import ListingMemo
from renkei.web.openapi_schema import install_openapi
from renkei.web.page_frame import frame_globals
from renkei.web.parameter_errors import answer_bad_parameters, is_api
from renkei.web.parameters import (
    ERROR_RESPONSES,
    BadParameters,
    QueryLengthLimit,
    guard_parameters,
    problems_from_validation,
)
from renkei.web.rendering import current_area, get_language, render_page
from renkei.web.request_id import RequestContext, current_request_id
from renkei.web.response_cache import ResponseCache
from renkei.web.routes import (
    api,
    areas,
    guide,
    home,
    kpis,
    map,
    method,
    municipalities,
    municipality,
    project,
    projects,
)
from renkei.web.snapshot import PortalCache
from renkei.web.urls import API_PREFIX, PAGE_PREFIX
from renkei.web.warm_up import WarmUp

WEB_DIR = Path(__file__).resolve().parent
#: Staff pages: never replayed by the response cache, never stored by a browser or proxy.
STAFF_PREFIX = "/staff"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}


class SecurityHeaders:
    """ASGI middleware: every answer gets the security headers (those it set itself kept), static files an hour of
    caching, staff pages ``private, no-store``.

    A plain ASGI middleware rather than ``@app.middleware("http")``: that one runs every answer through a task and a
    stream of its own, which cost more than the headers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = Request(scope).url.path

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", []))}
                headers = MutableHeaders(raw=message["headers"])
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if path.startswith("/static/"):
                    headers.setdefault("Cache-Control", "public, max-age=3600")
                elif path.startswith(STAFF_PREFIX):
                    headers["Cache-Control"] = "private, no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def build_templates(*, reload: bool = False) -> Jinja2Templates:
    """Return the Jinja2 environment of the portal (autoescaping on, strict about undefined names).

    Templates are read once: without ``reload`` (``RENKEI_TEMPLATE_RELOAD``) no render looks at their files again.
    """
    from jinja2 import StrictUndefined

    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    templates.env.auto_reload = reload
    templates.env.undefined = StrictUndefined
    templates.env.autoescape = True
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    templates.env.globals.update(frame_globals())  # the year selector and footer of every page
    return templates


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the portal for the database in ``settings`` (the environment's settings by default)."""
    settings = settings or get_settings()
    trusted_proxies = parse_trusted_proxies(settings.trusted_proxies)  # a bad entry stops the start, naming it
    engine = create_engine_from_url(settings.database_url, echo=settings.echo_sql)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Blocking work (plain `def` routes and dependencies) runs in this many threads; the pool has a connection
        # for each (store/engine.py), so no request waits for a connection while a thread is free.
        to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        warm_up: WarmUp | None = _app.state.warm_up
        if warm_up is not None:  # `renkei serve`: load the current plans before /readyz lets traffic in
            warm_up.start(_app)
        yield
        engine.dispose()

    app = FastAPI(
        title="renkei portal / 連携中枢都市圏ポータル",
        description="連携中枢都市圏ビジョンの事業・事業費・KPIの公開データ。"
        " Projects, budgets and KPIs of regional-collaboration plans. Every list is also CSV (UTF-8 with BOM).",
        version="1",
        docs_url=None,  # Swagger UI loads from a CDN and runs inline script: not under this CSP
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(guard_parameters)],  # bad query parameters get a readable answer, never pydantic text
        responses=ERROR_RESPONSES,
    )
    app.state.settings = settings
    app.state.trusted_proxies = trusted_proxies
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.write_engine = writer(engine)  # POSTs write: on SQLite they queue for the write lock (engine.py)
    app.state.portal_cache = PortalCache()
    #: `renkei serve` sets a WarmUp (web/warm_up.py); without one the worker is ready at once and builds on demand.
    app.state.warm_up = None
    app.state.area_members = KeptByVersion[AreaMembers | None](size=MAX_AREAS)  # each area read once per version
    app.state.templates = build_templates(reload=settings.template_reload)
    app.state.listings = ListingMemo[object]()  # a list's matching projects and facets, once per snapshot and filter
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    app.include_router(areas.router)  # `/`: every area
    in_area = [Depends(current_area)]  # every page and API path names its area: /a/{area}/…, /api/a/{area}/…
    for module in (home, projects, project, municipalities, municipality, map, kpis, method, guide):
        app.include_router(module.router, prefix=f"{PAGE_PREFIX}/{{area}}", dependencies=in_area)
    app.include_router(api.router, prefix=f"{API_PREFIX}/{{area}}", dependencies=in_area)
    install_openapi(app)  # /openapi.json: as_of bounded by the stored plans' periods
    staff.install(app, settings)  # /staff: the staff workspace (signed in, never cached)

    app.add_middleware(QueryLengthLimit)  # added before the security headers, so its 414 carries them too
    app.add_middleware(areas.EarlierPaths, areas=lambda: _area_slugs(app))

    app.add_middleware(SecurityHeaders)

    versions = DataVersions(engine)  # the data version of each area's pages
    app.state.read_version = versions
    app.add_middleware(ResponseCache, fingerprint=versions, skip_prefixes=("/static/", STAFF_PREFIX, *health.PATHS),
                       max_bytes=settings.response_cache_mb * 1024 * 1024)  # a replay skips everything inside it
    install_operations(app)  # /healthz, /readyz and request ids (outermost)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        # off the event loop: an error page of an area reads whether the area is synthetic (its banner)
        return await run_in_threadpool(_error, request, exc.status_code, str(exc.detail))

    @app.exception_handler(SQLAlchemyError)
    async def database_busy(request: Request, exc: SQLAlchemyError) -> Response:
        answer = answer_busy(request, exc)
        if answer is None:
            raise exc  # a real fault: the server error page and the log's traceback
        return answer

    @app.exception_handler(BadParameters)
    async def bad_parameters(request: Request, exc: BadParameters) -> Response:
        return await run_in_threadpool(answer_bad_parameters, request, exc.problems)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return await run_in_threadpool(answer_bad_parameters, request, problems_from_validation(exc.errors()))

    return app


def install_operations(app: FastAPI) -> None:
    """Add the health checks and, outermost, the request ids: on every log line, answer header and error."""
    app.include_router(health.router)  # not area-scoped, never cached (skipped by the response cache)
    app.state.templates.env.globals["request_id"] = current_request_id.get
    app.add_middleware(RequestContext, on_error=_server_error)


def _server_error(request: Request, exc: Exception) -> Response:
    """Answer an exception that no route handler took: "busy, try again" when the database was contended outside
    a route (a middleware's data-version read waiting for a connection), else a page (or, for the API, JSON) that
    gives the request id to quote."""
    try:
        busy = answer_busy(request, exc) if isinstance(exc, SQLAlchemyError) else None
    except Exception:  # the page frame itself may need the database that is busy: a plain answer
        busy = PlainTextResponse(f"503 {READ_JA} / {READ_EN}", status_code=503,
                                 headers={"Retry-After": str(RETRY_AFTER)})
    if busy is not None:
        busy.headers.update({**SECURITY_HEADERS, "Cache-Control": "no-store"})
        return busy
    request_id = request.state.request_id
    if is_api(request):
        response: Response = JSONResponse({"detail": translate("error.server", "ja") + " / "
                                           + translate("error.server", "en"), "request_id": request_id},
                                          status_code=500)
    else:
        try:
            response = render_page(request, "errors/error.html", {
                "status": 500, "message": translate("error.server", get_language(request))}, status_code=500)
        except Exception:  # the page frame itself may be what fails: a plain answer still gives the id
            response = PlainTextResponse(f"500 内部エラー / internal error (request id: {request_id})",
                                         status_code=500)
    response.headers.update({**SECURITY_HEADERS, "Cache-Control": "no-store"})
    return response


def _area_slugs(app: FastAPI) -> list[str]:
    """Return the slugs of the stored areas that hold a plan."""
    from renkei.store.portal_queries import list_area_slugs

    with app.state.session_factory() as session:
        return list_area_slugs(session=session)


def _error(request: Request, status: int, detail: str) -> Response:
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return JSONResponse({"detail": detail}, status_code=status)
    lang = get_language(request)
    message = detail if status != 404 or detail != "Not Found" else translate("error.not_found", lang)
    return render_page(request, "errors/error.html", {"status": status, "message": message}, status_code=status)
