"""The open-data package: valid for frictionless, every foreign key resolves, blanks blank, codes and years right."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from frictionless import Package
from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.cli.export import load_opendata_source
from renkei.domain.actual import Actual
from renkei.domain.csv_cell import neutralise
from renkei.domain.localcode import check_digit
from renkei.export.datapackage import PackageError, write_package
from renkei.export.opendata import OpenDataSource, build_tables, package_meta
from renkei.reading.actuals import read_actuals_csv
from renkei.reading.sheet import read_plan
from renkei.services.actuals import import_actuals
from renkei.services.plan_import import import_plan
from renkei.services.progress import evaluate_loaded_plan
from renkei.services.rounds import open_round
from renkei.store.actuals import find_kpi, upsert_actual
from renkei.store.tables import ProjectRow
from renkei.store.workspace_tables import ProjectEvaluationRow

if TYPE_CHECKING:
    from conftest import PlanBuilder

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("projects", "partners", "budgets", "kpis", "actuals", "actuals_by_municipality", "evaluations",
          "project_evaluations", "municipalities")


def _store_example(session: Session) -> None:
    plan, findings = read_plan((ROOT / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8"))
    import_plan(session=session, plan=plan, findings=findings, source_text="vision")
    open_round(session=session, plan_id=1, fiscal_year=2026, due_date=date(2027, 5, 31), actor="test")
    sample = (ROOT / "examples" / "kitakyushu_actuals_sample.csv").read_text(encoding="utf-8-sig")
    assert import_actuals(session=session, plan_id=1, sheet=read_actuals_csv(sample), actor="test").written
    pending = find_kpi(session=session, plan_id=1, project="首都圏などからの移住促進",
                       indicator="移住相談窓口利用者中移住者")
    assert pending is not None  # a figure a partner submitted but nobody approved yet
    upsert_actual(session=session, kpi_id=pending.id, actual=Actual(2026, 68), actor="豊前市",
                  review_status="submitted")
    story = session.scalars(select(ProjectRow).where(ProjectRow.plan_id == 1).order_by(ProjectRow.position)).first()
    assert story is not None
    session.add_all([  # one approved staff evaluation, and a draft that must stay out of the open data
        ProjectEvaluationRow(project_id=story.id, fiscal_year=2026, direction="continue", comment="順調",
                             review_status="approved", published_direction="continue", published_comment="順調",
                             published_at=datetime(2027, 6, 1, tzinfo=UTC)),
        ProjectEvaluationRow(project_id=story.id, fiscal_year=2027, direction="end", comment="下書き",
                             review_status="draft")])
    session.commit()


def test_only_approved_project_evaluations_are_published(package: Path) -> None:
    rows = _csv(package, "project_evaluations")
    assert [(r["年度"], r["方向性"], r["方向性コード"], r["評価の理由"], r["公開日時"]) for r in rows] == [
        ("2026", "継続", "continue", "順調", "2027-06-01T00:00:00+00:00")]
    projects = {r["ID"] for r in _csv(package, "projects")}
    assert rows[0]["事業ID"] in projects


def _write(session: Session, folder: Path, *, include_pending: bool = False, licence: str = "CC-BY-4.0") -> Path:
    source = load_opendata_source(session, 1, 2027, include_pending=include_pending)
    write_package(folder, build_tables(source), package_meta(source, source_url="https://example.jp/vision.pdf"),
                  licence)
    return folder


def _csv(folder: Path, name: str) -> list[dict[str, str]]:
    """Read a CSV file of the package, checking it is UTF-8 with a BOM, one header row and CRLF records."""
    data = (folder / f"{name}.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    assert data.count(b"\r\n") == len(rows) + 1  # each record ends CRLF; a line break inside a text is LF
    return rows


@pytest.fixture
def package(session: Session, tmp_path: Path) -> Path:
    """Write the example's package (approved actuals only) and return its folder."""
    _store_example(session)
    return _write(session, tmp_path / "opendata")


