"""The plan workbook: written with xlsxwriter, read back by openpyxl, lossless, and edits import as edits."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from renkei.domain.plan import KPI, Budget, BudgetCell, BudgetCellStatus, Plan, Project
from renkei.export.workbook import write_plan_workbook
from renkei.reading.quantity import read_quantity
from renkei.reading.sheet import read_plan
from renkei.reading.workbook import BUDGETS, KPIS, PROJECTS, WorkbookReadError, read_plan_workbook
from renkei.services.plan_diff import diff_plan

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
    header = [c.value for c in sheet[1]]  # type: ignore[index]
    return header.index(title) + 1


def test_example_round_trips_losslessly(plan: Plan) -> None:
    data = write_plan_workbook(plan)
    assert read_plan_workbook(data) == plan
    assert read_plan_workbook(write_plan_workbook(read_plan_workbook(data))) == plan


def test_sheets_titles_and_formats_as_a_planner_sees_them(plan: Plan) -> None:
    book = load_workbook(io.BytesIO(write_plan_workbook(plan)))
    assert book.sheetnames == ["概要", "事業", "KPI", "事業費", "連携市町", "_renkei"]
    assert book["_renkei"].sheet_state == "hidden"
    budgets = book[BUDGETS]
    r8 = _column(budgets, "令和8年度（2026）") - 1  # the example also states earlier years
    assert budgets.freeze_panes == "C2" and budgets.auto_filter.ref
    assert budgets.page_setup.orientation == "landscape" and budgets.print_title_rows in ("1:1", "$1:$1")
    story = next(r for r in budgets.iter_rows(min_row=2) if r[1].value == "自分らしく歩む女性たちのストーリー発信事業")
    assert story[r8].value == 2420 and story[r8].number_format == "#,##0"
    assert story[r8 + 1].value is None  # 記載なし stays blank, never 0
    fire = next(r for r in budgets.iter_rows(min_row=2) if r[1].value == "消防指令業務の共同運用に係る調査研究事業")
    assert fire[r8].value == "—"
    assert book["連携市町"].protection.sheet


def test_edited_workbook_imports_as_exactly_its_edit(plan: Plan) -> None:
    story, renamed = plan.projects[0], plan.projects[1]

    def edit(book: object) -> None:
        budgets = book[BUDGETS]  # type: ignore[index]
        budgets.cell(2, _column(budgets, "令和8年度（2026）")).value = 3000
        kpis = book[KPIS]  # type: ignore[index]
        row = kpis.max_row + 1
        for title, value in (("事業ID", "P001"), ("指標", "動画再生回数"), ("現状値", "なし（令和7年度）"),
                             ("目標値", "5,000回（令和12年度）")):
            kpis.cell(row, _column(kpis, title)).value = value
        projects = book[PROJECTS]  # type: ignore[index]
        projects.cell(3, _column(projects, "事業名")).value = renamed.name + "（改称）"

    edited = read_plan_workbook(_edit(write_plan_workbook(plan), edit))
    diff = diff_plan({"area_name": plan.area_name, "title": plan.title, "first_year": plan.first_year,
                      "last_year": plan.last_year}, {p.key: (p, True) for p in plan.projects}, edited)
    assert [e.name for e in diff.changed_projects] == [story.name]
    assert diff.changed_projects[0].fields == ("budget",)
    assert [e.name for e in diff.added_kpis] == ["動画再生回数"]
    assert [e.name for e in diff.added_projects] == [renamed.name + "（改称）"]
    assert [e.name for e in diff.removed_projects] == [renamed.name]
    assert (diff.changed_kpis, diff.removed_kpis, diff.plan_fields) == ((), (), ())
    cell = edited.projects[0].budget.cells[0]  # type: ignore[union-attr]
    assert (cell.text, cell.status, cell.amount) == ("3,000", BudgetCellStatus.AMOUNT, 3000)
    added = edited.projects[0].kpis[-1]
    assert added.target == read_quantity("5,000回（令和12年度）")


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
