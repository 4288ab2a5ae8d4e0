"""Plan snapshots: an update after each kind of change equals a full build, and one area's build never holds up
another area's request (``web/snapshot.py``)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from renkei.domain.actual import Actual
from renkei.domain.plan import KPI, Plan
from renkei.domain.relisting import Relisting
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.store import repository
from renkei.store.actuals import upsert_actual, upsert_assessment
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.plan_reads import read_plan_marks, read_projects
from renkei.store.portal_queries import read_area_fingerprint
from renkei.store.rounds import kpi_rows, project_rows
from renkei.store.tables import KpiRow, ProjectRow
from renkei.store.workspace_tables import ProjectTextRow
from renkei.web.readmodel import Portal, ProjectView
from renkei.web.snapshot import PortalCache, load_portal
from renkei.web.snapshot_files import SnapshotFiles

YEAR = 2026
AREA = "kitakyushu"
SHEETS = 70


@dataclass
class Stored:
    """A stored generated plan: its id, its document, and its KPI and sheet ids."""

    plan_id: int
    text: str
    kpis: list[int]
    #: KPI ids of a relisted sheet's original (its 【再掲】 copy shows the same figures).
    relisted_originals: list[int]
    #: (original key, relisted key) of one pair.
    relisted_pair: tuple[str, str]
    projects: dict[str, int]


@pytest.fixture
def stored(session: Session, generated_document: Callable[[int], str]) -> Stored:
    text = generated_document(SHEETS)
    plan, findings = read_plan(text, area=load_area(AREA))
    # a 【再掲】 copy of a sheet with KPIs, later in the plan (the generated document repeats no original)
    original = next(p for p in plan.projects if p.kpis)
    plan = replace(plan, projects=(*plan.projects, replace(original, relisted=True, line=(original.line or 0) + 90000)))
    plan_id = import_plan(session=session, plan=plan, findings=findings, source_text=text).plan_id
    assert plan_id is not None
    projects = {key: row.id for key, row in project_rows(session=session, plan_id=plan_id).items()}
    kpis = kpi_rows(session=session, plan_id=plan_id)
    key_of = {pid: key for key, pid in projects.items()}
    copy = plan.projects[-1].key
    assert Relisting.of(plan).original_key(copy) == original.key
    originals = [row.id for (pid, _), row in kpis.items() if key_of[pid] == original.key]
    ids = sorted(row.id for row in kpis.values())
    for n, kpi_id in enumerate(ids):
        if n % 3 == 0:  # a third of the KPIs start with an approved figure
            upsert_actual(session=session, kpi_id=kpi_id, actual=Actual(YEAR, float(n)), actor="test")
    session.commit()
    return Stored(plan_id, text, ids, originals, (original.key, copy), projects)


def load(session: Session, cache: PortalCache | None, area: str = AREA) -> Portal:
    """Load the area's current plan as of the year, as the pages do: keyed by the area's data version now."""
    version = read_area_fingerprint(connection=session.connection(), area_slug=area)
    portal = load_portal(session=session, cache=cache, fingerprint=version, area_slug=area, as_of=YEAR)
    assert portal is not None
    session.rollback()  # a request's read ends with it (SQLite: a later write must not upgrade an old read)
    return portal


def approve(value: float, review_status: str = "approved") -> Callable[[Session, int], None]:
    """Return a change that records a figure for a KPI with a review status (approved ones are published)."""
    def change(session: Session, kpi_id: int) -> None:
        upsert_actual(session=session, kpi_id=kpi_id, actual=Actual(YEAR, value), actor="test",
                      review_status=review_status)
    return change


def assess(word: str, review_status: str = "approved") -> Callable[[Session, int], None]:
    """Return a change that records a staff assessment of a KPI."""
    def change(session: Session, kpi_id: int) -> None:
        upsert_assessment(session=session, kpi_id=kpi_id, fiscal_year=YEAR, word=word, comment=f"{word}です",
                          actor="test", review_status=review_status)
    return change


def publish_text(description: str) -> Callable[[Session, int], None]:
    """Return a change that publishes staff text over a KPI's sheet (as ``services.project_text`` stores it)."""
    def change(session: Session, kpi_id: int) -> None:
        project_id = session.get_one(KpiRow, kpi_id).project_id
        row = session.scalars(select(ProjectTextRow).where(ProjectTextRow.project_id == project_id,
                                                           ProjectTextRow.kind == "published")).one_or_none()
        if row is None:
            row = ProjectTextRow(project_id=project_id, kind="published", version=0, updated_by="test")
            session.add(row)
        row.description, row.effects, row.roles = description, ["効果"], [{"party": "北九州市", "duties": ["推進"]}]
        row.version += 1
    return change


