"""One vocabulary (issue 18): every channel names a verdict in the words of domain/status.py, with a legend.

The example plan gets approved actuals that make every rating appear (A-E and -). Then the portal's pages in both
languages, the API (JSON and CSV), the PDF report, the open data, `renkei progress` (table and CSV) and the docs are
read back: a badge's word must be its rating's word (やや遅れ C, 遅れ D), a status shown alone must name its ratings
(遅れ C・D), every group of badges must have a legend beside it, and the channels must agree KPI by KPI.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from renkei.cli import app as cli
from renkei.cli.export import load_opendata_source
from renkei.domain.actual import Actual
from renkei.domain.status import Rating, Status, label_verdict, rating_legend
from renkei.export.opendata import build_tables
from renkei.export.report import render_report_html
from renkei.export.report_view import ReportInput
from renkei.services.progress import evaluate_stored_plan
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import load_area_members
from renkei.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
AS_OF = 2030  # the target year of most KPIs: E (not achieved) needs it reported
#: (fiscal year, share of the target) by KPI position: ahead, half way, far behind, missed at the target year, a little
#: behind, none.
PLAN_OF_ACTUALS = ((2026, 1.1), (2026, 0.5), (2026, 0.05), (2030, 0.5), (2028, 0.75), None)
BADGE = re.compile(r'<span class="badge status-([a-z_]+)">([^<]*?)(?:<span class="rating"> ([^<]+)</span>)?</span>')
LEGEND = re.compile(r'<div class="rating-legend[^"]*".*?</div>', re.DOTALL)
LEGEND_ITEM = re.compile(
    r'<li><span class="badge status-([a-z_]+)">([^<]+)</span> ([^<]+)(?:<span class="meaning">[^<]*</span>)?</li>')


def _words(item: Status | Rating, lang: str) -> str:
    return item.label_en if lang == "en" else item.label_ja


@pytest.fixture(scope="module")
def world(example_url: str) -> Iterator[tuple[str, TestClient]]:
    """The example plan with actuals for five KPIs in six, and a client on it."""
    engine = create_engine_from_url(example_url)
    with create_session_factory(engine)() as session:
        plan_id = repository.list_plans(session=session)[0].id
        plan = repository.load_plan(session=session, plan_id=plan_id)
        for index, (project, kpi) in enumerate((p, k) for p in plan.projects for k in p.kpis):
            chosen = PLAN_OF_ACTUALS[index % len(PLAN_OF_ACTUALS)]
            row = repository.find_kpi(session=session, plan_id=plan_id, project=project.name, indicator=kpi.indicator)
            if chosen is None or kpi.target.value is None or row is None or project.relisted:
                continue
            year, share = chosen
            repository.upsert_actual(session=session, kpi_id=row.id, actor="test",
                                     actual=Actual(year, round(kpi.target.value * share, 1)))
        session.commit()
    engine.dispose()
    with TestClient(create_app(Settings(database_url=example_url))) as client:
        yield example_url, client


def _api_kpis(client: TestClient, lang: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.get(f"/api/a/kitakyushu/kpis?as_of={AS_OF}&limit=1000&lang={lang}").json()
    assert 0 < len(items) < 1000
    return items


def test_every_rating_appears_so_the_checks_below_check_something(world: tuple[str, TestClient]) -> None:
    ratings = {i["rating"] for i in _api_kpis(world[1], "ja")}
    assert ratings == {r.value for r in Rating}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_api_names_ratings_and_statuses_in_the_domain_words(world: tuple[str, TestClient], lang: str) -> None:
    for item in _api_kpis(world[1], lang):
        assert item["rating_label"] == _words(Rating(item["rating"]), lang)
        assert item["status_label"] == _words(Status(item["status"]), lang)
        assert Rating(item["rating"]) in Status(item["status"]).ratings


def _check_badges(html: str, lang: str, where: str) -> list[tuple[str, str]]:
    """Check every badge of a page and its legends; return the (word, letter) of each verdict badge."""
    legends = LEGEND.findall(html)
    for legend in legends:
        items = LEGEND_ITEM.findall(legend)
        assert [(mark, label.split("（")[0].split(" (")[0]) for _, mark, label in items] == [
            (r.value, _words(r, lang)) for r in Rating], where
    shown: list[tuple[str, str]] = []
    for status_value, word, mark in BADGE.findall(LEGEND.sub("", html)):
        status = Status(status_value)
        if "・" in mark or ", " in mark:  # a status shown alone: its word and all its letters
            assert word == _words(status, lang), where
            assert re.split("・|, ", mark) == [r.value for r in status.ratings], where
            continue
        rating = Rating(mark) if mark else Rating.NONE
        assert rating in status.ratings, (where, status, mark)
        assert word == label_verdict(status, rating, lang), (where, word, mark)
        shown.append((word, mark))
    if shown:
        assert legends, f"{where}: badges without a legend (凡例) beside them"
    return shown


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_page_uses_the_words_and_puts_a_legend_beside_its_badges(world: tuple[str, TestClient],
                                                                        lang: str) -> None:
    client = world[1]
    projects = client.get(f"/api/a/kitakyushu/projects?as_of={AS_OF}&limit=1000").json()["projects"]
    members = client.get("/api/a/kitakyushu/municipalities").json()
    paths = ["/a/kitakyushu/", "/a/kitakyushu/projects", "/a/kitakyushu/method",
             *(f"/a/kitakyushu/projects/{p['slug']}" for p in projects),
             *(f"/a/kitakyushu/municipalities/{m['code']}" for m in members)]
    with_badges = 0
    for path in paths:
        response = client.get(f"{path}?as_of={AS_OF}&lang={lang}")
        assert response.status_code == 200, path
        with_badges += bool(_check_badges(response.text, lang, path))
    assert with_badges > len(projects)  # the project pages, and the lists


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_kpi_list_shows_what_the_api_says(world: tuple[str, TestClient], lang: str) -> None:
    client = world[1]
    items = _api_kpis(client, lang)
    shown: list[tuple[str, str]] = []
    for page in range(1, 100):
        response = client.get(f"/a/kitakyushu/kpis?as_of={AS_OF}&lang={lang}&page={page}")
        if response.history:  # past the last page: sent back to it
            break
        shown += _check_badges(response.text, lang, f"/kpis page {page}")
    expected = [(i["rating_label"] if i["rating"] != "-" else i["status_label"], i["rating"].strip("-"))
                for i in items]
    assert Counter(shown) == Counter(expected)


def test_the_csv_downloads_use_the_words(world: tuple[str, TestClient]) -> None:
    client = world[1]
    for name in ("kpis", "projects"):
        text = client.get(f"/api/a/kitakyushu/{name}.csv?as_of={AS_OF}&lang=ja").content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        rated = [r for r in rows if r["評価"]]
        assert rated, name
        assert all(r["評価の名称"] == Rating(r["評価"]).label_ja for r in rated), name


def _source(url: str) -> tuple[ReportInput, Any]:
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            progress = evaluate_stored_plan(session, 1, AS_OF)
            area = load_area_members(session=session, area_slug=progress.plan.area_slug)
            assert area is not None
            report = ReportInput(progress, [], area.members, area.lead_code, date(2031, 6, 1))
            opendata = load_opendata_source(session, 1, AS_OF)
        return report, opendata
    finally:
        engine.dispose()


def test_the_report_and_the_open_data_use_the_words(world: tuple[str, TestClient]) -> None:
    report, opendata = _source(world[0])
    html = render_report_html(report)
    badges = re.findall(r'<span class="badge ([a-z_]+)">([^<　]+)(?:　([A-E]))?</span>', html)
    assert len(badges) == len(report.progress.kpis)
    expected = Counter((i.evaluation.status.value, label_verdict(i.evaluation.status, i.evaluation.rating),
                        i.evaluation.rating.value.strip("-")) for i in report.progress.kpis)
    assert Counter(badges) == expected
    cells = re.findall(r'<td class="status ([a-z_]+)">([^<]+)</td>\s*<td class="rating r([A-E-])">', html)
    assert cells and all(word == label_verdict(Status(s), Rating(r)) for s, word, r in cells)
    for entry in rating_legend():
        assert f"{entry.mark}</span> {entry.label_ja}" in html  # the legend beside the badges
        assert entry.meaning_ja in html  # and, once, what each rating means
    sections_with_kpis = sum(1 for p in report.progress.plan.projects if p.kpis)
    assert html.count('<p class="legend-line">') == sections_with_kpis + 1  # each project's KPIs, the KPI table
    evaluations = next(t for t in build_tables(opendata) if t.name == "evaluations").records()
    assert evaluations and all(r["評価の名称"] == Rating(str(r["評価"])).label_ja for r in evaluations)


def test_renkei_progress_uses_the_words(world: tuple[str, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENKEI_DATABASE_URL", world[0])
    monkeypatch.setenv("COLUMNS", "400")
    runner = CliRunner()
    result = runner.invoke(cli, ["progress", "--format", "csv", "--as-of", str(AS_OF)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["rating"] for r in rows} == {r.value for r in Rating}
    for row in rows:
        assert row["rating_label"] == Rating(row["rating"]).label_ja
        assert row["status_label"] == Status(row["status"]).label_ja
    table = runner.invoke(cli, ["progress", "--as-of", str(AS_OF)])
    assert table.exit_code == 0, table.output
    for rating in Rating:
        assert f"{rating.value} {rating.label_ja}" in table.stdout


DOCS = ("progress-rules.md", "portal.md", "exports.md")


@pytest.mark.parametrize("name", DOCS)
def test_the_docs_list_the_same_words(name: str) -> None:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert "、".join(f"{r.value} {r.label_ja}" for r in Rating) in text
    assert ", ".join(f"{r.value} {r.label_en}" for r in Rating) in text
    stale = re.findall(r"C\s*[:：＝=]?\s*遅れ|(?<!やや)遅れ\s*C(?!・)|\bC\s+behind", text)
    assert stale == [], stale  # C is やや遅れ (slightly behind), D is 遅れ (behind)
