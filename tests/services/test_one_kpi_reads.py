"""Staff work on one KPI reads its project and the sheets that repeat it, never the whole plan, and sees exactly what
the whole plan's round shows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session
from tests.services.conftest import ROUND_YEAR

from renkei.services.rounds import build_items, report_item
from renkei.services.workflow import load_kpi
from renkei.store import repository
from renkei.store.rounds import kpi_rows


def test_a_kpi_item_is_the_rounds_item_for_it(session: Session, staff: Any) -> None:
    plan = repository.load_plan(session=session, plan_id=staff.plan_id)
    everything = {i.kpi_id: i for i in build_items(session, staff.plan_id, plan, ROUND_YEAR, date(2027, 5, 31),
                                                   date.today())}
    assert everything  # the story, the fire project and its qualitative KPI
    for kpi_id, item in everything.items():
        alone = report_item(session=session, kpi_id=kpi_id, fiscal_year=ROUND_YEAR, due_date=date(2027, 5, 31))
        assert alone == item


def test_a_kpi_is_loaded_with_its_own_sheets_only(session: Session, staff: Any) -> None:
    ctx = load_kpi(session=session, kpi_id=staff.story_kpi)
    # The story project and its 【再掲】 copy: the copy decides nothing here, but belongs to the project.
    assert {p.key for p in ctx.plan.projects} == set(repository.sheets_of_project(ctx.project.key))
    assert len(ctx.plan.projects) == 2 and ctx.project.key == ctx.project_row.key
    fire = load_kpi(session=session, kpi_id=staff.fire_kpi)
    assert [p.key for p in fire.plan.projects] == [fire.project.key]


def test_the_relisted_copys_kpi_is_still_reported_on_the_original(session: Session, staff: Any) -> None:
    relisted = next(k for (pid, _), k in kpi_rows(session=session, plan_id=staff.plan_id).items()
                    if pid not in (staff.story_id, staff.fire_id))
    with pytest.raises(LookupError, match="original sheet"):
        load_kpi(session=session, kpi_id=relisted.id)
