"""A plan in another area's style (→ years, a stated 計, relative targets, measures) survives the store unchanged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.store import repository

TEXT = (Path(__file__).resolve().parents[1] / "data" / "other_areas_toyama.txt").read_text(encoding="utf-8")


def test_the_new_fields_round_trip_and_reimporting_changes_nothing(session: Session) -> None:
    area = load_area("toyama-gosei")
    plan, findings = read_plan(TEXT, area=area)
    result = import_plan(session=session, plan=plan, findings=findings, source_text=TEXT, area=area)
    assert result.plan_id is not None
    stored = repository.load_plan(session=session, plan_id=result.plan_id)
    assert stored == plan
    budget = stored.projects[1].budget
    assert budget is not None and [c.status.value for c in budget.cells][1] == "unclear"
    assert stored.projects[0].budget is not None and stored.projects[0].budget.total_amount == 70300
    targets = [k.target for p in stored.projects for k in p.kpis]
    assert any(t.relative is not None and t.relative.relation.value == "percent" for t in targets)
    assert any(t.measure == "面積" for t in targets)
    again = import_plan(session=session, plan=plan, findings=findings, source_text=TEXT, area=area)
    assert again.diff.is_empty and not again.written
