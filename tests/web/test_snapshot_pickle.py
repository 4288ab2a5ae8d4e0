"""Kept snapshots read back: equal to what was kept, with fewer objects, and every page and JSON answer the same
byte for byte as from a snapshot built from the store (``web/snapshot_pickle.py``, ``web/snapshot_files.py``)."""

from __future__ import annotations

import dataclasses
import gc
import pickle
import threading
from collections import Counter
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from renkei.cli.portal import import_example
from renkei.domain.actual import Actual
from renkei.domain.plan import Project
from renkei.settings import Settings
from renkei.store.actuals import upsert_actual
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import read_area_fingerprint
from renkei.store.rounds import kpi_rows
from renkei.web import snapshot_pickle
from renkei.web.app import create_app
from renkei.web.snapshot import PortalCache, Snapshot, load_portal
from renkei.web.snapshot_files import SnapshotFiles

AREA = "kitakyushu"


def count_objects(root: object) -> Counter[str]:
    """Count the distinct objects reachable from a value, by type (strings, tuples, dataclasses …)."""
    seen: set[int] = set()
    counts: Counter[str] = Counter()
    stack = [root]
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        counts[type(value).__name__] += 1
        if isinstance(value, dict):
            stack.extend((*value.keys(), *value.values()))
        elif isinstance(value, (tuple, list, set, frozenset)):
            stack.extend(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            stack.extend(getattr(value, f.name) for f in dataclasses.fields(value))
    return counts


def snapshot_of(url: str) -> Snapshot:
    """Build the example's snapshot (with an approved figure for every other KPI) as a worker's cache does."""
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        approve_every_other_kpi(session)
        cache = PortalCache()
        version = read_area_fingerprint(connection=session.connection(), area_slug=AREA)
        portal = load_portal(session=session, cache=cache, fingerprint=version, area_slug=AREA)
        assert portal is not None
        snapshot = cache.newest_of_plan(portal.summary.id)
        assert snapshot is not None
    engine.dispose()
    return snapshot


def approve_every_other_kpi(session: Session) -> None:
    """Record an approved figure for every other KPI of the stored plan (the pages then show real verdicts)."""
    from renkei.store import repository

    plan_id = repository.list_plans(session=session)[0].id
    for n, row in enumerate(sorted(kpi_rows(session=session, plan_id=plan_id).values(), key=lambda r: r.id)):
        if n % 2 == 0:
            upsert_actual(session=session, kpi_id=row.id, actual=Actual(2026, float(n * 3)), actor="test")
    session.commit()


def test_a_snapshot_reads_back_equal_with_fewer_objects(example_copy: str) -> None:
    snapshot = snapshot_of(example_copy)
    plain, compact = pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL), snapshot_pickle.dumps(snapshot)
    read = pickle.loads(compact)
    assert read == snapshot  # every view, evaluation, summary, index and mark, field by field
    assert len(compact) < len(plain)
    before, after = count_objects(pickle.loads(plain)), count_objects(read)
    assert after["str"] < before["str"] and after["tuple"] < before["tuple"]
    assert after["Project"] == before["Project"] == len(snapshot.portal.projects)
    # the fields a constructor derives (key, slug) come back as they were kept, without running it again
    for kept, back in zip(snapshot.portal.plan.projects, read.portal.plan.projects, strict=True):
        assert (back.key, back.slug, back.reading) == (kept.key, kept.slug, kept.reading)
    # equal partner names are one object, as many sheets name the same municipalities
    names = [name for p in read.portal.plan.projects for name in p.partners.municipalities]
    assert len({id(name) for name in names}) == len(set(names)) < len(names)


def test_a_class_with_its_own_pickling_or_without_slots_is_pickled_as_before() -> None:
    @dataclasses.dataclass(frozen=True)
    class Loose:  # no slots: the standard pickle (its __dict__) is cheap already
        name: str

    assert snapshot_pickle._way_for(Loose) is None
    assert snapshot_pickle._way_for(Project) == (tuple(f.name for f in dataclasses.fields(Project)), False)
    project = Project("事業 A", 3)
    restored = snapshot_pickle.restore(Project, tuple(getattr(project, f.name) for f in dataclasses.fields(Project)))
    assert isinstance(restored, Project) and restored == project and restored.slug == project.slug


def test_a_snapshot_holds_no_cycles_so_dropping_it_frees_it(example_copy: str) -> None:
    snapshot = snapshot_of(example_copy)
    read = pickle.loads(snapshot_pickle.dumps(snapshot))
    gc.collect()
    gc.disable()
    try:
        del read
        assert gc.collect() == 0  # the kept file's objects are frozen out of the collector: refcounts must free them
    finally:
        gc.enable()


PAGES = ("/a/kitakyushu/", "/a/kitakyushu/projects", "/a/kitakyushu/projects?q=%E8%A6%B3%E5%85%89&status=behind",
         "/a/kitakyushu/kpis", "/a/kitakyushu/municipalities", "/a/kitakyushu/municipalities/402133",
         "/a/kitakyushu/map", "/a/kitakyushu/method", "/a/kitakyushu/projects?q=%E5%AD%90%E8%82%B2%E3%81%A6",
         "/api/a/kitakyushu/summary", "/api/a/kitakyushu/projects?limit=500", "/api/a/kitakyushu/projects.csv",
         "/api/a/kitakyushu/kpis", "/api/a/kitakyushu/kpis.csv", "/api/a/kitakyushu/municipalities",
         "/api/a/kitakyushu/municipalities/402133", "/api/a/kitakyushu/map", "/api/a/kitakyushu/revisions",
         "/a/kitakyushu/projects?lang=en", "/a/kitakyushu/kpis?as_of=2028")


def answers(url: str, folder: Path) -> tuple[dict[str, bytes], Counter[str]]:
    """Return the bodies of the pages (and every project's page and JSON) from a new worker keeping snapshots in
    ``folder``, and the builds its cache made."""
    app = create_app(Settings(database_url=url, response_cache_mb=0))
    app.state.portal_cache.files = SnapshotFiles(folder, app.state.engine)
    bodies: dict[str, bytes] = {}
    with TestClient(app) as client:
        for path in PAGES:
            response = client.get(path)
            assert response.status_code == 200, path
            bodies[path] = response.content
        for item in client.get("/api/a/kitakyushu/projects?limit=500").json()["projects"]:
            for path in (f"/a/kitakyushu/projects/{item['slug']}", f"/api/a/kitakyushu/projects/{item['slug']}"):
                response = client.get(path)
                assert response.status_code == 200, path
                bodies[path] = response.content
    for thread in threading.enumerate():  # the snapshot is written in the background
        if thread.name.startswith("renkei-keep-"):
            thread.join()
    return bodies, app.state.portal_cache.builds


def test_every_page_from_the_kept_snapshot_is_the_page_from_the_store(migrated_url: str, tmp_path: Path) -> None:
    import_example(migrated_url)  # the bundled example, on SQLite and on PostgreSQL
    engine = create_engine_from_url(migrated_url)
    with create_session_factory(engine)() as session:
        approve_every_other_kpi(session)
    engine.dispose()
    built, builds = answers(migrated_url, tmp_path)
    assert builds["full"] >= 1 and not builds["from_file"] and list(tmp_path.glob("*.snapshot"))
    kept, builds = answers(migrated_url, tmp_path)
    assert builds["from_file"] >= 1 and not builds["full"]  # the second worker read every plan from the file
    assert kept.keys() == built.keys() and len(kept) > len(PAGES)
    for path, body in built.items():
        assert kept[path] == body, path
