"""Long lists come in pages, and cached page data follows every change to the data."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from renkei.domain.actual import Actual
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database
from renkei.web.app import create_app

SHEET = """\
事業名\t連番事業{n:03d}\t\t\t\t\t連携市町
事業内容\t第{n}の事業を行う。\t\t\t\t\t全市町
効果\t・効果
事業費（千円）\tR8\tR9\tR10\tR11\tR12\t備考
\t{n}\t\t\t\t\t
役割分担\t北九州市\t・推進する。
\t連携市町\t・協力する。
費用負担（基本方針）\t・原則として北九州市が負担する。
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t実施件数\t0件（令和7年度）\t\t\t10件（令和12年度までの累計）
"""


def make_database(tmp_path: Path, sheets: int) -> str:
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    upgrade_database(url)
    text = "\n".join(SHEET.format(n=n) for n in range(1, sheets + 1))
    plan, findings = read_plan(text)
    with create_session_factory(create_engine_from_url(url))() as session:
        import_plan(session=session, plan=plan, findings=findings, source_text=text)
    return url


def test_project_list_and_kpis_come_in_pages(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(database_url=make_database(tmp_path, 120)))) as client:
        first = client.get("/a/kitakyushu/projects").text
        assert "120件の事業" in first and "120件中 1〜50件目" in first
        assert "連番事業050" in first and "連番事業051" not in first
        assert 'rel="next"' in first and 'rel="prev"' not in first
        last = client.get("/a/kitakyushu/projects?page=3").text
        assert "120件中 101〜120件目" in last and "連番事業120" in last and "連番事業100" not in last
        assert client.get("/a/kitakyushu/projects?page=99").text.count("連番事業1") > 0  # past the end: the last page
        kpis = client.get("/a/kitakyushu/kpis?page=2").text
        assert "120件のKPI" in kpis and "120件中 51〜100件目" in kpis


def test_cached_pages_follow_new_actuals(tmp_path: Path) -> None:
    url = make_database(tmp_path, 3)
    with TestClient(create_app(Settings(database_url=url))) as client:
        before = client.get("/api/a/kitakyushu/kpis").json()
        with create_session_factory(create_engine_from_url(url))() as session:
            plan = repository.list_plans(session=session)[0]
            kpi = repository.find_kpi(session=session, plan_id=plan.id, project="連番事業001", indicator="実施件数")
            assert kpi is not None
            repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(fiscal_year=2026, value=4),
                                     actor="test")
            session.commit()
        after = client.get("/api/a/kitakyushu/kpis").json()
    def latest(rows: list[dict[str, object]]) -> object:
        return next(r["latest_actual"] for r in rows if r["project_name"] == "連番事業001")

    assert (latest(before), latest(after)) == (None, 4)


def test_api_lists_come_in_pages_with_a_next_link(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(database_url=make_database(tmp_path, 120)))) as client:
        first = client.get("/api/a/kitakyushu/projects")
        body = first.json()
        assert (body["count"], len(body["projects"]), first.headers["X-Total-Count"]) == (120, 100, "120")
        assert body["next"] and 'rel="next"' in first.headers["Link"]
        rest = client.get(body["next"]).json()
        assert [p["name"] for p in rest["projects"]] == [f"連番事業{n:03d}" for n in range(101, 121)]
        assert rest["next"] is None
        kpis = client.get("/api/a/kitakyushu/kpis?limit=7&offset=113")
        assert len(kpis.json()) == 7 and "Link" not in kpis.headers
        assert client.get("/api/a/kitakyushu/kpis?limit=0").status_code == 422
        csv_rows = client.get("/api/a/kitakyushu/projects.csv").text.strip().splitlines()
        assert len(csv_rows) == 121  # the CSV has every row
