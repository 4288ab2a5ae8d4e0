"""The portal after a revision mid-period: each KPI's history, the target in force per year, the API's revisions."""

from __future__ import annotations

import html as html_lib
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from renkei.domain.plan import Project
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app

FIRE = Project("火災原因調査鑑識・鑑定連携事業", 0).slug
TRAINING = Project("消防法令に基づく規制業務に関する職員の育成", 0).slug
HISTORY = ("令和9年度の改正（一部改正、令和9年10月）で目標を25件（令和12年度までの累計）から"
           "40件（令和12年度までの累計）に変更")


@pytest.fixture
def revised_client(example_copy: str, revise_example: Callable[[Session, int], None]) -> Iterator[TestClient]:
    """Yield a portal whose example plan was revised after its first page was built (the snapshot must move)."""
    with TestClient(create_app(Settings(database_url=example_copy))) as client:
        before = client.get(f"/a/kitakyushu/projects/{FIRE}", params={"as_of": "2027"})
        assert before.status_code == 200 and "改正" not in before.text
        engine = create_engine_from_url(example_copy)
        with create_session_factory(engine)() as session:
            revise_example(session, 1)
        engine.dispose()
        yield client


def text_of(page: str) -> str:
    """Return a page's text with its markup and entities undone (enough to find sentences in it)."""
    import re

    return html_lib.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_kpi_shows_its_history_and_the_target_in_force_each_year(revised_client: TestClient) -> None:
    earlier = text_of(revised_client.get(f"/a/kitakyushu/projects/{FIRE}", params={"as_of": "2026"}).text)
    later = text_of(revised_client.get(f"/a/kitakyushu/projects/{FIRE}", params={"as_of": "2027"}).text)
    for page in (earlier, later):
        assert HISTORY in page and "KPIの見直し" in page and "改正あり" in page
    assert "令和9年度の改正前の目標（25件（令和12年度までの累計））に対して判定しています。" in earlier
    assert "令和9年度の改正後の目標（40件（令和12年度までの累計））に対して判定しています。" in later
    english = text_of(revised_client.get(f"/a/kitakyushu/projects/{FIRE}",
                                         params={"as_of": "2027", "lang": "en"}).text)
    assert "The FY2027 revision (一部改正, 令和9年10月) changed the target from 25件" in english
    assert "Judged against the target after the FY2027 revision (40件" in english


def test_a_dropped_kpi_and_an_added_one_are_told(revised_client: TestClient) -> None:
    page = text_of(revised_client.get(f"/a/kitakyushu/projects/{TRAINING}").text)
    assert "改正で削除された指標" in page
    assert "各種研修等の件数: 令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）" in page
    assert "各種研修等の受講者数" in page and "令和9年度の改正（一部改正、令和9年10月）で追加" in page


def test_a_page_of_a_sheet_never_revised_says_nothing_of_revisions(revised_client: TestClient) -> None:
    road = Project("圏域内道路交通のネットワーク化にかかる連携", 0).slug
    page = revised_client.get(f"/a/kitakyushu/projects/{road}").text
    assert "kpi-history" not in page and "改正" not in text_of(page)


def test_the_api_carries_each_kpis_revisions(revised_client: TestClient) -> None:
    detail = revised_client.get(f"/api/a/kitakyushu/projects/{FIRE}", params={"as_of": "2026"}).json()
    (kpi,) = detail["kpis"]
    assert kpi["target"] == "25件（令和12年度までの累計）" and kpi["target_value"] == 25.0
    (revision,) = kpi["revisions"]
    assert revision | {"description": None} == {
        "label": "一部改正", "date": "2027-10-01", "date_text": "令和9年10月", "in_force_from": 2027,
        "reason": "KPIの見直し", "change": "changed", "fields": ["target"], "old_baseline": "5件（令和7年度）",
        "old_target": "25件（令和12年度までの累計）", "new_baseline": "5件（令和7年度）",
        "new_target": "40件（令和12年度までの累計）", "description": None}
    assert revision["description"]["ja"] == HISTORY
    later = revised_client.get(f"/api/a/kitakyushu/projects/{FIRE}", params={"as_of": "2027"}).json()
    assert later["kpis"][0]["target_value"] == 40.0
    every = revised_client.get("/api/a/kitakyushu/kpis").json()
    assert sum(1 for k in every if k["revisions"]) == 2  # the changed and the added KPI; the dropped one is gone