def view_of(portal: Portal, key: str) -> ProjectView:
    """Return the view of the sheet with this key."""
    return next(v for v in portal.projects if v.key == key)


def assert_updated(session: Session, cache: PortalCache, before: Portal, kind: str, *, shows_change: bool,
                   step: str) -> Portal:
    """Load after a change: the snapshot was reached the expected way and equals a full build of the same data."""
    builds = Counter(cache.builds)
    updated = load(session, cache)
    assert cache.builds - builds == Counter({kind: 1}), step
    full = load(session, None)
    assert updated == full, step  # every view, evaluation, summary and index, field by field
    assert (updated.progress != before.progress) is shows_change, step
    return updated


def test_each_kind_of_change_updates_to_what_a_full_build_shows(session: Session, stored: Stored) -> None:
    cache = PortalCache()
    portal = load(session, cache)
    assert cache.builds == Counter({"full": 1})
    plain, original = stored.kpis[1], stored.relisted_originals[0]
    steps: list[tuple[str, Callable[[Session, int], None], int, str, bool]] = [
        ("a new approved actual", approve(123.0), plain, "update", True),
        ("a corrected approved actual", approve(456.0), plain, "update", True),
        ("a submitted actual: not public yet", approve(789.0, "submitted"), stored.kpis[4], "same", False),
        ("its approval", approve(789.0), stored.kpis[4], "update", True),
        ("a returned correction: the public keeps the approved figure", approve(1.0, "returned"), plain, "same",
         False),
        ("a published assessment", assess("順調"), stored.kpis[7], "update", True),
        ("a draft assessment: not public", assess("遅れ", "draft"), stored.kpis[10], "update", False),
        ("an actual of a sheet that a 【再掲】 sheet repeats", approve(31.0), original, "update", True),
        ("published project text", publish_text("職員が書き直した説明"), stored.kpis[13], "update", True),
    ]
    for name, change, kpi_id, kind, shows in steps:
        change(session, kpi_id)
        session.commit()
        portal = assert_updated(session, cache, portal, kind, shows_change=shows, step=name)
    key, copy = stored.relisted_pair
    original_view, copy_view = view_of(portal, key), view_of(portal, copy)
    assert {k.values.get(YEAR) for k in original_view.kpis} == {k.values.get(YEAR) for k in copy_view.kpis}
    assert 31.0 in {k.values.get(YEAR) for k in copy_view.kpis}  # the copy shows its original's new figure
    edited_id = session.get_one(KpiRow, stored.kpis[13]).project_id
    edited = view_of(portal, next(k for k, v in stored.projects.items() if v == edited_id))
    assert edited.project.description == "職員が書き直した説明"
    # a corrected edition of the document is a new plan version: the whole plan is read again
    plan = repository.load_plan(session=session, plan_id=stored.plan_id)
    plan = replace(plan, projects=(replace(plan.projects[0], description="訂正版の説明"), *plan.projects[1:]))
    import_plan(session=session, plan=plan, findings=[], source_text=stored.text + "\n")
    builds = Counter(cache.builds)
    reread = load(session, cache)
    assert cache.builds - builds == Counter({"full": 1})
    assert reread == load(session, None)
    assert reread.projects[0].project.description == "訂正版の説明"


