"""Request ids: accepted or made, echoed, on every access line, on error pages and in JSON error bodies."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import NoReturn

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from renkei.settings import Settings
from renkei.web.app import create_app
from renkei.web.json_log import JsonFormatter

GENERATED = re.compile(r"[0-9a-f]{32}")


def fail_on_purpose() -> NoReturn:
    """A route that breaks, as a bug would."""
    raise RuntimeError("壊れた / broken on purpose")


@pytest.fixture(scope="module")
def broken(example_url: str) -> Iterator[TestClient]:
    """Yield a client of the portal with one page and one API path that raise."""
    app: FastAPI = create_app(Settings(database_url=example_url))
    app.add_api_route("/a/{area}/broken", fail_on_purpose, response_model=None)
    app.add_api_route("/api/a/{area}/broken", fail_on_purpose, response_model=None)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "renkei.access"]


@pytest.mark.parametrize("given", ["3f2a9c1b-0d4e-4f6a-8b1c-2d3e4f5a6b7c", "lb-7.trace:42", "A" * 128])
def test_a_well_formed_id_is_echoed(client: TestClient, given: str) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["x-request-id"] == given


@pytest.mark.parametrize("given", ["", "two words", "A" * 129, "<script>", "-leading-dash", "日本語"])
def test_a_malformed_id_is_replaced(client: TestClient, given: str) -> None:
    answer = client.get("/healthz", headers={"X-Request-ID": given.encode("utf-8")})
    assert GENERATED.fullmatch(answer.headers["x-request-id"])


def test_each_request_gets_its_own_id_even_when_the_page_is_replayed(client: TestClient) -> None:
    first, second = client.get("/a/kitakyushu/projects"), client.get("/a/kitakyushu/projects")
    assert first.status_code == second.status_code == 200
    assert first.headers["etag"] == second.headers["etag"]  # the same page, replayed from the cache
    ids = {first.headers["x-request-id"], second.headers["x-request-id"]}
    assert len(ids) == 2 and all(GENERATED.fullmatch(i) for i in ids)
    assert client.get("/a/kitakyushu/projects", headers={"If-None-Match": first.headers["etag"],
                                                         "X-Request-ID": "revalidate-1"}).headers["x-request-id"] \
        == "revalidate-1"


def test_every_request_has_one_access_line(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="renkei.access")
    client.get("/a/kitakyushu/projects?page=1", headers={"X-Request-ID": "line-1"})
    client.get("/static/css/portal.css", headers={"X-Request-ID": "line-2"})
    client.get("/a/kitakyushu/no-such-page", headers={"X-Request-ID": "line-3"})
    lines = access_lines(caplog)
    assert [(x["request_id"], x["method"], x["path"], x["status"]) for x in lines] == [
        ("line-1", "GET", "/a/kitakyushu/projects", 200),
        ("line-2", "GET", "/static/css/portal.css", 200),
        ("line-3", "GET", "/a/kitakyushu/no-such-page", 404),
    ]
    assert all(isinstance(x["duration_ms"], float) and x["duration_ms"] >= 0 for x in lines)


def test_a_404_page_shows_the_id(client: TestClient) -> None:
    answer = client.get("/a/kitakyushu/no-such-page", headers={"X-Request-ID": "page-404"})
    assert answer.status_code == 404
    assert '<p class="request-id">問い合わせ番号: <code>page-404</code></p>' in answer.text
    english = client.get("/a/kitakyushu/no-such-page?lang=en", headers={"X-Request-ID": "page-404-en"})
    assert "Request ID: <code>page-404-en</code>" in english.text


def test_json_errors_carry_the_id(client: TestClient) -> None:
    missing = client.get("/api/a/kitakyushu/no-such-thing", headers={"X-Request-ID": "api-404"})
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found", "request_id": "api-404"}
    assert int(missing.headers["content-length"]) == len(missing.content)
    bad = client.get("/api/a/kitakyushu/projects?page=0", headers={"X-Request-ID": "api-422"})
    assert bad.status_code == 422 and bad.json()["request_id"] == "api-422" and bad.json()["errors"]
    no_area = client.get("/api/a/nowhere/projects", headers={"X-Request-ID": "api-area"})
    assert no_area.status_code == 404 and no_area.json()["request_id"] == "api-area"


def test_successful_json_is_left_alone(client: TestClient) -> None:
    answer = client.get("/api/a/kitakyushu/projects", headers={"X-Request-ID": "fine"})
    assert answer.status_code == 200 and "request_id" not in answer.json()


def test_an_unhandled_error_is_a_500_page_with_the_id_and_one_logged_traceback(
    broken: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="renkei")
    page = broken.get("/a/kitakyushu/broken", headers={"X-Request-ID": "boom-1"})
    assert page.status_code == 500 and page.headers["x-request-id"] == "boom-1"
    assert "<code>boom-1</code>" in page.text and "内部エラーが発生しました" in page.text
    assert "broken on purpose" not in page.text  # the visitor gets the id, never the traceback
    assert page.headers["cache-control"] == "no-store" and "content-security-policy" in page.headers
    errors = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "renkei.error"]
    assert len(errors) == 1 and errors[0]["request_id"] == "boom-1"
    assert "broken on purpose" in str(errors[0]["exception"])
    assert [x["status"] for x in access_lines(caplog)] == [500]


def test_an_unhandled_api_error_is_json_with_the_id(broken: TestClient) -> None:
    answer = broken.get("/api/a/kitakyushu/broken", headers={"X-Request-ID": "boom-2"})
    assert answer.status_code == 500
    assert answer.json()["request_id"] == "boom-2" and "internal error" in answer.json()["detail"]


def test_a_pool_exhausted_before_any_route_answers_busy_not_500(
        example_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Every connection taken (a stuck worker): the data-version read in the response-cache middleware, outside
    every route's exception handler, times out waiting — the answer is 503 "busy, try again", with Retry-After and
    the request id, and no traceback is logged as an unhandled error."""
    from renkei.store import engine as engine_module

    monkeypatch.setitem(engine_module._POOL, "pool_timeout", 0.2)
    app: FastAPI = create_app(Settings(database_url=example_url))
    pool_size = engine_module.WORKER_THREADS + engine_module.POOL_OVERFLOW
    held = [app.state.engine.connect() for _ in range(pool_size)]
    try:
        with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.INFO):
            page = client.get("/a/kitakyushu/projects", headers={"X-Request-Id": "pool-busy-1"})
            api = client.get("/api/a/kitakyushu/projects")
    finally:
        for connection in held:
            connection.close()
    assert page.status_code == 503, page.text[:300]
    assert page.headers["Retry-After"] == "5"
    assert page.headers["X-Request-Id"] == "pool-busy-1"
    assert "混み合っています" in page.text and "busy" in page.text
    assert api.status_code == 503 and "busy" in api.json()["detail"]
    assert not [r for r in caplog.records if r.name == "renkei.error"], "a busy answer is no unhandled error"
