"""The review workflow end to end in the services: enter, submit, return, correct, approve, reopen.

A KPI's figure has parts, each reviewed on its own: the lead city's total and each partner's share. Every step is
checked against the year (an open round, never the future), the permission matrix, the workflow and the form's
base version; refused steps write nothing (the database is compared before and after).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from renkei.domain.workflow import ReviewStatus, Step
from renkei.services import workflow
from renkei.services.rounds import close_round, open_round
from renkei.services.workflow import (
    SELF_APPROVAL,
    ActualInput,
    AssessmentInput,
    ConflictError,
    FormErrors,
    WorkflowDenied,
)
from renkei.store.actuals import list_actuals
from renkei.store.audit import list_audit_events
from renkei.store.portal_queries import list_assessments
from renkei.store.tables import ActualRow, AreaRow, AssessmentRow, AuditEventRow

STORY = "自分らしく歩む女性たちのストーリー発信事業"
FIRE = "消防指令業務の共同運用に係る調査研究事業"
YUKUHASHI, ASHIYA = "402133", "403814"


def snapshot(session: Session) -> tuple[int, ...]:
    """Count the rows a step could write."""
    return tuple(session.scalar(select(func.count()).select_from(t)) or 0 for t in (ActualRow, AssessmentRow,
                                                                                       AuditEventRow))


def enter(session: Session, user: Any, kpi: int, value: str, step: Step = Step.SUBMIT, version: int = 0,
          year: int = 2026, part: str | None = None, **text: str) -> ReviewStatus:
    return workflow.enter_actual(session=session, user=user, kpi_id=kpi, fiscal_year=year, part=part,
                                 data=ActualInput(value, **text), step=step, expected_version=version)


def review(session: Session, user: Any, kpi: int, step: Step, comment: str, version: int,
           part: str | None = None) -> ReviewStatus:
    return workflow.review_actual(session=session, user=user, kpi_id=kpi, fiscal_year=2026, part=part, step=step,
                                  comment=comment, expected_version=version)


def public(session: Session, staff: Any, pending: bool = False, part: str | None = None) -> dict[int, float | None]:
    found = list_actuals(session=session, plan_id=staff.plan_id, include_pending=pending)
    return {a.fiscal_year: a.value for a in found.get((STORY, "参加者数"), []) if a.municipality == part}


def test_the_whole_round_trip_of_a_share(session: Session, staff: Any) -> None:
    assert enter(session, staff.yukuhashi, staff.story_kpi, "１，２３４", part=YUKUHASHI) is ReviewStatus.SUBMITTED
    assert public(session, staff, part=YUKUHASHI) == {}
    assert public(session, staff, pending=True, part=YUKUHASHI) == {2026: 1234.0}
    assert public(session, staff, pending=True) == {}  # a share never becomes the total
    with pytest.raises(FormErrors) as caught:
        review(session, staff.editor, staff.story_kpi, Step.RETURN, "  ", 1, YUKUHASHI)
    assert "comment" in caught.value.errors
    returned = review(session, staff.editor, staff.story_kpi, Step.RETURN, "前年度と桁が違います", 1, YUKUHASHI)
    assert returned is ReviewStatus.RETURNED
    assert enter(session, staff.yukuhashi, staff.story_kpi, "1,300", Step.SAVE, 2, part=YUKUHASHI) is ReviewStatus.DRAFT
    assert enter(session, staff.yukuhashi, staff.story_kpi, "1,300", Step.SUBMIT, 3,
                 part=YUKUHASHI) is ReviewStatus.SUBMITTED
    assert review(session, staff.editor, staff.story_kpi, Step.APPROVE, "", 4, YUKUHASHI) is ReviewStatus.APPROVED
    assert public(session, staff, part=YUKUHASHI) == {2026: 1300.0}
    # Reopened: the public keeps the approved figure until the correction is approved.
    assert review(session, staff.admin, staff.story_kpi, Step.REOPEN, "確定値に差し替え", 5,
                  YUKUHASHI) is ReviewStatus.RETURNED
    enter(session, staff.yukuhashi, staff.story_kpi, "1400", Step.SUBMIT, 6, part=YUKUHASHI)
    assert public(session, staff, part=YUKUHASHI) == {2026: 1300.0}
    assert public(session, staff, pending=True, part=YUKUHASHI) == {2026: 1400.0}
    review(session, staff.editor, staff.story_kpi, Step.APPROVE, "確認しました", 7, YUKUHASHI)
    assert public(session, staff, part=YUKUHASHI) == {2026: 1400.0}
    steps = [(e.action, e.actor, e.new_value, e.reason) for e in list_audit_events(
        session=session, project_id=staff.story_id) if e.field == "review_status"]
    assert steps == [
        ("actual.submit", "yukuhashi", "submitted", None),
        ("actual.return", "editor", "returned", "前年度と桁が違います"),
        ("actual.save", "yukuhashi", "draft", "前年度と桁が違います"),
        ("actual.submit", "yukuhashi", "submitted", None),
        ("actual.approve", "editor", "approved", None),
        ("actual.reopen", "admin", "returned", "確定値に差し替え"),
        ("actual.submit", "yukuhashi", "submitted", None),
        ("actual.approve", "editor", "approved", "確認しました"),
    ]
    values = [(e.old_value, e.new_value) for e in list_audit_events(session=session, project_id=staff.story_id)
              if e.field == "value"]
    assert values == [(None, "1234"), ("1234", "1300"), ("1300", "1400")]


def test_two_towns_report_in_the_same_round_without_blocking_each_other(session: Session, staff: Any) -> None:
    enter(session, staff.yukuhashi, staff.story_kpi, "5", part=YUKUHASHI)
    enter(session, staff.ashiya, staff.story_kpi, "7", part=ASHIYA)  # 行橋市's submission does not lock 芦屋町 out
    review(session, staff.editor, staff.story_kpi, Step.APPROVE, "", 1, YUKUHASHI)
    enter(session, staff.editor, staff.story_kpi, "43", Step.SUBMIT)  # the assigned department's total
    review(session, staff.admin, staff.story_kpi, Step.APPROVE, "", 1)
    found = list_actuals(session=session, plan_id=staff.plan_id)[(STORY, "参加者数")]
    assert {(a.municipality, a.value) for a in found} == {(YUKUHASHI, 5.0), (None, 43.0)}  # 芦屋町 not approved yet
    assert {a.reported_by for a in found} == {"行橋市", "北九州市"}  # the organisations, never the logins


@pytest.mark.parametrize(("year", "value", "field"), [
    (2025, "10", "fiscal_year"),  # no round for FY2025
    (2030, "10", "fiscal_year"),  # within the plan but not begun: a forecast is not an actual
    (2026, "たくさん", "value"),
    (2026, "", "value"),
    (2026, "-5", "value"),  # a negative count (回)
    (2026, "12件", "value"),  # another unit than the KPI's
])
def test_bad_input_is_refused_by_field_and_nothing_is_written(session: Session, staff: Any, year: int, value: str,
                                                              field: str) -> None:
    before = snapshot(session)
    with pytest.raises(FormErrors) as caught:
        enter(session, staff.yukuhashi, staff.story_kpi, value, year=year, part=YUKUHASHI)
    assert field in caught.value.errors, caught.value.errors
    assert snapshot(session) == before


def test_a_year_takes_figures_only_while_its_round_is_open(session: Session, staff: Any) -> None:
    enter(session, staff.yukuhashi, staff.story_kpi, "5", Step.SAVE, part=YUKUHASHI)
    close_round(session=session, plan_id=staff.plan_id, fiscal_year=2026, actor="admin")
    with pytest.raises(FormErrors) as caught:
        enter(session, staff.yukuhashi, staff.story_kpi, "6", Step.SUBMIT, 1, part=YUKUHASHI)
    assert "受け付けていません" in caught.value.errors["fiscal_year"]
    with pytest.raises(FormErrors):  # nor is anything reviewed in a closed round
        review(session, staff.admin, staff.story_kpi, Step.APPROVE, "", 1, YUKUHASHI)
    open_round(session=session, plan_id=staff.plan_id, fiscal_year=2026, due_date=date(2027, 6, 30), actor="admin")
    assert enter(session, staff.yukuhashi, staff.story_kpi, "6", Step.SUBMIT, 1,
                 part=YUKUHASHI) is ReviewStatus.SUBMITTED


def test_a_round_is_never_opened_for_a_year_that_has_not_begun(session: Session, staff: Any) -> None:
    from renkei.services.rounds import RoundError

    with pytest.raises(RoundError, match="まだ始まっていません"):
        open_round(session=session, plan_id=staff.plan_id, fiscal_year=2027, due_date=date(2028, 5, 31),
                   actor="admin", today=date(2026, 12, 7))


def test_a_stale_form_is_a_conflict_and_keeps_the_first_save(session: Session, staff: Any) -> None:
    enter(session, staff.editor, staff.story_kpi, "100", Step.SAVE, 0)
    before = snapshot(session)
    with pytest.raises(ConflictError) as caught:
        enter(session, staff.admin, staff.story_kpi, "200", Step.SAVE, 0)
    assert caught.value.version == 1 and caught.value.current["value"] == 100.0
    assert snapshot(session) == before
    assert public(session, staff, pending=True) == {2026: 100.0}


@pytest.mark.parametrize(("who", "kpi", "step", "part"), [
    ("ashiya", "fire_kpi", Step.SUBMIT, ASHIYA),  # 芦屋町 does not take part in the fire project
    ("kitakyushu", "story_kpi", Step.SUBMIT, "401005"),  # nor does 北九州市 (in this plan)
    ("viewer", "story_kpi", Step.SAVE, None),
    ("other_editor", "story_kpi", Step.SAVE, None),  # not assigned
    ("editor", "fire_kpi", Step.SAVE, None),  # assigned elsewhere
    ("yukuhashi", "story_kpi", Step.SAVE, None),  # a town never enters the area's total
    ("yukuhashi", "story_kpi", Step.SAVE, ASHIYA),  # nor another town's share
])
def test_entering_outside_ones_scope_is_denied_and_writes_nothing(session: Session, staff: Any, who: str, kpi: str,
                                                                  step: Step, part: str | None) -> None:
    before = snapshot(session)
    with pytest.raises((WorkflowDenied, LookupError)):
        enter(session, getattr(staff, who), getattr(staff, kpi), "10", step, part=part)
    assert snapshot(session) == before


@pytest.mark.parametrize("who", ["yukuhashi", "ashiya", "viewer", "other_editor"])
def test_reviewing_outside_ones_scope_is_denied(session: Session, staff: Any, who: str) -> None:
    enter(session, staff.yukuhashi, staff.story_kpi, "10", part=YUKUHASHI)
    before = snapshot(session)
    with pytest.raises(WorkflowDenied):
        review(session, getattr(staff, who), staff.story_kpi, Step.APPROVE, "", 1, YUKUHASHI)
    assert snapshot(session) == before


def test_a_share_of_a_municipality_outside_the_project_is_not_found(session: Session, staff: Any) -> None:
    with pytest.raises(LookupError):
        enter(session, staff.admin, staff.story_kpi, "1", part="401005")


def test_steps_the_workflow_does_not_have_are_refused(session: Session, staff: Any) -> None:
    with pytest.raises(FormErrors):  # nothing to approve yet
        review(session, staff.editor, staff.story_kpi, Step.APPROVE, "", 0)
    enter(session, staff.yukuhashi, staff.story_kpi, "10", part=YUKUHASHI)
    with pytest.raises(FormErrors):  # submitted records are not edited, they are returned first
        enter(session, staff.yukuhashi, staff.story_kpi, "11", Step.SAVE, 1, part=YUKUHASHI)


def test_a_self_approval_is_recorded_and_an_area_can_refuse_it(session: Session, staff: Any) -> None:
    enter(session, staff.editor, staff.story_kpi, "40")
    review(session, staff.editor, staff.story_kpi, Step.APPROVE, "", 1)
    approvals = [e for e in list_audit_events(session=session, project_id=staff.story_id)
                 if e.field == "review_status" and e.new_value == "approved"]
    assert [e.reason for e in approvals] == [SELF_APPROVAL]
    review(session, staff.admin, staff.story_kpi, Step.REOPEN, "再確認", 2)
    session.execute(update(AreaRow).values(settings={"require_second_reviewer": True}))
    session.commit()
    enter(session, staff.editor, staff.story_kpi, "41", Step.SUBMIT, 3)
    with pytest.raises(FormErrors) as caught:
        review(session, staff.editor, staff.story_kpi, Step.APPROVE, "", 4)
    assert "別の人" in caught.value.errors["status"]
    assert review(session, staff.admin, staff.story_kpi, Step.APPROVE, "", 4) is ReviewStatus.APPROVED


def test_an_assessment_is_the_lead_citys_under_the_same_workflow(session: Session, staff: Any) -> None:
    def judged() -> list[tuple[str, str, str | None]]:
        found = list_assessments(session=session, plan_id=staff.plan_id)
        return [(a.word, a.comment, a.reported_by) for a in found.get((FIRE, "圏域の連携体制"), [])]

    def assess(user: Any, word: str, step: Step = Step.SUBMIT, version: int = 0, **text: str) -> ReviewStatus:
        return workflow.enter_assessment(session=session, user=user, kpi_id=staff.qualitative_kpi, fiscal_year=2026,
                                         data=AssessmentInput(word, **text), step=step, expected_version=version)

    with pytest.raises(WorkflowDenied):  # a partner town's judgment never becomes the area's
        assess(staff.yukuhashi, "達成")
    with pytest.raises(FormErrors):
        assess(staff.admin, "よくできた")
    with pytest.raises(FormErrors):  # a number is not an assessment of this KPI
        enter(session, staff.admin, staff.qualitative_kpi, "3")
    assess(staff.admin, "一部達成", evidence="協定書", comment="3市町で合意", note="担当者の所感: 慎重に")
    assert judged() == []
    workflow.review_assessment(session=session, user=staff.admin, kpi_id=staff.qualitative_kpi, fiscal_year=2026,
                               step=Step.APPROVE, comment="", expected_version=1)
    assert judged() == [("一部達成", "3市町で合意", "北九州市")]  # the note stays inside
    workflow.review_assessment(session=session, user=staff.admin, kpi_id=staff.qualitative_kpi, fiscal_year=2026,
                               step=Step.REOPEN, comment="根拠を追加", expected_version=2)
    assert judged() == [("一部達成", "3市町で合意", "北九州市")]  # still public while reopened


def test_user_text_is_cleaned_of_markup_and_bounded(session: Session, staff: Any) -> None:
    enter(session, staff.yukuhashi, staff.story_kpi, "5", Step.SAVE, part=YUKUHASHI,
          note="<script>alert(1)</script>速報 <b>値</b>")
    found = list_actuals(session=session, plan_id=staff.plan_id, include_pending=True)[(STORY, "参加者数")]
    assert found[0].note == "速報 値"
    before = snapshot(session)
    with pytest.raises(FormErrors) as caught:
        enter(session, staff.yukuhashi, staff.story_kpi, "5", Step.SAVE, 1, part=YUKUHASHI, note="あ" * 100_000)
    assert "100,000" in caught.value.errors["note"]
    assert snapshot(session) == before


def test_two_steps_on_one_kpi_wait_for_each_other_on_postgresql(session: Session, staff: Any) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session as OrmSession

    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer at a time by itself")
    workflow.load_kpi(session=session, kpi_id=staff.story_kpi)  # the first step holds the KPI …
    with OrmSession(bind=session.get_bind().engine) as other:
        other.execute(text("SET lock_timeout = '300ms'"))
        with pytest.raises(OperationalError, match="lock"):  # … so a second one waits instead of racing it
            enter(other, staff.yukuhashi, staff.story_kpi, "1", part=YUKUHASHI)
    session.rollback()
    assert enter(session, staff.yukuhashi, staff.story_kpi, "1", part=YUKUHASHI) is ReviewStatus.SUBMITTED


@pytest.mark.parametrize(("words", "status", "rating", "grade"), [
    (("中止",), "not_measurable", "-", "Y"),
    (("未着手",), "behind", "D", "X"),
    (("中止", "事業完了"), "achieved", "A", "F"),  # corrected after approval: the approved word in force wins
], ids=["stopped", "not-started", "completed-after-correction"])
def test_the_words_for_the_state_of_the_work_reach_the_areas_grades(session: Session, staff: Any,
                                                                     words: tuple[str, ...], status: str,
                                                                     rating: str, grade: str) -> None:
    """あきる野's Y 中止 and F 事業完了 are reached by the lead city's assessment, entered and approved as any."""
    from dataclasses import replace

    from renkei.domain.scale import AKIRUNO_EXAMPLE
    from renkei.presentation.grading import grade_kpi
    from renkei.reading.area import load_area
    from renkei.services.areas import add_area
    from renkei.services.progress import evaluate_stored_plan

    add_area(session=session, area=replace(load_area("kitakyushu"), scale=AKIRUNO_EXAMPLE), actor="test")
    version = 0
    for index, word in enumerate(words):
        if index:
            workflow.review_assessment(session=session, user=staff.admin, kpi_id=staff.qualitative_kpi,
                                       fiscal_year=2026, step=Step.REOPEN, comment="完了した", expected_version=version)
            version += 1
        workflow.enter_assessment(session=session, user=staff.admin, kpi_id=staff.qualitative_kpi, fiscal_year=2026,
                                  data=AssessmentInput(word, comment=f"{word}の理由"), step=Step.SUBMIT,
                                  expected_version=version)
        workflow.review_assessment(session=session, user=staff.admin, kpi_id=staff.qualitative_kpi, fiscal_year=2026,
                                   step=Step.APPROVE, comment="", expected_version=version + 1)
        version += 2
    progress = evaluate_stored_plan(session, staff.plan_id, 2026)
    (item,) = [k for k in progress.kpis if k.project.key == FIRE and k.kpi.indicator == "圏域の連携体制"]
    assert (item.evaluation.status.value, item.evaluation.rating.value) == (status, rating)
    assert f"「{words[-1]}」" in item.evaluation.explanation_ja
    assert grade_kpi(AKIRUNO_EXAMPLE, item).key == grade
