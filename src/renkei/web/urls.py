"""The portal's URLs: every public page and API path of an area, built in one place.

An area's pages live under ``/a/{area}/`` and its API under ``/api/a/{area}/``; the staff workspace, the static
files and the OpenAPI schema stay at the root. Routes are written without the area (``/projects``); these functions
add it, so no template writes an area's path by hand.
"""

from __future__ import annotations

import re

#: What an area's slug may be (as the area configuration says: lower-case letters, digits and hyphens).
AREA_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
#: The prefix of an area's pages, and of its API.
PAGE_PREFIX, API_PREFIX = "/a", "/api/a"
#: Paths that belong to no area.
SHARED_PATHS = ("/static/", "/staff", "/openapi.json", "/healthz", "/readyz")


def area_path(area: str | None, path: str) -> str:
    """Return an area's URL of a path written without the area (pages, and the API under ``/api``).

    >>> area_path("kitakyushu", "/projects/3f2a9c1b0d"), area_path("kitakyushu", "/")
    ('/a/kitakyushu/projects/3f2a9c1b0d', '/a/kitakyushu/')
    >>> area_path("kitakyushu", "/api/kpis.csv"), area_path("kitakyushu", "/static/css/portal.css")
    ('/api/a/kitakyushu/kpis.csv', '/static/css/portal.css')
    >>> area_path(None, "/projects"), area_path("kitakyushu", "/a/kitakyushu/kpis")
    ('/projects', '/a/kitakyushu/kpis')
    """
    if area is None or not path.startswith("/") or path.startswith(SHARED_PATHS) or is_area_path(path):
        return path
    if path == "/api" or path.startswith("/api/"):
        return f"{API_PREFIX}/{area}{path[len('/api'):]}"
    return f"{PAGE_PREFIX}/{area}{path}"


def is_area_path(path: str) -> bool:
    """Tell whether a path already names its area.

    >>> is_area_path("/a/kitakyushu/projects"), is_area_path("/api/a/harima/kpis"), is_area_path("/projects")
    (True, True, False)
    """
    return path.startswith((f"{PAGE_PREFIX}/", f"{API_PREFIX}/"))


def split_area(path: str) -> tuple[str | None, str]:
    """Return the area a path names and the path within it (``/api/…`` for the API), or (None, path).

    >>> split_area("/a/kitakyushu/projects/3f2a"), split_area("/api/a/harima/kpis.csv")
    (('kitakyushu', '/projects/3f2a'), ('harima', '/api/kpis.csv'))
    >>> split_area("/a/kitakyushu"), split_area("/projects")
    (('kitakyushu', '/'), (None, '/projects'))
    """
    for prefix, inner in ((f"{API_PREFIX}/", "/api"), (f"{PAGE_PREFIX}/", "")):
        if path.startswith(prefix):
            slug, _, rest = path[len(prefix):].partition("/")
            if AREA_SLUG.match(slug):
                local = f"{inner}/{rest}" if rest or inner == "" else inner
                return slug, local if local != "/api/" else "/api"
    return None, path
