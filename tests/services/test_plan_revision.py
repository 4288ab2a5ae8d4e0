"""A revision mid-period (一部改正): targets change, KPIs come and go, actuals stay, and each year keeps its target."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.domain.revision import KpiChange, Revision
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import ImportResult, PlanImportError, import_plan
from renkei.services.progress import KpiProgress, PlanProgress, evaluate_stored_plan
from renkei.store import repository
from renkei.store.revisions import list_kpi_histories, list_revisions
from renkei.store.tables import ActualRow, AssessmentRow, KpiRevisionRow, KpiRow, PlanRevisionRow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
FIRE = "火災原因調査鑑識・鑑定連携事業"
FIRE_KPI = "鑑識・鑑定及び研修・会議等実施件数"
TRAINING = "消防法令に基づく規制業務に関する職員の育成"
DROPPED_KPI = "各種研修等の件数"
ADDED_KPI = "各種研修等の受講者数"
REVISION = Revision("一部改正", date(2027, 10, 1), 2027, reason="総務省の求めによるKPIの見直し",
                    date_text="令和9年10月")


def revised_text() -> str:
    """Return the example with the fire KPI's target raised (25件 → 40件) and one KPI replaced by another."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count("25件（令和12年度までの累計）") == 1 and text.count(f"\t{DROPPED_KPI}\t") == 1
    return (text.replace("25件（令和12年度までの累計）", "40件（令和12年度までの累計）")
            .replace(f"\t{DROPPED_KPI}\t5件（令和7年度）\t\t\t5件（令和12年度）",
                     f"\t{ADDED_KPI}\t50人（令和7年度）\t\t\t100人（令和12年度）"))


def store(session: Session, text: str, revision: Revision | None = None) -> ImportResult:
    """Import a document (as a revision when given one)."""
    plan, _ = read_plan(text)
    return import_plan(session=session, plan=plan, findings=[], source_text=text, revision=revision)


def kpi_id(session: Session, plan_id: int, project: str, indicator: str) -> int:
    """Return the id of a stored KPI."""
    row = repository.find_kpi(session=session, plan_id=plan_id, project=project, indicator=indicator)
    assert row is not None
    return row.id


def fire(session: Session, plan_id: int, as_of: int) -> KpiProgress:
    """Return the fire KPI's evaluation as of a year."""
    progress = evaluate_stored_plan(session, plan_id, as_of)
    return next(k for k in progress.kpis if k.project.name == FIRE and k.kpi.indicator == FIRE_KPI)


@pytest.fixture
def revised(session: Session) -> tuple[int, dict[str, int]]:
    """Store the example with actuals, a submitted figure and an assessment; then import the revision."""
    first = store(session, EXAMPLE.read_text(encoding="utf-8"))
    assert first.plan_id is not None
    ids = {"fire": kpi_id(session, first.plan_id, FIRE, FIRE_KPI),
           "dropped": kpi_id(session, first.plan_id, TRAINING, DROPPED_KPI)}
    for year, value in ((2026, 4.0), (2027, 6.0)):
        repository.upsert_actual(session=session, kpi_id=ids["fire"], actual=Actual(year, value), actor="t")
    repository.upsert_actual(session=session, kpi_id=ids["fire"], actual=Actual(2028, 3.0), actor="t",
                             review_status="submitted")
    repository.upsert_actual(session=session, kpi_id=ids["dropped"], actual=Actual(2026, 5.0), actor="t")
    from renkei.store.actuals import upsert_assessment

    upsert_assessment(session=session, kpi_id=ids["fire"], fiscal_year=2026, word="概ね順調", comment="", actor="t")
    session.commit()
    result = store(session, revised_text(), REVISION)
    assert result.revision == REVISION and result.written
    assert result.plan_id == first.plan_id
    return first.plan_id, ids


def test_every_actual_and_assessment_stays_on_its_kpi(session: Session, revised: tuple[int, dict[str, int]]) -> None:
    plan_id, ids = revised
    assert kpi_id(session, plan_id, FIRE, FIRE_KPI) == ids["fire"]  # the same KPI, not a new one
    by_kpi = dict(session.execute(select(ActualRow.kpi_id, func.count()).group_by(ActualRow.kpi_id)).all())
    assert by_kpi == {ids["fire"]: 3, ids["dropped"]: 1}
    submitted = session.scalars(select(ActualRow).where(ActualRow.review_status == "submitted")).one()
    assert submitted.kpi_id == ids["fire"]  # the staff workflow's pending figure still waits on the same KPI
    assert session.scalars(select(AssessmentRow.kpi_id)).all() == [ids["fire"]]
    dropped = session.get(KpiRow, ids["dropped"])
    assert dropped is not None and dropped.status == "withdrawn"  # kept, never deleted
    same_name = select(func.count()).select_from(KpiRow).where(KpiRow.indicator == FIRE_KPI)
    assert session.scalar(same_name) == 1  # not duplicated


