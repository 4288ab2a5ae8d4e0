"""Project evaluations, project text drafts, uploads inside the workflow, reporting rounds and the board."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renkei.domain.workflow import ReviewStatus, Step
from renkei.reading.actuals import read_actuals_csv
from renkei.services import evaluations, project_text, rounds
from renkei.services.actuals import import_actuals
from renkei.services.board import BoardFilter, board_csv, build_board
from renkei.services.progress import evaluate_stored_plan
from renkei.services.workflow import ConflictError, FormErrors, WorkflowDenied
from renkei.store.evaluations import list_published_evaluations
from renkei.store.portal_queries import load_area_members
from renkei.store.tables import ActualRow, AuditEventRow

STORY = "自分らしく歩む女性たちのストーリー発信事業"
FIRE = "消防指令業務の共同運用に係る調査研究事業"


def rows(session: Session) -> tuple[int, int]:
    return (session.scalar(select(func.count()).select_from(ActualRow)) or 0,
            session.scalar(select(func.count()).select_from(AuditEventRow)) or 0)


def test_an_evaluation_is_entered_by_the_editor_and_published_by_an_admin(session: Session, staff: Any) -> None:
    data = evaluations.EvaluationInput("令和8年度", "improve", "参加者の声を反映して内容を見直す")
    with pytest.raises(WorkflowDenied):
        evaluations.enter_evaluation(session=session, user=staff.yukuhashi, project_id=staff.story_id, data=data,
                                     step=Step.SUBMIT, expected_version=0)
    with pytest.raises(FormErrors) as caught:
        evaluations.enter_evaluation(session=session, user=staff.editor, project_id=staff.story_id, step=Step.SUBMIT,
                                     data=evaluations.EvaluationInput("2026", "grow", ""), expected_version=0)
    assert set(caught.value.errors) == {"direction", "comment"}
    evaluations.enter_evaluation(session=session, user=staff.editor, project_id=staff.story_id, data=data,
                                 step=Step.SUBMIT, expected_version=0)
    with pytest.raises(WorkflowDenied):  # the editor does not approve its own evaluation
        evaluations.review_evaluation(session=session, user=staff.editor, project_id=staff.story_id, fiscal_year=2026,
                                      step=Step.APPROVE, comment="", expected_version=1)
    assert list_published_evaluations(session=session, project_id=staff.story_id) == []
    evaluations.review_evaluation(session=session, user=staff.admin, project_id=staff.story_id, fiscal_year=2026,
                                  step=Step.APPROVE, comment="", expected_version=1)
    published = list_published_evaluations(session=session, project_id=staff.story_id)
    assert [(p.published_direction, p.published_comment) for p in published] == [
        ("improve", "参加者の声を反映して内容を見直す")]


def test_project_text_drafts_publish_and_conflicts(session: Session, staff: Any) -> None:
    start = project_text.load_project_text(session=session, project_id=staff.story_id)
    assert not start.pending and start.version == 0
    project_text.save_text_draft(session=session, user=staff.editor, project_id=staff.story_id,
                                 description="新しい説明", effects="効果A\n効果B",
                                 roles=[("北九州市", "推進する。")], expected_version=0)
    with pytest.raises(ConflictError) as caught:  # a second person, from the same starting point
        project_text.save_text_draft(session=session, user=staff.admin, project_id=staff.story_id,
                                     description="別の説明", effects="", roles=[], expected_version=0)
    assert caught.value.current["description"] == "新しい説明"
    text = project_text.load_project_text(session=session, project_id=staff.story_id)
    assert text.pending and text.draft is not None and text.draft.description == "新しい説明"
    # Still the document's text in public until it is published.
    plan = evaluate_stored_plan(session, staff.plan_id).plan
    assert next(p for p in plan.projects if p.key == STORY).description == start.document.description
    with pytest.raises(WorkflowDenied):
        project_text.publish_text(session=session, user=staff.editor, project_id=staff.story_id, expected_version=1)
    project_text.publish_text(session=session, user=staff.admin, project_id=staff.story_id, expected_version=1)
    plan = evaluate_stored_plan(session, staff.plan_id).plan
    story = next(p for p in plan.projects if p.key == STORY)
    assert (story.description, story.effects) == ("新しい説明", ("効果A", "効果B"))
    assert not project_text.load_project_text(session=session, project_id=staff.story_id).pending


def test_a_municipality_edits_only_its_own_role_text(session: Session, staff: Any) -> None:
    project_text.save_role_draft(session=session, user=staff.yukuhashi, project_id=staff.story_id,
                                 duties="行橋市内で周知する。\n会場を提供する。", expected_version=0)
    text = project_text.load_project_text(session=session, project_id=staff.story_id)
    assert text.draft is not None
    assert [r.party for r in text.draft.roles] == ["北九州市", "連携市町", "行橋市"]
    assert text.draft.description == text.document.description
    with pytest.raises(WorkflowDenied):
        project_text.save_text_draft(session=session, user=staff.yukuhashi, project_id=staff.story_id,
                                     description="x", effects="", roles=[], expected_version=1)
    with pytest.raises(WorkflowDenied):  # 北九州市 is not a partner of this plan's story project
        project_text.save_role_draft(session=session, user=staff.kitakyushu, project_id=staff.story_id,
                                     duties="推進", expected_version=1)


UPLOAD = ("事業名,指標,年度,実績値:芦屋町,公開コメント\n"
          f"{STORY},参加者数,R8,１，２００,会場2か所\n"
          f"{FIRE},参加者数,R8,30,\n")


def test_an_upload_by_a_municipality_submits_its_own_shares_and_rejects_the_rest(session: Session,
                                                                                staff: Any) -> None:
    before = rows(session)
    report = import_actuals(session=session, plan_id=staff.plan_id, sheet=read_actuals_csv(UPLOAD), actor="web",
                            user=staff.ashiya)
    assert report.aborted and report.rejected_rows == (3,) and report.held_back == 1  # no partner of the fire project
    assert "連携市町ではありません" in report.rejected[0].message
    assert rows(session) == before
    report = import_actuals(session=session, plan_id=staff.plan_id, sheet=read_actuals_csv(UPLOAD), actor="web",
                            user=staff.ashiya, skip_invalid=True)
    assert [r.row for r in report.imported] == [2]
    items = rounds.list_report_items(session=session, plan_id=staff.plan_id, fiscal_year=2026)
    story = next(i for i in items if i.kpi_id == staff.story_kpi)
    share = story.part("403814")
    assert (share.status, share.entered_by, share.current.comment if share.current else None) == (
        ReviewStatus.SUBMITTED, "ashiya", "会場2か所")
    assert story.total.status is ReviewStatus.NOT_STARTED  # a share is never the total
    # A submitted share is not overwritten by another upload with other figures.
    changed = read_actuals_csv(UPLOAD.replace("１，２００", "9"))
    again = import_actuals(session=session, plan_id=staff.plan_id, sheet=changed, actor="web", user=staff.ashiya)
    assert again.aborted and 2 in again.rejected_rows
    # A partner town never sends the area's total, nor another town's share.
    total = read_actuals_csv(f"事業名,指標,年度,実績値\n{STORY},参加者数,R8,1500\n")
    refused = import_actuals(session=session, plan_id=staff.plan_id, sheet=total, actor="web", user=staff.yukuhashi)
    assert refused.rejected_rows == (2,) and "中心市・担当課が入力" in refused.rejected[0].message
    other = read_actuals_csv(f"事業名,指標,年度,実績値:芦屋町\n{STORY},参加者数,R8,1\n")
    refused = import_actuals(session=session, plan_id=staff.plan_id, sheet=other, actor="web", user=staff.yukuhashi)
    assert refused.rejected_rows == (2,) and "自団体の分だけ" in refused.rejected[0].message


def test_rounds_to_do_lists_and_the_board(session: Session, staff: Any) -> None:
    from renkei.services.workflow import ActualInput, enter_actual, set_share_mode

    with pytest.raises(rounds.RoundError):
        rounds.open_round(session=session, plan_id=staff.plan_id, fiscal_year=2040, due_date=date(2041, 5, 31),
                          actor="admin")
    with pytest.raises(rounds.RoundError, match="既に受付中"):
        rounds.open_round(session=session, plan_id=staff.plan_id, fiscal_year=2026, due_date=date(2027, 5, 31),
                          actor="admin")
    opened = rounds.current_round(session=session, plan_id=staff.plan_id)
    assert opened is not None and opened.fiscal_year == 2026
    set_share_mode(session=session, user=staff.admin, kpi_id=staff.story_kpi, mode="sum")
    enter_actual(session=session, user=staff.yukuhashi, kpi_id=staff.story_kpi, fiscal_year=2026, part="402133",
                 data=ActualInput("5"), step=Step.SUBMIT, expected_version=0)
    items = rounds.list_report_items(session=session, plan_id=staff.plan_id, fiscal_year=2026,
                                     due_date=opened.due_date, today=date(2027, 6, 1))
    # Each counted KPI once (the 【再掲】 copy is not asked for again); the qualitative one as an assessment.
    assert [(i.project.name, i.kpi.indicator, i.kind.value) for i in items] == [
        (STORY, "WEBページ閲覧数", "actual"), (STORY, "参加者数", "actual"),
        (FIRE, "参加者数", "actual"), (FIRE, "圏域の連携体制", "assessment")]
    summed = items[1]
    assert summed.rule.owed == ("402133", "403814")
    assert (summed.status, summed.status_of("402133"), summed.status_of("403814")) == (
        ReviewStatus.NOT_STARTED, ReviewStatus.SUBMITTED, ReviewStatus.NOT_STARTED)
    assert summed.figure.value is None and summed.figure.missing == ("403814",)
    assert len(rounds.to_do(staff.editor, items)) == 2
    assert len(rounds.to_do(staff.yukuhashi, items)) == 3  # its shares; the assessment is the lead city's
    assert [i.kpi.indicator for i in rounds.to_do(staff.ashiya, items)] == ["参加者数", "WEBページ閲覧数"]  # owed first
    assert rounds.to_do(staff.viewer, items) == [] and rounds.to_do(staff.kitakyushu, items) == []
    members = load_area_members(session=session, area_slug="kitakyushu")
    assert members is not None
    board = build_board(items, members.members, BoardFilter(), owners={staff.editor.id: "消防局予防課"})
    by_code = {t.key: t for t in board.by_municipality}
    # a share counts against the town that owes it, by the status of its own share: one report is not two
    assert (by_code["402133"].counts[ReviewStatus.SUBMITTED], by_code["402133"].total) == (1, 1)
    assert (by_code["403814"].counts[ReviewStatus.NOT_STARTED], by_code["403814"].overdue) == (1, 1)
    assert by_code["401005"].total == 0
    # the totals count against the department assigned to the project, or the planning staff
    assert {t.label: t.total for t in board.by_owner} == {"消防局予防課": 1, "企画担当（担当課の割当なし）": 2}
    assert board.overall.counts[ReviewStatus.NOT_STARTED] == 4 and board.overall.overdue == 4
    only_fire = build_board(items, members.members, BoardFilter(project=items[2].project.slug))
    assert only_fire.overall.total == 2
    mine = build_board(items, members.members, BoardFilter(), visible_codes=frozenset({"403814"}))
    assert [t.key for t in mine.by_municipality] == ["403814"] and mine.by_owner == ()
    text = board_csv(board, {"402133": "行橋市"})
    assert text.startswith("\ufeff事業 / project") and text.count("\r\n") == 5 and "超過" in text
    assert "行橋市=5" in text
    rounds.close_round(session=session, plan_id=staff.plan_id, fiscal_year=2026, actor="admin")
    assert rounds.current_round(session=session, plan_id=staff.plan_id) is None


def test_the_operator_s_import_approves_a_pending_record_with_the_same_figure(session: Session, staff: Any) -> None:
    from renkei.services.workflow import ActualInput, enter_actual

    enter_actual(session=session, user=staff.editor, kpi_id=staff.story_kpi, fiscal_year=2026, part=None,
                 data=ActualInput("1200"), step=Step.SUBMIT, expected_version=0)
    sheet = read_actuals_csv(f"事業名,指標,年度,実績値\n{STORY},参加者数,R8,1200\n")
    report = import_actuals(session=session, plan_id=staff.plan_id, sheet=sheet, actor="cli")
    assert [r.outcome.value for r in report.results] == ["updated"]
    items = rounds.list_report_items(session=session, plan_id=staff.plan_id, fiscal_year=2026)
    assert next(i for i in items if i.kpi_id == staff.story_kpi).status is ReviewStatus.APPROVED
    again = import_actuals(session=session, plan_id=staff.plan_id, sheet=sheet, actor="cli")
    assert [r.outcome.value for r in again.results] == ["unchanged"]


def test_a_new_share_rule_moves_the_plans_data_version(session: Session, staff: Any) -> None:
    """The figure a KPI shows depends on its share rule: choosing another moves the store's and the area's data
    versions, so no cached page or snapshot keeps the figure made the old way."""
    from renkei.services.workflow import set_share_mode
    from renkei.store.portal_queries import read_area_fingerprint, read_store_fingerprint

    def versions() -> tuple[object, ...]:
        connection = session.connection()
        return (read_store_fingerprint(connection=connection),
                read_area_fingerprint(connection=connection, area_slug="kitakyushu"))

    before = versions()
    set_share_mode(session=session, user=staff.admin, kpi_id=staff.story_kpi, mode="sum")
    after = versions()
    assert after[0] != before[0] and after[1] != before[1]
    set_share_mode(session=session, user=staff.admin, kpi_id=staff.story_kpi, mode="sum")  # the same rule again
    assert versions() == after
