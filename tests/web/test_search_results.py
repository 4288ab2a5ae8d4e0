"""What a search shows: readings match (こども = 子ども), marked snippets, matching towns, and what to try instead."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.plan import Plan, Project, Role
from renkei.web.search import match_projects, searchable_text
from renkei.web.snippet import find_snippet, highlight

SHOKUDO = Project("子ども食堂支援事業", 1, description="地域の食堂を支える。", reading="コドモショクドウシエンジギョウ")
PASSPORT = Project("こども文化パスポート事業", 2, reading="コドモブンカパスポートジギョウ",
                   roles=(Role("連携市町", ("市町の窓口で周知する。",)),))
RIVER = Project("遠賀川流域市町の連携", 3, reading="オンガガワリュウイキシチョウノレンケイ")


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("こども", {"shokudo", "passport"}),  # kana finds the kanji name by its stored reading
        ("子ども", {"shokudo", "passport"}),  # kanji with kana finds the kana name by its reading
        ("コドモ", {"shokudo", "passport"}),
        ("ｺﾄﾞﾓ", {"shokudo", "passport"}),  # half-width katakana (NFKC)
        ("子ども 食堂", {"shokudo"}),
        ("おんががわ", {"river"}),
        ("市長", set()),  # kanji alone match as written: 市長 is not 市町 (both read しちょう)
        ("市町", {"passport", "river"}),
    ],
)
def test_readings_match_when_the_query_has_kana(query: str, found: set[str]) -> None:
    documents = {"shokudo": searchable_text(SHOKUDO), "passport": searchable_text(PASSPORT),
                 "river": searchable_text(RIVER)}
    assert match_projects(documents, query) == found


def test_uターン_finds_u_iターン(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects?q=Uターン&lang=ja").text
    assert "1件の事業" in html
    assert "<mark>U・Iターン</mark>" in html  # the joined word is marked as written


def test_results_show_marked_snippets(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects?q=ｄｘ&lang=ja").text
    link = r'<a href="/a/kitakyushu/projects/326e7fd760[^"]*" lang="ja"><mark>DX</mark>人材育成研修の実施</a>'
    assert re.search(link, html)
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', html, re.DOTALL)
    assert snippets and all("<mark>" in s for s in snippets)


def test_a_match_in_the_roles_shows_the_roles(client: TestClient) -> None:
    html = client.get(f"/a/kitakyushu/projects?q={quote('本事業の推進に協力')}&lang=ja").text
    assert '<span class="snippet-field">役割分担:</span>' in html
    assert "<mark>本事業の推進に協力</mark>" in html


@given(st.text(max_size=30), st.text(max_size=6))
def test_highlighting_escapes_everything_but_the_marks(text: str, query: str) -> None:
    marked = str(highlight(text, query))
    assert "<" not in marked.replace("<mark>", "").replace("</mark>", "")
    assert re.sub(r"</?mark>", "", marked).count("&") >= text.count("&")


def test_a_snippet_is_cut_around_the_first_match() -> None:
    project = Project("事業", 1, description="あ" * 100 + "研修を行う。" + "い" * 100)
    snippet = find_snippet(project, "研修")
    assert snippet is not None and snippet.field == "project.description"
    text = str(snippet.text)
    assert text.startswith("…") and text.endswith("…") and "<mark>研修</mark>" in text and len(text) < 110


def test_a_search_names_matching_municipalities(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects?q=ゆくはし&lang=ja").text
    assert ('class="found-members">キーワードに合う市町村: '
            '<a href="/a/kitakyushu/municipalities/402133" lang="ja">行橋市</a>') in html


def test_an_empty_result_suggests_dropping_a_filter_with_its_count(client: TestClient) -> None:
    training = client.get("/api/a/kitakyushu/projects", params={"q": "研修"}).json()["count"]
    html = client.get("/a/kitakyushu/projects?q=研修&status=achieved&lang=ja").text
    assert "0件の事業" in html and "条件を変えると見つかります" in html
    link = re.search(r'<li><a href="([^"]+)">「<span lang="ja">達成（A）</span>」の条件を外す</a> '
                     r'<span class="count">(\d+)件</span></li>', html)
    assert link, html[html.find("suggestions"):][:800]
    assert link.group(1) == f"/a/kitakyushu/projects?q={quote('研修')}" and int(link.group(2)) == training


def test_an_empty_result_suggests_a_close_name(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects?q=こども文化パスポト&lang=ja").text
    assert 'もしかして: <span lang="ja">こども文化パスポート事業</span>' in html
    assert 'href="/a/kitakyushu/projects/' in html[html.find("もしかして") - 120:]


def test_an_empty_result_suggests_one_term_alone(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects?q=研修 存在しない語句&lang=ja").text
    assert re.search(r'「<span lang="ja">研修</span>」だけで探す</a> <span class="count">\d+件</span>', html)


def test_an_empty_kpi_search_counts_kpis(client: TestClient, example_plan: Plan) -> None:
    html = client.get("/a/kitakyushu/kpis?q=閲覧数&status=achieved&lang=ja").text
    kpis = sum(1 for p in example_plan.projects for k in p.kpis if "閲覧数" in k.indicator)
    assert "0件のKPI" in html and f'<span class="count">{kpis}件</span>' in html


def test_suggestions_never_lead_to_nothing(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects?q=存在しない語句&policy_area=3&lang=ja").text
    assert "0件の事業" in html
    assert re.findall(r'<span class="count">(\d+)件</span>', html) == ["10"]  # only dropping the keyword helps
    nothing = client.get("/a/kitakyushu/projects?q=存在しない語句&lang=ja").text
    assert "0件の事業" in nothing and "条件を変えると見つかります" not in nothing  # no empty promises


def test_a_snippet_starts_at_a_sentence_when_one_starts_nearby() -> None:
    project = Project("事業", 1, description="あ" * 100 + "。圏域で研修を行う。")
    snippet = find_snippet(project, "研修")
    assert snippet is not None and str(snippet.text) == "…圏域で<mark>研修</mark>を行う。"


#: Members in the example area and how a visitor may type them: the reading's start, in hiragana or katakana.
READINGS = [("406210", "かんだ"), ("406210", "カンダマチ"), ("402133", "ゆくはし"), ("402044", "のおがた"),
            ("403849", "おんが"), ("401005", "きたきゅう")]


@pytest.mark.parametrize(("code", "query"), READINGS)
def test_a_member_is_found_by_its_reading(client: TestClient, code: str, query: str) -> None:
    member = next(m for m in client.get("/api/a/kitakyushu/municipalities").json() if m["code"] == code)

    def found(**params: str) -> set[str]:
        answer = client.get("/api/a/kitakyushu/projects", params={**params, "limit": "1000"}).json()
        return {p["slug"] for p in answer["projects"]}

    by_reading, by_name, taking_part = found(q=query), found(q=member["name"]), found(municipality=code)
    assert taking_part and by_reading == by_name >= taking_part, member["name"]  # as if the name were typed
    html = client.get("/a/kitakyushu/projects", params={"q": query, "lang": "ja"}).text
    # named above the results
    assert f'<a href="/a/kitakyushu/municipalities/{code}" lang="ja">{member["name"]}</a>' in html


@pytest.mark.parametrize("query", ["まち", "かん", "きた"])  # an ending or two letters name no place in particular
def test_a_reading_s_ending_or_two_letters_find_no_member(client: TestClient, query: str) -> None:
    html = client.get("/a/kitakyushu/projects", params={"q": query, "lang": "ja"}).text
    assert 'class="found-members"' not in html
    every = client.get("/api/a/kitakyushu/projects", params={"q": query, "limit": 1000}).json()["count"]
    assert every < 30  # not every project of the area, as any town's or city's reading would make it


def test_a_reading_marks_the_member_s_name_in_a_snippet() -> None:
    project = Project("連携事業", 1, description="苅田町と行橋市で実施する。")
    snippet = find_snippet(project, "かんだ", [("かんだまち", "苅田町")])
    assert snippet is not None and "<mark>苅田町</mark>" in str(snippet.text)
    assert find_snippet(project, "かんだ") is None  # without the area's readings, no place is known
