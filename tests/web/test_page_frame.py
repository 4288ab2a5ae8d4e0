"""Every page shows the evaluation year with a selector, and a footer with the data's licence, last update and
source; the API and the downloads have pages of their own; internal keys never reach a citizen's eye."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from renkei.domain.actual import Actual
from renkei.reading.area import load_area
from renkei.services.rounds import open_round
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app

PAGES = [f"/a/kitakyushu{path}" for path in (
    "/", "/projects", "/projects?q=研修&policy_area=3", "/projects/6ca2fb518e", "/kpis", "/municipalities",
    "/municipalities/402133", "/map", "/method", "/docs", "/downloads")]


def visible_text(html: str) -> str:
    """Return the text a reader sees or hears: text nodes and labels, not addresses or form values."""
    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.hidden += tag in ("script", "style")
            self.parts.extend(v or "" for k, v in attrs if k in ("aria-label", "title", "alt"))

        def handle_endtag(self, tag: str) -> None:
            self.hidden -= tag in ("script", "style")

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("year", [None, 2028])
def test_every_page_shows_the_evaluation_year_with_a_selector(client: TestClient, path: str,
                                                              year: int | None) -> None:
    url = path if year is None else f"{path}{'&' if '?' in path else '?'}as_of={year}"
    html = client.get(url + ("&" if "?" in url else "?") + "lang=ja").text
    assert '<label for="as_of">評価年度</label>' in html and '<select id="as_of" name="as_of">' in html
    options = re.findall(r'<option value="(\d{4})"( selected)?>', html[html.find('id="as_of"'):])
    assert [int(y) for y, _ in options][:5] == [2026, 2027, 2028, 2029, 2030]
    assert [int(y) for y, chosen in options[:5] if chosen] == [year or 2026]
    assert "令和8年度（2026）（既定）" in html  # the default year is named as such


def test_the_year_selector_keeps_the_filters_but_not_the_page(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects?q=研修&status=no_data&as_of=2027&page=1&lang=ja").text
    bar = html[html.find('class="year-bar"'):html.find("</form>", html.find('class="year-bar"'))]
    assert '<input type="hidden" name="q" value="研修">' in bar
    assert '<input type="hidden" name="status" value="no_data">' in bar
    assert 'name="page"' not in bar and 'type="hidden" name="as_of"' not in bar
    assert '<input type="hidden" name="as_of" value="2027">' in html  # the filter form keeps the year


def test_the_footer_names_licence_update_and_source(client: TestClient, example_url: str) -> None:
    engine = create_engine_from_url(example_url)
    with create_session_factory(engine)() as session:
        imported = repository.list_plans(session=session)[0].updated_at
    engine.dispose()
    day = imported.astimezone(ZoneInfo("Asia/Tokyo"))
    html = client.get("/a/kitakyushu/?lang=ja").text
    footer = html[html.find('<footer'):]
    assert '<a href="https://creativecommons.org/licenses/by/4.0/deed.ja" rel="license">CC BY 4.0</a>' in footer
    assert f'<time datetime="{day.date().isoformat()}">{day.year}年{day.month}月{day.day}日</time>' in footer
    assert "最終更新日" in footer and "出典" in footer and "北九州都市圏域</span>の事業シート" in footer
    assert 'href="/a/kitakyushu/docs"' in footer and 'href="/a/kitakyushu/downloads"' in footer
    english = client.get("/a/kitakyushu/?lang=en").text
    assert "Last updated" in english and f"{day.day} {day:%B} {day.year}" in english


def test_the_licence_is_a_setting(example_url: str) -> None:
    settings = Settings(database_url=example_url, data_licence="CC0 1.0",
                        data_licence_url="https://creativecommons.org/publicdomain/zero/1.0/deed.ja")
    with TestClient(create_app(settings)) as client:
        html = client.get("/a/kitakyushu/municipalities").text
    assert 'href="https://creativecommons.org/publicdomain/zero/1.0/deed.ja" rel="license">CC0 1.0</a>' in html


def test_the_last_update_follows_an_approved_actual(example_copy: str) -> None:
    url = example_copy
    engine = create_engine_from_url(url)
    later = datetime(2031, 4, 30, 23, 30, tzinfo=UTC)  # 1 May in Japan
    with create_session_factory(engine)() as session:
        plan = repository.list_plans(session=session)[0]
        kpi = repository.find_kpi(session=session, plan_id=plan.id, project="火災原因調査鑑識・鑑定連携事業",
                                  indicator="鑑識・鑑定及び研修・会議等実施件数")
        assert kpi is not None
        repository.upsert_actual(session=session, kpi_id=kpi.id,
                                 actual=Actual(fiscal_year=2026, value=4, entered_at=later), actor="test")
        session.commit()
    engine.dispose()
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert '<time datetime="2031-05-01">2031年5月1日</time>' in client.get("/a/kitakyushu/?lang=ja").text


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_internal_keys_are_never_shown(client: TestClient, path: str, lang: str) -> None:
    html = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").text
    assert "kitakyushu-2026" not in html
    chosen = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}&plan=kitakyushu-2026").text
    assert "kitakyushu-2026" not in visible_text(chosen)  # only in addresses, which keep the choice


@pytest.mark.parametrize("path", PAGES)
def test_english_pages_name_the_area_in_english(client: TestClient, path: str) -> None:
    area = load_area("kitakyushu")
    assert area.name_en  # the configuration this test is about
    english = client.get(f"{path}{'&' if '?' in path else '?'}lang=en").text
    assert area.name not in visible_text(english), path
    header = english[english.index('<header'):english.index('</header>')]
    assert f'<span class="area-name">{area.name_en}</span>' in header
    footer = english[english.index('<footer'):]
    assert f"Project sheets of <span>{area.name_en}</span>" in footer
    japanese = client.get(f"{path}{'&' if '?' in path else '?'}lang=ja").text
    assert f'<span class="area-name" lang="ja">{area.name}</span>' in japanese and area.name_en not in japanese


@pytest.mark.parametrize(("lang", "field"), [("ja", "name"), ("en", "name_en")])
def test_the_home_page_is_titled_by_the_area_in_its_language(client: TestClient, lang: str, field: str) -> None:
    name = getattr(load_area("kitakyushu"), field)
    html = client.get(f"/a/kitakyushu/?lang={lang}").text
    title = html[html.index("<title>") + 7:html.index("</title>")]
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html)
    assert name in title and heading is not None and heading.group(1) == name


def test_the_api_names_the_area_in_both_languages(client: TestClient) -> None:
    area = load_area("kitakyushu")
    plan = client.get("/api/a/kitakyushu/summary", params={"lang": "en"}).json()["plan"]
    assert (plan["area_name"], plan["area_name_en"]) == (area.name, area.name_en)


def test_the_api_guide_describes_every_endpoint(client: TestClient) -> None:
    paths = [p for p, ops in client.app.openapi()["paths"].items() if "get" in ops]  # type: ignore[attr-defined]
    html = client.get("/a/kitakyushu/docs?lang=ja").text
    for path in paths:
        assert f"<code>GET {path}</code>" in html
    assert "事業の一覧（絞り込みと、絞り込みごとの件数）" in html and "評価年度（西暦" in html
    assert '<a href="/api/a/kitakyushu/projects/' in html  # examples
    assert '<a href="/api/a/kitakyushu/municipalities/401005">' in html
    assert "swagger" not in html.lower() and "cdn" not in html.lower()
    english = client.get("/a/kitakyushu/docs?lang=en").text
    assert "Projects, filtered, with facet counts" in english and "keyword (at most 200 characters" in english


def test_the_downloads_page_lists_every_csv_and_json(client: TestClient) -> None:
    paths = [p.replace("{area}", "kitakyushu") for p in client.app.openapi()["paths"]]  # type: ignore[attr-defined]
    routes = [p for p in paths if "{" not in p]
    html = client.get("/a/kitakyushu/downloads?lang=ja").text
    for path in routes:
        assert f"<code>{path}</code>" in html, path
    assert sum(p.endswith(".csv") for p in routes) == 3 == html.count("<dd>CSV</dd>")
    assert re.search(r"事業の一覧（CSV）</a></h2>\s*<dl class=\"card-facts\">\s*<div><dt>形式</dt><dd>CSV</dd></div>\s*"
                     r"<div><dt>件数</dt><dd class=\"num\">30</dd></div>", html)


@pytest.mark.parametrize("path",
                         [f"/api/a/kitakyushu/{name}.csv" for name in ("projects", "kpis", "municipalities")])
def test_downloads_are_named_for_people(client: TestClient, path: str) -> None:
    disposition = client.get(path).headers["content-disposition"]
    assert "kitakyushu-2026" not in disposition
    kind = path.removeprefix("/api/a/kitakyushu/").removesuffix(".csv")
    assert disposition == f"attachment; filename*=UTF-8''{kind}_{quote('北九州都市圏域')}_2026-2030.csv"


def test_the_latest_reporting_round_is_the_default_year(example_copy: str) -> None:
    url = example_copy
    with TestClient(create_app(Settings(database_url=url))) as client:
        # no round yet: the calendar's year
        assert "令和8年度（2026）（既定）" in client.get("/a/kitakyushu/?lang=ja").text
        engine = create_engine_from_url(url)
        with create_session_factory(engine)() as session:
            plan_id = repository.list_plans(session=session)[0].id
            open_round(session=session, plan_id=plan_id, fiscal_year=2027, due_date=date(2028, 5, 31),
                       actor="admin", today=date(2027, 4, 1))  # once FY2027 has begun
        engine.dispose()
        for path in ("/a/kitakyushu/?lang=ja", "/a/kitakyushu/projects?lang=ja",
                     "/a/kitakyushu/kpis?lang=ja"):  # the cached pages see the new round
            html = client.get(path).text
            assert "令和9年度（2027）（既定）" in html
            assert '<option value="2027" selected>' in html
        assert client.get("/api/a/kitakyushu/summary").json()["as_of"] == 2027