def test_any_sequence_of_changes_updates_to_a_full_build(session: Session, stored: Stored) -> None:
    cache = PortalCache()
    portal = load(session, cache)
    chooser = random.Random(19)
    kinds: list[Callable[[int], Callable[[Session, int], None]]] = [
        lambda n: approve(float(n)), lambda n: approve(float(n), "submitted"), lambda n: approve(-1.0, "returned"),
        lambda n: assess(chooser.choice(["順調", "遅れ", "達成"])), lambda n: publish_text(f"説明 {n}"),
    ]
    for n in range(14):
        for _ in range(chooser.randint(1, 3)):  # a few changes between two requests
            chooser.choice(kinds)(n)(session, chooser.choice(stored.kpis))
        session.commit()
        builds = Counter(cache.builds)
        portal = load(session, cache)
        assert set(cache.builds - builds) <= {"update", "same"}
        assert portal == load(session, None), f"step {n}"


def test_marks_move_with_what_the_public_sees(session: Session, stored: Stored) -> None:
    before = read_plan_marks(session=session, plan_id=stored.plan_id)
    assert before is not None
    approve(5.0, "draft")(session, stored.kpis[2])
    session.commit()
    draft = read_plan_marks(session=session, plan_id=stored.plan_id)
    assert draft is not None and draft.changed_sheets(before) == frozenset()  # a draft is not public
    approve(5.0)(session, stored.kpis[2])
    session.commit()
    approved = read_plan_marks(session=session, plan_id=stored.plan_id)
    assert approved is not None
    sheet = session.get_one(ProjectRow, session.get_one(KpiRow, stored.kpis[2]).project_id).key
    assert approved.changed_sheets(draft) == frozenset({sheet})
    assert read_plan_marks(session=session, plan_id=stored.plan_id + 1000) is None


def test_core_rows_make_the_same_projects_as_orm_objects(session: Session, stored: Stored) -> None:
    orm = [s.project for s in repository.load_projects(session=session, plan_id=stored.plan_id).values()
           if s.row.status == "active"]
    assert read_projects(session=session, plan_id=stored.plan_id) == orm
    some = {p.key for p in orm[::7]}
    assert read_projects(session=session, plan_id=stored.plan_id, keys=some) == [p for p in orm if p.key in some]


@pytest.fixture
def two_areas(migrated_url: str, generated_document: Callable[[int], str],
              build: Any) -> Iterator[tuple[sessionmaker[Session], dict[str, int]]]:
    """Two areas, each with its plan; yields a session factory and the plans' ids by area."""
    engine = create_engine_from_url(migrated_url)
    factory = create_session_factory(engine)
    with factory() as session:
        text = generated_document(SHEETS)
        plan, findings = read_plan(text, area=load_area(AREA))
        first = import_plan(session=session, plan=plan, findings=findings, source_text=text).plan_id
        other = import_plan(session=session, plan=build.plan(slug="kurume"), findings=[], source_text="久留米",
                            area=build.area("kurume", "久留米広域連携中枢都市圏")).plan_id
        assert first is not None and other is not None
    yield factory, {AREA: first, "kurume": other}
    engine.dispose()


def test_a_build_of_one_area_never_holds_up_another_areas_request(
        two_areas: tuple[sessionmaker[Session], dict[str, int]]) -> None:
    factory, plans = two_areas
    started, release = threading.Event(), threading.Event()

    def hold_kitakyushu(plan_id: int) -> None:  # the build of kitakyushu's snapshot waits here, holding its lock
        if plan_id == plans[AREA]:
            started.set()
            release.wait(120)  # a guard against a hang, not a timing: the test releases it

    cache = PortalCache(on_build=hold_kitakyushu)
    answers: dict[str, list[Portal]] = {AREA: []}

    def ask_kitakyushu() -> None:
        with factory() as session:
            answers[AREA].append(load(session, cache))

    first, second = threading.Thread(target=ask_kitakyushu), threading.Thread(target=ask_kitakyushu)
    first.start()
    assert started.wait(120)
    second.start()  # the same plan: waits for the one build instead of starting its own
    with factory() as session:
        other = load(session, cache, "kurume")  # answered while kitakyushu's build is held
    assert other.summary.area_slug == "kurume"
    assert first.is_alive() and not answers[AREA]  # kitakyushu's build was still held when kurume was answered
    release.set()
    first.join(120)
    second.join(120)
    assert [p.summary.area_slug for p in answers[AREA]] == [AREA, AREA]
    assert answers[AREA][0] is answers[AREA][1]  # one build, shared
    assert cache.builds == Counter({"full": 2})  # kitakyushu once, kurume once


