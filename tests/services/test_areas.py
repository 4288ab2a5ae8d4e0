"""Areas as data: adding an area stores it (audited), and the stored area is what every later reader gets."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.domain.municipality import Area, Municipality
from renkei.domain.plan import Plan
from renkei.reading.area import load_area
from renkei.services.areas import add_area, area_for_document, seed_area
from renkei.services.plan_import import import_plan
from renkei.store.areas import find_area, list_stored_areas
from renkei.store.tables import AuditEventRow

KURUME = Area("kurume", "久留米広域連携中枢都市圏", "402036", (
    Municipality("402036", "久留米市", "福岡県", "くるめし"),
    Municipality("402125", "大川市", "福岡県", "おおかわし"),
    Municipality("405221", "大木町", "福岡県", "おおきまち"),
), 2025, 2029, name_en="Kurume", extra_parties=("福岡県",), require_second_reviewer=True)


def _events(session: Session) -> list[tuple[str, str]]:
    return [(e.action, e.entity_key) for e in session.scalars(select(AuditEventRow).order_by(AuditEventRow.id))]


def test_an_added_area_reads_back_whole(session: Session) -> None:
    change = add_area(session=session, area=KURUME, actor="planner")
    assert (change.created, change.changed) == (True, True)
    assert find_area(session=session, slug="kurume") == KURUME
    assert _events(session) == [("area.add", "kurume")]


def test_adding_the_same_area_again_writes_nothing(session: Session) -> None:
    add_area(session=session, area=KURUME, actor="planner")
    change = add_area(session=session, area=KURUME, actor="planner")
    assert (change.created, change.changed) == (False, False)
    assert _events(session) == [("area.add", "kurume")]


def test_an_update_replaces_members_lead_and_period(session: Session) -> None:
    add_area(session=session, area=KURUME, actor="planner")
    later = replace(KURUME, lead_code="402125", members=KURUME.members[1:], plan_first_year=2030,
                    plan_last_year=2034, require_second_reviewer=False)
    assert add_area(session=session, area=later, actor="planner").changed
    assert find_area(session=session, slug="kurume") == later
    assert _events(session)[-1] == ("area.update", "kurume")
    (listed,) = list_stored_areas(session=session)
    assert (listed.lead_name, listed.member_count, listed.first_year) == ("大川市", 2, 2030)


def test_a_plan_for_an_unknown_area_leaves_a_bare_row_that_answers_nothing(session: Session) -> None:
    import_plan(session=session, plan=Plan("nowhere", "どこか", 2026, 2030, ()), findings=[], source_text="")
    assert find_area(session=session, slug="nowhere") is None
    (listed,) = list_stored_areas(session=session)
    assert (listed.slug, listed.member_count, listed.plan_keys) == ("nowhere", 0, ("nowhere-2026",))


def test_a_document_is_read_for_the_stored_area_before_the_seed(session: Session) -> None:
    seed = load_area("toyama-gosei")
    assert area_for_document(session=session, slug="toyama-gosei") == seed
    fewer = replace(seed, members=seed.members[:5])
    add_area(session=session, area=fewer, actor="planner")
    assert area_for_document(session=session, slug="toyama-gosei") == fewer
    assert area_for_document(session=session, slug="kurume") is None
    assert seed_area("kurume") is None
