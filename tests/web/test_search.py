"""Japanese full-text search on SQLite (FTS5 trigram) and PostgreSQL (ILIKE), with the LIKE fallback."""

from __future__ import annotations

import unicodedata

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.cli.portal import import_example
from renkei.domain.plan import Plan
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import search_projects, split_search_terms
from renkei.web.app import create_app


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


QUERIES = ["研修", "研", "研修の実施", "ＤＸ", "Dx", "g-motty", "消防 研修", "100%", "a_b", "累計", "北九州市消防局",
           "'\"", "\\", "存在しない語句"]


@pytest.mark.parametrize("query", QUERIES)
def test_search_on_each_database(migrated_url: str, example_plan: Plan, query: str) -> None:
    import_example(migrated_url)
    engine = create_engine_from_url(migrated_url)
    try:
        with create_session_factory(engine)() as session:
            plan_id = repository.list_plans(session=session)[0].id
            found = search_projects(session=session, plan_id=plan_id, query=query)
            again = search_projects(session=session, plan_id=plan_id, query=query)  # index reused
    finally:
        engine.dispose()
    assert found == again == expected_keys(example_plan, query)


def test_empty_query_does_not_filter(client: TestClient) -> None:
    assert client.get("/api/projects", params={"q": "   "}).json()["count"] == 30


def test_search_index_follows_a_new_import(tmp_path_factory: pytest.TempPathFactory, example_plan: Plan) -> None:
    """A re-import that renames a project is searchable at once, on a connection that indexed before."""
    from dataclasses import replace

    from renkei.lint import lint_plan
    from renkei.services.plan_import import import_plan

    url = f"sqlite:///{tmp_path_factory.mktemp('reindex') / 'renkei.db'}"
    import_example(url)
    with TestClient(create_app(Settings(database_url=url))) as client:
        assert client.get("/api/projects", params={"q": "ポータル検索語"}).json()["count"] == 0
        renamed = replace(example_plan.projects[0], description="ポータル検索語を含む説明")
        plan = replace(example_plan, projects=(renamed, *example_plan.projects[1:]))
        engine = create_engine_from_url(url)
        with create_session_factory(engine)() as session:
            import_plan(session=session, plan=plan, findings=lint_plan(plan), source_text="changed")
        engine.dispose()
        hits = client.get("/api/projects", params={"q": "ポータル検索語"}).json()["projects"]
        assert [p["slug"] for p in hits] == [renamed.slug]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(max_size=12))
def test_any_query_is_safe(client: TestClient, query: str) -> None:
    response = client.get("/api/projects", params={"q": query})
    assert response.status_code == 200
    assert len(response.json()["projects"]) <= 30


@pytest.mark.parametrize(("query", "terms"), [("研修　ＤＸ", ["研修", "dx"]), ("", []), (" a  b ", ["a", "b"])])
def test_split_search_terms(query: str, terms: list[str]) -> None:
    assert split_search_terms(query) == terms
