"""The JSON API and CSV downloads: schema in OpenAPI, BOM and rows, stable URLs, evaluations with actuals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from renkei.domain.actual import Actual
from renkei.domain.plan import Plan
from renkei.domain.progress import evaluate_kpi
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app

API_PATHS = [f"/api/a/{{area}}{path}" for path in (
    "/summary", "/projects", "/projects.csv", "/projects/{slug}", "/municipalities", "/municipalities.csv",
    "/municipalities/{code}", "/kpis", "/kpis.csv", "/revisions", "/map")]


def test_openapi_lists_the_api_routes(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert sorted(schema["paths"]) == sorted(API_PATHS)
    assert "ProjectDetail" in schema["components"]["schemas"]
    ok = schema["paths"]["/api/a/{area}/projects/{slug}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/ProjectDetail")
    assert all(p.startswith("/api/a/{area}/") for p in schema["paths"])  # pages are not API


@pytest.mark.parametrize(("path", "rows", "first_column"), [
    ("/api/a/kitakyushu/projects.csv", 30, "slug"),
    ("/api/a/kitakyushu/municipalities.csv", 18, "全国地方公共団体コード"),
    ("/api/a/kitakyushu/kpis.csv", 30, "事業slug"),
])
def test_csv_has_bom_and_every_row(client: TestClient, path: str, rows: int, first_column: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == first_column
    assert len(table) - 1 == rows


def test_csv_follows_the_filters(client: TestClient) -> None:
    response = client.get("/api/a/kitakyushu/projects.csv", params={"q": "研修"})
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    listed = {p["slug"] for p in client.get("/api/a/kitakyushu/projects", params={"q": "研修"}).json()["projects"]}
    assert {row[0] for row in table[1:]} == listed


def test_project_detail_carries_every_field(client: TestClient, example_plan: Plan) -> None:
    project = next(p for p in example_plan.projects if p.slug == "c26db145af")
    detail = client.get("/api/a/kitakyushu/projects/c26db145af").json()
    assert detail["name"] == project.name
    # One JSON shape per concept: the sheet is exactly the domain's own JSON of the project.
    assert detail["sheet"] == json.loads(json.dumps(project.to_dict(), ensure_ascii=False))
    assert detail["sheet"]["description"] == project.description and detail["sheet"]["line"] == project.line
    assert detail["kpis"][0]["indicator"] == "都市計画道路の整備率"
    assert detail["kpis"][0]["chart"]["target"] == [2030, 85.9]


def test_a_project_answer_has_plain_corrections_and_no_staff_findings(client: TestClient, example_plan: Plan) -> None:
    corrected = []
    for project in example_plan.projects:
        detail = client.get(f"/api/a/kitakyushu/projects/{project.slug}").json()
        assert "findings" not in detail and "rule" not in json.dumps(detail["corrections"])
        if detail["corrections"]:
            corrected.append(project.slug)
    assert corrected == ["6a86f580d8"]  # 荻田町 read as 苅田町, the one correction the reader made
    english = client.get("/api/a/kitakyushu/projects/6a86f580d8", params={"lang": "en"}).json()["corrections"]
    japanese = client.get("/api/a/kitakyushu/projects/6a86f580d8", params={"lang": "ja"}).json()["corrections"]
    assert english[0]["message"].startswith("read partner") and japanese[0]["message"].startswith("連携市町「荻田町」")
    assert english[0]["line"] == japanese[0]["line"] is not None


def test_map_data_has_every_member(client: TestClient) -> None:
    data = client.get("/api/a/kitakyushu/map").json()
    assert data["credit"] == "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成"
    codes = {m["code"] for m in client.get("/api/a/kitakyushu/municipalities").json()}
    assert {f["code"] for f in data["features"]} == codes
    assert all(f["path"].startswith("M") for f in data["features"])


def test_recorded_actuals_drive_status_and_charts(example_url: str, example_plan: Plan) -> None:
    """Record actuals for two KPIs; the portal must show the evaluation the domain computes."""
    engine = create_engine_from_url(example_url)
    with create_session_factory(engine)() as session:
        summary = repository.list_plans(session=session)[0]
        fire = repository.find_kpi(session=session, plan_id=summary.id, project="火災原因調査鑑識・鑑定連携事業",
                                   indicator="鑑識・鑑定及び研修・会議等実施件数")
        roads = repository.find_kpi(session=session, plan_id=summary.id, indicator="都市計画道路の整備率",
                                    project="圏域内道路交通のネットワーク化にかかる連携")
        assert fire is not None and roads is not None
        repository.upsert_actual(session=session, kpi_id=fire.id, actual=Actual(2026, 6), actor="test")
        repository.upsert_actual(session=session, kpi_id=roads.id, actual=Actual(2026, 84.6), actor="test")
        session.commit()
    engine.dispose()
    with TestClient(create_app(Settings(database_url=example_url))) as fresh:
        for slug, value in (("6ca2fb518e", 6.0), ("c26db145af", 84.6)):
            project = next(p for p in example_plan.projects if p.slug == slug)
            expected = evaluate_kpi(project.kpis[0], [Actual(2026, value)], as_of=2026, plan_first_year=2026,
                                    plan_last_year=2030, project=project.name)
            kpi = fresh.get(f"/api/a/kitakyushu/projects/{slug}", params={"as_of": 2026}).json()["kpis"][0]
            assert (kpi["status"], kpi["rating"]) == (expected.status.value, expected.rating.value)
            assert kpi["explanation"] == expected.explanation_ja
            assert kpi["actual_by_year"] == {"2026": value}
            html = fresh.get(f"/a/kitakyushu/projects/{slug}", params={"as_of": 2026, "lang": "ja"}).text
            assert expected.explanation_ja in html
        chart = fresh.get("/api/a/kitakyushu/projects/6ca2fb518e", params={"as_of": 2026}).json()["kpis"][0]["chart"]
        assert chart["actual"] == [[2026, 6.0]] and chart["actual_as_bars"] is True
        assert chart["expected"][0] == [2026, 5.0]
        page = fresh.get("/a/kitakyushu/projects/c26db145af", params={"as_of": 2026}).text
        assert 'class="actual-dot"' in page and 'class="expected"' in page
        kpis = fresh.get("/api/a/kitakyushu/kpis", params={"status": "achieved"}).json()
        assert all(k["status"] == "achieved" for k in kpis)


def test_the_kpi_csv_is_the_json_items_by_name(client: TestClient) -> None:
    table = list(csv.DictReader(io.StringIO(client.get("/api/a/kitakyushu/kpis.csv").content.decode("utf-8-sig"))))
    items = client.get("/api/a/kitakyushu/kpis", params={"limit": 1000}).json()
    assert len(table) == len(items) > 0
    for row, item in zip(table, items, strict=True):  # each column holds the field its name says
        assert (row["事業slug"], row["指標"], row["評価"], row["判定の根拠"]) == (
            item["project_slug"], item["indicator"], item["rating"], item["explanation"])
        assert row["進捗"] == item["status_label"] and row["評価の名称"] == item["rating_label"]
