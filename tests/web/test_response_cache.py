"""Whole responses are replayed while the data is unchanged, and never across data changes or cookies."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from renkei.web.response_cache import ResponseCache


def make_client() -> tuple[TestClient, list[str], dict[str, int]]:
    calls: list[str] = []
    state = {"version": 1}

    def page(request: Request) -> PlainTextResponse:
        calls.append(request.url.path + "?" + request.url.query)
        status = 404 if request.url.path == "/missing" else 200
        return PlainTextResponse(f"v{state['version']} {request.cookies.get('lang', 'ja')} {len(calls)}", status)

    app = Starlette(routes=[Route("/{name}", page)])
    cached = ResponseCache(app, fingerprint=lambda: state["version"])
    return TestClient(cached), calls, state


def test_a_repeated_get_is_replayed_until_the_data_changes() -> None:
    client, calls, state = make_client()
    first = client.get("/projects?page=2").text
    assert client.get("/projects?page=2").text == first
    assert len(calls) == 1
    state["version"] = 2
    assert client.get("/projects?page=2").text.startswith("v2")
    assert len(calls) == 2


def test_query_and_cookies_are_part_of_the_key() -> None:
    client, calls, _ = make_client()
    client.get("/projects?page=1")
    client.get("/projects?page=2")
    client.cookies.set("lang", "en")
    assert " en " in client.get("/projects?page=1").text
    assert len(calls) == 3


def test_errors_are_not_kept() -> None:
    client, calls, _ = make_client()
    client.get("/missing")
    client.get("/missing")
    assert len(calls) == 2


def test_memory_stays_bounded_under_ten_thousand_unique_queries() -> None:
    def page(request: Request) -> PlainTextResponse:
        return PlainTextResponse("x" * 2000 + request.url.query)

    cache = ResponseCache(Starlette(routes=[Route("/{name}", page)]), fingerprint=lambda: 1, max_bytes=1_000_000)
    client = TestClient(cache)
    for i in range(10_000):
        assert client.get(f"/projects?q={'長い検索語' * 20}{i}").status_code == 200
        assert cache.size <= cache.max_bytes
    assert 0 < len(cache) <= 1_000_000 // 3000 + 1
    assert cache.size == sum(len(body) + 1024 for _, body in cache._entries.values())


def test_query_variants_that_cannot_differ_share_an_entry() -> None:
    client, calls, _ = make_client()
    client.get("/projects?status=behind&sort=name")
    client.get("/projects?sort=name&status=behind")
    client.get("/projects?sort=name&q=&status=behind")
    assert len(calls) == 1
