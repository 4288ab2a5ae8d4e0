"""An area with several plans: its pages show the current plan (a 第2期 vision), the earlier one a click away."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from renkei.cli.portal import import_example
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app

SECOND = """\
# 北九州都市圏域 第2期連携中枢都市圏ビジョン
事業名\t第2期の新しい連携事業\t\t\t\t\t連携市町
事業内容\t第2期に始める事業。\t\t\t\t\t全市町
事業費（千円）\tR13\tR14\tR15\tR16\tR17\t備考
\t1,000\t1,000\t\t\t\t
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t参加者数\t100人（令和12年度）\t\t\t500人（令和17年度）
"""
EARLIER = "/a/kitakyushu/?plan=kitakyushu-2026"


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Yield a client on a database holding the example plan (2026-2030) and a second plan of its area (2031-)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('plans') / 'renkei.db'}"
    import_example(url)
    area = replace(load_area("kitakyushu"), plan_first_year=2031, plan_last_year=2035)
    plan, findings = read_plan(SECOND, area=area)
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        import_plan(session=session, plan=plan, findings=findings, source_text=SECOND, area=area)
    engine.dispose()
    with TestClient(create_app(Settings(database_url=url))) as client:
        yield client


def test_the_area_home_shows_the_current_plan_and_links_the_earlier_one(two_plans: TestClient) -> None:
    page = two_plans.get("/a/kitakyushu/").text
    assert "第2期連携中枢都市圏ビジョン" in re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)  # type: ignore[union-attr]
    assert "この圏域の計画" in page
    assert f'href="{EARLIER}"' in page
    assert "以前の計画を表示しています" not in page


def test_the_earlier_plan_is_one_click_away_and_says_it_is_earlier(two_plans: TestClient) -> None:
    page = two_plans.get(EARLIER).text
    assert "令和8年度（2026）〜令和12年度（2030）" in page
    assert "以前の計画を表示しています" in page
    assert 'href="/a/kitakyushu/">現在の計画へ</a>' in page
    projects = two_plans.get("/a/kitakyushu/projects?plan=kitakyushu-2026").text
    assert "以前の計画を表示しています" in projects
    assert "第2期の新しい連携事業" not in projects and "消防指令業務の共同運用に係る調査研究事業" in projects
    assert 'href="/a/kitakyushu/kpis?plan=kitakyushu-2026"' in projects  # the pages keep the chosen plan


def test_the_current_plan_s_pages_list_only_its_projects(two_plans: TestClient) -> None:
    projects = two_plans.get("/a/kitakyushu/projects").text
    assert "第2期の新しい連携事業" in projects
    assert "以前の計画を表示しています" not in projects


def test_an_area_with_one_plan_shows_no_plan_list(client: TestClient) -> None:
    page = client.get("/a/kitakyushu/").text
    assert "この圏域の計画" not in page and "以前の計画" not in page
