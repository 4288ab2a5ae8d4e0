"""Answers from kept data are the answers computed afresh: a list's pages share one listing per snapshot and filter,
the API's JSON is what FastAPI itself writes, and a request for a built snapshot takes it without a thread.

Each test runs on SQLite and, when reachable, PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi import Response as FastAPIResponse
from fastapi.testclient import TestClient
from httpx import Response
from tests.conftest import record_fire_actual

from renkei.cli.portal import import_example
from renkei.settings import Settings
from renkei.web.app import create_app
from renkei.web.listing_memo import ListingMemo
from renkei.web.schemas import ProjectDetail, ProjectList
from renkei.web.snapshot import kept_portal, load_portal

API = "/api/a/kitakyushu"
#: Filters, each asked page by page in both languages: every (filter, language) is one listing.
FILTERS = ("", "status=behind&", "budget=yes&sort=name&", "q=%E6%83%85%E5%A0%B1&", "relisted=no&sort=budget&")


@pytest.fixture
def example_db(migrated_url: str) -> str:
    """Return the URL of a database (SQLite or PostgreSQL) holding the imported example."""
    import_example(migrated_url)
    return migrated_url


@pytest.fixture
def clients(example_db: str) -> Iterator[tuple[TestClient, TestClient]]:
    """Yield a client of the portal as it runs, and one that keeps nothing between requests (no replayed answers,
    no kept listings): every answer of the second is computed afresh."""
    fresh_app = create_app(Settings(database_url=example_db, response_cache_mb=0))
    with TestClient(create_app(Settings(database_url=example_db))) as kept, TestClient(fresh_app) as fresh:
        fresh_app.state.listings = ListingMemo(size=0)
        yield kept, fresh


def same_answer(one: Response, other: Response) -> bool:
    """Tell whether two answers have the same status, body and headers (but the request id)."""
    def headers(answer: Response) -> list[tuple[str, str]]:
        return [(k, v) for k, v in answer.headers.multi_items() if k != "x-request-id"]
    return one.status_code == other.status_code and one.content == other.content and headers(one) == headers(other)


def list_urls() -> list[str]:
    return [f"{API}/projects?{chosen}limit=7&offset={offset}{lang}"
            for chosen in FILTERS for lang in ("", "&lang=en") for offset in (0, 7, 14, 70, 200)]


def test_every_page_of_a_list_shares_one_listing_and_answers_as_if_computed_afresh(
        clients: tuple[TestClient, TestClient]) -> None:
    kept, fresh = clients
    listings: ListingMemo[object] = kept.app.state.listings  # type: ignore[attr-defined]
    for url in list_urls():
        answer = kept.get(url)
        assert answer.status_code == 200, url
        assert same_answer(answer, fresh.get(url)), url
    assert listings.computed == len(FILTERS) * 2  # one per filter and language, whatever the number of pages
    csv = f"{API}/projects.csv?status=behind"
    assert same_answer(kept.get(csv), fresh.get(csv))
    assert listings.computed == len(FILTERS) * 2  # the CSV of a filter shares its listing with the JSON


def test_a_change_of_the_data_is_in_the_next_page_of_a_list(
        example_db: str, clients: tuple[TestClient, TestClient]) -> None:
    kept, fresh = clients
    url = f"{API}/projects?limit=5&offset=5"
    before = kept.get(url)
    record_fire_actual(example_db, 6)
    after = kept.get(f"{API}/projects?limit=5&offset=10")  # another page of the same filter, after the change
    assert same_answer(after, fresh.get(f"{API}/projects?limit=5&offset=10"))
    again = kept.get(url)
    assert again.json()["facets"] != before.json()["facets"]  # the status counts moved with the new actual
    assert same_answer(again, fresh.get(url))


def test_the_api_json_is_what_fastapi_writes_for_its_response_model(clients: tuple[TestClient, TestClient]) -> None:
    """Written once by the route (``json_answer``), the JSON is byte for byte what FastAPI's own serialisation of
    the response model gives, and the headers (X-Total-Count, Link) come in the same order."""
    kept, _ = clients
    listing = kept.get(f"{API}/projects?limit=3&offset=3")
    slug = listing.json()["projects"][0]["slug"]
    detail = kept.get(f"{API}/projects/{slug}")
    by_fastapi = FastAPI()

    @by_fastapi.get("/detail", response_model=ProjectDetail)
    def answer_detail() -> ProjectDetail:
        return ProjectDetail.model_validate_json(detail.content)

    @by_fastapi.get("/list", response_model=ProjectList)
    def answer_list(response: FastAPIResponse) -> ProjectList:
        response.headers["X-Total-Count"] = listing.headers["x-total-count"]
        response.headers["Link"] = listing.headers["link"]
        return ProjectList.model_validate_json(listing.content)

    with TestClient(by_fastapi) as plain:
        for ours, path in ((detail, "/detail"), (listing, "/list")):
            theirs = plain.get(path)
            assert ours.content == theirs.content
            names = ("content-length", "content-type", "x-total-count", "link")
            assert [(k, v) for k, v in ours.headers.multi_items() if k in names] == \
                [(k, v) for k, v in theirs.headers.multi_items() if k in names]


def test_a_built_snapshot_is_taken_without_reading_and_a_new_version_is_read(
        example_db: str, clients: tuple[TestClient, TestClient]) -> None:
    kept, _ = clients
    app = kept.app
    version = app.state.read_version("kitakyushu")  # type: ignore[attr-defined]
    cache = app.state.portal_cache  # type: ignore[attr-defined]
    assert kept_portal(cache=cache, fingerprint=version, area_slug="kitakyushu") is None  # nothing built yet
    assert kept.get(f"{API}/summary").status_code == 200
    taken = kept_portal(cache=cache, fingerprint=version, area_slug="kitakyushu")
    with app.state.session_factory() as session:  # type: ignore[attr-defined]
        loaded = load_portal(session=session, cache=cache, fingerprint=version, area_slug="kitakyushu")
    assert taken is not None and taken is loaded
    assert kept_portal(cache=cache, fingerprint=("another", version), area_slug="kitakyushu") is None
    assert kept_portal(cache=cache, fingerprint=version, area_slug="kitakyushu", plan_key="no-such-plan") is None
    assert kept.get(f"{API}/summary?plan=no-such-plan").status_code == 404  # then read in a thread: no such plan