def kept_on_disk() -> None:
    """Wait until the snapshots being written in the background are on disk."""
    for thread in threading.enumerate():
        if thread.name.startswith("renkei-keep-"):
            thread.join()


def test_a_new_worker_starts_from_the_kept_snapshot_and_brings_it_up_to_date(
        session: Session, stored: Stored, migrated_url: str, tmp_path: Path) -> None:
    engine = create_engine_from_url(migrated_url)
    first = PortalCache(files=SnapshotFiles(tmp_path, engine))
    load(session, first)
    kept_on_disk()
    assert first.builds == Counter({"full": 1}) and len(list(tmp_path.glob("*.snapshot"))) == 1
    same = PortalCache(files=SnapshotFiles(tmp_path, engine))  # a restart with the data as they were
    assert load(session, same) == load(session, None)
    assert same.builds == Counter({"from_file": 1, "same": 1})
    approve(77.0)(session, stored.kpis[5])  # a change while no worker runs
    session.commit()
    later = PortalCache(files=SnapshotFiles(tmp_path, engine))
    portal = load(session, later)
    assert later.builds == Counter({"from_file": 1, "update": 1})
    assert portal == load(session, None) and 77.0 in {k.values.get(YEAR) for k in portal.kpis}
    kept_on_disk()
    engine.dispose()


def test_a_snapshot_file_not_signed_by_this_database_is_never_read(
        session: Session, stored: Stored, migrated_url: str, tmp_path: Path) -> None:
    engine = create_engine_from_url(migrated_url)
    load(session, PortalCache(files=SnapshotFiles(tmp_path, engine)))
    kept_on_disk()
    (kept,) = tmp_path.glob("*.snapshot")
    data = bytearray(kept.read_bytes())
    data[-1] ^= 1  # one bit changed after signing
    kept.write_bytes(bytes(data))
    again = PortalCache(files=SnapshotFiles(tmp_path, engine))
    assert load(session, again) == load(session, None)
    assert again.builds == Counter({"full": 1})  # the plan was read, the file ignored (and replaced)
    kept_on_disk()
    other = SnapshotFiles(tmp_path, engine)
    other._key = b"another database's key"
    assert other.read(kept.name.rsplit("-", 1)[0]) is None
    engine.dispose()


def test_another_year_is_evaluated_from_the_snapshot_of_this_one(session: Session, stored: Stored) -> None:
    cache = PortalCache()
    load(session, cache)
    assess("順調")(session, stored.kpis[2])  # an assessment and a figure of a later year: read for that year only
    upsert_actual(session=session, kpi_id=stored.kpis[3], actual=Actual(YEAR + 1, 9.0), actor="test")
    session.commit()
    load(session, cache)
    assert cache.builds == Counter({"full": 1, "update": 1})
    for year in (YEAR + 1, YEAR + 3, YEAR):
        version = read_area_fingerprint(connection=session.connection(), area_slug=AREA)
        other = load_portal(session=session, cache=cache, fingerprint=version, area_slug=AREA, as_of=year)
        full = load_portal(session=session, area_slug=AREA, as_of=year)
        session.rollback()
        assert other is not None and other == full and other.as_of == year
    assert cache.builds == Counter({"full": 1, "update": 1, "year": 2})  # YEAR itself was still cached


def test_the_cache_keeps_snapshots_by_the_sheets_they_hold(session: Session, stored: Stored) -> None:
    """A process keeps one snapshot per plan and year, while together they hold at most ``sheets`` project sheets,
    not a fixed number of plans: a hundred small areas all stay, a few big plans do not pile up; the newest is
    always kept."""
    roomy = PortalCache()
    portal = load(session, roomy)
    sheets = len(portal.projects)
    approve(5.0)(session, stored.kpis[1])
    session.commit()
    load(session, roomy)
    assert len(roomy) == 1  # the new version replaced the one it updated: an earlier version is never asked again
    load_portal(session=session, cache=roomy, fingerprint=read_area_fingerprint(connection=session.connection(),
                                                                                 area_slug=AREA), area_slug=AREA,
                as_of=YEAR + 1)
    session.rollback()
    assert len(roomy) == 2  # another year is a snapshot of its own, kept beside this year's
    tight = PortalCache(sheets=sheets)  # room for one snapshot's sheets only
    load(session, tight)
    approve(6.0)(session, stored.kpis[1])
    session.commit()
    newest = load(session, tight)
    assert len(tight) == 1 and tight.builds == Counter({"full": 1, "update": 1})
    assert load(session, tight) is newest  # the newest stays, and is answered from the cache


