"""「遅れを先に」: 未達成 (E) first, then behind well (D) before behind a little (C), then the rest."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from renkei.domain.actual import Actual
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app

#: (project, indicator, FY2026 actual, the verdict it gives as of FY2026)
ACTUALS = [
    ("自分らしく歩む女性たちのストーリー発信事業", "WEBページ閲覧数", 15_000, ("behind", "C")),  # 15% of 20% expected
    ("遠賀川流域市町による災害時の避難者受入れに関する連携体制の構築", "連携体制を構築した市町村", 0, ("behind", "D")),
    ("消防指令業務の共同運用に係る調査研究事業", "検討会実施件数", 0, ("not_achieved", "E")),  # target year 2026
    ("圏域内道路交通のネットワーク化にかかる連携", "都市計画道路の整備率", 85.6, ("on_track", "B")),
]


@pytest.fixture(scope="module")
def judged(example_url: str) -> TestClient:
    url = example_url
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        plan = repository.list_plans(session=session)[0]
        for project, indicator, value, _verdict in ACTUALS:
            kpi = repository.find_kpi(session=session, plan_id=plan.id, project=project, indicator=indicator)
            assert kpi is not None, indicator
            repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(2026, value), actor="test")
        session.commit()
    engine.dispose()
    return TestClient(create_app(Settings(database_url=url)))


def test_the_actuals_give_the_verdicts_the_test_needs(judged: TestClient) -> None:
    answer = judged.get("/api/a/kitakyushu/kpis?as_of=2026&limit=100").json()
    kpis = {k["indicator"]: (k["status"], k["rating"]) for k in answer}
    assert [kpis[indicator] for _p, indicator, _v, _verdict in ACTUALS] == [v for *_rest, v in ACTUALS]


def test_projects_behind_first(judged: TestClient) -> None:
    names = [p["name"] for p in judged.get("/api/a/kitakyushu/projects?as_of=2026&sort=status").json()["projects"]]
    assert names[:4] == [ACTUALS[2][0], ACTUALS[1][0], ACTUALS[0][0], ACTUALS[3][0]]  # E, D, C, then on track
    html = judged.get("/a/kitakyushu/projects?as_of=2026&sort=status&lang=ja").text
    positions = [html.find(f">{name}</a>") for name in names[:4]]
    assert positions == sorted(positions) and -1 not in positions


def test_kpis_behind_first(judged: TestClient) -> None:
    ratings = [k["rating"] for k in judged.get("/api/a/kitakyushu/kpis?as_of=2026&sort=status&limit=100").json()]
    assert ratings[:4] == ["E", "D", "C", "B"]
