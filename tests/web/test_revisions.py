"""The portal after a revision mid-period: each KPI's history, the target in force per year, the API's revisions."""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.domain.plan import Project
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import read_area_fingerprint
from renkei.web.app import create_app
from renkei.web.snapshot import PortalCache, load_portal

FIRE = Project("火災原因調査鑑識・鑑定連携事業", 0).slug
TRAINING = Project("消防法令に基づく規制業務に関する職員の育成", 0).slug
ROAD = Project("圏域内道路交通のネットワーク化にかかる連携", 0).slug
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
    page = text_of(revised_client.get(f"/a/kitakyushu/projects/{TRAINING}", params={"as_of": "2027"}).text)
    assert "改正で削除された指標" in page and "改正で追加される指標" not in page
    assert "各種研修等の件数: 令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）" in page
    assert "各種研修等の受講者数" in page and "令和9年度の改正（一部改正、令和9年10月）で追加" in page


def test_the_year_before_a_revision_shows_the_vision_then_in_force(revised_client: TestClient) -> None:
    raw = revised_client.get(f"/a/kitakyushu/projects/{TRAINING}", params={"as_of": "2026"}).text
    page = text_of(raw)
    assert "改正で削除された指標" not in page  # still part of the vision in FY2026: judged, with its note
    assert "令和9年度の改正（一部改正、令和9年10月）で削除された指標で、令和8年度までは評価の対象です。" in page
    assert re.search(r'<h3 id="kpi-\d+-h" lang="ja">各種研修等の件数</h3>', raw)
    assert not re.search(r'<h3 id="kpi-\d+-h" lang="ja">各種研修等の受講者数</h3>', raw)
    assert "改正で追加される指標" in page
    assert "各種研修等の受講者数: 令和9年度の改正（一部改正、令和9年10月）で追加（令和9年度から）" in page
    assert "令和8年度（2026）にはまだ計画にないため、評価も集計もしません。" in page
    english = text_of(revised_client.get(f"/a/kitakyushu/projects/{TRAINING}",
                                         params={"as_of": "2026", "lang": "en"}).text)
    assert "KPIs a later revision adds" in english and "judged up to FY2026" in english


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
    training = revised_client.get(f"/api/a/kitakyushu/projects/{TRAINING}", params={"as_of": "2027"}).json()
    (dropped,) = training["dropped_kpis"]
    assert dropped["indicator"] == "各種研修等の件数" and training["later_kpis"] == []
    assert [(r["change"], r["in_force_from"], r["old_target"]) for r in dropped["revisions"]] == [
        ("dropped", 2027, "5件（令和12年度）")]
    every = revised_client.get("/api/a/kitakyushu/kpis", params={"as_of": "2027"}).json()
    assert sum(1 for k in every if k["revisions"]) == 2  # the changed and the added KPI; the dropped one is gone
    earlier = revised_client.get(f"/api/a/kitakyushu/projects/{TRAINING}", params={"as_of": "2026"}).json()
    assert earlier["dropped_kpis"] == [] and [k["indicator"] for k in earlier["later_kpis"]] == ["各種研修等の受講者数"]
    kept = next(k for k in earlier["kpis"] if k["indicator"] == "各種研修等の件数")
    assert (kept["target"], kept["counted"], kept["revisions"][0]["change"]) == ("5件（令和12年度）", True, "dropped")
    every = revised_client.get("/api/a/kitakyushu/kpis", params={"as_of": "2026"}).json()
    assert {k["indicator"] for k in every if k["revisions"]} == {"鑑識・鑑定及び研修・会議等実施件数",
                                                                 "各種研修等の件数"}


def test_snapshots_of_other_years_and_updates_keep_each_years_target(
        session: Session, revise_example: Callable[[Session, int], None]) -> None:
    text = (Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")
    plan, findings = read_plan(text)
    import_plan(session=session, plan=plan, findings=findings, source_text=text)
    revise_example(session, 1)
    cache = PortalCache()

    def fire_target(year: int) -> tuple[float | None, str]:
        version = read_area_fingerprint(connection=session.connection(), area_slug="kitakyushu")
        cached = load_portal(session=session, cache=cache, fingerprint=version, area_slug="kitakyushu", as_of=year)
        full = load_portal(session=session, area_slug="kitakyushu", as_of=year)
        session.rollback()
        assert cached is not None and cached == full  # the cached way gives what a full build gives
        (kpi,) = next(p for p in cached.projects if p.slug == FIRE).kpis
        return kpi.evaluation.target_value, kpi.evaluation.explanation_ja[:12]

    assert fire_target(2027) == (40.0, "令和9年度の改正後の目標")
    assert fire_target(2026) == (25.0, "令和9年度の改正前の目標")  # evaluated from the 2027 snapshot
    assert fire_target(2029) == (40.0, "令和9年度の改正後の目標")
    assert cache.builds == Counter({"full": 1, "year": 2})
    kpi = repository.find_kpi(session=session, plan_id=1, project="火災原因調査鑑識・鑑定連携事業",
                              indicator="鑑識・鑑定及び研修・会議等実施件数")
    assert kpi is not None
    repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(2026, 5.0), actor="test")
    session.commit()
    assert fire_target(2026) == (25.0, "令和9年度の改正前の目標")  # updated sheet by sheet, still the old target
    assert cache.builds["update"] == 1


def test_the_api_lists_every_revised_kpi_withdrawn_sheets_included(
        example_copy: str, revise_example: Callable[[Session, int], None],
        withdraw_example_sheet: Callable[[Session, int], None]) -> None:
    engine = create_engine_from_url(example_copy)
    with create_session_factory(engine)() as session:
        revise_example(session, 1)
        withdraw_example_sheet(session, 1)
    engine.dispose()
    with TestClient(create_app(Settings(database_url=example_copy))) as client:
        earlier = client.get("/api/a/kitakyushu/revisions", params={"as_of": "2026"}).json()
        later = client.get("/api/a/kitakyushu/revisions", params={"as_of": "2028"}).json()
        assert client.get(f"/a/kitakyushu/projects/{ROAD}").status_code == 404  # withdrawn: no page
    assert [(r["label"], r["in_force_from"]) for r in earlier["revisions"]] == [("一部改正", 2027), ("改定", 2028)]
    by_kpi = {(k["project_name"], k["indicator"]): k for k in earlier["kpis"]}
    road = by_kpi[("圏域内道路交通のネットワーク化にかかる連携", "都市計画道路の整備率")]
    assert (road["project_slug"], road["project_withdrawn"], road["in_vision"]) == (ROAD, True, False)
    assert [(r["change"], r["in_force_from"], r["old_target"]) for r in road["revisions"]] == [
        ("dropped", 2028, "85.9%(令和12年度)")]
    assert road["revisions"][0]["description"]["ja"] == ("令和10年度の改正（改定、令和10年4月1日）で削除"
                                                         "（令和10年度から）")
    assert set(by_kpi) == {(k["project_name"], k["indicator"]) for k in later["kpis"]}
    in_vision = {k["indicator"]: (k["in_vision"], later_k["in_vision"])
                 for k, later_k in zip(earlier["kpis"], later["kpis"], strict=True)}
    assert in_vision["各種研修等の件数"] == (True, False) and in_vision["各種研修等の受講者数"] == (False, True)
    assert in_vision["鑑識・鑑定及び研修・会議等実施件数"] == (True, True)
