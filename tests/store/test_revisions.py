"""The revision store: histories read per plan (or per sheet), quantities whole; none for an unrevised plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from renkei.domain.revision import KpiChange
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.store.revisions import list_kpi_histories, list_revisions

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
FIRE = "火災原因調査鑑識・鑑定連携事業"


def test_histories_are_read_whole_and_by_sheet(session: Session,
                                               revise_example: Callable[[Session, int], None]) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    plan, findings = read_plan(text)
    import_plan(session=session, plan=plan, findings=findings, source_text=text)
    assert list_kpi_histories(session=session, plan_id=1) == {} and list_revisions(session=session, plan_id=1) == []
    old_target = next(k for p in plan.projects if p.name == FIRE for k in p.kpis).target
    revise_example(session, 1)
    everything = list_kpi_histories(session=session, plan_id=1)
    assert len(everything) == 3
    fire_key = next(p.key for p in plan.projects if p.name == FIRE)
    only_fire = list_kpi_histories(session=session, plan_id=1, project_keys=[fire_key])
    ((place, history),) = only_fire.items()
    assert place[0] == fire_key and everything[place] == history
    (entry,) = history.entries
    assert entry.change is KpiChange.CHANGED and entry.fields == ("target",)
    assert entry.old_target == old_target  # every field of the quantity, not only its text
    assert entry.new_target is not None and entry.new_target.value == 40
    (revision,) = list_revisions(session=session, plan_id=1)
    assert entry.revision == revision and revision.date_label == "令和9年10月"


def test_a_dropped_kpi_comes_with_its_last_form(session: Session,
                                               revise_example: Callable[[Session, int], None]) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    plan, findings = read_plan(text)
    import_plan(session=session, plan=plan, findings=findings, source_text=text)
    revise_example(session, 1)
    histories = list_kpi_histories(session=session, plan_id=1)
    (dropped,) = [h for h in histories.values() if h.dropped is not None]
    sheet = next(p for p in plan.projects if any(k.indicator == dropped.indicator for k in p.kpis))
    position, kpi = next((i, k) for i, k in enumerate(sheet.kpis) if k.indicator == dropped.indicator)
    assert (dropped.last_form, dropped.position) == (kpi, position)  # as stored before the revision
    assert all(h.last_form is None and h.position is None for h in histories.values() if h is not dropped)
