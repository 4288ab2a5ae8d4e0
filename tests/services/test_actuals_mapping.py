"""Earlier years' figures from an area's own sheet: preview, import into review (historical, pending kept), saving
the mapping and finding it again for the next file of the same layout."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.reading.area_sheets import (
    BALANCE,
    CONSULTATIONS,
    RIDERS,
    SECOND,
    TOURISM,
    TRANSPORT,
    VISITORS,
    YEAR_ROWS_CSV,
    area_plan,
    area_workbook,
)

from renkei.domain.actual import HISTORICAL
from renkei.domain.actuals_mapping import KpiChoice
from renkei.domain.plan import indicator_key
from renkei.domain.workflow import Step
from renkei.reading.sheet_table import read_table
from renkei.services.accounts import create_user
from renkei.services.actuals import RowOutcome
from renkei.services.actuals_mapping import MappingNameError, check_name, load_saved, propose, run_mapping, save
from renkei.services.plan_import import import_plan
from renkei.services.progress import evaluate_stored_plan
from renkei.services.rounds import open_round
from renkei.services.workflow import WorkflowDenied, review_actual
from renkei.store.rounds import kpi_rows, project_rows
from renkei.store.tables import ActualRow, AuditEventRow

if TYPE_CHECKING:
    from conftest import PlanBuilder

TODAY = date(2026, 12, 7)


def stored(build: PlanBuilder, session: Session, *years: int) -> int:
    """Store the area's plan (FY2022-2026) and open the rounds of the earlier years the sheets report."""
    result = import_plan(session=session, plan=area_plan(build), findings=[], source_text="x", area=build.area())
    assert result.plan_id is not None
    for year in years or (2022, 2023, 2024):
        open_round(session=session, plan_id=result.plan_id, fiscal_year=year, due_date=date(2027, 5, 31),
                   actor="test", today=TODAY)
    return result.plan_id


def records(session: Session) -> dict[tuple[str, int], ActualRow]:
    """Return the current actual rows by (indicator, fiscal year)."""
    rows = session.execute(select(ActualRow, func.min(ActualRow.id)).where(ActualRow.is_current.is_(True))
                           .group_by(ActualRow.id)).all()
    from renkei.store.tables import KpiRow

    names = {k.id: k.indicator for k in session.scalars(select(KpiRow))}
    return {(names[row.kpi_id], row.fiscal_year): row for row, _ in rows}


def test_preview_writes_nothing_and_names_every_refused_cell(build: PlanBuilder, session: Session) -> None:
    plan_id = stored(build, session)
    table = read_table(area_workbook(), "実績一覧.xlsx")
    mapping, saved = propose(session=session, plan_id=plan_id, table=table)
    assert saved is None and mapping.header_row == 4
    preview = run_mapping(session=session, plan_id=plan_id, table=table, mapping=mapping, file_name="実績一覧.xlsx",
                          actor="planner", today=TODAY)
    assert not preview.written and session.scalar(select(func.count()).select_from(ActualRow)) == 0
    assert len(preview.lines) == 11 and {line.outcome for line in preview.lines} == {RowOutcome.IMPORTED}
    assert {(line.figure.kpi.indicator, line.figure.fiscal_year) for line in preview.pending} == {
        (VISITORS, 2024), (BALANCE, 2024)}
    assert [r.message.split(" / ")[0] for r in preview.refused] == [
        '7行目 G列: 数値として読めません（"約30"）',
        "9行目 C列: 指標「市民満足度調査の回答率」は計画の指標と一致しません。対応表で指定できます",
    ]


