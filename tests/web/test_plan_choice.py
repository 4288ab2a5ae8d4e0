"""A page's plan is chosen without counting the plan's projects on every request: the area's plans are listed once
per data version, and listed again as soon as the data changes (a new edition becomes the current plan at once)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from renkei.domain.actual import Actual
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import choose_plan
from renkei.web.app import create_app
from renkei.web.plan_choice import PlanChoices

SECOND = """\
# 北九州都市圏域 第2期連携中枢都市圏ビジョン
事業名\t第2期の新しい連携事業\t\t\t\t\t連携市町
事業内容\t第2期に始める事業。\t\t\t\t\t全市町
事業費（千円）\tR13\tR14\tR15\tR16\tR17\t備考
\t1,000\t1,000\t\t\t\t
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t参加者数\t100人（令和12年度）\t\t\t500人（令和17年度）
"""
PROJECT = "/a/kitakyushu/projects/6ca2fb518e"


def _heading(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert found is not None
    return found.group(1)


def test_the_plans_are_listed_once_per_data_version(example_copy: str) -> None:
    with TestClient(create_app(Settings(database_url=example_copy, response_cache_mb=0))) as client:
        choices = client.app.state.portal_cache.plans  # type: ignore[attr-defined]
        for path in (PROJECT, f"/api{PROJECT}", "/a/kitakyushu/", PROJECT, "/a/kitakyushu/projects"):
            assert client.get(path).status_code == 200, path
        assert choices.reads == 1  # five rendered answers, one listing of the plans


def test_a_new_edition_is_chosen_at_once(example_copy: str) -> None:
    with TestClient(create_app(Settings(database_url=example_copy, response_cache_mb=0))) as client:
        first = client.get("/a/kitakyushu/").text
        assert "第2期" not in _heading(first)
        area = replace(load_area("kitakyushu"), plan_first_year=2031, plan_last_year=2035)
        plan, findings = read_plan(SECOND, area=area)
        engine = create_engine_from_url(example_copy)
        with create_session_factory(engine)() as session:
            import_plan(session=session, plan=plan, findings=findings, source_text=SECOND, area=area)
        engine.dispose()
        assert "第2期連携中枢都市圏ビジョン" in _heading(client.get("/a/kitakyushu/").text)
        assert client.app.state.portal_cache.plans.reads == 2  # type: ignore[attr-defined]


def test_an_approved_actual_lists_the_plans_again_and_moves_the_footer_date(example_copy: str) -> None:
    with TestClient(create_app(Settings(database_url=example_copy, response_cache_mb=0))) as client:
        before = client.get(PROJECT + "?lang=ja").text
        later = datetime(2031, 4, 30, 23, 30, tzinfo=UTC)  # 1 May in Japan
        assert '<time datetime="2031-05-01">' not in before
        engine = create_engine_from_url(example_copy)
        with create_session_factory(engine)() as session:
            plan = repository.list_plans(session=session)[0]
            kpi = repository.find_kpi(session=session, plan_id=plan.id, project="火災原因調査鑑識・鑑定連携事業",
                                      indicator="鑑識・鑑定及び研修・会議等実施件数")
            assert kpi is not None
            repository.upsert_actual(session=session, kpi_id=kpi.id,
                                     actual=Actual(fiscal_year=2026, value=4, entered_at=later), actor="test")
            session.commit()
        engine.dispose()
        assert '<time datetime="2031-05-01">2031年5月1日</time>' in client.get(PROJECT + "?lang=ja").text
        assert client.app.state.portal_cache.plans.reads == 2  # type: ignore[attr-defined]


def test_the_choice_agrees_with_the_store_s_choice(example_copy: str) -> None:
    engine = create_engine_from_url(example_copy)
    choices = PlanChoices()
    with create_session_factory(engine)() as session:
        for area in ("kitakyushu", None):
            for key in (None, "kitakyushu-2026", "no-such-plan"):
                expected = choose_plan(session=session, plan_key=key, area_slug=area)
                assert choices.choose(session=session, area_slug=area, version="v1", plan_key=key) == expected
        assert choices.reads == 2  # one listing per area and version, whatever the key
        assert choices.choose(session=session, area_slug="no-such-area", version="v1") is None
    engine.dispose()


def test_the_listings_kept_are_bounded(example_copy: str) -> None:
    engine = create_engine_from_url(example_copy)
    choices = PlanChoices(size=2)
    with create_session_factory(engine)() as session:
        for version in ("v1", "v2", "v3", "v1"):
            choices.plans(session=session, area_slug="kitakyushu", version=version)
    engine.dispose()
    assert choices.reads == 4  # v1 was forgotten when v3 came


def test_templates_are_read_once_unless_asked(example_url: str) -> None:
    assert create_app(Settings(database_url=example_url)).state.templates.env.auto_reload is False
    reloading = create_app(Settings(database_url=example_url, template_reload=True))
    assert reloading.state.templates.env.auto_reload is True
