"""The plan workbook: written with xlsxwriter, read back by openpyxl, lossless, and edits import as edits."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.domain.plan import KPI, Budget, BudgetCell, BudgetCellStatus, Plan, Project
from renkei.export.workbook import REVISIONS, write_plan_workbook
from renkei.reading.quantity import read_quantity
from renkei.reading.sheet import read_plan
from renkei.reading.workbook import (
    BUDGETS,
    KPIS,
    PROJECTS,
    WorkbookEdition,
    WorkbookReadError,
    read_plan_workbook,
    read_workbook_edition,
)
from renkei.services.plan_diff import PlanDiff
from renkei.services.plan_import import import_plan
from renkei.store import repository
from renkei.store.actuals import find_kpi, list_actuals, upsert_actual

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Read the bundled example vision."""
    return read_plan(EXAMPLE.read_text(encoding="utf-8"))[0]


def _edit(data: bytes, edit: object) -> bytes:
    book = load_workbook(io.BytesIO(data))
    edit(book)  # type: ignore[operator]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column(sheet: object, title: str) -> int:
    """Return the 1-based column whose header's first line is ``title``."""
    header = [str(c.value or "").split("\n")[0] for c in sheet[1]]  # type: ignore[index]
    return header.index(title) + 1


def test_example_round_trips_losslessly(plan: Plan) -> None:
    data = write_plan_workbook(plan)
    assert read_plan_workbook(data) == plan
    assert read_plan_workbook(write_plan_workbook(read_plan_workbook(data))) == plan


def test_sheets_titles_and_formats_as_a_planner_sees_them(plan: Plan) -> None:
    book = load_workbook(io.BytesIO(write_plan_workbook(plan, as_of=2027, issued=date(2027, 6, 1))))
    assert book.sheetnames == ["概要", "事業", "KPI", "事業費", "連携市町", "_renkei"]
    assert book["_renkei"].sheet_state == "hidden"
    overview = book["概要"]
    assert overview["A1"].value == "北九州都市圏域　計画ワークブック"
    assert "令和9年度（2027）時点" in overview["A2"].value and "令和9年6月1日" in overview["A2"].value
    budgets = book[BUDGETS]
    r8 = _column(budgets, "令和8年度（2026）") - 1  # the example also states earlier years
    assert budgets.cell(1, r8 + 1).value == "令和8年度（2026）\n（千円）"
    story = next(r for r in budgets.iter_rows(min_row=2) if r[1].value == "自分らしく歩む女性たちのストーリー発信事業")
    assert story[r8].value == 2420 and story[r8].number_format == "#,##0"
    assert story[r8 + 1].value is None  # 記載なし stays blank, never 0
    fire = next(r for r in budgets.iter_rows(min_row=2) if r[1].value == "消防指令業務の共同運用に係る調査研究事業")
    assert fire[r8].value == "—"
    for name in ("事業", "KPI", "事業費", "連携市町"):
        sheet = book[name]
        assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref, name
        setup = sheet.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9), name
        assert sheet.print_title_rows in ("1:1", "$1:$1") and sheet.print_title_cols in ("A:B", "$A:$B"), name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToHeight == 0, name
        assert all(isinstance(sheet.cell(1, c).value, str) for c in range(1, sheet.max_column + 1)), name
    projects = book[PROJECTS]
    widths = {projects.cell(1, c).value: projects.column_dimensions[projects.cell(1, c).column_letter].width
              for c in range(1, projects.max_column + 1)}
    assert widths["事業ID"] < 10 < widths["事業名"] <= 31 < widths["事業内容"] <= 49  # xlsx adds padding
    heights = [projects.row_dimensions[r].height for r in range(2, projects.max_row + 1)]
    assert all(h and h >= 13.5 for h in heights) and max(heights) > 100  # wrapped text shows whole
    assert book["連携市町"].protection.sheet and book["KPI"].protection.sheet


