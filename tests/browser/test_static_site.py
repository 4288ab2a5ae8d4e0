"""The static copy in Chromium: served from a sub-path of a plain static server (127.0.0.1) and opened from file://.

Navigation, a KPI chart, the English switch and the in-page search work with no portal behind them, and axe-core
finds no WCAG 2.1 A/AA violation. The search's results are compared with the portal's own search over the same
text, term by term.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from tests.browser.conftest import Server, Visit, _tab, _wait_until_answering, free_port
from tests.browser.test_accessibility import describe_violations, run_axe
from typer.testing import CliRunner

from renkei.cli import app
from renkei.cli.portal import import_example
from renkei.domain.plan import Plan
from renkei.settings import Settings
from renkei.web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.heavy]
SUB_PATH = "/city/renkei/site/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a static copy of the example, built by `renkei build-site` into <root>/city/renkei/site."""
    root = tmp_path_factory.mktemp("static-root")
    url = f"sqlite:///{root / 'renkei.db'}"
    import_example(url)
    folder = root / SUB_PATH.strip("/")
    result = CliRunner().invoke(app, ["build-site", str(folder), "--database-url", url])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def static_server(built: Path) -> Iterator[Server]:
    """Serve the folder above the site with Python's plain static server, so the site lives under a sub-path."""
    root = built.parents[2]
    port = free_port()
    log = root / "http.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                    "--directory", str(root)], stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
    running = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_answering(running)
        yield running
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="module")
def static_tab(browser: Any, static_server: Server) -> Iterator[Visit]:
    with _tab(browser, static_server, bypass_csp=False) as visit:
        yield visit


@pytest.fixture
def tab(static_tab: Visit) -> Visit:
    """Return the module's tab on the copy with nothing recorded and no cookie."""
    static_tab.forget()
    return static_tab


@pytest.fixture(scope="module")
def live(built: Path) -> Iterator[TestClient]:
    """Return the portal itself on the database the copy was built from, to compare the two searches."""
    url = f"sqlite:///{built.parents[2] / 'renkei.db'}"
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield client


def live_names(live: TestClient, query: str) -> list[str]:
    """Return the names of the projects the portal's search finds (readings of places included)."""
    answer = live.get("/api/a/kitakyushu/projects", params={"q": query, "limit": 1000}).json()
    return sorted(p["name"] for p in answer["projects"])


def live_suggestions(live: TestClient, query: str, lang: str) -> list[str]:
    """Return the portal's suggestions for a query as a reader sees them: each link's words and count."""
    page = live.get("/a/kitakyushu/projects", params={"q": query, "lang": lang}).text
    section = re.search(r'<section class="suggestions".*?</section>', page, re.S)
    items = re.findall(r"<li>(.*?)</li>", section.group(0), re.S) if section else []
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


def expected_matches(plan: Plan, word: str) -> list[str]:
    """Return the projects the portal's own search finds for a word (kanji only: no reading variants)."""
    from renkei.web.search import match_projects, searchable_text

    found = match_projects({p.name: searchable_text(p) for p in plan.projects}, word) or set()
    return sorted(found)


def result_names(tab: Any) -> list[str]:
    tab.page.wait_for_function("document.getElementById('h-results').textContent.length > 0")
    names: list[str] = tab.page.locator("#search-results a").all_text_contents()
    return sorted(names)


def test_navigation_a_chart_and_the_english_switch_work_under_a_sub_path(tab: Any, example_plan: Plan) -> None:
    tab.open(SUB_PATH + "index.html")
    tab.page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="事業一覧").click()
    assert tab.page.url.endswith(SUB_PATH + "projects/index.html")
    project = next(p for p in example_plan.projects if p.kpis and not p.relisted)
    tab.page.get_by_role("link", name=project.name, exact=True).first.click()
    assert tab.page.url.endswith(f"{SUB_PATH}projects/{project.slug}.html")
    assert tab.page.locator("svg.chart").count() >= 1
    assert tab.page.locator("h1").inner_text() == project.name
    tab.page.get_by_role("link", name="English").click()
    assert tab.page.url.endswith(f"{SUB_PATH}en/projects/{project.slug}.html")
    assert tab.page.locator("html").get_attribute("lang") == "en"
    tab.page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Overview").click()
    assert tab.page.url.endswith(SUB_PATH + "en/index.html")
    assert not tab.problems(), tab.problems()


@pytest.mark.parametrize("word", ["研修", "交通", "移住"])
def test_search_finds_what_the_portal_finds(tab: Any, example_plan: Plan, word: str) -> None:
    expected = expected_matches(example_plan, word)
    assert expected, f"the example has no project with {word}: pick another word"
    tab.open(SUB_PATH + "search.html")
    tab.page.get_by_label("キーワード").fill(word)
    tab.page.get_by_role("button", name="検索").click()
    assert result_names(tab) == expected
    assert tab.page.locator("#h-results").inner_text() == f"{len(expected)}件の事業"
    first = tab.page.locator("#search-results a").first
    first.click()
    assert "/projects/" in tab.page.url and tab.page.locator("h1").inner_text() in expected
    assert not tab.problems(), tab.problems()


