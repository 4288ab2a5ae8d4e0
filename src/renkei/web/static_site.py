"""The static copy of the portal (``renkei build-site``): every public page as a file, links made relative.

The pages are not written twice. The builder runs the portal itself in process (no socket), asks it for every
page a visitor can reach from the home page in both languages, and saves each answer under a file name made
from its URL (:func:`site_file`). Links are rewritten relative to the page that holds them, so the copy works
from any sub-path of a web server and from ``file://``. In static mode the templates leave out what needs a
server: the year selector (the copy shows the default evaluation year), the filter form (one facet at a time,
as links to pages built here), and the staff link; a search page runs in the browser over ``search-index.js``.

Nothing here writes to the database: the portal's GETs read only.
"""

from __future__ import annotations

import hashlib
import html
import json
import multiprocessing
import os
import posixpath
import re
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import anyio
import httpx
from fastapi import APIRouter, Depends, FastAPI, Request
from starlette.responses import Response

from renkei.domain.text import fold_for_search
from renkei.presentation.i18n import translate
from renkei.settings import Settings
from renkei.web.app import WEB_DIR, create_app
from renkei.web.readmodel import Portal
from renkei.web.rendering import LanguageDep, PortalDep, current_area, render_page
from renkei.web.search import searchable_text
from renkei.web.search_terms import READING_ENDINGS
from renkei.web.suggestion import CLOSE_NAME_CUTOFF, CLOSE_NAMES
from renkei.web.urls import PAGE_PREFIX, area_path, split_area

#: Query parameters a static page never varies by: one plan, one year, no free search or sort.
IGNORED = frozenset({"plan", "as_of", "q", "sort"})
#: Pages every visitor can open from the navigation; the crawl starts here in each language.
START_PAGES = ("/", "/projects", "/kpis", "/municipalities", "/map", "/method", "/docs", "/downloads", "/search")
#: The live search's suggestions (`web/suggestion.py`) that a page with no filters can offer, made in the browser.
STATIC_SUGGESTIONS = ("term", "municipality", "municipality_filter", "name")
#: Files fetched once, whatever the language: the search index and the API description.
LANGUAGE_FREE = ("/search-index.js", "/openapi.json")
_LINK = re.compile(r'\b(href|src|action)="([^"]*)"')
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_]{1,40}")
_EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "#", "//")


def _value_name(value: str) -> str:
    """Write a query value into a file name: as it is when plain, else a short hash.

    >>> _value_name("402044"), _value_name("behind"), _value_name("地域公共交通")
    ('402044', 'behind', 'x88d414ef')
    """
    if _SAFE_VALUE.fullmatch(value):
        return value
    return "x" + hashlib.blake2b(value.encode("utf-8"), digest_size=4).hexdigest()


def site_file(path: str, params: Mapping[str, str], lang: str) -> str | None:
    """Return the file, relative to the site root, that holds the portal's answer to a URL; None when it has none.

    Pages go under ``en/`` in English; list pages keep their filter and page number in the name; API answers keep
    their own extension (``.json`` when the URL has none).

    >>> site_file("/", {}, "ja"), site_file("/", {}, "en")
    ('index.html', 'en/index.html')
    >>> site_file("/projects", {"category": "a", "page": "2"}, "ja")
    'projects/index-category-a-p2.html'
    >>> site_file("/projects/3f2a9c1b0d", {"plan": "kitakyushu-2026"}, "en")
    'en/projects/3f2a9c1b0d.html'
    >>> site_file("/api/projects.csv", {"municipality": "402044"}, "en")
    'api/projects-municipality-402044.csv'
    >>> site_file("/api/projects", {"limit": "100", "offset": "100"}, "ja")
    'api/projects-limit-100-offset-100.json'
    >>> site_file("/static/css/portal.css", {}, "en"), site_file("/staff", {}, "ja")
    ('static/css/portal.css', None)
    >>> site_file("/a/seto/scale.css", {"as_of": "2026"}, "en")  # an area's grade colours, one file in any language
    'a/seto/scale.css'
    """
    if path.startswith(("/static/", "/opendata/")) or path in LANGUAGE_FREE or path.endswith("/scale.css"):
        return path[1:]
    kept = sorted((k, v) for k, v in params.items() if k not in IGNORED and k != "lang" and v)
    if path.startswith("/api/"):
        stem, dot, extension = path[1:].rpartition(".")
        if not dot or "/" in extension:
            stem, extension = path[1:], "json"
        suffix = "".join(f"-{k}-{_value_name(v)}" for k, v in kept)
        return f"{stem}{suffix}.{extension}"
    if path.startswith("/staff") or "." in path.rsplit("/", 1)[-1]:
        return None
    page = next((v for k, v in kept if k == "page"), None)
    filters = [(k, v) for k, v in kept if k != "page"]
    parts = [p for p in path.split("/") if p]
    if not parts or (parts[0] in ("projects", "kpis", "municipalities") and len(parts) == 1) or filters or page:
        stem = "/".join([*parts, "index"])
    else:
        stem = "/".join(parts)
    stem += "".join(f"-{k}-{_value_name(v)}" for k, v in filters) + (f"-p{page}" if page and page != "1" else "")
    return ("en/" if lang == "en" else "") + stem + ".html"


