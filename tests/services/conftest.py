"""Fixtures of the staff-workspace service tests: a stored plan and one account of every kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from renkei.domain.plan import KPI, Partners, indicator_key
from renkei.domain.quantity import Quantity, QuantityKind
from renkei.services.accounts import StaffUser, create_user, set_project_assignment
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.store.rounds import kpi_rows, project_rows

PASSWORD = "correct horse battery staple"
#: The fiscal year of the round the fixture opens (FY2026: under way or ended whenever the tests run).
ROUND_YEAR = 2026


@dataclass
class Staff:
    """A stored plan (two projects and a 【再掲】 copy) and its users, by role."""

    plan_id: int
    story_id: int
    fire_id: int
    story_kpi: int
    fire_kpi: int
    qualitative_kpi: int
    admin: StaffUser
    editor: StaffUser
    other_editor: StaffUser
    yukuhashi: StaffUser
    ashiya: StaffUser
    kitakyushu: StaffUser
    viewer: StaffUser
    password: str = PASSWORD


def make_staff(session: Session, build: Any) -> Staff:
    """Store the plan and create the accounts (the editor is assigned the story project)."""
    qualitative = KPI("圏域の連携体制", Quantity("-", QuantityKind.NONE),
                      Quantity("連携体制の構築", QuantityKind.QUALITATIVE), None)
    fire = build.project(build.FIRE, line=20, partners=Partners("行橋市", ("行橋市",), ("402133",)),
                         kpis=(build.kpi("参加者数", 250), qualitative))
    # The story project's partners are all resolved, so its figures can be the sum of their shares.
    partners = Partners("行橋市、芦屋町", ("行橋市", "芦屋町"), ("402133", "403814"))
    plan = build.plan(build.project(partners=partners), fire,
                      build.project(build.STORY, line=40, relisted=True, partners=partners))
    result = import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    assert result.plan_id is not None
    projects = project_rows(session=session, plan_id=result.plan_id)
    kpis = kpi_rows(session=session, plan_id=result.plan_id)
    story, fire_row = projects[build.STORY], projects[build.FIRE]
    users = {}
    for name, role, code in [("admin", "admin", None), ("editor", "editor", None), ("editor2", "editor", None),
                             ("yukuhashi", "municipality", "402133"), ("ashiya", "municipality", "403814"),
                             ("kitakyushu", "municipality", "401005"), ("viewer", "viewer", None)]:
        users[name] = create_user(session=session, username=name, role=role, password=PASSWORD, actor="test",
                                  municipality_code=code, display_name=name.title())
    set_project_assignment(session=session, username="editor", project_id=story.id, assigned=True, actor="test")
    open_round(session=session, plan_id=result.plan_id, fiscal_year=ROUND_YEAR, due_date=date(2027, 5, 31),
               actor="test")
    return Staff(
        result.plan_id, story.id, fire_row.id, kpis[(story.id, indicator_key("参加者数"))].id,
        kpis[(fire_row.id, indicator_key("参加者数"))].id, kpis[(fire_row.id, indicator_key("圏域の連携体制"))].id,
        users["admin"], users["editor"], users["editor2"],
        users["yukuhashi"], users["ashiya"], users["kitakyushu"], users["viewer"],
    )


@pytest.fixture
def staff(session: Session, build: Any) -> Staff:
    """Return the stored plan and its accounts."""
    return make_staff(session, build)