def test_search_folds_width_and_kana_like_the_portal(tab: Any, example_plan: Plan) -> None:
    tab.open(SUB_PATH + "en/search.html?q=" + "ＤＸ")
    assert result_names(tab) == expected_matches(example_plan, "DX")
    tab.open(SUB_PATH + "search.html?q=" + "パスポート 文化")
    assert result_names(tab) == expected_matches(example_plan, "ぱすぽーと 文化") != []
    tab.open(SUB_PATH + "search.html?q=" + "存在しない語")
    tab.page.wait_for_function("document.getElementById('h-results').textContent.length > 0")
    assert tab.page.locator("#h-results").inner_text() == "条件に合う事業はありません。"


@pytest.mark.parametrize(("page", "query"), [("search.html", "かんだ"), ("search.html", "カンダマチ"),
                                           ("en/search.html", "ゆくはし"), ("search.html", "のおがた 研修")])
def test_search_finds_members_by_reading_as_the_portal_does(tab: Any, live: TestClient, page: str,
                                                            query: str) -> None:
    expected = live_names(live, query)
    assert expected, f"the portal finds nothing for {query}: pick another reading"
    tab.open(SUB_PATH + page)
    tab.page.get_by_label("キーワード" if page == "search.html" else "Keywords").fill(query)
    tab.page.locator("form.site-search button").click()
    assert result_names(tab) == expected
    members = tab.page.locator("#search-members a").all_text_contents()
    listed = live.get("/a/kitakyushu/projects", params={"q": query}).text
    line = re.search(r'<p class="found-members">(.*?)</p>', listed, re.S)
    assert members == (re.findall(r'lang="ja">([^<]+)</a>', line.group(1)) if line else [])
    assert bool(members) == (" " not in query)  # every term must name the member: one term here, two there
    assert tab.page.locator("#search-suggestions").is_hidden()
    assert not tab.problems(), tab.problems()


SUGGESTED = ["こどもぶんかぱすぽと", "研修実施", "下水道の広域化", "ＤＸ人材の育成研修", "研修 存在しない語句",
             "かんだ 存在しない語句", "圏域 ゆくはしし 存在しない", "存在しない語句"]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("query", SUGGESTED)
def test_an_empty_search_suggests_what_the_portal_suggests(tab: Any, live: TestClient, query: str,
                                                           lang: str) -> None:
    assert live_names(live, query) == []  # the case this test is about
    expected = live_suggestions(live, query, lang)
    tab.open(SUB_PATH + ("en/" if lang == "en" else "") + "search.html?q=" + quote(query))
    tab.page.wait_for_function("document.getElementById('h-results').textContent.length > 0")
    items = tab.page.locator("#search-suggestions li")
    shown = [" ".join(text.split()) for text in items.all_inner_texts()]
    assert shown == expected
    assert tab.page.locator("#search-suggestions").is_visible() == bool(expected)
    if expected:
        items.first.locator("a").click()
        tab.page.wait_for_load_state()
        assert tab.page.url.startswith(static_root(tab)) and "/opendata/" not in tab.page.url
        if "search.html" in tab.page.url:  # one term alone: the copy's search finds what the count promised
            found = int(re.findall(r"\d[\d,]*", shown[0])[-1].replace(",", ""))
            tab.page.wait_for_function("document.getElementById('h-results').textContent.length > 0")
            assert tab.page.locator("#search-results li").count() == found
    assert not tab.problems(), tab.problems()


def test_some_suggestion_of_every_kind_the_copy_can_make_is_tested(live: TestClient) -> None:
    kinds = {"だけで探す", "もしかして"}  # one term alone, a close name
    suggested = " ".join(" ".join(live_suggestions(live, q, "ja")) for q in SUGGESTED)
    assert all(kind in suggested for kind in kinds)


def static_root(tab: Any) -> str:
    return str(tab.server.url(SUB_PATH))


@pytest.mark.parametrize("path", ["index.html", "projects/index.html", "search.html?q=研修", "map.html",
                                  "en/index.html", "en/kpis/index.html", "municipalities/402044.html",
                                  "search.html?q=こども文化パスポト"])
def test_static_pages_have_no_wcag_violations(tab: Any, path: str) -> None:
    tab.open(SUB_PATH + path)
    violations = run_axe(tab)
    assert not violations, f"axe-core on {path}:\n{describe_violations(violations)}"


def test_the_copy_works_from_file(browser: Any, built: Path, example_plan: Plan, static_server: Server) -> None:
    with _tab(browser, static_server, bypass_csp=False) as visit:
        page = visit.page
        page.goto((built / "index.html").as_uri())
        page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="検索").click()
        page.get_by_label("キーワード").fill("研修")
        page.get_by_role("button", name="検索").click()
        assert result_names(visit) == expected_matches(example_plan, "研修")
        page.locator("#search-results a").first.click()
        assert page.url.startswith("file://") and page.locator("svg.chart").count() >= 1
        page.get_by_role("link", name="オープンデータ（datapackage.json）").click()
        assert page.url.endswith("/opendata/datapackage.json")
