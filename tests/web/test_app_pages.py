"""Portal pages against the imported example: every page type, facet counts, search, sorting, languages."""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from renkei.domain.plan import Plan
from renkei.domain.relisting import Relisting
from renkei.domain.totals import budget_in_period, count_projects_by_municipality, total_budget

TRAINING = "31cd9265c9"  # 新任課長・係長研修の実施
FIRE = "6ca2fb518e"  # 火災原因調査鑑識・鑑定連携事業 (cumulative KPI)
YUKUHASHI = "402133"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/a/kitakyushu/", ["北九州都市圏域", "令和8年度（2026）", "年度別の事業費", "KPIの進捗状況", "実績未入力",
                            "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成"]),
        ("/a/kitakyushu/projects", ["30件の事業", "新任課長・係長研修の実施", "絞り込む", 'for="q"']),
        (f"/a/kitakyushu/projects/{TRAINING}", ["新任課長・係長研修の実施", "重要業績評価指数（KPI）",
                                                "圏域自治体職員の研修受講", "文書の", "役割分担",
                                                "費用負担（基本方針）"]),
        (f"/a/kitakyushu/projects/{FIRE}", ["鑑識・鑑定及び研修・会議等実施件数", "累計目標",
                                            "25件（令和12年度までの累計）", 'type="application/json"']),
        ("/a/kitakyushu/municipalities", ["行橋市", "402133", "連携中枢都市"]),
        (f"/a/kitakyushu/municipalities/{YUKUHASHI}",
         ["行橋市", "市町村ごとの事業費の内訳がない", "参加している事業", "出典：国土数値情報"]),
        ("/a/kitakyushu/map", ["圏域の地図：市町村別の参加事業数", 'href="/a/kitakyushu/municipalities/402133"',
                               "出典：国土数値情報"]),
        ("/a/kitakyushu/kpis", ["KPIダッシュボード", "WEBページ閲覧数", '<svg class="sparkline"', "測定不能"]),
    ],
)
def test_every_page_type_renders(client: TestClient, path: str, expected: list[str]) -> None:
    response = client.get(path, params={"lang": "ja"})
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    for text in expected:
        assert text in response.text, f"{text!r} missing from {path}"


@pytest.mark.parametrize("path",
                         [f"/a/kitakyushu{page}" for page in (
                             "/", "/projects", f"/projects/{FIRE}", "/municipalities",
                             f"/municipalities/{YUKUHASHI}", "/map", "/kpis", "/projects?q=研修&status=no_data")])
def test_pages_are_accessible_by_structure(client: TestClient, path: str,
                                           active_markup: Callable[[str], list[str]]) -> None:
    html = client.get(path, params={"lang": "ja"}).text
    assert active_markup(html) == []
    assert '<html lang="ja">' in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html
    assert html.count("<h1") == 1
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), f"heading levels jump: {levels}"
    for control in re.findall(r'<(?:input|select)[^>]*id="([^"]+)"', html):
        assert f'for="{control}"' in html, f"form control {control} has no label"


def test_unknown_pages_are_404_in_html_and_json(client: TestClient) -> None:
    for path in ("/a/kitakyushu/projects/0000000000", "/a/kitakyushu/municipalities/999999",
                 "/a/kitakyushu/municipalities/12", "/nothing"):
        response = client.get(path)
        assert response.status_code == 404
        assert "<main" in response.text
    missing = client.get("/api/a/kitakyushu/projects/0000000000", headers={"X-Request-ID": "r-404"})
    assert missing.json() == {"detail": "事業が見つかりません。", "request_id": "r-404"}
    assert client.get("/a/kitakyushu/projects", params={"plan": "no-such-plan"}).status_code == 404


def test_plan_can_be_chosen_by_key(client: TestClient) -> None:
    response = client.get("/api/a/kitakyushu/summary", params={"plan": "kitakyushu-2026"})
    assert response.json()["plan"]["plan_key"] == "kitakyushu-2026"
    assert client.get("/api/a/kitakyushu/summary", params={"plan": "kitakyushu-2099"}).status_code == 404