def test_a_revised_plan_updates_each_year_to_the_vision_then_in_force(session: Session, stored: Stored) -> None:
    """A revision in force from the next year drops a KPI (of a sheet and of a 【再掲】 pair) and adds one: this
    year's snapshot still evaluates and counts the dropped ones (updated sheet by sheet when one gets a figure), the
    next year's leaves them out and takes the added one."""
    from datetime import date

    from renkei.domain.revision import Revision

    plan = repository.load_plan(session=session, plan_id=stored.plan_id)
    original_key, copy_key = stored.relisted_pair
    plain = next(p for p in plan.projects if p.kpis and p.key not in stored.relisted_pair)
    grown = next(p for p in plan.projects if p.kpis and p.key not in (plain.key, *stored.relisted_pair))
    dropped = {plain.key: plain.kpis[-1], original_key: view_kpis(plan, original_key)[-1]}
    dropped[copy_key] = dropped[original_key]
    added = replace(grown.kpis[0], indicator="改正で加わった指標の件数")
    revised = replace(plan, projects=tuple(
        replace(p, kpis=tuple(k for k in p.kpis if k != dropped.get(p.key)) + ((added,) if p.key == grown.key else ()))
        for p in plan.projects))
    result = import_plan(session=session, plan=revised, findings=[], source_text=stored.text + "\n# 一部改正",
                         revision=Revision("一部改正", date(YEAR + 1, 10, 1), YEAR + 1))
    assert result.revision is not None
    cache = PortalCache()
    portal = load(session, cache)

    def indicators(view: ProjectView) -> list[str]:
        return [k.kpi.indicator for k in view.kpis]

    assert indicators(view_of(portal, plain.key)) == [k.indicator for k in plain.kpis]  # as in the original edition
    assert added.indicator not in indicators(view_of(portal, grown.key))
    copy = next(k for k in view_of(portal, copy_key).kpis if k.kpi == dropped[copy_key])
    assert not copy.counted and next(k for k in view_of(portal, original_key).kpis
                                     if k.kpi == dropped[original_key]).counted  # counted once, on the original
    kpi_id = repository.find_kpi(session=session, plan_id=stored.plan_id, project=plain.name,
                                 indicator=dropped[plain.key].indicator)
    assert kpi_id is not None and kpi_id.status == "withdrawn"
    approve(321.0)(session, kpi_id.id)  # a figure for a year the dropped KPI was still part of the vision
    session.commit()
    portal = assert_updated(session, cache, portal, "update", shows_change=True, step="a dropped KPI's figure")
    assert next(k for k in view_of(portal, plain.key).kpis if k.kpi == dropped[plain.key]).values[YEAR] == 321.0
    version = read_area_fingerprint(connection=session.connection(), area_slug=AREA)
    later = load_portal(session=session, cache=cache, fingerprint=version, area_slug=AREA, as_of=YEAR + 1)
    full = load_portal(session=session, area_slug=AREA, as_of=YEAR + 1)
    session.rollback()
    assert later is not None and later == full and cache.builds["year"] == 1
    assert indicators(view_of(later, plain.key)) == [k.indicator for k in plain.kpis[:-1]]
    assert [h.indicator for h in view_of(later, plain.key).dropped_kpis] == [dropped[plain.key].indicator]
    assert indicators(view_of(later, grown.key))[-1] == added.indicator
    assert later.progress.summary.overall.kpis == portal.progress.summary.overall.kpis - 2 + 1  # 2 dropped, 1 added


def view_kpis(plan: Plan, key: str) -> tuple[KPI, ...]:
    """Return the KPIs of the sheet with this key."""
    return next(p for p in plan.projects if p.key == key).kpis