def test_each_year_is_judged_against_the_target_then_in_force(
        session: Session, revised: tuple[int, dict[str, int]]) -> None:
    plan_id, _ = revised
    before, after = fire(session, plan_id, 2026), fire(session, plan_id, 2027)
    assert (before.kpi.target.text, before.evaluation.target_value) == ("25件（令和12年度までの累計）", 25.0)
    assert (after.kpi.target.text, after.evaluation.target_value) == ("40件（令和12年度までの累計）", 40.0)
    assert before.evaluation.progress == pytest.approx(4 / 25)
    assert after.evaluation.progress == pytest.approx(10 / 40)
    assert before.evaluation.explanation_ja.startswith("令和9年度の改正前の目標（25件（令和12年度までの累計））")
    assert after.evaluation.explanation_ja.startswith("令和9年度の改正後の目標（40件（令和12年度までの累計））")
    assert after.evaluation.explanation_en.startswith("Judged against the target after the FY2027 revision (40件")
    assert fire(session, plan_id, 2030).evaluation.target_value == 40.0


def test_the_history_says_what_each_kpi_went_through(session: Session, revised: tuple[int, dict[str, int]]) -> None:
    plan_id, _ = revised
    assert list_revisions(session=session, plan_id=plan_id) == [REVISION]
    histories = list_kpi_histories(session=session, plan_id=plan_id)
    changes = {place: [e.change for e in h.entries] for place, h in histories.items()}
    assert changes == {(FIRE, FIRE_KPI): [KpiChange.CHANGED], (TRAINING, DROPPED_KPI): [KpiChange.DROPPED],
                       (TRAINING, ADDED_KPI): [KpiChange.ADDED]}
    (changed,) = histories[(FIRE, FIRE_KPI)].entries
    assert changed.describe() == ("令和9年度の改正（一部改正、令和9年10月）で目標を25件（令和12年度までの累計）から"
                                  "40件（令和12年度までの累計）に変更")
    dropped = histories[(TRAINING, DROPPED_KPI)]
    assert dropped.dropped is not None
    assert dropped.entries[0].describe() == "令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）"
    progress = evaluate_stored_plan(session, plan_id, 2027)
    assert (TRAINING, DROPPED_KPI) in progress.histories
    added = next(k for k in progress.kpis if k.kpi.indicator == ADDED_KPI)
    assert added.history is not None and added.to_dict()["revisions"] == added.history.to_list()


def test_a_plain_correction_keeps_no_history(session: Session) -> None:
    first = store(session, EXAMPLE.read_text(encoding="utf-8"))
    assert first.plan_id is not None
    result = store(session, revised_text())
    assert result.revision is None and result.written
    assert session.scalar(select(func.count()).select_from(PlanRevisionRow)) == 0
    assert fire(session, first.plan_id, 2026).evaluation.target_value == 40.0  # a correction: always was 40
    assert "revisions" not in fire(session, first.plan_id, 2026).to_dict()


def test_a_revision_that_changes_no_kpi_records_nothing(session: Session) -> None:
    store(session, EXAMPLE.read_text(encoding="utf-8"))
    result = store(session, EXAMPLE.read_text(encoding="utf-8"), REVISION)
    assert (result.revision, result.written) == (None, False)
    assert session.scalar(select(func.count()).select_from(KpiRevisionRow)) == 0