def facet(listing: dict[str, object], name: str) -> dict[str, int]:
    """Return a facet's counts by value from an /api/projects answer."""
    facets = listing["facets"]
    assert isinstance(facets, list)
    found = next(f for f in facets if f["name"] == name)
    return {v["value"]: v["count"] for v in found["values"]}


def test_facet_counts_match_the_plan(client: TestClient, example_plan: Plan) -> None:
    listing = client.get("/api/a/kitakyushu/projects").json()
    assert listing["count"] == len(example_plan.projects) == 30
    areas = facet(listing, "policy_area")
    assert areas["3"] == 10
    assert areas == {
        key: sum(1 for p in example_plan.projects if (str(p.policy_area.number) if p.policy_area else "none") == key)
        for key in areas
    }
    by_name = count_projects_by_municipality(example_plan, Relisting.of(example_plan))
    members = {m["code"]: m["name"] for m in client.get("/api/a/kitakyushu/municipalities").json()}
    assert {members[code]: n for code, n in facet(listing, "municipality").items()} == by_name
    assert facet(listing, "relisted") == {"yes": sum(p.relisted for p in example_plan.projects),
                                          "no": sum(not p.relisted for p in example_plan.projects)}
    # 事業費あり means a positive amount within the plan period, as the list's budget column shows it.
    with_budget = sum(1 for p in example_plan.projects if (budget_in_period(p, example_plan) or 0) > 0)
    assert facet(listing, "budget") == {"yes": with_budget, "no": 30 - with_budget}


def test_facet_counts_follow_the_other_filters(client: TestClient, example_plan: Plan) -> None:
    listing = client.get("/api/a/kitakyushu/projects", params={"policy_area": "3", "budget": "yes"}).json()
    expected = [p.slug for p in example_plan.projects
                if p.policy_area and p.policy_area.number == 3 and (budget_in_period(p, example_plan) or 0) > 0]
    assert [p["slug"] for p in listing["projects"]] == expected
    assert facet(listing, "policy_area")["3"] == len(expected)
    assert facet(listing, "budget")["no"] == 10 - len(expected)  # counts the budget facet without its own filter


def test_municipality_counts_match_totals(client: TestClient, example_plan: Plan) -> None:
    by_name = count_projects_by_municipality(example_plan, Relisting.of(example_plan))
    rows = client.get("/api/a/kitakyushu/municipalities").json()
    assert {r["name"]: r["project_count"] for r in rows} == by_name
    assert [r["code"] for r in rows if r["is_lead"]] == ["401005"]
    html = client.get("/a/kitakyushu/municipalities", params={"lang": "ja"}).text
    assert re.search(r"行橋市</a></th>\s*<td><code>402133</code></td><td class=\"num\">28</td>", html)


def search_expectation(plan: Plan, query: str) -> list[str]:
    """Return the slugs of projects whose name, description or KPI indicator contains every term."""
    terms = unicodedata.normalize("NFKC", query).lower().split()
    found = []
    for project in plan.projects:
        text = "\n".join([project.name, project.description or "", *(k.indicator for k in project.kpis)])
        folded = unicodedata.normalize("NFKC", text).lower()
        if all(term in folded for term in terms):
            found.append(project.slug)
    return found


@pytest.mark.parametrize("query", ["研修", "研修の実施", "ＤＸ", "dx人材", "消防 研修", "職員　研修", "存在しない語句"])
def test_search_finds_the_right_projects(client: TestClient, example_plan: Plan, query: str) -> None:
    expected = search_expectation(example_plan, query)  # search also covers effects, roles, partners …
    listing = client.get("/api/a/kitakyushu/projects", params={"q": query}).json()
    found = [p["slug"] for p in listing["projects"]]
    assert set(expected) <= set(found) and found == [p.slug for p in example_plan.projects if p.slug in found]
    html = client.get("/a/kitakyushu/projects", params={"q": query, "lang": "ja"}).text
    assert f"{len(found)}件の事業" in html


def test_search_for_training_hits_its_projects(client: TestClient, example_plan: Plan) -> None:
    slugs = {p["slug"] for p in client.get("/api/a/kitakyushu/projects", params={"q": "研修"}).json()["projects"]}
    assert TRAINING in slugs and FIRE in slugs  # 「研修」 in the name, in the description
    assert "326e7fd760" in slugs  # DX人材育成研修の実施
    assert len(slugs) == len(search_expectation(example_plan, "研修")) >= 9


