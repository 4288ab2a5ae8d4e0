"""Japanese search over the portal's prepared text: every field, folded for width, case and kana."""

from __future__ import annotations

import unicodedata

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.domain.plan import Plan
from renkei.domain.text import search_terms
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app
from renkei.web.search import match_projects, searchable_text


def expected_keys(plan: Plan, query: str) -> set[str]:
    """Return the keys of projects whose name, description or KPI indicator contains every folded term."""
    terms = unicodedata.normalize("NFKC", query).lower().split()
    if not terms:
        return {p.key for p in plan.projects}
    found = set()
    for p in plan.projects:
        text = unicodedata.normalize("NFKC", "\n".join([p.name, p.description or "", *(k.indicator for k in p.kpis)]))
        if all(term in text.lower() for term in terms):
            found.add(p.key)
    return found


QUERIES = ["研修", "研修の実施", "ＤＸ", "Dx", "g-motty", "消防 研修", "100%", "a_b", "北九州市消防局",
           "'\"", "\\", "存在しない語句"]


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_at_least_what_names_descriptions_and_kpis_hold(example_plan: Plan, query: str) -> None:
    documents = {p.key: searchable_text(p) for p in example_plan.projects}
    found = match_projects(documents, query)
    assert found is not None and expected_keys(example_plan, query) <= found


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Uターン", "北九州市U・Iターン応援プロジェクト"),  # a joined word is found by each of its parts
        ("コドモ文化", "こども文化パスポート事業"),  # katakana = hiragana
        ("苅田町 東九州", "東九州自動車道の整備促進に係る要望活動の連携"),  # partner names (荻田町 read as 苅田町)
        ("本事業の推進に協力", "自分らしく歩む女性たちのストーリー発信事業"),  # roles
        ("女性の定着", "自分らしく歩む女性たちのストーリー発信事業"),  # effects
        ("災害対策", "消防指令業務の共同運用に係る調査研究事業"),  # category
    ],
)
def test_search_covers_every_field_a_citizen_reads(client: TestClient, query: str, name: str) -> None:
    names = [p["name"] for p in client.get("/api/a/kitakyushu/projects", params={"q": query}).json()["projects"]]
    assert name in names


def test_empty_query_does_not_filter(client: TestClient) -> None:
    assert client.get("/api/a/kitakyushu/projects", params={"q": "   "}).json()["count"] == 30


def test_search_index_follows_a_new_import(example_copy: str, example_plan: Plan) -> None:
    """A re-import that renames a project is searchable at once, on a connection that indexed before."""
    from dataclasses import replace

    from renkei.lint import lint_plan
    from renkei.services.plan_import import import_plan

    url = example_copy
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/api/a/kitakyushu/projects", params={"q": "ポータル検索語"}).json()["count"] == 0
        renamed = replace(example_plan.projects[0], description="ポータル検索語を含む説明")
        plan = replace(example_plan, projects=(renamed, *example_plan.projects[1:]))
        engine = create_engine_from_url(url)
        with create_session_factory(engine)() as session:
            import_plan(session=session, plan=plan, findings=lint_plan(plan), source_text="changed")
        engine.dispose()
        hits = client.get("/api/a/kitakyushu/projects", params={"q": "ポータル検索語"}).json()["projects"]
        assert [p["slug"] for p in hits] == [renamed.slug]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(max_size=12))
def test_any_query_is_safe(client: TestClient, query: str) -> None:
    response = client.get("/api/a/kitakyushu/projects", params={"q": query})
    assert response.status_code == 200
    assert len(response.json()["projects"]) <= 30


@pytest.mark.parametrize(("query", "terms"), [("研修　ＤＸ", ["研修", "dx"]), ("", []), (" a  b ", ["a", "b"])])
def test_search_terms(query: str, terms: list[str]) -> None:
    assert search_terms(query) == terms