@pytest.mark.parametrize(("revision", "field"), [
    (Revision("一部改正", date(2040, 4, 1), 2040), "revision_from"),
    (Revision(" ", date(2027, 4, 1), 2027), "revision"),
])
def test_a_revision_outside_the_period_or_unnamed_is_refused(session: Session, revision: Revision,
                                                             field: str) -> None:
    store(session, EXAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(PlanImportError) as caught:
        store(session, revised_text(), revision)
    assert caught.value.field == field
    assert session.scalar(select(func.count()).select_from(PlanRevisionRow)) == 0


def test_a_revision_needs_a_stored_plan(session: Session) -> None:
    with pytest.raises(PlanImportError) as caught:
        store(session, revised_text(), REVISION)
    assert caught.value.field == "revision" and "import the vision first" in str(caught.value)


def test_a_revision_that_replaces_a_whole_sheet_records_its_kpis(session: Session) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    first = store(session, text)
    assert first.plan_id is not None
    blocks = text.split("\n\n")
    (index,) = [i for i, b in enumerate(blocks) if b.lstrip().startswith("事業名") and TRAINING in b]
    renamed = blocks[index].replace(TRAINING, "消防法令に基づく規制業務の研修")
    revised = "\n\n".join([*blocks[:index], renamed, *blocks[index + 1:]])
    result = store(session, revised, REVISION)
    assert result.revision == REVISION
    assert [e.name for e in result.diff.removed_projects] == [TRAINING]
    histories = list_kpi_histories(session=session, plan_id=first.plan_id)
    assert {(place[1], h.entries[0].change) for place, h in histories.items()} == {
        (DROPPED_KPI, KpiChange.DROPPED), (DROPPED_KPI, KpiChange.ADDED)}
    new_sheet = "消防法令に基づく規制業務の研修"
    assert not [k for k in evaluate_stored_plan(session, first.plan_id, 2026).kpis if k.project.name == new_sheet]
    moved = next(k for k in evaluate_stored_plan(session, first.plan_id, 2027).kpis if k.project.name == new_sheet)
    assert moved.history is not None and moved.counted


def places(progress: PlanProgress) -> set[tuple[str, str]]:
    """Return the (sheet, indicator) of every KPI an evaluation lists."""
    return {(k.project.name, k.kpi.indicator) for k in progress.kpis}


def test_each_year_evaluates_and_counts_the_kpis_of_the_vision_then_in_force(
        session: Session, revised: tuple[int, dict[str, int]]) -> None:
    plan_id, _ = revised
    before, after = evaluate_stored_plan(session, plan_id, 2026), evaluate_stored_plan(session, plan_id, 2030)
    original = original_places()
    assert places(before) == original  # FY2026: the original edition's KPIs, the dropped one among them
    assert places(after) == original - {(TRAINING, DROPPED_KPI)} | {(TRAINING, ADDED_KPI)}
    assert before.summary.overall.kpis == after.summary.overall.kpis == len([k for k in before.kpis if k.counted])
    dropped = next(k for k in before.kpis if k.kpi.indicator == DROPPED_KPI)
    assert dropped.counted and dropped.history is not None
    assert (dropped.kpi.target.text, dropped.values) == ("5件（令和12年度）", {2026: 5.0})  # its actual, its target
    assert dropped.evaluation.explanation_ja.startswith(
        "令和9年度の改正（一部改正、令和9年10月）で削除された指標で、令和8年度までは評価の対象です。")
    assert dropped.evaluation.explanation_en.startswith("Dropped by the FY2027 revision (一部改正, 令和9年10月); "
                                                        "judged up to FY2026. ")
    sheet = [k for k in before.kpis if k.project.name == TRAINING]
    current = next(p for p in before.plan.projects if p.name == TRAINING).kpis
    assert sheet[-1] is dropped and dropped.position == len(current)  # after the sheet's current KPIs: stable anchors
    counts = Counter(k.evaluation.status.value for k in before.kpis if k.counted)
    assert {s: n for s, n in before.summary.overall.by_status.items() if n} == dict(counts)
    for year in (2027, 2028, 2030):
        assert (TRAINING, DROPPED_KPI) not in places(evaluate_stored_plan(session, plan_id, year))


def test_a_kpi_added_from_a_later_year_is_not_evaluated_before_it(
        session: Session, revised: tuple[int, dict[str, int]]) -> None:
    plan_id, _ = revised
    assert (TRAINING, ADDED_KPI) not in places(evaluate_stored_plan(session, plan_id, 2026))
    added = next(k for k in evaluate_stored_plan(session, plan_id, 2027).kpis if k.kpi.indicator == ADDED_KPI)
    assert added.counted and not added.evaluation.explanation_ja.startswith("令和9年度の改正")


def original_places() -> set[tuple[str, str]]:
    """Return the (sheet, indicator) of every KPI of the example as first imported (read again, not stored)."""
    plan, _ = read_plan(EXAMPLE.read_text(encoding="utf-8"))
    return {(p.name, k.indicator) for p in plan.projects for k in p.kpis}
