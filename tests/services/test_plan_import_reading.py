"""The plan import stores each project's reading (migration 0002_project_reading) and the store gives it back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from conftest import PlanBuilder

from renkei.services.plan_import import import_plan
from renkei.store import repository
from renkei.store.tables import PlanImportRow, ProjectRow

STORY_READING = "ジブンラシクアユムジョセイタチノストーリーハッシンジギョウ"
FIRE_READING = "ショウボウシレイギョウムノキョウドウウンヨウニカカルチョウサケンキュウジギョウ"


def readings(session: Session) -> dict[str, str | None]:
    """Return the stored readings by project name."""
    return {row.name: row.reading for row in session.scalars(select(ProjectRow))}


def test_import_stores_readings_and_loading_returns_them(session: Session, build: PlanBuilder) -> None:
    plan = build.plan()
    result = import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    assert readings(session) == {build.STORY: STORY_READING, build.FIRE: FIRE_READING}
    assert result.plan_id is not None
    loaded = repository.load_plan(session=session, plan_id=result.plan_id)
    assert {p.name: p.reading for p in loaded.projects}[build.FIRE] == FIRE_READING


def test_reimport_is_still_a_no_op(session: Session, build: PlanBuilder) -> None:
    plan = build.plan()
    import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    again = import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    assert not again.written and again.diff.is_empty


def test_rows_stored_before_readings_get_one_at_the_next_import(session: Session, build: PlanBuilder) -> None:
    plan = build.plan()
    import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    session.execute(update(ProjectRow).values(reading=None))  # as a database migrated from 0001 holds them
    session.commit()
    imports = len(session.scalars(select(PlanImportRow)).all())
    result = import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    assert result.diff.is_empty and result.version == 1  # nothing in the plan changed
    assert None not in readings(session).values()
    assert len(session.scalars(select(PlanImportRow)).all()) == imports + 1  # the back-fill is recorded