def test_import_submits_historical_figures_keeps_pending_and_negatives(build: PlanBuilder, session: Session) -> None:
    plan_id = stored(build, session)
    table = read_table(area_workbook(), "実績一覧.xlsx")
    mapping, _ = propose(session=session, plan_id=plan_id, table=table)
    done = run_mapping(session=session, plan_id=plan_id, table=table, mapping=mapping, file_name="実績一覧.xlsx",
                       actor="planner", write=True, today=TODAY)
    assert done.written and len(done.lines) == 11
    found = records(session)
    assert {row.review_status for row in found.values()} == {"submitted"}  # into review, never approved
    assert {row.source for row in found.values()} == {HISTORICAL}
    assert found[(VISITORS, 2022)].value == 41200 and found[(BALANCE, 2022)].value == -500
    pending = found[(VISITORS, 2024)]
    assert pending.value is None and "集計中" in (pending.note or "")
    assert found[(VISITORS, 2022)].note == "過年度の実績（実績一覧.xlsx F5）"
    assert found[(CONSULTATIONS, 2024)].note == "過年度の実績（実績一覧.xlsx H6）。当時の評価: A"
    assert found[(RIDERS, 2022)].value == 1000  # the misspelt indicator, matched at its score
    actions = set(session.scalars(select(AuditEventRow.action).where(AuditEventRow.entity == "actual")))
    assert actions == {"actual.historical"}
    reasons = set(session.scalars(select(AuditEventRow.reason).where(AuditEventRow.entity == "actual")))
    assert reasons == {"過年度の実績 / historical figure: 実績一覧.xlsx"}
    # nothing is public before approval; once approved, a pending year is no figure (never 0)
    def visitors_values() -> dict[int, float]:
        return next(k for k in evaluate_stored_plan(session, plan_id, 2024).kpis if k.kpi.indicator == VISITORS).values

    assert visitors_values() == {}
    kpis = kpi_rows(session=session, plan_id=plan_id)
    projects = project_rows(session=session, plan_id=plan_id)
    visitors = kpis[(projects[TOURISM].id, indicator_key(VISITORS))].id
    admin = create_user(session=session, username="admin", role="admin", password="correct horse battery staple",
                        actor="test")
    for year in (2022, 2023, 2024):
        row = found[(VISITORS, year)]
        review_actual(session=session, user=admin, kpi_id=visitors, fiscal_year=year, part=None, step=Step.APPROVE,
                      comment="", expected_version=row.version, today=TODAY)
    approved = records(session)[(VISITORS, 2024)]
    assert (approved.review_status, approved.source, approved.value) == ("approved", HISTORICAL, None)
    assert visitors_values() == {2022: 41200, 2023: 45300}  # FY2024 is pending: no figure, never 0


def test_a_saved_mapping_is_proposed_again_for_the_next_file(build: PlanBuilder, session: Session) -> None:
    plan_id = stored(build, session)
    first = read_table(area_workbook(), "令和6年度.xlsx")
    proposed, _ = propose(session=session, plan_id=plan_id, table=first)
    unmatched = run_mapping(session=session, plan_id=plan_id, table=first, mapping=proposed, file_name="x",
                            actor="planner", today=TODAY).sheet.matches[-1]
    confirmed = proposed.with_match(unmatched.key, None)  # 市民満足度調査の回答率 is not this plan's: left out
    assert save(session=session, plan_id=plan_id, name=" 様式1 実績一覧 ", table=first, mapping=confirmed,
                actor="planner") == "様式1 実績一覧"
    run_mapping(session=session, plan_id=plan_id, table=first, mapping=confirmed, file_name="令和6年度.xlsx",
                actor="planner", write=True, saved_name="様式1 実績一覧", today=TODAY)
    second = read_table(area_workbook(SECOND), "令和7年度.xlsx")
    again, saved = propose(session=session, plan_id=plan_id, table=second)
    assert saved == "様式1 実績一覧" and again == confirmed and again.notes[0].startswith("保存済みの対応表")
    assert load_saved(session=session, plan_id=plan_id, name="様式1 実績一覧") == confirmed
    done = run_mapping(session=session, plan_id=plan_id, table=second, mapping=again, file_name="令和7年度.xlsx",
                       actor="planner", write=True, saved_name=saved, today=TODAY)
    outcomes = {(line.figure.kpi.indicator, line.figure.fiscal_year): line.outcome for line in done.lines}
    assert outcomes[(VISITORS, 2022)] is RowOutcome.UNCHANGED and outcomes[(VISITORS, 2024)] is RowOutcome.UPDATED
    assert outcomes[(RIDERS, 2023)] is RowOutcome.IMPORTED and done.refused == ()
    assert records(session)[(VISITORS, 2024)].value == 47100
    other_header = read_table(area_workbook(header=("No", "事業", "指標", "単位", "目標", "R4", "R5", "R6", "評価",
                                                    "備考")), "x.xlsx")
    assert propose(session=session, plan_id=plan_id, table=other_header)[1] is None
    with pytest.raises(LookupError, match="対応表「なし」は保存されていません（保存済み: 様式1 実績一覧）"):
        load_saved(session=session, plan_id=plan_id, name="なし")