def _planner_edit(renamed: str) -> Callable[[Any], None]:
    """Return the edit a planner makes: R8 budget of P001 to 3,000, a new KPI of P001, P002 renamed."""

    def edit(book: Any) -> None:
        budgets = book[BUDGETS]
        budgets.cell(2, _column(budgets, "令和8年度（2026）")).value = 3000
        kpis = book[KPIS]
        row = kpis.max_row + 1
        for title, value in (("事業ID", "P001"), ("指標", "動画再生回数"), ("現状値", "なし（令和7年度）"),
                             ("目標値", "5,000回（令和12年度）")):
            kpis.cell(row, _column(kpis, title)).value = value
        projects = book[PROJECTS]
        projects.cell(3, _column(projects, "事業名")).value = renamed

    return edit


def _import_edited(session: Session, plan: Plan, data: bytes) -> tuple[PlanDiff, WorkbookEdition]:
    edition = read_workbook_edition(data)
    result = import_plan(session=session, plan=edition.plan, findings=[], source_text="edited",
                         renames=edition.renames)
    return result.diff, edition


def _assert_exactly_the_edit(diff: PlanDiff, edition: WorkbookEdition, plan: Plan) -> None:
    story, renamed = plan.projects[0], plan.projects[1]
    assert [(e.name, e.fields) for e in diff.changed_projects] == [(story.name, ("budget",)),
                                                                   (renamed.name + "（改称）", ("name",))]
    assert [(e.name, e.project_key) for e in diff.added_kpis] == [("動画再生回数", story.key)]
    assert (diff.added_projects, diff.removed_projects, diff.changed_kpis, diff.removed_kpis, diff.plan_fields) == (
        (), (), (), (), ())
    assert edition.renames == {renamed.key: replace(renamed, name=renamed.name + "（改称）").key}
    cell = edition.plan.projects[0].budget.cells[0]  # type: ignore[union-attr]
    assert (cell.text, cell.status, cell.amount) == ("3,000", BudgetCellStatus.AMOUNT, 3000)
    assert edition.plan.projects[0].kpis[-1].target == read_quantity("5,000回（令和12年度）")


def test_edited_workbook_imports_as_exactly_its_edit_and_a_rename_keeps_its_actuals(
        plan: Plan, session: Session) -> None:
    import_plan(session=session, plan=plan, findings=[], source_text="vision")
    renamed = plan.projects[1]
    kpi = find_kpi(session=session, plan_id=1, project=renamed.key, indicator=renamed.kpis[0].indicator)
    assert kpi is not None
    upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(2026, 1), actor="test")
    session.commit()
    diff, edition = _import_edited(session, plan, _edit(write_plan_workbook(plan), _planner_edit(
        renamed.name + "（改称）")))
    _assert_exactly_the_edit(diff, edition, plan)
    actuals = list_actuals(session=session, plan_id=1)
    assert actuals[(edition.renames[renamed.key], kpi.indicator_key)][0].value == 1
    assert repository.load_plan(session=session, plan_id=1).projects[1].name == renamed.name + "（改称）"