def relative(target: str, page: str) -> str:
    """Return a link from the file ``page`` to the file ``target``, both relative to the site root.

    >>> relative("index.html", "en/projects/ab12.html"), relative("projects/index.html", "index.html")
    ('../../index.html', 'projects/index.html')
    """
    return quote(posixpath.relpath(target, posixpath.dirname(page) or "."), safe="/.-_~")


@dataclass(frozen=True, slots=True)
class _Address:
    """One URL of the portal as the static copy sees it."""

    path: str
    params: tuple[tuple[str, str], ...]
    lang: str

    @property
    def file(self) -> str | None:
        return site_file(self.path, dict(self.params), self.lang)


@dataclass
class SiteReport:
    """What a build wrote, and every link it could not resolve (each a problem to fix, never silently dropped)."""

    pages: int = 0
    files: int = 0
    bytes: int = 0
    problems: list[str] = field(default_factory=list)


#: Where the portal's own CSS, scripts and vendored files are; the static copy takes them as they are.
STATIC_ASSETS = WEB_DIR / "static"


def static_app(settings: Settings) -> FastAPI:
    """Return the portal as the static copy renders it: static mode in the templates, no response cache."""
    app = create_app(settings.model_copy(update={"response_cache_mb": 0}))
    app.state.templates.env.globals["static_site"] = True
    add_static_routes(app)
    return app


def add_static_routes(app: FastAPI) -> None:
    """Add the two answers only the static copy has: an area's search page and its index (``/search-index.js``)."""
    router = APIRouter()

    @router.get("/search", include_in_schema=False)
    def show_search(request: Request, portal: PortalDep, lang: LanguageDep) -> Response:
        words = {"count": translate("suggest.count", lang, count="{count}"),
                 "kinds": {kind: [translate(f"suggest.{kind}.before", lang), translate(f"suggest.{kind}.after", lang)]
                           for kind in STATIC_SUGGESTIONS}}
        return render_page(request, "search/index.html", {"portal": portal, "suggest_words": words})

    @router.get("/search-index.js", include_in_schema=False)
    def search_index(portal: PortalDep) -> Response:
        return Response("window.RENKEI_SEARCH=" + search_index_json(portal) + ";\n", media_type="text/javascript")

    app.include_router(router, prefix=f"{PAGE_PREFIX}/{{area}}", dependencies=[Depends(current_area)])


def search_index_json(portal: Portal) -> str:
    """Return what the static copy's search reads (``site-search.js``), folded as the portal's search folds.

    Projects: [file, name, category, summary, searchable text, folded name]; the folded name is what close names
    (「もしかして」) are measured against. Members: [file of their page, name, folded name, folded reading, file of
    the project list filtered by them, number of sheets they take part in]. Files are the Japanese ones, relative
    to a language's root, so the English search page (``en/search.html``) links English pages with the same paths.
    """
    projects = []
    for view in portal.projects:
        project = view.project
        category = project.category_label if project.category else ""
        summary = (project.description or "")[:90] + ("…" if len(project.description or "") > 90 else "")
        projects.append([site_file(f"/projects/{view.slug}", {}, "ja"), project.name, category, summary,
                         searchable_text(project), fold_for_search(project.name)])
    towns = [[site_file(f"/municipalities/{m.code}", {}, "ja"), m.name, fold_for_search(m.name),
              fold_for_search(m.kana), site_file("/projects", {"municipality": m.code}, "ja"),
              len(portal.projects_of(m))] for m in portal.municipalities]
    rules = {"endings": list(READING_ENDINGS), "cutoff": CLOSE_NAME_CUTOFF, "limit": CLOSE_NAMES}
    return json.dumps({"projects": projects, "municipalities": towns, "rules": rules}, ensure_ascii=False,
                      separators=(",", ":"))


