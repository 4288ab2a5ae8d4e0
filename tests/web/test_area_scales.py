"""Three areas on one deployment, each judged in its own scale: renkei's A–E (北九州, as it always was), 瀬戸・高松's
score-rate bands rolled up by the mean score rate, and あきる野's F/S/A/B/C/X/Y/Z rolled up as shares. Each area's
pages, API and CSVs show its own grades, legend and roll-up, and agree with the domain's grading of the same verdicts.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from renkei.cli.portal import import_example, read_example_text
from renkei.domain.actual import Actual
from renkei.domain.scale import AKIRUNO_EXAMPLE, SETO_TAKAMATSU_EXAMPLE, EvaluationScale, RollUp
from renkei.domain.status import Rating, Status
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app

SETO, AKIRUNO = "seto", "akiruno"
SCALES: dict[str, EvaluationScale] = {SETO: SETO_TAKAMATSU_EXAMPLE, AKIRUNO: AKIRUNO_EXAMPLE}


def _import_as(url: str, slug: str, scale: EvaluationScale, rollup: RollUp) -> None:
    source = read_example_text()
    plan, findings = read_plan(source)
    area = replace(load_area("kitakyushu"), slug=slug, name=f"{slug}圏域（試験）", scale=scale, rollup=rollup)
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            import_plan(session=session, plan=replace(plan, area_slug=slug), findings=findings, source_text=source,
                        area=area, actor="test")
    finally:
        engine.dispose()


def _record_actuals(url: str) -> None:
    """Approve actuals for most KPIs of every plan: ahead, a little behind, far behind, by the KPI's position."""
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            for summary in repository.list_plans(session=session):
                plan = repository.load_plan(session=session, plan_id=summary.id)
                for index, (project, kpi) in enumerate((p, k) for p in plan.projects for k in p.kpis):
                    target = kpi.target.value if kpi.target is not None else None
                    if target is None or index % 4 == 3 or project.name.startswith("【再掲】"):
                        continue
                    row = repository.find_kpi(session=session, plan_id=summary.id, project=project.name,
                                              indicator=kpi.indicator)
                    if row is not None:
                        share = (1.1, 0.75, 0.1)[index % 4]
                        repository.upsert_actual(session=session, kpi_id=row.id, actor="test",
                                                 actual=Actual(2026, round(target * share, 1)))
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    found = f"sqlite:///{tmp_path_factory.mktemp('scales') / 'renkei.db'}"
    import_example(found)
    _import_as(found, SETO, SETO_TAKAMATSU_EXAMPLE, RollUp.MEAN_RATE)
    _import_as(found, AKIRUNO, AKIRUNO_EXAMPLE, RollUp.SHARE)
    _record_actuals(found)
    return found