def _libreoffice() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        message = "LibreOffice is not installed (Debian libreoffice-calc-nogui; make sysdeps installs it)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def _saved_by_libreoffice(data: bytes, folder: Path) -> bytes:
    """Open a workbook in LibreOffice Calc and save it again as xlsx, as a planner using LibreOffice would."""
    source = folder / "plan.xlsx"
    source.write_bytes(data)
    out = folder / "libreoffice"
    subprocess.run([_libreoffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=300)
    return (out / "plan.xlsx").read_bytes()


def test_a_workbook_saved_by_libreoffice_round_trips(plan: Plan, tmp_path: Path) -> None:
    saved = _saved_by_libreoffice(write_plan_workbook(plan), tmp_path)
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:  # really rewritten by LibreOffice, not copied
        assert b"LibreOffice" in archive.read("docProps/app.xml")
    assert read_plan_workbook(saved) == plan


def test_a_workbook_edited_then_saved_by_libreoffice_imports_as_its_edit(
        plan: Plan, session: Session, tmp_path: Path) -> None:
    import_plan(session=session, plan=plan, findings=[], source_text="vision")
    edited = _edit(write_plan_workbook(plan), _planner_edit(plan.projects[1].name + "（改称）"))
    diff, edition = _import_edited(session, plan, _saved_by_libreoffice(edited, tmp_path))
    _assert_exactly_the_edit(diff, edition, plan)


def test_a_foreign_workbook_is_refused() -> None:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet("Sheet1")
    book.close()
    with pytest.raises(WorkbookReadError):
        read_plan_workbook(buffer.getvalue())
    with pytest.raises(WorkbookReadError):
        read_plan_workbook(b"not a zip")


TEXT = st.text(st.sampled_from("事業連携市町あいう ABC123、。：・—-\n"), max_size=12)
CELL = st.sampled_from(["2,420", "—", "未定", "", "予算化予定", "１，０３３", "0"])
QUANTITY = st.sampled_from(["なし（令和7年度）", "100,000回（令和12年度）", "25件（令和12年度までの累計）",
                            "1回/年（令和8年度～令和12年度）", "参加自治体の増", "—", "84.5%（令和6年度）"])


@st.composite
def projects(draw: st.DrawFn, index: int) -> Project:
    from renkei.reading.budget import make_cell
    from renkei.reading.cost import read_cost_sharing

    years = draw(st.lists(st.sampled_from(range(2025, 2032)), unique=True, max_size=6))
    budget = draw(st.one_of(st.none(), st.just(Budget(
        draw(st.sampled_from(["千円", None])), tuple(make_cell(y, draw(CELL), unit="千円")[0] for y in years),
        draw(st.one_of(st.none(), TEXT.filter(str.strip))), draw(st.one_of(st.none(), st.integers(1, 999)))))))
    kpis = tuple(KPI(f"指標{i}{draw(TEXT)}".strip(), read_quantity(draw(QUANTITY)), read_quantity(draw(QUANTITY)),
                     None, draw(st.one_of(st.none(), st.integers(1, 999)))) for i in range(draw(st.integers(0, 3))))
    from renkei.domain.plan import Category, PolicyArea, Role

    return Project(
        name=f"事業{index}{draw(TEXT)}".strip(), line=draw(st.integers(0, 9999)), relisted=draw(st.booleans()),
        policy_area=draw(st.one_of(st.none(), st.builds(PolicyArea, st.integers(1, 9), TEXT))),
        category=draw(st.one_of(st.none(), st.builds(Category, st.sampled_from("abc"), TEXT,
                                                     st.one_of(st.none(), TEXT.filter(str.strip))))),
        description=draw(st.one_of(st.none(), TEXT.filter(str.strip))),
        effects=tuple(draw(st.lists(TEXT.filter(lambda t: t.strip() and "\n" not in t), max_size=3))),
        budget=budget,
        roles=tuple(Role(p, tuple(draw(st.lists(TEXT.filter(lambda t: "\n" not in t and "：" not in t),
                                                min_size=1, max_size=2)))) for p in ("北九州市", "連携市町")[
            : draw(st.integers(0, 2))]),
        cost_sharing=read_cost_sharing(draw(st.one_of(st.none(), TEXT.filter(str.strip)))),
        kpis=kpis,
        extra=tuple((f"項目{i}", t) for i, t in enumerate(draw(st.lists(TEXT, max_size=2)))),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_export_import_export_is_stable(data: st.DataObject) -> None:
    count = data.draw(st.integers(0, 4))
    plan = Plan("kitakyushu", "北九州都市圏域", 2026, 2030,
                tuple(data.draw(projects(i)) for i in range(count)), "ab" * 32, data.draw(st.one_of(st.none(), TEXT)))
    plan = replace(plan, title=plan.title or None)
    first = write_plan_workbook(plan)
    back = read_plan_workbook(first)
    assert back == plan
    assert read_plan_workbook(write_plan_workbook(back)) == plan


def test_budget_cells_keep_text_status_and_amount(plan: Plan) -> None:
    cells = tuple(BudgetCell(2026 + i, t, s, a) for i, (t, s, a) in enumerate([
        ("2,420", BudgetCellStatus.AMOUNT, 2420), ("—", BudgetCellStatus.NONE, None),
        ("未定", BudgetCellStatus.UNDETERMINED, None), ("", BudgetCellStatus.NOT_STATED, None),
        ("予算化予定", BudgetCellStatus.INVALID, None)]))
    one = replace(plan.projects[0], budget=Budget("千円", cells, None, 5))
    small = replace(plan, projects=(one,))
    assert read_plan_workbook(write_plan_workbook(small)) == small


def test_the_kpi_sheet_shows_the_one_evaluation(plan: Plan) -> None:
    from renkei.services.progress import evaluate_loaded_plan

    story = plan.projects[0]
    progress = evaluate_loaded_plan(plan, {(story.key, story.kpis[0].key): [Actual(2026, 18500)]}, as_of=2027)
    book = load_workbook(io.BytesIO(write_plan_workbook(plan, results=progress.kpis, as_of=progress.as_of)))
    kpis = book[KPIS]
    row = {str(c.value).split("\n")[0]: c.column for c in kpis[1]}
    assert kpis.cell(2, row["実績 令和8年度（2026）"]).value == 18500
    assert kpis.cell(2, row["実績 令和9年度（2027）"]).value is None  # unreported, not 0
    evaluation = progress.kpis[0].evaluation
    assert kpis.cell(2, row["状況（参考）"]).value == evaluation.status.label_ja
    assert kpis.cell(2, row["評価の説明（参考）"]).value == evaluation.explanation_ja


def test_the_project_sheet_is_declared_by_name_in_the_reader_s_order() -> None:
    from renkei.export.workbook import _PROJECT_CELLS, PROJECT_SHEET
    from renkei.reading.workbook import PROJECT_COLUMNS

    assert set(_PROJECT_CELLS) == set(PROJECT_COLUMNS)  # every column has its cell, and no cell lacks a column
    assert tuple(PROJECT_SHEET.header()) == PROJECT_COLUMNS


def test_a_revised_plan_gets_its_revision_history_sheet(
        session: Session, revise_example: Callable[[Session, int], None],
        withdraw_example_sheet: Callable[[Session, int], None]) -> None:
    from renkei.services.progress import evaluate_stored_plan

    text = EXAMPLE.read_text(encoding="utf-8")
    first, findings = read_plan(text)
    import_plan(session=session, plan=first, findings=findings, source_text=text)
    plain = evaluate_stored_plan(session, 1, 2027)
    assert REVISIONS not in load_workbook(io.BytesIO(write_plan_workbook(
        plain.plan, results=plain.kpis, as_of=2027, histories=plain.histories))).sheetnames  # never revised
    revise_example(session, 1)
    withdraw_example_sheet(session, 1)
    progress = evaluate_stored_plan(session, 1, 2027)
    data = write_plan_workbook(progress.plan, results=progress.kpis, as_of=2027, histories=progress.histories)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["概要", "事業", "KPI", "事業費", "連携市町", REVISIONS, "_renkei"]
    sheet = book[REVISIONS]
    header = [c.value for c in sheet[1]]
    found = {(row[header.index("指標")], row[header.index("変更")]): dict(zip(header, row, strict=True))
             for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(found) == {("鑑識・鑑定及び研修・会議等実施件数", "変更"), ("各種研修等の件数", "削除"),
                          ("各種研修等の受講者数", "追加"), ("都市計画道路の整備率", "削除")}
    fire = found[("鑑識・鑑定及び研修・会議等実施件数", "変更")]
    assert (fire["改正日"], fire["適用年度"], fire["変更前の目標値"], fire["変更後の目標値"], fire["改正の理由"]) == (
        "令和9年10月", "令和9年度（2027）", "25件（令和12年度までの累計）", "40件（令和12年度までの累計）",
        "KPIの見直し")
    kpi_ids = {row[0] for row in book[KPIS].iter_rows(min_row=2, values_only=True)}
    assert fire["事業ID"] in {str(i).split("-")[0] for i in kpi_ids}
    road = found[("都市計画道路の整備率", "削除")]
    assert (road["事業ID"], road["事業名"], road["評価年度の計画に"]) == (
        None, "圏域内道路交通のネットワーク化にかかる連携", "なし")  # a withdrawn sheet is evaluated in no year
    assert found[("各種研修等の件数", "削除")]["評価年度の計画に"] == "なし"
    assert read_plan_workbook(data) == progress.plan  # the sheet is reference only: the plan reads back the same
