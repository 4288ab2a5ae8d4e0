"""Tests for plan progress: every KPI evaluated, 【再掲】 sheets counted once, summaries and the database form."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual, Assessment
from renkei.domain.plan import Plan
from renkei.domain.progress import ProgressError, Status
from renkei.domain.relisting import Relisting
from renkei.domain.totals import total_budget
from renkei.reading.actuals import read_actuals_csv
from renkei.reading.sheet import read_plan
from renkei.services.actuals import import_actuals
from renkei.services.plan_import import import_plan
from renkei.services.plan_lookup import PlanNotFoundError, resolve_plan_id
from renkei.services.progress import (
    default_evaluation_year,
    evaluate_plan,
    evaluate_plan_kpis,
    evaluate_stored_plan,
    summarise_progress,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
FIRE = "火災原因調査鑑識・鑑定連携事業"
FIRE_KPI = "鑑識・鑑定及び研修・会議等実施件数"
ROAD = "圏域内道路交通のネットワーク化にかかる連携"
ROAD_KPI = "都市計画道路の整備率"
PASSPORT = "こども文化パスポート事業"
ACTUALS = {(FIRE, FIRE_KPI): [Actual(2026, 4), Actual(2027, 6)], (ROAD, ROAD_KPI): [Actual(2026, 84.9)]}


@pytest.fixture(scope="module")
def plan() -> Plan:
    """Read the bundled example vision."""
    return read_plan(EXAMPLE.read_text(encoding="utf-8"))[0]


def pick(records: list[dict[str, object]], indicator: str) -> dict[str, object]:
    """Return the record of an indicator."""
    (record,) = [r for r in records if r["indicator"] == indicator]
    return record


@pytest.mark.parametrize(
    ("as_of", "indicator", "expected"),
    [
        (2027, FIRE_KPI, {"latest_actual": 6.0, "progress": 0.4, "expected_progress": 0.4, "status": "on_track",
                          "rating": "B", "kind": "cumulative", "forecast_year_reached": 2030}),
        (2026, ROAD_KPI, {"latest_actual": 84.9, "progress": 0.2857, "expected_progress": 0.3333,
                          "status": "behind", "rating": "C", "kind": "point"}),
        (2026, FIRE_KPI, {"latest_actual": 4.0, "progress": 0.16, "expected_progress": 0.2, "status": "behind",
                          "rating": "C"}),
    ],
)
def test_worked_examples_of_the_bundled_plan(
    plan: Plan, as_of: int, indicator: str, expected: dict[str, object]
) -> None:
    evaluations = evaluate_plan(plan, ACTUALS, as_of=as_of)
    record = pick([e.to_dict() for e in evaluations], indicator)
    assert {key: record[key] for key in expected} == expected


def test_every_kpi_is_evaluated_in_document_order(plan: Plan) -> None:
    evaluations = evaluate_plan(plan, ACTUALS, as_of=2027)
    assert [(e.project, e.indicator) for e in evaluations] == [
        (p.name, k.indicator) for p in plan.projects for k in p.kpis
    ]
    assert sum(e.status is Status.NO_DATA for e in evaluations) == 27


def test_actual_keys_are_matched_by_folded_indicator(plan: Plan) -> None:
    spaced = {(FIRE, "鑑識・鑑定及び研修・会議等 実施件数"): [Actual(2026, 4), Actual(2027, 6)]}
    record = pick([e.to_dict() for e in evaluate_plan(plan, spaced, as_of=2027)], FIRE_KPI)
    assert record["status"] == "on_track"


def test_a_qualitative_kpi_takes_the_latest_assessment_due(plan: Plan) -> None:
    (project,) = [p for p in plan.projects if p.name == PASSPORT]
    key = (project.key, project.kpis[0].indicator)
    assessments = {key: [Assessment(2026, Status.ON_TRACK, "2市町が参加"), Assessment(2028, Status.ACHIEVED)]}
    evaluations = evaluate_plan(plan, {}, as_of=2027, assessments=assessments)
    (passport,) = [e for e in evaluations if e.project == PASSPORT]
    assert (passport.status, passport.rating.value) == (Status.ON_TRACK, "B")


def test_a_relisted_copy_shares_its_originals_actuals_and_counts_once(plan: Plan) -> None:
    fire = next(p for p in plan.projects if p.name == FIRE)
    doubled = replace(plan, projects=(*plan.projects, replace(fire, relisted=True, line=9999)))
    kpis = evaluate_plan_kpis(doubled, ACTUALS, as_of=2027)
    copies = [k for k in kpis if k.project.name == FIRE]
    assert [(k.project.relisted, k.counted, k.evaluation.status.value) for k in copies] == [
        (False, True, "on_track"), (True, False, "on_track")
    ]
    summary = summarise_progress(doubled, kpis)
    assert summary.overall.kpis == 30
    assert summary.overall.projects == 30
    assert summary.overall.by_status["on_track"] == 1


def test_summary_counts_by_policy_area_and_category(plan: Plan) -> None:
    summary = summarise_progress(plan, evaluate_plan_kpis(plan, ACTUALS, as_of=2026))
    assert summary.as_of == 2026
    overall = summary.overall
    assert overall.kpis == sum(overall.by_status.values()) == sum(overall.by_rating.values()) == 30
    assert (overall.by_status["behind"], overall.by_rating["C"]) == (2, 2)
    labels = list(dict.fromkeys(p.policy_area_label for p in plan.projects))
    assert [g.label for g in summary.by_policy_area] == labels
    assert labels[0] == "（政策分野なし）" and len(labels) == len(plan.policy_areas) + 1
    assert sum(g.kpis for g in summary.by_policy_area) == sum(g.kpis for g in summary.by_category) == 30
    assert sum(g.projects for g in summary.by_category) == len(plan.projects)


def test_summary_budget_totals_count_each_budget_once(plan: Plan) -> None:
    summary = summarise_progress(plan, evaluate_plan_kpis(plan, {}, as_of=2026))
    totals = total_budget(plan, Relisting.of(plan))
    assert totals.plan_period_total is not None
    assert summary.overall.budget_total == totals.plan_period_total > 0
    assert summary.overall.budget_by_year == {
        y.fiscal_year: y.amount for y in (*totals.years, *totals.outside) if y.amount is not None}
    assert {g.label: g.budget_by_year for g in summary.by_policy_area if g.budget_by_year} == {
        k: v for k, v in totals.by_policy_area.items() if v
    }
    assert sum(g.budget_total or 0 for g in summary.by_category) == totals.plan_period_total


def test_an_impossible_year_is_the_progress_error(plan: Plan) -> None:
    with pytest.raises(ProgressError):
        evaluate_plan(plan, {}, as_of=0)


CSV = (
    "事業名,指標,年度,実績値\n"
    f"{FIRE},{FIRE_KPI},R7,6\n{FIRE},{FIRE_KPI},R8,4\n{ROAD},{ROAD_KPI},2026,84.9%\n"
)
STORED = {(FIRE, FIRE_KPI): [Actual(2025, 6), Actual(2026, 4)], (ROAD, ROAD_KPI): [Actual(2026, 84.9)]}


def test_the_database_form_gives_the_same_evaluations(plan: Plan, session: Session) -> None:
    from renkei.services.rounds import open_round

    text = EXAMPLE.read_text(encoding="utf-8")
    result = import_plan(session=session, plan=plan, findings=[], source_text=text)
    assert result.plan_id is not None
    for year in (2025, 2026):
        open_round(session=session, plan_id=result.plan_id, fiscal_year=year, due_date=date(year + 1, 5, 31),
                   actor="test")
    report = import_actuals(session=session, plan_id=result.plan_id, sheet=read_actuals_csv(CSV), actor="test")
    assert report.rejected == ()
    progress = evaluate_stored_plan(session, "kitakyushu-2026", 2027)
    assert progress.plan_id == result.plan_id
    assert [k.evaluation for k in progress.kpis] == evaluate_plan(plan, STORED, as_of=2027)
    assert progress.summary == summarise_progress(plan, evaluate_plan_kpis(plan, STORED, as_of=2027))
    assert resolve_plan_id(session=session, plan=None) == result.plan_id
    assert resolve_plan_id(session=session, plan=f"kitakyushu/{result.plan_key}") == result.plan_id


@pytest.mark.parametrize("name", ["nothing-2026", "42"])
def test_an_unknown_plan_is_named_in_the_error(session: Session, name: str) -> None:
    with pytest.raises(PlanNotFoundError, match=name):
        evaluate_stored_plan(session, name, 2027)


def test_the_evaluation_year_is_kept_within_the_plan_period(plan: Plan, session: Session) -> None:
    import_plan(session=session, plan=plan, findings=[], source_text=EXAMPLE.read_text(encoding="utf-8"))
    assert evaluate_stored_plan(session, None, 2200).as_of == 2030
    assert evaluate_stored_plan(session, None, 1990).as_of == 2026


def test_the_calendar_does_not_move_the_verdict(plan: Plan) -> None:
    # Only FY2026 is reported: judging as of 2027 must not downgrade anything (the year 2027 is unknown).
    as_2026 = evaluate_plan(plan, ACTUALS | {(FIRE, FIRE_KPI): [Actual(2026, 4)]}, as_of=2026)
    as_2027 = evaluate_plan(plan, ACTUALS | {(FIRE, FIRE_KPI): [Actual(2026, 4)]}, as_of=2027)
    assert [(e.status, e.rating) for e in as_2026] == [(e.status, e.rating) for e in as_2027]
    assert all("令和9年度は未報告" in e.explanation_ja for e in as_2027 if e.judged_year == 2026)


def test_pending_actuals_count_only_in_a_preview(plan: Plan, session: Session) -> None:
    from renkei.store import repository

    result = import_plan(session=session, plan=plan, findings=[], source_text=EXAMPLE.read_text(encoding="utf-8"))
    assert result.plan_id is not None
    kpi = repository.find_kpi(session=session, plan_id=result.plan_id, project=FIRE, indicator=FIRE_KPI)
    assert kpi is not None
    repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(2026, 4), actor="t",
                             review_status="submitted")
    session.commit()

    def fire(include_pending: bool) -> str:
        progress = evaluate_stored_plan(session, result.plan_id, 2026, include_pending=include_pending)
        return next(k.evaluation.status.value for k in progress.kpis if k.kpi.indicator == FIRE_KPI)

    assert (fire(False), fire(True)) == ("no_data", "behind")


def test_a_reporting_round_sets_the_default_year(plan: Plan, session: Session) -> None:
    from renkei.services.rounds import open_round

    result = import_plan(session=session, plan=plan, findings=[], source_text=EXAMPLE.read_text(encoding="utf-8"))
    assert result.plan_id is not None
    calendar = default_evaluation_year(plan)  # before any round: the latest ended fiscal year, within the period
    assert evaluate_stored_plan(session, result.plan_id).as_of == calendar
    later = date(2029, 6, 1)  # rounds are opened for years that have begun
    open_round(session=session, plan_id=result.plan_id, fiscal_year=2028, due_date=date(2029, 5, 31), actor="admin",
               today=later)
    assert evaluate_stored_plan(session, result.plan_id).as_of == 2028  # the year being collected
    open_round(session=session, plan_id=result.plan_id, fiscal_year=2027, due_date=date(2028, 5, 31), actor="admin",
               today=later)
    assert evaluate_stored_plan(session, result.plan_id).as_of == 2028  # the latest round, not the newest opened
    assert evaluate_stored_plan(session, result.plan_id, 2026).as_of == 2026  # a chosen year still wins
