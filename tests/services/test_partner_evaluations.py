"""Partner evaluations (連携市町による評価): where the area asks for them, each partner records its own grade in the
area's scale and a comment; only itself (or an admin) enters it, a reviewer publishes it, and publishing moves the
portal's data version."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.orm import Session

from renkei.domain.municipality import Area, Municipality
from renkei.domain.scale import AKIRUNO_EXAMPLE
from renkei.domain.workflow import ReviewStatus, Step
from renkei.reading.area import load_registry
from renkei.reading.sheet import read_plan
from renkei.services.accounts import StaffUser, create_user
from renkei.services.areas import add_area
from renkei.services.partner_evaluations import (
    PartnerEvaluationInput,
    enter_partner_evaluation,
    review_partner_evaluation,
)
from renkei.services.plan_import import import_plan
from renkei.services.workflow import FormErrors, WorkflowDenied
from renkei.store.partner_evaluations import published_partner_evaluations_of
from renkei.store.portal_queries import read_area_fingerprint
from renkei.store.rounds import project_rows

KURUME = Area("kurume", "久留米広域連携中枢都市圏", "402036", (
    Municipality("402036", "久留米市", "福岡県", "くるめし"),
    Municipality("402125", "大川市", "福岡県", "おおかわし"),
    Municipality("405221", "大木町", "福岡県", "おおきまち"),
), 2025, 2029, scale=AKIRUNO_EXAMPLE, partner_evaluations=True)

DOC = """\
事業名\t小児救急医療の連携\t\t\t\t\t連携市町
事業内容\t小児救急の体制を維持する。\t\t\t\t\t久留米市、大川市
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t受診者数\t1,200人（令和6年度）\t\t\t1,500人（令和11年度）
"""
PASSWORD = "correct horse battery staple"


def _setup(session: Session, area: Area = KURUME) -> tuple[int, int, dict[str, StaffUser]]:
    add_area(session=session, area=area, actor="test")
    plan, findings = read_plan(DOC, area=area, registry=load_registry())
    plan_id = import_plan(session=session, plan=plan, findings=findings, source_text=DOC, area=area).plan_id
    assert plan_id is not None
    project_id = next(iter(project_rows(session=session, plan_id=plan_id).values())).id
    users = {
        "admin": create_user(session=session, username="admin", role="admin", password=PASSWORD, actor="test"),
        "okawa": create_user(session=session, username="okawa", role="municipality", password=PASSWORD,
                             actor="test", municipality_code="402125", area="kurume"),
        "oki": create_user(session=session, username="oki", role="municipality", password=PASSWORD, actor="test",
                           municipality_code="405221", area="kurume"),
    }
    return plan_id, project_id, users


def _enter(session: Session, user: StaffUser, project_id: int, code: str, grade: str = "B", comment: str = "改善中",
           step: Step = Step.SUBMIT, version: int = 0) -> ReviewStatus:
    return enter_partner_evaluation(session=session, user=user, project_id=project_id, municipality_code=code,
                                    data=PartnerEvaluationInput("2025", grade, comment), step=step,
                                    expected_version=version)


def test_a_partner_records_its_own_grade_and_a_reviewer_publishes_it(session: Session) -> None:
    plan_id, project_id, users = _setup(session)
    (key,) = [p.key for p in project_rows(session=session, plan_id=plan_id).values()]
    before = read_area_fingerprint(connection=session.connection(), area_slug="kurume")
    assert _enter(session, users["okawa"], project_id, "402125") is ReviewStatus.SUBMITTED
    assert published_partner_evaluations_of(session=session, plan_id=plan_id, project_key=key) == []
    assert read_area_fingerprint(connection=session.connection(), area_slug="kurume") == before  # not public yet
    status = review_partner_evaluation(session=session, user=users["admin"], project_id=project_id,
                                       municipality_code="402125", fiscal_year=2025, step=Step.APPROVE, comment="",
                                       expected_version=1)
    assert status is ReviewStatus.APPROVED
    (published,) = published_partner_evaluations_of(session=session, plan_id=plan_id, project_key=key)
    assert (published.municipality_code, published.grade, published.comment) == ("402125", "B", "改善中")
    assert read_area_fingerprint(connection=session.connection(), area_slug="kurume") != before


@pytest.mark.parametrize(("user", "code"), [
    ("okawa", "402036"),  # another partner's evaluation
    ("oki", "405221"),  # a member that is not a partner of this project
])
def test_only_the_partner_itself_enters_its_evaluation(session: Session, user: str, code: str) -> None:
    _, project_id, users = _setup(session)
    with pytest.raises(WorkflowDenied):
        _enter(session, users[user], project_id, code)
    session.rollback()


def test_the_lead_citys_evaluation_is_the_projects_own(session: Session) -> None:
    _, project_id, users = _setup(session)
    with pytest.raises(FormErrors) as caught:
        _enter(session, users["admin"], project_id, "402036")  # 久留米市 leads: its evaluation is the 事業評価
    session.rollback()
    assert "連携市町ではありません" in caught.value.errors["municipality_code"]


def test_a_grade_outside_the_areas_scale_and_a_missing_reason_are_refused(session: Session) -> None:
    _, project_id, users = _setup(session)
    with pytest.raises(FormErrors) as caught:
        _enter(session, users["okawa"], project_id, "402125", grade="D", comment="")
    session.rollback()
    assert set(caught.value.errors) == {"grade", "comment"}
    assert "F・S・A・B・C・X・Y・Z" in caught.value.errors["grade"]
    assert _enter(session, users["okawa"], project_id, "402125", grade="S", comment="", step=Step.SAVE) \
        is ReviewStatus.DRAFT  # a draft may wait for its reason


def test_an_area_that_does_not_ask_refuses_them(session: Session) -> None:
    _, project_id, users = _setup(session, replace(KURUME, partner_evaluations=False))
    with pytest.raises(FormErrors) as caught:
        _enter(session, users["okawa"], project_id, "402125")
    session.rollback()
    assert "求めていません" in caught.value.errors["status"]
