"""renkei demo-data: two synthetic areas with plans, every KPI form, approved actuals, the banner on every page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from renkei.cli import app
from renkei.cli.portal import import_example
from renkei.demo.kpi_forms import KPI_FORMS
from renkei.domain.workflow import ReviewStatus
from renkei.services.demo_data import ACTUALS_YEAR, kpi_form_name
from renkei.services.rounds import list_report_items
from renkei.settings import Settings
from renkei.store.areas import find_area, list_stored_areas
from renkei.store.audit import list_audit_events
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import choose_plan
from renkei.web.app import create_app

ARGS = ["demo-data", "--areas", "2", "--projects-per-area", "12", "--seed", "1"]
BANNER = ("この圏域は試験用の架空のデータです", "This area is synthetic test data")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of a SQLite database holding the example area and the two synthetic areas of seed 1."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'renkei.db'}"
    import_example(url)
    result = CliRunner().invoke(app, ARGS, env={"RENKEI_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "demo-01" in result.output and "demo-02" in result.output
    return url


@pytest.fixture(scope="module")
def session_factory(demo_url: str) -> Iterator[object]:
    engine = create_engine_from_url(demo_url)
    yield create_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=demo_url))) as test_client:
        yield test_client


def test_two_synthetic_areas_from_the_national_list(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory() as session:
        slugs = [a.slug for a in list_stored_areas(session=session)]
        assert slugs == ["demo-01", "demo-02", "kitakyushu"]
        for slug in ("demo-01", "demo-02"):
            area = find_area(session=session, slug=slug)
            assert area is not None and area.synthetic
            assert area.name == f"（試験用）{area.lead.name}連携中枢都市圏" and area.lead.name.endswith("市")
            assert 4 <= len(area.members) <= 16
            assert {m.prefecture for m in area.members} == {area.lead.prefecture}
        kitakyushu = find_area(session=session, slug="kitakyushu")
        assert kitakyushu is not None and not kitakyushu.synthetic


def test_every_kpi_form_with_approved_actuals(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory() as session:
        for slug in ("demo-01", "demo-02"):
            plan = choose_plan(session=session, area_slug=slug)
            assert plan is not None and plan.project_count == 12
            items = list_report_items(session=session, plan_id=plan.id, fiscal_year=ACTUALS_YEAR)
            assert {kpi_form_name(i.kpi) for i in items} == {f.form for f in KPI_FORMS}
            assert [i.kpi.indicator for i in items if i.total.status is not ReviewStatus.APPROVED] == []
            assert all(i.total.published is not None or i.total.published_judgement is not None for i in items)
            # through the workflow: each figure entered, submitted and approved by the area's admin
            actions = {e.action for e in list_audit_events(session=session) if e.actor == f"{slug}-admin"}
            assert {"round.open", "actual.submit", "actual.approve", "assessment.submit",
                    "assessment.approve"} <= actions


def test_the_index_lists_them_and_every_page_says_synthetic(client: TestClient) -> None:
    index = client.get("/")
    assert index.status_code == 200
    assert "（試験用）" in index.text and index.text.count("synthetic-mark") == 2
    for slug in ("demo-01", "demo-02"):
        projects = client.get(f"/api/a/{slug}/projects").json()
        project = projects["items"][0]["slug"] if "items" in projects else projects["projects"][0]["slug"]
        code = client.get(f"/api/a/{slug}/municipalities").json()[1]["code"]
        for page in ("/", "/projects", f"/projects/{project}", "/municipalities", f"/municipalities/{code}",
                     "/kpis", "/map", "/method", "/downloads", "/docs", "/?lang=en"):
            answer = client.get(f"/a/{slug}{page}")
            assert answer.status_code == 200, (slug, page)
            assert all(text in answer.text for text in BANNER), (slug, page)
        plans = client.get(f"/api/a/{slug}/summary").json()["plans"]
        assert plans and all(p["synthetic"] is True for p in plans)
    example = client.get("/a/kitakyushu/")
    assert example.status_code == 200 and BANNER[0] not in example.text
    assert all(p["synthetic"] is False for p in client.get("/api/a/kitakyushu/summary").json()["plans"])


def test_pages_not_found_and_refused_in_a_synthetic_area_say_synthetic_too(client: TestClient) -> None:
    for path in ("/a/demo-01/projects/nope", "/a/demo-01/municipalities/999999", "/a/demo-01/no-such-page",
                 "/a/demo-01/projects?page=x&as_of=1800"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code in (400, 404), path
        assert all(text in answer.text for text in BANNER), path
    assert BANNER[0] not in client.get("/a/kitakyushu/projects/nope").text  # an area of real data: no banner
    assert BANNER[0] not in client.get("/a/nowhere/projects").text


def test_the_report_of_a_synthetic_area_says_so_on_every_page(demo_url: str, tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        message = "pdftotext is missing (Debian poppler-utils; make sysdeps installs it)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    pdf = tmp_path / "demo.pdf"
    result = CliRunner().invoke(app, ["report", "--plan", "demo-01-2026", "--as-of", "2026", str(pdf)],
                                env={"RENKEI_DATABASE_URL": demo_url})
    assert result.exit_code == 0, result.output
    text = subprocess.run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True,
                          timeout=300).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) > 3
    squashed = ["".join(page.split()) for page in pages]
    assert all("".join(BANNER[0].split()) in page and "".join(BANNER[1].split()) in page for page in squashed), [
        i + 1 for i, page in enumerate(squashed) if "".join(BANNER[0].split()) not in page]


def test_the_open_data_says_synthetic(demo_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "opendata", "--plan", "demo-01-2026", str(tmp_path / "od")],
                                env={"RENKEI_DATABASE_URL": demo_url})
    assert result.exit_code == 0, result.output
    package = json.loads((tmp_path / "od" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["synthetic"] is True and package["description"].startswith(BANNER[0])


def test_the_same_seed_again_changes_nothing(demo_url: str, session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory() as session:
        before = len(list_audit_events(session=session))
    result = CliRunner().invoke(app, ARGS, env={"RENKEI_DATABASE_URL": demo_url})
    assert result.exit_code == 0, result.output
    assert "何も変更していません / the data of this seed is already there; nothing was changed" in result.output
    with session_factory() as session:
        assert len(list_audit_events(session=session)) == before


def test_another_seed_is_refused_and_nothing_is_written(demo_url: str, session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_factory() as session:
        before = len(list_audit_events(session=session))
    result = CliRunner().invoke(app, [*ARGS[:-1], "2"], env={"RENKEI_DATABASE_URL": demo_url})
    assert result.exit_code == 1
    assert "乱数の種 2" in result.output and "Nothing was changed" in result.output
    with session_factory() as session:
        assert len(list_audit_events(session=session)) == before


@pytest.mark.parametrize(("args", "field", "english"), [
    (["--areas", "0"], "--areas", "the number of areas is 1 to 99, not 0"),
    (["--areas", "100"], "--areas", "not 100"),
    (["--projects-per-area", "6"], "--projects-per-area", "one for each KPI form at least"),
    (["--seed", "-1"], "--seed", "the seed is an integer >= 0"),
])
def test_bad_arguments_are_refused_before_a_database_is_made(tmp_path: Path, args: list[str], field: str,
                                                             english: str) -> None:
    database = tmp_path / "renkei.db"
    result = CliRunner().invoke(app, ["demo-data", *args], env={"RENKEI_DATABASE_URL": f"sqlite:///{database}"})
    assert result.exit_code == 2
    assert field in result.output and english in result.output and "です" in result.output
    assert not database.exists()


def test_an_area_that_is_not_synthetic_is_never_overwritten(tmp_path: Path) -> None:
    env = {"RENKEI_DATABASE_URL": f"sqlite:///{tmp_path / 'renkei.db'}"}
    real = tmp_path / "demo-01.json"
    real.write_text(json.dumps({
        "slug": "demo-01", "name": "北九州都市圏域", "lead": "401005",
        "plan_period": {"first_fiscal_year": 2026, "last_fiscal_year": 2030},
        "members": [{"code": "401005", "name": "北九州市"}, {"code": "402133", "name": "行橋市"}]},
        ensure_ascii=False), encoding="utf-8")
    assert CliRunner().invoke(app, ["area", "add", str(real)], env=env).exit_code == 0
    result = CliRunner().invoke(app, ARGS, env=env)
    assert result.exit_code == 1
    assert "試験用の圏域ではありません" in result.output and "is not synthetic; nothing was changed" in result.output
    listed = CliRunner().invoke(app, ["area", "list", "--format", "json"], env=env)
    assert [a["slug"] for a in json.loads(listed.output)] == ["demo-01"]
    assert json.loads(listed.output)[0]["name"] == "北九州都市圏域"
