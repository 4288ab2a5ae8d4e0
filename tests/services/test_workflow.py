"""The review workflow end to end in the services: enter, submit, return, correct, approve, reopen.

Every step is checked against the permission matrix, the workflow and the form's base version; refused steps
write nothing (the database is compared before and after).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renkei.domain.workflow import ReviewStatus, Step
from renkei.services import workflow
from renkei.services.workflow import ActualInput, AssessmentInput, ConflictError, FormErrors, WorkflowDenied
from renkei.store.actuals import list_actuals
from renkei.store.audit import list_audit_events
from renkei.store.portal_queries import list_assessments
from renkei.store.tables import ActualRow, AssessmentRow, AuditEventRow

STORY = "自分らしく歩む女性たちのストーリー発信事業"
FIRE = "消防指令業務の共同運用に係る調査研究事業"


def snapshot(session: Session) -> tuple[int, ...]:
    """Count the rows a step could write."""
    return tuple(session.scalar(select(func.count()).select_from(t)) or 0 for t in (ActualRow, AssessmentRow,
                                                                                       AuditEventRow))


def enter(session: Session, user: Any, kpi: int, value: str, step: Step = Step.SUBMIT, version: int = 0,
          year: str = "令和8年度", shares: dict[str, str] | None = None) -> ReviewStatus:
    return workflow.enter_actual(session=session, user=user, kpi_id=kpi, data=ActualInput(year, value,
                                 shares=shares or {}), step=step, expected_version=version)


def review(session: Session, user: Any, kpi: int, step: Step, comment: str, version: int) -> ReviewStatus:
    return workflow.review_actual(session=session, user=user, kpi_id=kpi, fiscal_year=2026, step=step,
                                  comment=comment, expected_version=version)


def public(session: Session, staff: Any, pending: bool = False) -> dict[int, float | None]:
    found = list_actuals(session=session, plan_id=staff.plan_id, include_pending=pending)
    return {a.fiscal_year: a.total for a in found.get((STORY, "参加者数"), [])}


def test_the_whole_round_trip(session: Session, staff: Any) -> None:
    assert enter(session, staff.yukuhashi, staff.story_kpi, "１，２３４") is ReviewStatus.SUBMITTED
    assert public(session, staff) == {} and public(session, staff, pending=True) == {2026: 1234.0}
    with pytest.raises(FormErrors) as caught:
        review(session, staff.editor, staff.story_kpi, Step.RETURN, "  ", 1)
    assert "comment" in caught.value.errors
    returned = review(session, staff.editor, staff.story_kpi, Step.RETURN, "前年度と桁が違います", 1)
    assert returned is ReviewStatus.RETURNED
    assert enter(session, staff.yukuhashi, staff.story_kpi, "1,300", Step.SAVE, 2) is ReviewStatus.DRAFT
    assert enter(session, staff.yukuhashi, staff.story_kpi, "1,300", Step.SUBMIT, 3) is ReviewStatus.SUBMITTED
    assert review(session, staff.editor, staff.story_kpi, Step.APPROVE, "", 4) is ReviewStatus.APPROVED
    assert public(session, staff) == {2026: 1300.0}
    # Reopened: the public keeps the approved figure until the correction is approved.
    assert review(session, staff.admin, staff.story_kpi, Step.REOPEN, "確定値に差し替え", 5) is ReviewStatus.RETURNED
    enter(session, staff.yukuhashi, staff.story_kpi, "1400", Step.SUBMIT, 6)
    assert public(session, staff) == {2026: 1300.0} and public(session, staff, pending=True) == {2026: 1400.0}
    review(session, staff.editor, staff.story_kpi, Step.APPROVE, "確認しました", 7)
    assert public(session, staff) == {2026: 1400.0}
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


@pytest.mark.parametrize(("year", "value", "field"), [
    ("令和20年度", "10", "fiscal_year"),  # outside the KPI's years
    ("来年", "10", "fiscal_year"),
    ("R8", "たくさん", "value"),
    ("2026", "", "value"),
    ("2026", "-5", "value"),  # a negative count (回)
    ("2026", "12件", "value"),  # another unit than the KPI's
])
def test_bad_input_is_refused_by_field_and_nothing_is_written(session: Session, staff: Any, year: str, value: str,
                                                              field: str) -> None:
    before = snapshot(session)
    with pytest.raises(FormErrors) as caught:
        enter(session, staff.yukuhashi, staff.story_kpi, value, year=year)
    assert field in caught.value.errors, caught.value.errors
    assert snapshot(session) == before


@pytest.mark.parametrize("year", ["2026", "令和8年度", "R8", "Ｒ８", "令和8年度（2026）", "FY2026"])
def test_every_year_style_the_import_reads(session: Session, staff: Any, year: str) -> None:
    enter(session, staff.yukuhashi, staff.story_kpi, "１２", year=year)
    assert public(session, staff, pending=True) == {2026: 12.0}


def test_a_stale_form_is_a_conflict_and_keeps_the_first_save(session: Session, staff: Any) -> None:
    enter(session, staff.yukuhashi, staff.story_kpi, "100", Step.SAVE, 0)
    before = snapshot(session)
    with pytest.raises(ConflictError) as caught:
        enter(session, staff.editor, staff.story_kpi, "200", Step.SAVE, 0)
    assert caught.value.version == 1 and caught.value.current["value"] == 100.0
    assert snapshot(session) == before
    assert public(session, staff, pending=True) == {2026: 100.0}


@pytest.mark.parametrize(("who", "kpi", "step"), [
    ("ashiya", "fire_kpi", Step.SUBMIT),  # 芦屋町 does not take part in the fire project
    ("kitakyushu", "story_kpi", Step.SUBMIT),  # nor does 北九州市 (in this plan)
    ("viewer", "story_kpi", Step.SAVE),
    ("other_editor", "story_kpi", Step.SAVE),  # not assigned
    ("editor", "fire_kpi", Step.SAVE),  # assigned elsewhere
])
def test_entering_outside_ones_scope_is_denied_and_writes_nothing(session: Session, staff: Any, who: str, kpi: str,
                                                                  step: Step) -> None:
    before = snapshot(session)
    with pytest.raises(WorkflowDenied):
        enter(session, getattr(staff, who), getattr(staff, kpi), "10", step)
    assert snapshot(session) == before


@pytest.mark.parametrize("who", ["yukuhashi", "ashiya", "viewer", "other_editor"])
def test_reviewing_outside_ones_scope_is_denied(session: Session, staff: Any, who: str) -> None:
    enter(session, staff.yukuhashi, staff.story_kpi, "10")
    before = snapshot(session)
    with pytest.raises(WorkflowDenied):
        review(session, getattr(staff, who), staff.story_kpi, Step.APPROVE, "", 1)
    assert snapshot(session) == before


def test_a_municipality_enters_its_own_share_only(session: Session, staff: Any) -> None:
    enter(session, staff.yukuhashi, staff.story_kpi, "", Step.SAVE, shares={"402133": "７"})
    enter(session, staff.ashiya, staff.story_kpi, "", Step.SAVE, 1, shares={"403814": "5"})
    assert public(session, staff, pending=True) == {2026: 12.0}
    before = snapshot(session)
    with pytest.raises(WorkflowDenied):
        enter(session, staff.ashiya, staff.story_kpi, "", Step.SAVE, 2, shares={"402133": "70"})
    assert snapshot(session) == before
    with pytest.raises(FormErrors) as caught:  # a total must equal the shares, as in the import
        enter(session, staff.ashiya, staff.story_kpi, "20", Step.SAVE, 2)
    assert "value" in caught.value.errors


def test_steps_the_workflow_does_not_have_are_refused(session: Session, staff: Any) -> None:
    with pytest.raises(FormErrors):  # nothing to approve yet
        review(session, staff.editor, staff.story_kpi, Step.APPROVE, "", 0)
    enter(session, staff.yukuhashi, staff.story_kpi, "10")
    with pytest.raises(FormErrors):  # submitted records are not edited, they are returned first
        enter(session, staff.yukuhashi, staff.story_kpi, "11", Step.SAVE, 1)


def test_a_qualitative_kpi_takes_an_assessment_under_the_same_workflow(session: Session, staff: Any) -> None:
    def judged() -> list[tuple[str, str]]:
        found = list_assessments(session=session, plan_id=staff.plan_id)
        return [(a.word, a.comment) for a in found.get((FIRE, "圏域の連携体制"), [])]

    with pytest.raises(FormErrors):
        workflow.enter_assessment(session=session, user=staff.yukuhashi, kpi_id=staff.qualitative_kpi,
                                  data=AssessmentInput("R8", "よくできた"), step=Step.SUBMIT, expected_version=0)
    with pytest.raises(FormErrors):  # a number is not an assessment of this KPI
        workflow.enter_actual(session=session, user=staff.yukuhashi, kpi_id=staff.qualitative_kpi,
                              data=ActualInput("R8", "3"), step=Step.SUBMIT, expected_version=0)
    workflow.enter_assessment(session=session, user=staff.yukuhashi, kpi_id=staff.qualitative_kpi,
                              data=AssessmentInput("R8", "一部達成", "協定書", "3市町で合意"), step=Step.SUBMIT,
                              expected_version=0)
    assert judged() == []
    workflow.review_assessment(session=session, user=staff.admin, kpi_id=staff.qualitative_kpi, fiscal_year=2026,
                               step=Step.APPROVE, comment="", expected_version=1)
    assert judged() == [("一部達成", "3市町で合意")]
    workflow.review_assessment(session=session, user=staff.admin, kpi_id=staff.qualitative_kpi, fiscal_year=2026,
                               step=Step.REOPEN, comment="根拠を追加", expected_version=2)
    assert judged() == [("一部達成", "3市町で合意")]  # still public while reopened


def test_user_text_is_cleaned_of_markup(session: Session, staff: Any) -> None:
    workflow.enter_actual(session=session, user=staff.yukuhashi, kpi_id=staff.story_kpi, step=Step.SAVE,
                          data=ActualInput("2026", "5", note="<script>alert(1)</script>速報 <b>値</b>"),
                          expected_version=0)
    found = list_actuals(session=session, plan_id=staff.plan_id, include_pending=True)[(STORY, "参加者数")]
    assert found[0].note == "速報 値"


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
            enter(other, staff.yukuhashi, staff.story_kpi, "1")
    session.rollback()
    assert enter(session, staff.yukuhashi, staff.story_kpi, "1") is ReviewStatus.SUBMITTED