def test_sorting_by_budget_and_name(client: TestClient, example_plan: Plan) -> None:
    by_budget = client.get("/api/a/kitakyushu/projects", params={"sort": "budget"}).json()["projects"]
    amounts = [p["budget_plan_period"] or 0 for p in by_budget]
    assert amounts == sorted(amounts, reverse=True)
    assert by_budget[0]["name"] == "圏域内道路交通のネットワーク化にかかる連携"
    by_name = [p["name"] for p in client.get("/api/a/kitakyushu/projects", params={"sort": "name"}).json()["projects"]]
    assert sorted(by_name) == sorted(p.name for p in example_plan.projects)
    assert by_name == GOJUON_ORDER  # by the readings stored at import, not by code point


#: The example's projects in 五十音順 of their readings (DX first: Latin letters come before kana).
GOJUON_ORDER = [
    "DX人材育成研修の実施",  # DX
    "遠賀川流域市町による災害時の避難者受入れに関する連携体制の構築",  # おんががわ
    "火災原因調査鑑識・鑑定連携事業",  # かさい
    "学校給食における地産地消推進事業",  # がっこう (が sorts with か; っ with つ)
    "環境保全・循環型社会構築に向けた取組の推進",  # かんきょう
    "企画立案研修の合同実施",  # きかく
    "技術職員の相談・人材育成体制の構築",  # ぎじゅつ
    "北九州市U・Iターン応援プロジェクト",  # きたきゅうしゅう
    "下水道事業の広域化・共同化の検討・協議",  # げすいどう
    "圏域内道路交通のネットワーク化にかかる連携",  # けんいきない
    "圏域におけるGX推進事業",  # けんいきにおける GX
    "圏域における地理空間情報プラットフォーム等整備事業",  # けんいきにおける ちり
    "公共施設マネジメント推進事業",  # こうきょう
    "こども文化パスポート事業",  # こども
    "持続可能なまちづくりに資する脱炭素化の推進",  # じぞく
    "自分らしく歩む女性たちのストーリー発信事業",  # じぶん
    "首都圏などからの移住促進",  # しゅと
    "上水道事業の発展的広域化の検討",  # じょうすいどう
    "消防指令業務の共同運用に係る調査研究事業",  # しょうぼうしれい
    "消防法令に基づく規制業務に関する職員の育成",  # しょうぼうほうれい
    "職員派遣研修についての検討",  # しょくいん
    "新任課長・係長研修の実施",  # しんにん
    "水道技術研修の実施",  # すいどう
    "税・税外債権徴収スキル及び債権管理能力向上のための研修の実施",  # ぜい
    "大規模災害時の支援に関する連携体制の構築",  # だいきぼ
    "地域エネルギー政策の広域化",  # ちいき
    "筑豊電気鉄道確保維持改善事業",  # ちくほう
    "地方創生に資するサステナブルシティの推進",  # ちほう
    "東九州自動車道の整備促進に係る要望活動の連携",  # ひがし
    "風力発電関連産業の総合拠点の形成",  # ふうりょく
]