class _Crawl:
    """Fetch every reachable page once, rewrite its links, and save it."""

    def __init__(self, client: httpx.AsyncClient, area: str, plan_key: str, folder: Path,
                 progress: Callable[[int], None] | None, part: Part) -> None:
        self.client = client
        self.part = part
        self.area = area
        self.plan_key = plan_key
        self.folder = folder
        self.progress = progress
        self.queue: deque[_Address] = deque()
        self.seen: set[str] = set()
        self.report = SiteReport()
        self.links: dict[tuple[str, str, str], str] = {}

    def add(self, address: _Address) -> str | None:
        """Return the file of an address, queueing it when this part of the build fetches it and has not yet."""
        file = address.file
        if file is None:
            return None
        if file not in self.seen and self.part.fetches(address):
            self.seen.add(file)
            self.queue.append(address)
        return file

    def address_of(self, url: str, lang: str) -> _Address | None:
        """Read a link of a page into an address; None for what leaves the portal or points inside the page."""
        if url.startswith(_EXTERNAL) or not url.startswith("/"):
            return None
        parts = urlsplit(url)
        area, local = split_area(parts.path)
        if area is not None and area != self.area:
            return None  # another area's page: the copy holds one area, and leaves such a link as it is
        parts = parts._replace(path=local)
        params = dict(parse_qsl(parts.query))
        chosen = params.get("lang", lang)
        kept = tuple(sorted((k, v) for k, v in params.items() if k not in IGNORED and k != "lang"))
        return _Address(parts.path, kept, chosen if chosen in ("ja", "en") else lang)

    def rewrite(self, page: str, text: str, lang: str) -> str:
        folder = posixpath.dirname(page)

        def replace(match: re.Match[str]) -> str:
            name, value = match.group(1), match.group(2)
            key = (value, lang, folder)  # a page's links repeat across pages: resolve each once per folder
            link = self.links.get(key)
            if link is None:
                link = self.links[key] = self.resolve(page, html.unescape(value), lang)
            return match.group(0) if not link else f'{name}="{link}"'

        return _LINK.sub(replace, text)

    def resolve(self, page: str, raw: str, lang: str) -> str:
        """Return the escaped relative link for a link of ``page`` ("" to leave it as it is), queueing its target."""
        address = self.address_of(raw, lang)
        if address is None:
            return ""
        target = self.add(address)
        if target is None:
            self.report.problems.append(f"{page}: {raw} has no static copy")
            return ""
        fragment = urlsplit(raw).fragment
        return html.escape(relative(target, page) + (f"#{fragment}" if fragment else ""))

    async def fetch(self, address: _Address) -> None:
        file = address.file
        assert file is not None
        query = dict(address.params)
        query["plan"] = self.plan_key
        # Every answer names its language: the API's files are the Japanese answers, whichever page links them.
        query["lang"] = address.lang if not address.path.startswith("/api/") and address.path not in LANGUAGE_FREE \
            else "ja"
        response = await self.client.get(area_path(self.area, address.path), params=query)
        self.client.cookies.clear()  # the portal remembers ?lang= in a cookie; a build remembers nothing
        if response.status_code != 200:
            self.report.problems.append(f"{address.path}?{address.params}: answered {response.status_code}")
            return
        kind = response.headers.get("content-type", "")
        if kind.startswith("text/html"):
            body = self.rewrite(file, response.text, address.lang).encode("utf-8")
            self.report.pages += 1
        elif kind.startswith("application/json") and address.path.startswith("/api/"):
            body = self.rewrite_json(file, response.content, address.lang)
        else:
            body = response.content
        target = self.folder / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        self.report.files += 1
        self.report.bytes += len(body)
        if self.progress is not None and self.report.files % 500 == 0:
            self.progress(self.report.files)

    def rewrite_json(self, file: str, content: bytes, lang: str) -> bytes:
        """Point an API answer's ``next`` link at the file holding the next page (its only link)."""
        data = json.loads(content)
        if isinstance(data, dict) and isinstance(data.get("next"), str):
            parts = urlsplit(data["next"])
            address = self.address_of(parts.path + (f"?{parts.query}" if parts.query else ""), lang)
            target = self.add(address) if address is not None else None
            data["next"] = relative(target, file) if target else None
            return json.dumps(data, ensure_ascii=False).encode("utf-8")
        return content

    async def run(self) -> SiteReport:
        for lang in self.part.languages:
            for path in START_PAGES:
                self.add(_Address(path, (), lang))
        for path in LANGUAGE_FREE:
            self.add(_Address(path, (), "ja"))
        while self.queue:
            await self.fetch(self.queue.popleft())
        return self.report


