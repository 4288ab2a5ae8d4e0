"""The annual progress report: a real PDF read back with poppler (pdftotext, pdffonts, pdfimages, pdftoppm).

The pages are rendered to PNG under test-output/report/ so a person can look at them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.export.report import render_report_html, render_report_pdf
from renkei.export.report_view import ReportInput
from renkei.reading.actuals import read_actuals_csv
from renkei.reading.sheet import read_plan
from renkei.services.actuals import import_actuals
from renkei.services.plan_import import import_plan
from renkei.services.progress import evaluate_stored_plan
from renkei.services.rounds import open_round
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.evaluations import published_evaluations_by_project
from renkei.store.migrate import upgrade_database
from renkei.store.portal_queries import load_area_members
from renkei.store.tables import ProjectRow
from renkei.store.workspace_tables import ProjectEvaluationRow

pytestmark = pytest.mark.heavy  # a minute or more of fixtures: collected first
ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "report"
ISSUED = date(2027, 6, 1)


def _store_example(session: Session) -> None:
    text = (ROOT / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")
    plan, findings = read_plan(text)
    from renkei.lint import lint_plan

    import_plan(session=session, plan=plan, findings=[*findings, *lint_plan(plan)], source_text=text)
    open_round(session=session, plan_id=1, fiscal_year=2026, due_date=date(2027, 5, 31), actor="test")
    sample = (ROOT / "examples" / "kitakyushu_actuals_sample.csv").read_text(encoding="utf-8-sig")
    assert import_actuals(session=session, plan_id=1, sheet=read_actuals_csv(sample), actor="test").written


def _source(session: Session, **changes: object) -> ReportInput:
    progress = evaluate_stored_plan(session, 1, 2027)
    area = load_area_members(session=session, area_slug=progress.plan.area_slug)
    assert area is not None
    findings = repository.list_findings(session=session, plan_id=1)
    return ReportInput(progress, findings, area.members, area.lead_code, ISSUED, **changes)  # type: ignore[arg-type]


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is missing (Debian poppler-utils; make sysdeps installs it)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def _run(*args: str) -> str:
    return subprocess.run([_poppler(args[0]), *args[1:]], check=True, capture_output=True, text=True,
                          timeout=300).stdout


@dataclass(frozen=True)
class Rendered:
    """The example's report as a PDF file, with what it was made from."""

    pdf: Path
    source: ReportInput

    def page_text(self, page: int) -> str:
        """Return one page's text (pdftotext, keeping the layout's lines)."""
        return _run("pdftotext", "-layout", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(self.pdf), "-")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """Render the example plan with the sample actuals once for the module (SQLite), kept in test-output/."""
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'renkei.db'}"
    upgrade_database(url)
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        _store_example(session)
        source = _source(session)
    engine.dispose()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pdf = OUTPUT / "report.pdf"
    pdf.write_bytes(render_report_pdf(source))
    return Rendered(pdf, source)


def _squash(text: str) -> str:
    return "".join(text.split())


def test_text_is_extractable_every_project_and_a_reiwa_date(rendered: Rendered) -> None:
    text = _run("pdftotext", "-enc", "UTF-8", str(rendered.pdf), "-")
    squashed = _squash(text)
    missing = [p.name for p in rendered.source.progress.plan.projects if _squash(p.name) not in squashed]
    assert missing == []
    assert "令和9年6月1日" in text and "進捗状況報告書" in text
    for heading in ("目次", "進捗の概要", "重要業績評価指標（KPI）の状況", "事業別の状況", "文書の記載の読み替え",
                    "実績が未報告の指標", "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成"):
        assert _squash(heading) in squashed, heading
    assert "記載なし" in text  # budget years nobody stated, never 0


def test_fonts_are_embedded_japanese_fonts(rendered: Rendered) -> None:
    rows = _run("pdffonts", str(rendered.pdf)).splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows  # the "emb" column
    assert any("IPAexGothic" in row for row in rows)


def test_charts_and_map_are_vectors_not_pictures(rendered: Rendered) -> None:
    images = _run("pdfimages", "-list", str(rendered.pdf)).splitlines()[2:]
    assert images == []
    html = render_report_html(rendered.source)
    assert html.count('<svg class="chart kpi"') >= 25 and '<svg class="map"' in html