def test_filters_live_in_the_url(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects", params={"q": "研修", "municipality": YUKUHASHI, "sort": "status"}).text
    assert 'value="研修"' in html
    assert '<option value="402133" selected lang="ja">' in html
    assert '<option value="status" selected>' in html
    assert 'method="get"' in html


def test_home_shows_budget_totals_relisted_once(client: TestClient, example_plan: Plan) -> None:
    totals = total_budget(example_plan, Relisting.of(example_plan))
    summary = client.get("/api/a/kitakyushu/summary").json()
    assert totals.plan_period_total is not None
    assert summary["budget_plan_period_total"] == totals.plan_period_total
    assert {r["fiscal_year"]: r["amount"] for r in summary["budget_by_year"]} == {
        2026: 4_284_914, 2027: None, 2028: None, 2029: None, 2030: None}  # blanks are not zeros
    assert [r["fiscal_year"] for r in summary["budget_outside_period"]] == [2021, 2022, 2023, 2024, 2025]
    html = client.get("/a/kitakyushu/", params={"lang": "ja"}).text
    assert f"{totals.plan_period_total:,}" in html
    assert "記載なし" in html and "記載のある" in html
    assert "計画期間外の年度" in html and "令和3年度（2021）" in html
    assert {s["key"]: s["count"] for s in summary["kpi_status"]}["not_measurable"] == 1


def test_language_switch_is_remembered(client: TestClient) -> None:
    fresh = TestClient(client.app)
    english = fresh.get("/a/kitakyushu/projects", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "30 projects" in english.text
    assert "renkei_lang=en" in english.headers["set-cookie"]
    assert ">日本語</a>" in english.text
    again = fresh.get("/a/kitakyushu/kpis")
    assert '<html lang="en">' in again.text and "FY2026" in again.text
    japanese = fresh.get("/a/kitakyushu/kpis", params={"lang": "ja"})
    assert '<html lang="ja">' in japanese.text and ">English</a>" in japanese.text


def test_project_page_shows_every_field(client: TestClient, example_plan: Plan) -> None:
    project = next(p for p in example_plan.projects if p.slug == TRAINING)
    html = client.get(f"/a/kitakyushu/projects/{TRAINING}", params={"lang": "ja"}).text
    assert project.description and project.description[:20] in html
    for effect in project.effects:
        assert effect in html
    for role in project.roles:
        assert role.party in html
        for duty in role.duties:
            assert duty in html
    for principle in project.cost_sharing.principles:
        assert principle.text in html
    for kpi in project.kpis:
        assert kpi.indicator in html and kpi.baseline.text in html and kpi.target.text in html
    assert "文書の" in html and f"{project.line}行目" in html


def html_text(fragment: str) -> str:
    """Return the text of some markup: tags dropped, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize(("lang", "note"), [("ja", "連携市町「荻田町」を構成市町「苅田町」と読みました"),
                                          ("en", "read partner '荻田町' as member '苅田町'")])
def test_a_public_page_says_plainly_where_the_text_was_corrected(client: TestClient, lang: str, note: str) -> None:
    html = client.get("/a/kitakyushu/projects/6a86f580d8", params={"lang": lang}).text  # 荻田町 → 苅田町
    aside = html[html.index('<aside class="note"'):html.index("</aside>")]
    assert note in html_text(aside)
    assert "municipality.misspelt" not in html and 'class="staff"' not in html and 'class="findings"' not in html


def test_municipality_page_shows_roles_and_comparison(client: TestClient, example_plan: Plan) -> None:
    detail = client.get(f"/api/a/kitakyushu/municipalities/{YUKUHASHI}").json()
    assert detail["project_count"] == count_projects_by_municipality(example_plan, Relisting.of(example_plan))["行橋市"]
    assert len(detail["projects"]) == detail["project_count"]
    assert "average_project_count" not in detail and "budget_of_projects" not in detail
    story = next(p for p in detail["projects"] if p["slug"] == "496e4c64a9")
    assert story["role_party"] == "連携市町" and "本事業の推進に協力する。" in story["duties"]
    assert story["cost_basis"] == "lead_city"
    html = client.get(f"/a/kitakyushu/municipalities/{YUKUHASHI}", params={"lang": "ja"}).text
    assert html.count('class="area on"') == 1 and html.count('class="area off"') == 17  # this town alone is lit
    lit = html[:html.index('class="area on"')]
    assert lit[lit.rindex("<a href="):].startswith(f'<a href="/a/kitakyushu/municipalities/{YUKUHASHI}"')
    assert "北九州市が負担" in html


def test_kpi_dashboard_counts_kpis(client: TestClient, example_plan: Plan) -> None:
    html = client.get("/a/kitakyushu/kpis", params={"lang": "ja", "policy_area": "3"}).text
    kpis_in_area = sum(len(p.kpis) for p in example_plan.projects if p.policy_area and p.policy_area.number == 3)
    assert f"{kpis_in_area}件のKPI" in html
    area = "(3) 圏域マネジメント能力の強化に係る政策分野"
    assert f'<option value="3" selected lang="ja">{area} ({kpis_in_area})</option>' in html
    only = client.get("/a/kitakyushu/kpis", params={"lang": "ja", "status": "not_measurable"}).text
    assert "1件のKPI" in only and "圏域内のDX推進" in only