@dataclass(frozen=True, slots=True)
class Part:
    """What one process of the build fetches: the pages of some languages, and (one process) the shared files.

    The languages' pages link each other only through the language switch, so each language's pages can be built
    by a process of its own; every process still names the other's files when it rewrites a link.
    """

    languages: tuple[str, ...] = ("ja", "en")
    shared: bool = True

    def fetches(self, address: _Address) -> bool:
        """Tell whether this part fetches an address (static files and open data are copied, never fetched)."""
        if address.path.startswith(("/static/", "/opendata/")):
            return False
        if address.path.startswith("/api/") or address.path in LANGUAGE_FREE:
            return self.shared
        return address.lang in self.languages


def crawl_app(app: FastAPI, area: str, plan_key: str, folder: Path, *, part: Part = Part(),
              progress: Callable[[int], None] | None = None) -> SiteReport:
    """Save the public pages of ``app`` that ``part`` covers, for one plan of an area, into ``folder``.

    The copy is one area's: its pages sit at the root of ``folder`` (``/a/{area}/projects`` → ``projects/``).

    ``app`` is the portal built with ``static_site`` set in its templates and :func:`add_static_routes` added.
    """
    async def crawl() -> SiteReport:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://static.invalid") as client:
            return await _Crawl(client, area, plan_key, folder, progress, part).run()

    try:  # on a thread of its own, so a caller already running an event loop (a notebook, a test) is no problem
        with ThreadPoolExecutor(max_workers=1) as runner:
            return runner.submit(anyio.run, crawl).result()
    finally:
        app.state.engine.dispose()


def _crawl_part(settings: Settings, area: str, plan_key: str, folder: str, part: Part, chatty: bool) -> SiteReport:
    """Build one part in a process of its own (its own app, snapshot and database connections)."""
    def progress(files: int) -> None:  # a process of its own writes its own progress lines
        print(f"  {'/'.join(part.languages)}: {files:,} files…", flush=True)

    return crawl_app(static_app(settings), area, plan_key, Path(folder), part=part,
                     progress=progress if chatty else None)


def crawl_site(settings: Settings, area: str, plan_key: str, folder: Path, *, processes: int | None = None,
               progress: Callable[[int], None] | None = None) -> SiteReport:
    """Save every public page of an area's plan into ``folder`` (which holds ``static/`` and ``opendata/``).

    With two processes or more (the default where the machine has two cores) the Japanese and the English pages
    are built side by side, each by a process with its own snapshot; then each process prints its own progress
    lines when ``progress`` is given.
    """
    processes = processes if processes is not None else min(2, os.cpu_count() or 1)
    if processes < 2:
        return crawl_app(static_app(settings), area, plan_key, folder, progress=progress)
    parts = (Part(("ja",), shared=True), Part(("en",), shared=False))
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=multiprocessing.get_context("spawn")) as pool:
        chatty = progress is not None
        reports = list(pool.map(_crawl_part, *zip(*((settings, area, plan_key, str(folder), p, chatty)
                                                    for p in parts), strict=True)))
    return SiteReport(pages=sum(r.pages for r in reports), files=sum(r.files for r in reports),
                      bytes=sum(r.bytes for r in reports), problems=[x for r in reports for x in r.problems])