def test_one_row_per_year_with_heisei_years_needs_those_years_open(build: PlanBuilder, session: Session) -> None:
    plan_id = stored(build, session, 2018)
    table = read_table(YEAR_ROWS_CSV.encode("cp932"), "H30-R2.csv")
    mapping, _ = propose(session=session, plan_id=plan_id, table=table)
    done = run_mapping(session=session, plan_id=plan_id, table=table, mapping=mapping, file_name="H30-R2.csv",
                       actor="planner", write=True, today=TODAY)
    assert [(line.figure.fiscal_year, line.figure.value) for line in done.lines] == [(2018, 38000)]
    refused = [r.message.split(" / ")[0] for r in done.refused]
    assert refused[0].startswith("3行目 C列: 令和元年度（2019）の実績報告は受け付けていません")
    assert len(refused) == 5  # rows 3-5: FY2019 and FY2020 are closed; 約90 and R3見込 cannot be read


def test_staff_rights_apply_to_every_figure(build: PlanBuilder, session: Session) -> None:
    plan_id = stored(build, session)
    editor = create_user(session=session, username="editor", role="editor", password="correct horse battery staple",
                         actor="test")
    table = read_table(area_workbook(), "x.xlsx")
    mapping, _ = propose(session=session, plan_id=plan_id, table=table)
    preview = run_mapping(session=session, plan_id=plan_id, table=table, mapping=mapping, file_name="x.xlsx",
                          actor="editor", user=editor, today=TODAY)
    unreadable = {(7, 6), (9, 2)}  # 約30 in G7, the unknown indicator in C9
    assert preview.lines == () and len(preview.refused) == 11 + len(unreadable)
    assert all("権限がありません" in r.message_ja for r in preview.refused if (r.row, r.column) not in unreadable)
    with pytest.raises(WorkflowDenied):
        save(session=session, plan_id=plan_id, name="x", table=table, mapping=mapping, actor="editor", user=editor)
    with pytest.raises(MappingNameError):
        check_name("  ")
    assert KpiChoice(TRANSPORT, RIDERS).label == f"{TRANSPORT}／{RIDERS}"


def test_a_qualitative_kpis_grade_word_is_submitted_as_its_assessment(build: PlanBuilder, session: Session) -> None:
    from renkei.domain.plan import KPI
    from renkei.domain.quantity import Quantity, QuantityKind
    from renkei.reading.sheet_table import table_of
    from renkei.store.tables import AssessmentRow

    aim = KPI("圏域の連携体制", Quantity("-", QuantityKind.NONE), Quantity("連携体制の構築", QuantityKind.QUALITATIVE),
              None)
    plan = build.plan(build.project("連携体制づくり", line=60, kpis=(aim,)), first_year=2022)
    result = import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    assert result.plan_id is not None
    open_round(session=session, plan_id=result.plan_id, fiscal_year=2024, due_date=date(2027, 5, 31), actor="test",
               today=TODAY)
    table = table_of([["指標", "令和6年度", "評価"], ["圏域の連携体制", "", "達成"]])
    mapping, _ = propose(session=session, plan_id=result.plan_id, table=table)
    done = run_mapping(session=session, plan_id=result.plan_id, table=table, mapping=mapping, file_name="評価.csv",
                       actor="planner", write=True, today=TODAY)
    assert [(line.figure.assessment, line.outcome) for line in done.lines] == [("達成", RowOutcome.IMPORTED)]
    judged = session.scalars(select(AssessmentRow)).one()
    assert (judged.fiscal_year, judged.status, judged.review_status) == (2024, "達成", "submitted")
    actions = set(session.scalars(select(AuditEventRow.action).where(AuditEventRow.entity == "assessment")))
    assert actions == {"assessment.historical"}
