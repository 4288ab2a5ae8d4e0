"""Areas as data: adding an area stores it (audited), and the stored area is what every later reader gets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.domain.municipality import Area, Municipality
from renkei.domain.plan import Plan
from renkei.reading.actuals import read_actuals_csv
from renkei.reading.area import load_area, load_registry
from renkei.reading.sheet import read_plan
from renkei.services.accounts import create_user
from renkei.services.actuals import import_actuals
from renkei.services.areas import add_area, area_for_document, seed_area
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
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


KURUME_DOC = """\
事業名\t小児救急医療の連携\t\t\t\t\t連携市町
事業内容\t小児救急の体制を維持する。\t\t\t\t\t久留米市、大川市
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t受診者数\t1,200人（令和6年度）\t\t\t1,500人（令和11年度）
"""


def test_a_staff_upload_for_an_area_that_is_no_seed_knows_its_members(session: Session) -> None:
    assert seed_area("kurume") is None
    plan, findings = read_plan(KURUME_DOC, area=KURUME, registry=load_registry())
    result = import_plan(session=session, plan=plan, findings=findings, source_text=KURUME_DOC, area=KURUME)
    assert result.plan_id is not None
    open_round(session=session, plan_id=result.plan_id, fiscal_year=2025, due_date=date(2026, 5, 31), actor="test",
               today=date(2026, 6, 1))
    admin = create_user(session=session, username="admin", role="admin", password="correct horse battery staple",
                        actor="test")
    sheet = read_actuals_csv("事業名,指標,年度,実績値:大木町,実績値:福岡市,実績値:大川市\n"
                             "小児救急医療の連携,受診者数,2025,10,20,30\n")
    report = import_actuals(session=session, plan_id=result.plan_id, sheet=sheet, actor="admin", user=admin,
                            today=date(2026, 6, 1))
    messages = [e.message_ja for e in report.rejected]
    assert "「大木町」は事業「小児救急医療の連携」の連携市町ではありません" in messages  # a member, not a partner
    assert any("「福岡市」が分かりません" in m for m in messages)  # nobody's member


def test_an_areas_scale_and_roll_up_are_stored_audited_and_read_back(session: Session) -> None:
    from renkei.domain.scale import AKIRUNO_EXAMPLE, SETO_TAKAMATSU_EXAMPLE, RollUp
    from renkei.store.portal_queries import load_area_members

    graded = replace(KURUME, scale=SETO_TAKAMATSU_EXAMPLE, rollup=RollUp.MEAN_RATE)
    add_area(session=session, area=KURUME, actor="planner")
    assert find_area(session=session, slug="kurume") == KURUME  # no scale: renkei's, the worst KPI's grade
    assert add_area(session=session, area=graded, actor="planner").changed
    assert find_area(session=session, slug="kurume") == graded
    members = load_area_members(session=session, area_slug="kurume")
    assert members is not None and (members.scale, members.rollup) == (SETO_TAKAMATSU_EXAMPLE, RollUp.MEAN_RATE)
    after = session.scalars(select(AuditEventRow).order_by(AuditEventRow.id.desc())).first()
    assert after is not None and after.action == "area.update" and after.after is not None
    assert after.after["rollup"] == "mean_rate" and after.after["evaluation_scale"]["rule"]["by"] == "score_rate"
    assert "evaluation_scale" not in (after.before or {})
    assert not add_area(session=session, area=graded, actor="planner").changed  # the same scale again: nothing
    words = replace(KURUME, scale=AKIRUNO_EXAMPLE, rollup=RollUp.SHARE)  # mappings: PostgreSQL reorders JSON keys
    assert add_area(session=session, area=words, actor="planner").changed
    assert find_area(session=session, slug="kurume") == words
    assert not add_area(session=session, area=words, actor="planner").changed


def test_a_new_scale_moves_the_data_version_of_the_areas_plans(session: Session) -> None:
    from renkei.domain.scale import AKIRUNO_EXAMPLE, RollUp
    from renkei.store.plan_reads import read_plan_marks
    from renkei.store.portal_queries import read_area_fingerprint, read_store_fingerprint

    plan, findings = read_plan(KURUME_DOC, area=KURUME, registry=load_registry())
    plan_id = import_plan(session=session, plan=plan, findings=findings, source_text=KURUME_DOC, area=KURUME).plan_id
    assert plan_id is not None
    session.commit()

    def versions() -> tuple[object, ...]:
        connection = session.connection()
        marks = read_plan_marks(session=session, plan_id=plan_id)
        assert marks is not None
        return (read_store_fingerprint(connection=connection),
                read_area_fingerprint(connection=connection, area_slug="kurume"), marks.structure)

    before = versions()
    assert versions() == before  # nothing changed: the same version
    add_area(session=session, area=replace(KURUME, scale=AKIRUNO_EXAMPLE), actor="planner")
    with_scale = versions()
    assert all(a != b for a, b in zip(before, with_scale, strict=True))  # every mark the portal reads moved
    add_area(session=session, area=replace(KURUME, scale=AKIRUNO_EXAMPLE, rollup=RollUp.SHARE), actor="planner")
    assert all(a != b for a, b in zip(with_scale, versions(), strict=True))  # the roll-up alone moves them too
