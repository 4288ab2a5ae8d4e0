"""Two areas in one deployment: `/` lists both, each area's pages and API hold its own plan only, the earlier paths
lead to the list, and a change in one area leaves the other's ETags and page data as they were."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from renkei.cli.portal import import_example, read_example_text
from renkei.reading.area import load_area, load_registry
from renkei.reading.sheet import read_plan
from renkei.services.areas import add_area
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import choose_plan
from renkei.web.app import create_app

SECOND = "second"
#: A sheet of the second area's document that the first area's does not have.
SECOND_ONLY = "第二圏域だけの試験事業"


def _second_area_plan(url: str) -> None:
    """Import the example, renamed, for a second area with the same members (one project only it has)."""
    source = read_example_text().replace("消防指令業務の共同運用に係る調査研究事業", SECOND_ONLY, 1)
    plan, findings = read_plan(source)
    area = replace(load_area("kitakyushu"), slug=SECOND, name="第二圏域（試験）", name_en="Second (test)")
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            import_plan(session=session, plan=replace(plan, area_slug=SECOND), findings=findings, source_text=source,
                        area=area, actor="test")
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def two_areas_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('areas') / 'renkei.db'}"
    import_example(url)
    _second_area_plan(url)
    return url


@pytest.fixture
def client(two_areas_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=two_areas_url, data_dir=tmp_path))) as test_client:
        yield test_client


def test_the_list_of_areas_names_both(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/a/kitakyushu/"' in page.text and f'href="/a/{SECOND}/"' in page.text
    assert "第二圏域（試験）" in page.text
    # Japan as tiles: 福岡県 holds both areas, links to its line of the list, which says the same in words.
    assert 'href="#pref-40" aria-label="福岡県：2圏域"' in page.text and 'id="pref-40"' in page.text


def test_each_area_shows_its_own_projects(client: TestClient) -> None:
    first = client.get("/a/kitakyushu/projects?q=第二圏域だけ").text
    second = client.get(f"/a/{SECOND}/projects?q=第二圏域だけ").text
    api = client.get(f"/api/a/{SECOND}/projects", params={"q": "第二圏域だけ"}).json()
    assert [p["name"] for p in api["projects"]] == [SECOND_ONLY]
    slug = api["projects"][0]["slug"]
    # The query is echoed on both pages; only the second area's links to the project.
    assert f'href="/a/{SECOND}/projects/{slug}"' in second and f"/projects/{slug}" not in first
    assert client.get(f"/a/kitakyushu/projects/{slug}").status_code == 404
    assert client.get("/api/a/kitakyushu/projects", params={"q": "第二圏域だけ"}).json()["projects"] == []
    assert client.get("/a/nowhere/").status_code == 404


def test_earlier_paths_lead_to_the_list_when_there_are_two_areas(client: TestClient) -> None:
    page = client.get("/projects", follow_redirects=False)
    assert page.status_code == 302 and page.headers["location"] == "/"
    api = client.get("/api/projects", follow_redirects=False)
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
    assert "/api/a/" in api.text


def test_a_change_in_one_area_leaves_the_others_version(client: TestClient, two_areas_url: str) -> None:
    versions = client.app.state.read_version  # type: ignore[attr-defined]
    first_tag = client.get("/a/kitakyushu/").headers["etag"]
    second_tag = client.get(f"/a/{SECOND}/").headers["etag"]
    first_data = client.get("/a/kitakyushu/projects").text
    cache = client.app.state.portal_cache  # type: ignore[attr-defined]
    built = sum(cache.builds.values())
    engine = create_engine_from_url(two_areas_url)
    try:
        with create_session_factory(engine)() as session:
            plan = choose_plan(session=session, area_slug=SECOND)
            assert plan is not None  # a new reporting round moves the second area's default year
            open_round(session=session, plan_id=plan.id, fiscal_year=2026, due_date=date(2027, 5, 31), actor="test")
    finally:
        engine.dispose()
    assert client.get(f"/a/{SECOND}/").headers["etag"] != second_tag
    reads = versions.area_reads
    assert client.get("/a/kitakyushu/").headers["etag"] == first_tag  # the first area's pages are still valid
    assert versions.area_reads == reads + 1  # read once after the store moved, then kept
    assert client.get("/a/kitakyushu/", headers={"If-None-Match": first_tag}).status_code == 304
    assert client.get("/a/kitakyushu/projects").text == first_data
    assert versions.area_reads == reads + 1
    # Only the second area's page data was built again (its new snapshot replaced the one it updated).
    assert sum(cache.builds.values()) == built + 1


def test_search_every_area_with_its_area_facet(client: TestClient) -> None:
    found = client.get("/search", params={"q": "消防指令"})
    assert found.status_code == 200 and 'href="/a/kitakyushu/projects/' in found.text
    # A page of no area links to no area's pages: its menu is the list of areas and this search.
    menu = found.text.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/"' in menu and 'href="/search"' in menu and "/projects" not in menu
    both = client.get("/search", params={"q": "観光"}).text
    assert f"area={SECOND}" in both and "area=kitakyushu" in both  # the facet names both areas
    narrowed = client.get("/search", params={"q": "観光", "area": SECOND}).text
    assert 'href="/a/kitakyushu/projects/' not in narrowed and f'href="/a/{SECOND}/projects/' in narrowed
    only = client.get("/search", params={"q": "第二圏域だけ"}).text
    assert only.count('class="found-projects"') == 1 and SECOND_ONLY in only
    assert "見つかりませんでした" in client.get("/search", params={"q": "100%_"}).text  # wildcards are literal
    assert client.get("/search", params={"q": "x" * 201}).status_code in (400, 422)


def test_the_kpi_dashboard_of_every_area_with_its_area_facet(client: TestClient) -> None:
    page = client.get("/kpis")
    assert page.status_code == 200
    menu = page.text.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/kpis" aria-current="page"' in menu and "/projects" not in menu
    assert 'href="/kpis"' in client.get("/").text  # the list of areas leads to it
    # Both areas hold the example's KPIs: the facet counts each area's, and every KPI is once in the total.
    facet = page.text.split('id="h-by-area"', 1)[1].split("</nav>", 1)[0]
    counts = dict(re.findall(r'area=([a-z-]+)[^>]*>[^<]*</a>（(\d+)）', facet))
    assert set(counts) == {"kitakyushu", SECOND} and counts["kitakyushu"] == counts[SECOND]
    total = int(counts["kitakyushu"]) * 2
    assert f"{total}件のKPI" in page.text
    first = client.get("/a/kitakyushu/kpis").text  # the area's own dashboard counts its relisted repeats too
    assert int(re.search(r"(\d+)件のKPI", first).group(1)) >= total // 2  # type: ignore[union-attr]
    # Fifty to a page, area by area in document order, each linked to its area's project page and with its status.
    each = int(counts["kitakyushu"])
    links = re.findall(r'<h3 class="card-title"><a href="/a/([a-z-]+)/projects/', page.text)
    assert links == (["kitakyushu"] * each + [SECOND] * each)[:50] and 'class="badge status-' in page.text
    if total > 50:  # the example holds more than 25 KPIs: the second page goes on with the second area
        rest = re.findall(r'<h3 class="card-title"><a href="/a/([a-z-]+)/', client.get("/kpis?page=2").text)
        assert rest == [SECOND] * (total - 50)
    last = -(-total // 50)
    past = client.get("/kpis", params={"page": last + 1}, follow_redirects=False)  # past the end: to the last page
    assert past.status_code == 303 and past.headers["location"].endswith(f"page={last}")


def test_the_national_kpi_dashboard_narrows_to_an_area_and_to_words(client: TestClient) -> None:
    narrowed = client.get("/kpis", params={"area": SECOND}).text
    assert 'href="/a/kitakyushu/projects/' not in narrowed and f'href="/a/{SECOND}/projects/' in narrowed
    assert f'href="/a/{SECOND}/kpis"' in narrowed  # and to the area's own dashboard, with every filter
    found = client.get("/kpis", params={"q": "第二圏域だけ"}).text
    assert f'href="/a/{SECOND}/projects/' in found and 'href="/a/kitakyushu/projects/' not in found
    facet = found.split('id="h-by-area"', 1)[1].split("</nav>", 1)[0]
    assert f"area={SECOND}" in facet and "area=kitakyushu" not in facet
    # The area's own channel finds the same KPIs and judges them alike.
    api = client.get(f"/api/a/{SECOND}/kpis", params={"q": "第二圏域だけ"}).json()
    shown = re.findall(r'<h3 class="card-title"><a [^>]*>([^<]+)</a>.*?class="badge status-([a-z_]+)"', found, re.S)
    assert shown == [(k["indicator"], k["status"]) for k in api] and shown
    assert "見つかりませんでした" in client.get("/kpis", params={"q": "100%_"}).text  # wildcards are literal
    by_name = client.get("/kpis", params={"sort": "name", "area": SECOND}).text
    indicators = re.findall(r'<h3 class="card-title"><a [^>]*>([^<]+)</a>', by_name)
    assert indicators == sorted(indicators) and len(indicators) == narrowed.count('class="card kpi-card"')
    assert client.get("/kpis", params={"q": "x" * 201}).status_code in (400, 422)


def test_a_change_to_an_areas_members_shows_at_once(tmp_path: Path) -> None:
    """A member added with `renkei area add` (the area's new definition) moves the area's data version: the cached
    page with the old list of members is not replayed, and the new member is listed."""
    url = f"sqlite:///{tmp_path / 'renkei.db'}"
    import_example(url)
    area = load_area("kitakyushu")
    codes = {m.code for m in area.members}
    newcomer = next(m for m in load_registry() if m.code.startswith("40") and m.code not in codes
                    and m.name.endswith("町"))  # a town of 福岡県 from the national list
    with TestClient(create_app(Settings(database_url=url, data_dir=tmp_path))) as client:
        before = client.get("/a/kitakyushu/municipalities")
        assert before.status_code == 200 and newcomer.name not in before.text
        assert client.get("/a/kitakyushu/projects").status_code == 200
        kept = client.app.state.area_members  # type: ignore[attr-defined]
        assert kept.reads == 1  # the area is read once per data version, not once per page
        engine = create_engine_from_url(url)
        try:
            with create_session_factory(engine)() as session:
                add_area(session=session, area=replace(area, members=(*area.members, newcomer)), actor="test")
                session.commit()
        finally:
            engine.dispose()
        after = client.get("/a/kitakyushu/municipalities")
        assert after.headers["etag"] != before.headers["etag"]
        assert newcomer.name in after.text
        assert kept.reads == 2