@pytest.fixture(scope="module")
def client(url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("data")
    with TestClient(create_app(Settings(database_url=url, data_dir=data_dir))) as test_client:
        yield test_client


def _expected_grade(slug: str, kpi: dict[str, object]) -> str:
    progress, expected = kpi["progress"], kpi["expected_progress"]
    assert progress is None or isinstance(progress, float | int)
    assert expected is None or isinstance(expected, float | int)
    assessment = kpi["assessment"]
    word = str(assessment.get("word", "")) if isinstance(assessment, dict) else ""
    return SCALES[slug].grade_kpi(Status(str(kpi["status"])), Rating(str(kpi["rating"])), progress, expected,
                                  word).key


@pytest.mark.parametrize("slug", [SETO, AKIRUNO])
def test_the_api_gives_each_kpi_its_areas_grade_beside_renkeis_rating(client: TestClient, slug: str) -> None:
    kpis = client.get(f"/api/a/{slug}/kpis", params={"limit": 1000, "as_of": 2026}).json()
    assert kpis and all({"status", "rating", "grade"} <= set(k) for k in kpis)
    for kpi in kpis:
        assert kpi["grade"]["key"] == _expected_grade(slug, kpi), kpi["indicator"]
        assert kpi["grade"]["label"] == SCALES[slug].grade(kpi["grade"]["key"]).label_ja
    assert len({k["grade"]["key"] for k in kpis}) >= 3  # the actuals reach several grades


def test_an_area_without_a_scale_answers_as_before(client: TestClient) -> None:
    kpis = client.get("/api/a/kitakyushu/kpis", params={"limit": 1000, "as_of": 2026}).json()
    assert kpis and not any("grade" in k for k in kpis)
    summary = client.get("/api/a/kitakyushu/summary").json()
    assert "evaluation_scale" not in summary
    projects = client.get("/api/a/kitakyushu/projects").json()["projects"]
    assert not any("grades" in p for p in projects)
    page = client.get("/a/kitakyushu/projects").text
    assert "scale.css" not in page and "badge grade" not in page and 'class="badge status-' in page
    assert client.get("/a/kitakyushu/scale.css").text == ""
    header = next(csv.reader(io.StringIO(client.get("/api/a/kitakyushu/kpis.csv").text.lstrip("\ufeff"))))
    assert "評価区分" not in header


def test_each_area_shows_its_own_legend_and_badges(client: TestClient) -> None:
    seto = client.get(f"/a/{SETO}/kpis", params={"as_of": 2026}).text
    akiruno = client.get(f"/a/{AKIRUNO}/kpis", params={"as_of": 2026}).text
    assert f'href="/a/{SETO}/scale.css' in seto and f'href="/a/{AKIRUNO}/scale.css' in akiruno
    # 瀬戸・高松's bands and あきる野's words, each only on its own area's pages
    assert "評価不能" in seto and "評価不能" not in akiruno
    assert "目標値以上" in akiruno and "要大幅改善" in akiruno and "目標値以上" not in seto
    assert '<dd><span class="badge status-' not in seto  # no KPI card shows renkei's rating in place of a grade
    assert "遅れ（C・D）" not in akiruno and ">遅れ (" in akiruno  # the status filter: no letters of renkei's
    assert "遅れ（C・D）" in client.get("/a/kitakyushu/kpis", params={"lang": "ja"}).text
    # the badges on the KPI dashboard are the API's grades, KPI for KPI
    api = client.get(f"/api/a/{AKIRUNO}/kpis", params={"limit": 1000, "as_of": 2026}).json()
    shown = re.findall(r'<dd><span class="badge grade grade-akiruno-\d+"[^>]*>([^<]+)', akiruno)
    assert Counter(shown) == Counter(k["grade"]["label"] for k in api[:len(shown)]) and shown
    # the colours come from the area's stylesheet (the pages allow no inline style)
    css = client.get(f"/a/{AKIRUNO}/scale.css")
    assert css.headers["content-type"].startswith("text/css")
    assert ".badge.grade-akiruno-1 { border-color: #1a6b3c; color: #1a6b3c; }" in css.text
    assert 'style="' not in akiruno


def test_totals_are_rolled_up_by_each_areas_rule_and_say_so(client: TestClient) -> None:
    seto = client.get(f"/a/{SETO}/", params={"as_of": 2026}).text
    akiruno = client.get(f"/a/{AKIRUNO}/", params={"as_of": 2026}).text
    plain = client.get("/a/kitakyushu/", params={"as_of": 2026}).text
    assert "得点率（目標値に対する進捗の割合）の平均" in seto and "平均得点率" in seto
    assert "評価区分ごとの件数と割合" in akiruno and "件（" in akiruno
    assert "圏域全体の評価" in seto and "圏域全体の評価" not in plain
    summary = client.get(f"/api/a/{SETO}/summary", params={"as_of": 2026}).json()["evaluation_scale"]
    assert summary["rollup"] == "mean_rate" and summary["scale"]["rule"]["by"] == "score_rate"
    kpis = client.get(f"/api/a/{SETO}/kpis", params={"limit": 1000, "as_of": 2026}).json()
    rates = [min(max(k["progress"], 0), 1) for k in kpis  # a score is held between 0 and full marks
             if k["counted"] and not SETO_TAKAMATSU_EXAMPLE.grade(k["grade"]["key"]).unrated
             and k["progress"] is not None]
    mean = sum(rates) / len(rates)
    assert summary["overall"]["mean_score_rate"] == pytest.approx(mean, abs=1e-4)
    assert summary["overall"]["grade"]["key"] == SETO_TAKAMATSU_EXAMPLE.grade_rate(mean).key
    assert sum(summary["overall"]["by_grade"].values()) == sum(1 for k in kpis if k["counted"])
    assert sum(g["kpis"] for g in summary["by_policy_area"]) == summary["overall"]["kpis"]
    shares = client.get(f"/api/a/{AKIRUNO}/summary", params={"as_of": 2026}).json()["evaluation_scale"]
    assert shares["overall"]["grade"] is None and shares["overall"]["rule"] == "share"


def test_a_project_rolls_up_its_kpis(client: TestClient) -> None:
    projects = client.get(f"/api/a/{SETO}/projects", params={"as_of": 2026, "limit": 1000}).json()["projects"]
    graded = max((p for p in projects if p["grades"]["mean_score_rate"] is not None), key=lambda p: p["kpi_count"])
    detail = client.get(f"/api/a/{SETO}/projects/{graded['slug']}", params={"as_of": 2026}).json()
    rates = [min(max(k["progress"], 0), 1) for k in detail["kpis"]
             if k["progress"] is not None and not SETO_TAKAMATSU_EXAMPLE.grade(k["grade"]["key"]).unrated]
    assert detail["grades"]["mean_score_rate"] == pytest.approx(sum(rates) / len(rates), abs=1e-4)
    page = client.get(f"/a/{SETO}/projects/{graded['slug']}", params={"as_of": 2026}).text
    assert "平均得点率" in page and detail["grades"]["grade"]["label"] in page
    rows = list(csv.DictReader(io.StringIO(client.get(f"/api/a/{SETO}/projects.csv",
                                                      params={"as_of": 2026}).text.lstrip("\ufeff"))))
    row = next(r for r in rows if r["slug"] == graded["slug"])
    assert row["評価区分"] == detail["grades"]["grade"]["key"]
    kpi_rows = list(csv.DictReader(io.StringIO(client.get(f"/api/a/{AKIRUNO}/kpis.csv",
                                                          params={"as_of": 2026}).text.lstrip("\ufeff"))))
    assert {r["評価区分の名称"] for r in kpi_rows} <= {g.label_ja for g in AKIRUNO_EXAMPLE.grades}


def test_a_members_projects_are_rolled_up_in_its_areas_scale(client: TestClient) -> None:
    lead = client.get(f"/api/a/{AKIRUNO}/municipalities/401005", params={"lang": "ja"}).json()
    shares = [p["grades"] for p in lead["projects"]]
    assert shares and all(g["rule"] == "share" and g["grade"] is None for g in shares)
    projects = {p["slug"]: p["grades"] for p in client.get(f"/api/a/{AKIRUNO}/projects",
                                                           params={"limit": 1000}).json()["projects"]}
    assert all(projects[p["slug"]] == p["grades"] for p in lead["projects"])  # the same roll-up as the project list
    page = client.get(f"/a/{AKIRUNO}/municipalities/401005", params={"lang": "ja"}).text
    assert 'class="grade-shares"' in page and '<dd><span class="badge status-' not in page
    plain = client.get("/api/a/kitakyushu/municipalities/401005").json()
    assert not any("grades" in p for p in plain["projects"])


def test_the_method_page_states_the_scale_and_the_roll_up(client: TestClient) -> None:
    seto = client.get(f"/a/{SETO}/method").text
    assert 'id="area-scale"' in seto and "得点率による評価" in seto
    assert "A 86%以上、B 71%以上、C 56%以上、D それ未満" in seto
    assert "平均を、指標と同じ区分で評価" in seto
    assert "やや遅れ" in seto  # renkei's own A–E stays explained: the verdict the grade rests on
    english = client.get(f"/a/{AKIRUNO}/method", params={"lang": "en"}).text
    assert "above target" in english and "number and share of their KPIs at each grade" in english
    assert 'id="area-scale"' not in client.get("/a/kitakyushu/method").text


def test_the_national_dashboard_shows_each_kpi_in_its_areas_grades(client: TestClient) -> None:
    every = client.get("/kpis", params={"lang": "ja"}).text
    areas_shown = set(re.findall(r'<h3 class="card-title"><a href="/a/([a-z-]+)/', every))
    for slug in areas_shown:  # each graded area on the page brings its stylesheet, renkei's A-E none
        assert (f'href="/a/{slug}/scale.css"' in every) is (slug != "kitakyushu")
    akiruno = client.get("/kpis", params={"area": AKIRUNO, "lang": "ja"}).text
    assert 'href="/a/akiruno/scale.css"' in akiruno
    api = client.get(f"/api/a/{AKIRUNO}/kpis", params={"limit": 1000}).json()
    shown = re.findall(r'<h3 class="card-title"><a [^>]*>([^<]+)</a>.*?<dd><span class="badge grade '
                       r'grade-akiruno-\d+"[^>]*>([^<]+)', akiruno, re.S)
    assert shown and set(shown) <= {(k["indicator"], k["grade"]["label"]) for k in api}
    assert "目標値以上" in akiruno and '<dd><span class="badge status-' not in akiruno
    plain = client.get("/kpis", params={"area": "kitakyushu", "lang": "ja"}).text
    assert "badge grade" not in plain and '<dd><span class="badge status-' in plain


def test_a_new_scale_shows_at_once_on_a_running_portal(example_copy: str, tmp_path_factory: pytest.TempPathFactory,
                                                       ) -> None:
    """`renkei area add` with a scale moves the area's data version: cached pages and the snapshot are made again."""
    from renkei.services.areas import add_area

    data_dir = tmp_path_factory.mktemp("fresh")
    with TestClient(create_app(Settings(database_url=example_copy, data_dir=data_dir))) as fresh:
        before = fresh.get("/a/kitakyushu/kpis")
        assert "badge grade" not in before.text
        engine = create_engine_from_url(example_copy)
        try:
            with create_session_factory(engine)() as session:
                add_area(session=session, actor="test", area=replace(load_area("kitakyushu"), scale=AKIRUNO_EXAMPLE))
        finally:
            engine.dispose()
        after = fresh.get("/a/kitakyushu/kpis", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
        assert "badge grade grade-kitakyushu-" in after.text and "評価困難" in after.text
        assert fresh.get("/api/a/kitakyushu/kpis").json()[0]["grade"]["key"] in {g.key for g in AKIRUNO_EXAMPLE.grades}