def test_frictionless_finds_the_package_valid(package: Path) -> None:
    report = Package(str(package / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in descriptor["resources"]} == {*TABLES, *(f"{t}-json" for t in TABLES)}
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert descriptor["sources"][0]["path"] == "https://example.jp/vision.pdf"
    assert descriptor["contributors"] == [{"title": "北九州市", "role": "publisher"}]


def test_every_foreign_key_resolves(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    tables = {r["name"]: _csv(package, r["name"]) for r in descriptor["resources"] if r["format"] == "csv"}
    checked = 0
    for resource in (r for r in descriptor["resources"] if r["format"] == "csv"):
        for key in resource["schema"]["foreignKeys"]:
            target = key["reference"]["resource"] or resource["name"]
            known = {tuple(row[f] for f in key["reference"]["fields"]) for row in tables[target]}
            for row in tables[resource["name"]]:
                value = tuple(row[f] for f in key["fields"])
                if all(value):
                    assert value in known, (resource["name"], key, value)
                    checked += 1
    assert checked > 500


def test_a_broken_key_is_caught_by_frictionless(package: Path) -> None:
    path = package / "actuals.csv"
    path.write_bytes(path.read_bytes().replace(b"496e4c64a9-K1,", b"000000000-K9,", 1))
    report = Package(str(package / "datapackage.json")).validate()
    assert not report.valid and "foreign-key" in {e.type for task in report.tasks for e in task.errors}


def test_codes_years_and_blanks(package: Path) -> None:
    for row in _csv(package, "municipalities"):
        code = row["全国地方公共団体コード"]
        assert len(code) == 6 and int(code[5]) == check_digit(code[:5])
    partners = _csv(package, "partners")
    assert {r["区分"] for r in partners} >= {"中心市", "連携市町", "圏域外"}
    assert all(r["全国地方公共団体コード"] for r in partners if r["区分"] in ("中心市", "連携市町"))
    budgets = _csv(package, "budgets")
    assert all(r["年度"].isdigit() and len(r["年度"]) == 4 for r in budgets)
    assert {r["区分コード"] for r in budgets} == {"amount", "none", "not_stated"}  # the example states no 未定
    assert all(r["金額（千円）"] == "" for r in budgets if r["区分コード"] != "amount")  # blank, not 0
    story = [r for r in budgets if r["事業ID"] == "496e4c64a9"]
    assert [(r["年度"], r["金額（千円）"], r["記載の区分"]) for r in story][:2] == [("2026", "2420", "金額"),
                                                                           ("2027", "", "記載なし")]
    shares = _csv(package, "actuals_by_municipality")
    assert {(r["全国地方公共団体コード"], r["実績値"]) for r in shares} == {("401005", "40"), ("402133", "5"),
                                                                 ("406210", "7")}
    evaluations = {r["KPI_ID"]: r for r in _csv(package, "evaluations")}
    assert {r["評価年度"] for r in evaluations.values()} == {"2027"}
    assert any(r["状況"] == "実績未入力" and r["判定年度"] == "" and r["最新実績"] == "" for r in evaluations.values())


def test_approved_actuals_only_unless_asked(session: Session, tmp_path: Path) -> None:
    _store_example(session)
    approved = _csv(_write(session, tmp_path / "approved"), "actuals")
    assert {r["審査状況"] for r in approved} == {"承認済み"} and len(approved) == 25  # 26 rows, one an assessment
    # 自家消費PV導入施設数: three towns' shares and no total: the area's figure is unknown, never their sum
    pv = next(r for r in approved if r["内訳の報告数"] == "3")
    shown = (pv["実績値"], pv["値の出所"], pv["値の出所コード"], pv["内訳が必要な市町数"])
    assert shown == ("", "不明", "unknown", "0")
    web = next(r for r in approved if r["実績値"] == "18500")
    assert (web["値の出所"], web["根拠"], web["報告した団体"]) == ("合計", "公式サイトのアクセス解析", "北九州市")
    everything = _write(session, tmp_path / "all", include_pending=True, licence="CC0-1.0")
    rows = _csv(everything, "actuals")
    assert [r["実績値"] for r in rows if r["審査状況"] == "未承認"] == ["68"]
    assert {r["未承認を含む"] for r in _csv(everything, "evaluations")} == {"1"}
    assert json.loads((everything / "datapackage.json").read_text(encoding="utf-8"))["licenses"][0]["name"] == "CC0-1.0"
    assert Package(str(everything / "datapackage.json")).validate().valid


def test_json_holds_the_same_data(package: Path) -> None:
    for name in TABLES:
        rows = _csv(package, name)
        records = json.loads((package / f"{name}.json").read_text(encoding="utf-8"))
        assert len(records) == len(rows) and list(records[0]) == list(rows[0]), name
        for row, record in zip(rows, records, strict=True):
            for column, text in row.items():
                value = record[column]
                shown = "" if value is None else ("1" if value is True else "0" if value is False else str(value))
                if isinstance(value, str):  # a text cell a spreadsheet would run as a formula is quoted in the CSV
                    shown = neutralise(shown)
                assert shown == text, (name, column)


def test_an_unknown_licence_is_refused(session: Session, tmp_path: Path) -> None:
    _store_example(session)
    with pytest.raises(PackageError, match="ライセンス"):
        _write(session, tmp_path, licence="all-rights-reserved")


def test_the_four_budget_statuses_stay_apart(build: PlanBuilder) -> None:
    plan = build.plan()
    source = OpenDataSource(evaluate_loaded_plan(plan, {}, as_of=2027), "kitakyushu-2026", build.area().members,
                            "401005", {})
    budgets = next(t for t in build_tables(source) if t.name == "budgets")
    story = [r for r in budgets.records() if r["事業ID"] == plan.projects[0].slug]
    assert [(r["年度"], r["記載の区分"], r["金額（千円）"], r["記載"]) for r in story] == [
        (2026, "金額", 2420, "2,420"), (2027, "なし", None, "—"), (2028, "未定", None, "未定"),
        (2029, "記載なし", None, None)]
    relisted = [r for r in budgets.records() if r["事業ID"] == plan.projects[2].slug]
    assert {r["集計対象"] for r in relisted} == {False}  # a 【再掲】 budget counts once, on its original


def test_a_graded_area_publishes_its_grades_and_scale(session: Session, tmp_path: Path) -> None:
    """An area with its own scale (あきる野's words): each evaluation carries its grade, the ``grades`` table is the
    scale itself, and ``datapackage.json`` states the scale and the roll-up; frictionless still finds it valid."""
    from dataclasses import replace

    from renkei.domain.scale import AKIRUNO_EXAMPLE, RollUp
    from renkei.presentation.grading import grade_kpi
    from renkei.reading.area import load_area
    from renkei.services.areas import add_area

    _store_example(session)
    add_area(session=session, area=replace(load_area("kitakyushu"), scale=AKIRUNO_EXAMPLE, rollup=RollUp.SHARE),
             actor="test")
    source = load_opendata_source(session, 1, 2027)
    assert source.graded and source.scale == AKIRUNO_EXAMPLE
    folder = tmp_path / "graded"
    write_package(folder, build_tables(source), package_meta(source), "CC-BY-4.0")
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]
    grades = _csv(folder, "grades")
    assert [(g["記号"], g["名称"]) for g in grades][:3] == [
        ("F", "事業完了"), ("S", "目標値以上"), ("A", "目標値どおり")]
    rows = {row["KPI_ID"]: row for row in _csv(folder, "evaluations")}
    ids = {(k.project.key, k.kpi.key): k for k in source.progress.kpis}
    builder_ids = {f"{k.project.slug}-K{k.position + 1}": k for k in ids.values()}
    for kpi_id, row in rows.items():
        expected = grade_kpi(AKIRUNO_EXAMPLE, builder_ids[kpi_id])
        assert (row["評価区分"], row["評価区分の名称"]) == (expected.key, expected.label_ja)
        assert row["評価"] in "ABCDE-"  # renkei's rating stays beside the grade
    assert len({row["評価区分"] for row in rows.values()}) >= 2
    meta = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["evaluation_scale"]
    assert meta["rollup"] == "share" and meta["special"]["not_started"] == "X"
    assert "件数と割合" in meta["rollup_words"]["ja"]


def test_an_area_on_renkeis_scale_publishes_no_grade_table(package: Path) -> None:
    assert not (package / "grades.csv").exists()
    assert "評価区分" not in _csv(package, "evaluations")[0]
    assert "evaluation_scale" not in json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def _store_partner_evaluations(session: Session) -> tuple[str, str]:
    """Store the example under あきる野's scale with partner evaluations asked: one partner's approved evaluation
    (whose change is under review again), another's only submitted; return the two partners' codes."""
    from dataclasses import replace

    from renkei.domain.scale import AKIRUNO_EXAMPLE
    from renkei.reading.area import load_area
    from renkei.services.areas import add_area
    from renkei.store.workspace_tables import PartnerEvaluationRow

    _store_example(session)
    area = load_area("kitakyushu")
    add_area(session=session, area=replace(area, scale=AKIRUNO_EXAMPLE, partner_evaluations=True), actor="test")
    approved, submitted = [m.code for m in area.members if m.code != area.lead_code][:2]
    story = session.scalars(select(ProjectRow).where(ProjectRow.plan_id == 1).order_by(ProjectRow.position)).first()
    assert story is not None
    session.add_all([
        PartnerEvaluationRow(project_id=story.id, fiscal_year=2026, municipality_code=approved, grade="B",
                             comment="見直し中の下書き", review_status="submitted", published_grade="A",
                             published_comment="順調に進んでいる", published_at=datetime(2027, 6, 2, tzinfo=UTC)),
        PartnerEvaluationRow(project_id=story.id, fiscal_year=2026, municipality_code=submitted, grade="C",
                             comment="提出済みで未承認", review_status="submitted")])
    session.commit()
    return approved, submitted


def test_partner_evaluations_are_published_approved_only(session: Session, tmp_path: Path) -> None:
    approved, _ = _store_partner_evaluations(session)
    source = load_opendata_source(session, 1, 2027)
    folder = tmp_path / "partners"
    write_package(folder, build_tables(source), package_meta(source), "CC-BY-4.0")
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]
    rows = _csv(folder, "partner_evaluations")
    assert [(r["年度"], r["全国地方公共団体コード"], r["評価区分"], r["評価区分の名称"], r["評価の理由"], r["公開日時"])
            for r in rows] == [("2026", approved, "A", "目標値どおり", "順調に進んでいる", "2027-06-02T00:00:00+00:00")]
    assert rows[0]["事業ID"] in {r["ID"] for r in _csv(folder, "projects")}
    everything = b"".join(p.read_bytes() for p in folder.iterdir())
    for unpublished in ("見直し中の下書き", "提出済みで未承認"):
        assert unpublished.encode() not in everything
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    (resource,) = [r for r in descriptor["resources"] if r["name"] == "partner_evaluations"]
    assert [f["name"] for f in resource["schema"]["fields"]] == [
        "事業ID", "年度", "全国地方公共団体コード", "評価区分", "評価区分の名称", "評価の理由", "公開日時"]
    assert {k["reference"]["resource"] for k in resource["schema"]["foreignKeys"]} == {
        "projects", "municipalities", "grades"}


def test_a_plan_without_partner_evaluations_keeps_its_tables(package: Path) -> None:
    assert not (package / "partner_evaluations.csv").exists()
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert "partner_evaluations" not in {r["name"] for r in descriptor["resources"]}
