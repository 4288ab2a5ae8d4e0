"""Tests for the actuals import: row checks against the plan, all or nothing, re-imports and the audit trail."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.reading.actuals import read_actuals_csv
from renkei.services.actuals import (
    ActualsImportError,
    ActualsImportReport,
    RowOutcome,
    actuals_by_kpi,
    import_actuals,
    validate_actuals,
)
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.store import repository
from renkei.store.tables import ActualRow, AuditEventRow

if TYPE_CHECKING:
    from conftest import PlanBuilder

STORY = "自分らしく歩む女性たちのストーリー発信事業"
FIRE = "消防指令業務の共同運用に係る調査研究事業"

HEADER = "事業名,指標,年度,実績値,備考\n"
GOOD = (
    f"{STORY},WEBページ閲覧数,R8,\"12,000\",\n"
    f"{STORY},WEBページ閲覧数,令和7年度,１５０００,速報値\n"
    f"{FIRE},参加者数,2026,120,\n"
)


def open_rounds(session: Session, plan_id: int, *years: int) -> None:
    """Open the reporting rounds of these years (FY2025 and FY2026 by default): only they take actuals."""
    for year in years or (2025, 2026):
        open_round(session=session, plan_id=plan_id, fiscal_year=year, due_date=date(year + 1, 5, 31), actor="test")


def stored_plan(build: PlanBuilder, session: Session) -> int:
    """Import the conftest plan (two projects and a 【再掲】 copy), open FY2025 and FY2026, and return its id."""
    result = import_plan(session=session, plan=build.plan(), findings=[], source_text="x", area=build.area())
    assert result.plan_id is not None
    open_rounds(session, result.plan_id)
    return result.plan_id


def count(session: Session, table: type[object]) -> int:
    """Return the number of rows of a table."""
    return session.scalar(select(func.count()).select_from(table)) or 0


def run(build: PlanBuilder, session: Session, plan_id: int, text: str) -> ActualsImportReport:
    """Import actuals CSV text as the test user."""
    return import_actuals(session=session, plan_id=plan_id, sheet=read_actuals_csv(text), actor="担当者A",
                          area=build.area())


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        ("自分らしく歩む女性のストーリー発信事業,WEBページ閲覧数,R8,1,", "project", f"「{STORY}」のことですか"),
        ("存在しない事業,WEBページ閲覧数,R8,1,", "project", "計画にありません"),
        (f"{STORY},WEBページ閲覧回数,R8,1,", "indicator", "「WEBページ閲覧数」のことですか"),
        (f"{STORY},WEBページ閲覧数,R13,1,", "fiscal_year", "まだ始まっていません"),
        (f"{STORY},WEBページ閲覧数,R9,1,", "fiscal_year", "見込み値は実績として記録できません"),
        (f"{STORY},WEBページ閲覧数,2024,1,", "fiscal_year", "（2025～2030年度）の外です"),
        (f"{STORY},WEBページ閲覧数,R8,12%,", "value", "単位「%」"),
        (f"{STORY},WEBページ閲覧数,R8,x,", "value", "数値ではありません"),
        (f"{STORY},WEBページ閲覧数,R8,\"2,000,000,000,000,000\",", "value", "記録できない値です"),
    ],
)
def test_bad_rows_are_reported_with_row_column_and_reason(
    build: PlanBuilder, line: str, column: str, fragment: str
) -> None:
    validation = validate_actuals(build.plan(), read_actuals_csv(HEADER + GOOD + line + "\n"), area=build.area())
    assert [(e.row, e.column) for e in validation.errors] == [(5, column)]
    assert fragment in validation.errors[0].message
    assert len(validation.valid) == 3


def test_the_same_kpi_and_year_twice_names_the_first_row(build: PlanBuilder) -> None:
    text = HEADER + GOOD + f"{STORY},ＷＥＢページ閲覧数,2026,13000,\n"
    validation = validate_actuals(build.plan(), read_actuals_csv(text), area=build.area())
    assert [(e.row, e.column) for e in validation.errors] == [(5, "fiscal_year")]
    assert "2行目" in validation.errors[0].message


def test_a_relisted_name_leads_to_the_original_sheet(build: PlanBuilder) -> None:
    text = HEADER + f"【再掲】{STORY},参加者数,R8,7,\n"
    validation = validate_actuals(build.plan(), read_actuals_csv(text), area=build.area())
    assert validation.errors == ()
    assert [(v.project.key, v.project.relisted) for v in validation.valid] == [(STORY, False)]


def test_values_by_municipality_are_shares_never_a_total(build: PlanBuilder) -> None:
    text = "事業名,指標,年度,実績値,実績値:行橋市,実績値:403814,根拠\n" + f"{FIRE},参加者数,R8,,3,1,各市町の集計\n"
    validation = validate_actuals(build.plan(), read_actuals_csv(text), area=build.area())
    (valid,) = validation.valid
    assert valid.actual.value is None
    assert [(r.municipality, r.value, r.evidence) for r in valid.records] == [
        ("402133", 3.0, "各市町の集計"), ("403814", 1.0, "各市町の集計")]
    assert actuals_by_kpi(validation) == {(FIRE, "参加者数"): list(valid.records)}


def test_a_total_with_some_shares_keeps_both(build: PlanBuilder) -> None:
    text = "事業名,指標,年度,実績値,実績値:行橋市\n" + f"{FIRE},参加者数,R8,40,5\n"
    (valid,) = validate_actuals(build.plan(), read_actuals_csv(text), area=build.area()).valid
    assert [(r.municipality, r.value) for r in valid.records] == [(None, 40.0), ("402133", 5.0)]


@pytest.mark.parametrize(
    ("header", "cells", "fragment"),
    [
        ("実績値:宗像市", "3", "市町村「宗像市」が分かりません"),
        ("実績値:401006", "3", "市町村「401006」が分かりません"),
        ("実績値:北九州市", "3", "連携市町ではありません"),
    ],
)
def test_bad_municipality_values_are_row_errors(
    build: PlanBuilder, header: str, cells: str, fragment: str
) -> None:
    text = f"事業名,指標,年度,実績値,{header}\n{FIRE},参加者数,R8,5,{cells}\n"
    validation = validate_actuals(build.plan(), read_actuals_csv(text), area=build.area())
    assert [e.row for e in validation.errors] == [2]
    assert fragment in validation.errors[0].message


def test_one_bad_row_means_nothing_is_written(build: PlanBuilder, session: Session) -> None:
    plan_id = stored_plan(build, session)
    bad = f"{STORY},WEBページ閲覧数,R8,x,\n存在しない事業,参加者数,R8,1,\n"
    report = run(build, session, plan_id, HEADER + GOOD + bad)
    assert report.aborted
    assert report.rejected_rows == (5, 6)
    assert count(session, ActualRow) == 0


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(build: PlanBuilder, session: Session) -> None:
    plan_id = stored_plan(build, session)
    report = import_actuals(session=session, plan_id=plan_id, area=build.area(), actor="担当者A", skip_invalid=True,
                            sheet=read_actuals_csv(HEADER + GOOD + f"{STORY},WEBページ閲覧数,R20,1,\n"))
    assert [r.row for r in report.imported] == [2, 3, 4]
    assert report.rejected_rows == (5,)
    assert not report.aborted
    assert count(session, ActualRow) == 3
    stored = repository.list_actuals(session=session, plan_id=plan_id)
    assert [(a.fiscal_year, a.value, a.note, a.entered_by) for a in stored[(STORY, "WEBページ閲覧数")]] == [
        (2025, 15000.0, "速報値", "担当者A"), (2026, 12000.0, None, "担当者A")
    ]


def test_reimporting_the_same_file_changes_nothing(build: PlanBuilder, session: Session) -> None:
    plan_id = stored_plan(build, session)
    first = import_actuals(session=session, plan_id=plan_id, sheet=read_actuals_csv(HEADER + GOOD), actor="A")
    assert (len(first.imported), first.written) == (3, True)
    events = count(session, AuditEventRow)
    again = import_actuals(session=session, plan_id=plan_id, sheet=read_actuals_csv(HEADER + GOOD), actor="B")
    assert [r.outcome for r in again.results] == [RowOutcome.UNCHANGED] * 3
    assert not again.written
    assert (count(session, ActualRow), count(session, AuditEventRow)) == (3, events)


def test_a_corrected_value_is_a_new_version_with_an_audit_event(build: PlanBuilder, session: Session) -> None:
    plan_id = stored_plan(build, session)
    import_actuals(session=session, plan_id=plan_id, sheet=read_actuals_csv(HEADER + GOOD), actor="A")
    corrected = GOOD.replace("１５０００,速報値", "15500,確定値")
    report = import_actuals(session=session, plan_id=plan_id, sheet=read_actuals_csv(HEADER + corrected), actor="B")
    assert [(r.row, r.outcome) for r in report.results if r.outcome is not RowOutcome.UNCHANGED] == [
        (3, RowOutcome.UPDATED)
    ]
    assert count(session, ActualRow) == 4
    events = [e for e in repository.list_audit_events(session=session, entity="actual") if e.actor == "B"]
    assert [(e.action, e.field, e.old_value, e.new_value) for e in events] == [
        ("actual.import", "value", "15000", "15500"), ("actual.import", "note", "速報値", "確定値")]
    current = repository.list_actuals(session=session, plan_id=plan_id)[(STORY, "WEBページ閲覧数")]
    assert current[0] == Actual(2025, 15500.0, note="確定値", entered_by="B", reported_by="北九州市")


def test_dry_run_reports_but_writes_nothing(build: PlanBuilder, session: Session) -> None:
    plan_id = stored_plan(build, session)
    report = import_actuals(session=session, plan_id=plan_id, sheet=read_actuals_csv(HEADER + GOOD), actor="A",
                            dry_run=True)
    assert (len(report.imported), report.written, report.dry_run) == (3, False, True)
    assert count(session, ActualRow) == 0


def test_an_unknown_plan_is_an_error(session: Session) -> None:
    with pytest.raises(ActualsImportError, match="no plan with id 99"):
        import_actuals(session=session, plan_id=99, sheet=read_actuals_csv(HEADER + GOOD), actor="A")


EXAMPLE_TEXT = (__import__("pathlib").Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
                ).read_text(encoding="utf-8")
PASSPORT = "こども文化パスポート事業"


def example_plan_id(session: Session) -> int:
    from renkei.reading.sheet import read_plan

    plan, _ = read_plan(EXAMPLE_TEXT)
    result = import_plan(session=session, plan=plan, findings=[], source_text=EXAMPLE_TEXT)
    assert result.plan_id is not None
    open_rounds(session, result.plan_id, 2026)
    return result.plan_id


def test_a_status_word_assesses_a_qualitative_kpi(session: Session) -> None:
    from renkei.services.progress import evaluate_stored_plan

    plan_id = example_plan_id(session)
    sheet = read_actuals_csv("事業名,指標,年度,実績値,備考,公開コメント\n"
                             f"{PASSPORT},参加自治体の数,R8,一部達成,担当者の内部メモ,2町と協議中\n")
    report = import_actuals(session=session, plan_id=plan_id, sheet=sheet, actor="企画課")
    assert report.rejected == () and len(report.imported) == 1
    progress = evaluate_stored_plan(session, plan_id, 2026)
    passport = next(k for k in progress.kpis if k.project.name == PASSPORT)
    assert (passport.evaluation.status.value, passport.evaluation.rating.value) == ("behind", "C")
    assert "「一部達成」" in passport.evaluation.explanation_ja and "2町と協議中" in passport.evaluation.explanation_ja
    assert "内部メモ" not in passport.evaluation.explanation_ja  # the note stays inside
    again = import_actuals(session=session, plan_id=plan_id, sheet=sheet, actor="企画課")
    assert len(again.unchanged) == 1


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("火災原因調査鑑識・鑑定連携事業,鑑識・鑑定及び研修・会議等実施件数,R8,-3,", "value", "マイナス"),
        ("DX人材育成研修の実施,圏域内のDX推進,R8,5,", "value", "測定できる値がない"),
        ("火災原因調査鑑識・鑑定連携事業,鑑識・鑑定及び研修・会議等実施件数,R8,,集計中", "value", "備考だけの行"),
        ("火災原因調査鑑識・鑑定連携事業,鑑識・鑑定及び研修・会議等実施件数,R8,達成,", "value", "定性的な指標の評価"),
    ],
)
def test_implausible_actuals_are_rejected_by_row(session: Session, row: str, column: str, words: str) -> None:
    plan_id = example_plan_id(session)
    report = import_actuals(session=session, plan_id=plan_id, sheet=read_actuals_csv(HEADER + row + "\n"),
                            actor="t")
    assert [(e.row, e.column) for e in report.rejected] == [(2, column)]
    assert words in report.rejected[0].message


def test_a_year_without_an_open_round_or_not_yet_begun_is_refused_by_row(build: PlanBuilder,
                                                                        session: Session) -> None:
    """A row for a year nobody is collecting is an error with its row number, never a warning."""
    result = import_plan(session=session, plan=build.plan(), findings=[], source_text="x", area=build.area())
    assert result.plan_id is not None
    open_rounds(session, result.plan_id, 2026)
    text = HEADER + f"{FIRE},参加者数,R8,120,\n{FIRE},参加者数,R7,100,\n{STORY},参加者数,R12,999,\n"
    report = import_actuals(session=session, plan_id=result.plan_id, sheet=read_actuals_csv(text), actor="A",
                            today=date(2026, 12, 7))
    assert report.aborted and report.held_back == 1
    assert [(e.row, e.column) for e in report.rejected] == [(3, "fiscal_year"), (4, "fiscal_year")]
    assert "受け付けていません" in report.rejected[0].message and "まだ始まっていません" in report.rejected[1].message
    assert count(session, ActualRow) == 0


def test_a_year_after_the_current_one_is_refused_even_with_its_round(build: PlanBuilder, session: Session) -> None:
    result = import_plan(session=session, plan=build.plan(), findings=[], source_text="x", area=build.area())
    assert result.plan_id is not None
    open_rounds(session, result.plan_id, 2026)
    text = HEADER + f"{FIRE},参加者数,R8,120,\n"
    report = import_actuals(session=session, plan_id=result.plan_id, sheet=read_actuals_csv(text), actor="A",
                            today=date(2026, 3, 31))  # the last day of FY2025: FY2026 has not begun
    assert [e.column for e in report.rejected] == ["fiscal_year"]


def test_a_kpi_whose_target_is_a_dash_takes_a_staff_assessment(session: Session) -> None:
    from renkei.services.progress import evaluate_stored_plan
    from renkei.services.rounds import list_report_items

    plan_id = example_plan_id(session)
    items = list_report_items(session=session, plan_id=plan_id, fiscal_year=2026)
    dx = next(i for i in items if i.kpi.indicator == "圏域内のDX推進")
    assert dx.kind.value == "assessment"  # asked for in the round, as an assessment
    sheet = read_actuals_csv("事業名,指標,年度,実績値,公開コメント\n"
                             "DX人材育成研修の実施,圏域内のDX推進,R8,順調,研修を2回実施\n")
    report = import_actuals(session=session, plan_id=plan_id, sheet=sheet, actor="企画課")
    assert report.rejected == () and len(report.imported) == 1
    progress = evaluate_stored_plan(session, plan_id, 2026)
    judged = next(k.evaluation for k in progress.kpis if k.kpi.indicator == "圏域内のDX推進")
    assert (judged.rule, judged.status.value, judged.rating.value) == ("none.assessment", "on_track", "B")
    assert "研修を2回実施" in judged.explanation_ja


def _spy_on_plan_loads(monkeypatch: pytest.MonkeyPatch) -> list[set[str] | None]:
    """Record the project keys of every plan the import reads (None: the whole plan); the reads still happen."""
    calls: list[set[str] | None] = []
    real = repository.load_plan

    def load_plan(**arguments: object) -> object:
        keys = arguments.get("project_keys")
        calls.append(set(keys) if keys is not None else None)  # type: ignore[call-overload]
        return real(**arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "load_plan", load_plan)
    return calls


def _four_sheets(build: PlanBuilder, session: Session) -> int:
    plan = build.plan(build.project(), build.project(FIRE, line=20), build.project(STORY, line=40, relisted=True),
                      build.project("観光振興事業", line=60, kpis=(build.kpi("観光客数", line=68),)))
    result = import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    assert result.plan_id is not None
    open_rounds(session, result.plan_id)
    return result.plan_id


def test_a_few_rows_read_only_the_sheets_they_name(build: PlanBuilder, session: Session,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    plan_id = _four_sheets(build, session)
    named = {key for key, name, _ in repository.list_project_names(session=session, plan_id=plan_id)
             if name in (STORY, FIRE)}
    assert len(named) == 3  # the story, its 【再掲】 copy and the fire project; not the fourth sheet
    calls = _spy_on_plan_loads(monkeypatch)
    text = ("事業名,指標,年度,実績値,実績値:行橋市,備考\n"
            f"{STORY},WEBページ閲覧数,R8,\"12,000\",300,\n{FIRE},参加者数,2026,120,,\n")
    report = run(build, session, plan_id, text)
    assert calls == [named | {k + "#再掲" for k in named if not k.endswith("#再掲")}]  # one read, of those sheets
    assert not report.rejected and len(report.imported) == 2
    assert count(session, ActualRow) == 3  # two totals and 行橋市's share, read by the member's name


@pytest.mark.parametrize(("line", "fragment"), [
    (f"{STORY},観光客数,R8,1,", "この指標は事業「観光振興事業」にあります"),  # found among every sheet
    ("自分らしく歩む女性のストーリー発信事業,WEBページ閲覧数,R8,1,", f"「{STORY}」のことですか"),
])
def test_a_wrong_row_is_explained_from_the_whole_plan(build: PlanBuilder, session: Session,
                                                     monkeypatch: pytest.MonkeyPatch, line: str,
                                                     fragment: str) -> None:
    plan_id = _four_sheets(build, session)
    calls = _spy_on_plan_loads(monkeypatch)
    report = run(build, session, plan_id, HEADER + line + "\n")
    assert report.aborted and calls[-1] is None
    assert fragment in report.rejected[0].message