def test_the_table_of_contents_gives_the_right_pages(rendered: Rendered) -> None:
    toc = rendered.page_text(2)
    entries = dict(re.findall(r"^\s*(3-\d+)\s.*?\.{3,}\s*(\d+)\s*$", toc, re.MULTILINE))
    assert len(entries) == len(rendered.source.progress.plan.projects)
    projects = rendered.source.progress.plan.projects
    for index in (1, 15, 30):
        number, page = f"3-{index}", int(entries[f"3-{index}"])
        assert _squash(number + projects[index - 1].name) in _squash(rendered.page_text(page)), (number, page)
    kpi_page = int(re.search(r"重要業績評価指標（KPI）の状況\s*\.{3,}\s*(\d+)", toc).group(1))  # type: ignore[union-attr]
    assert kpi_page > 2
    assert "重要業績評価指標（KPI）の状況" in rendered.page_text(kpi_page)


def test_pages_render_to_png_for_a_person_to_look_at(rendered: Rendered) -> None:
    pages = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(rendered.pdf))).group(1))  # type: ignore[union-attr]
    for old in OUTPUT.glob("page-*.png"):
        old.unlink()
    _run("pdftoppm", "-r", "60", "-png", str(rendered.pdf), str(OUTPUT / "page"))
    images = sorted(OUTPUT.glob("page-*.png"))
    assert len(images) == pages > 30
    cover = Image.open(images[0]).convert("L")
    assert cover.width < cover.height  # A4 portrait
    darkest, _ = cast(tuple[int, int], cover.getextrema())
    assert darkest < 100  # ink on the page, not a blank sheet
    landscape = [i for i in images if Image.open(i).width > Image.open(i).height]
    assert landscape  # the KPI table is printed on A4 landscape


def test_the_report_prints_the_portal_judgements(session: Session) -> None:
    _store_example(session)
    source = _source(session)
    html = render_report_html(source)
    for item in source.progress.kpis:
        assert item.evaluation.explanation_ja.replace("→", "&rarr;") in html or (
            item.evaluation.explanation_ja in html), item.kpi.indicator
    overall = source.progress.summary.overall
    assert f"<td>{overall.kpis}</td>" in html
    assert "事業評価（担当課による評価）" not in html  # nothing invented before staff evaluations exist


def test_published_staff_evaluations_have_their_place_and_drafts_none(session: Session) -> None:
    _store_example(session)
    story = _source(session).progress.plan.projects[0]
    project_id = session.scalars(
        select(ProjectRow.id).where(ProjectRow.plan_id == 1, ProjectRow.key == story.key)).one()
    session.add_all([
        ProjectEvaluationRow(project_id=project_id, fiscal_year=2026, direction="expand",
                             comment="閲覧数が順調に伸びた", review_status="approved", published_direction="expand",
                             published_comment="閲覧数が順調に伸びた", published_at=datetime(2027, 6, 1, tzinfo=UTC)),
        ProjectEvaluationRow(project_id=project_id, fiscal_year=2027, direction="reduce", comment="下書きの理由",
                             review_status="draft"),
    ])
    session.commit()
    evaluations = published_evaluations_by_project(session=session, plan_id=1)
    assert [(e.fiscal_year, e.direction) for e in evaluations[story.key]] == [(2026, "expand")]
    html = render_report_html(_source(session, staff_evaluations=evaluations))
    assert "事業評価（担当課による評価）" in html and "拡充" in html and "閲覧数が順調に伸びた" in html
    assert "下書きの理由" not in html and "縮小" not in html  # a draft never reaches the printed report
    assert html.count("事業評価（担当課による評価）") == 1


def test_a_graded_area_prints_its_grades_legend_and_totals(session: Session) -> None:
    from renkei.domain.scale import SETO_TAKAMATSU_EXAMPLE, RollUp
    from renkei.presentation.grading import grade_kpi

    _store_example(session)
    plain = render_report_html(_source(session))
    source = _source(session, scale=SETO_TAKAMATSU_EXAMPLE, rollup=RollUp.MEAN_RATE)
    html = render_report_html(source)
    assert "得点率による評価" in html and "得点率86%以上" in html  # the legend names the scale and its bands
    assert "平均を、指標と同じ区分で評価" in html  # the roll-up rule, where the totals are
    assert "政策分野別のKPIの評価区分" in html and "政策分野別のKPIの評価区分" not in plain
    assert "事業の集計：" in html and "事業の集計：" not in plain
    for item in source.progress.kpis:
        grade = grade_kpi(SETO_TAKAMATSU_EXAMPLE, item)
        assert f'<td class="rating" style="color: {grade.colour}">{grade.key}</td>' in html
    assert "得点率86%以上" not in plain


def test_a_revised_plan_prints_each_kpis_history_and_the_kpis_of_the_year(
        session: Session, revise_example: Callable[[Session, int], None]) -> None:
    _store_example(session)
    revise_example(session, 1)
    html = render_report_html(_source(session))  # as of FY2027, the revision's first year
    assert html.count("改正の履歴") == 2  # the fire KPI (target changed) and the added one
    assert ("令和9年度の改正（一部改正、令和9年10月）で目標を25件（令和12年度までの累計）から"
            "40件（令和12年度までの累計）に変更（KPIの見直し）") in html
    assert "令和9年度（2027）の計画にない指標（改正による）" in html
    assert "各種研修等の件数：令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）" in html
    progress = evaluate_stored_plan(session, 1, 2026)
    area = load_area_members(session=session, area_slug=progress.plan.area_slug)
    assert area is not None
    earlier = render_report_html(ReportInput(progress, [], area.members, area.lead_code, ISSUED))
    assert "各種研修等の受講者数：令和9年度の改正（一部改正、令和9年10月）で追加（令和9年度から）" in earlier
    assert "令和9年度の改正（一部改正、令和9年10月）で削除された指標で、令和8年度までは評価の対象です。" in earlier
    assert f"<td>{progress.summary.overall.kpis}</td>" in earlier


def test_partner_evaluations_are_printed_beside_the_staff_evaluation_approved_only(session: Session) -> None:
    from dataclasses import replace

    from renkei.domain.scale import AKIRUNO_EXAMPLE
    from renkei.reading.area import load_area
    from renkei.services.areas import add_area
    from renkei.store.partner_evaluations import published_partner_evaluations_by_project
    from renkei.store.workspace_tables import PartnerEvaluationRow

    _store_example(session)
    area = load_area("kitakyushu")
    add_area(session=session, area=replace(area, scale=AKIRUNO_EXAMPLE, partner_evaluations=True), actor="test")
    first, second = [m for m in area.members if m.code != area.lead_code][:2]
    story = _source(session).progress.plan.projects[0]
    project_id = session.scalars(
        select(ProjectRow.id).where(ProjectRow.plan_id == 1, ProjectRow.key == story.key)).one()
    session.add_all([
        ProjectEvaluationRow(project_id=project_id, fiscal_year=2026, direction="continue", comment="順調",
                             review_status="approved", published_direction="continue", published_comment="順調",
                             published_at=datetime(2027, 6, 1, tzinfo=UTC)),
        PartnerEvaluationRow(project_id=project_id, fiscal_year=2026, municipality_code=first.code, grade="B",
                             comment="見直し中の下書き", review_status="submitted", published_grade="S",
                             published_comment="参加者が目標を超えた", published_at=datetime(2027, 6, 2, tzinfo=UTC)),
        PartnerEvaluationRow(project_id=project_id, fiscal_year=2026, municipality_code=second.code, grade="C",
                             comment="提出済みで未承認", review_status="submitted")])
    session.commit()
    partners = published_partner_evaluations_by_project(session=session, plan_id=1)
    assert [(e.municipality_code, e.grade) for e in partners[story.key]] == [(first.code, "S")]
    html = render_report_html(_source(session, scale=AKIRUNO_EXAMPLE,
                                      staff_evaluations=published_evaluations_by_project(session=session, plan_id=1),
                                      partner_evaluations=partners))
    assert html.count("連携市町による評価") == 1
    assert html.index("事業評価（担当課による評価）") < html.index("連携市町による評価")  # beside the lead city's
    assert f"<td>{first.name}</td><td>S 目標値以上</td>" in html and "参加者が目標を超えた" in html
    for unpublished in ("見直し中の下書き", "提出済みで未承認", f"<td>{second.name}</td>"):
        assert unpublished not in html
    assert "連携市町による評価" not in render_report_html(_source(session, scale=AKIRUNO_EXAMPLE))
