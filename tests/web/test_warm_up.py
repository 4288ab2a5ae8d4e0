"""A worker's warm-up (``web/warm_up.py``): /readyz is 503 until the current plans are loaded, /healthz answers at
once, another area is answered while one is being loaded, and the warm-up is bounded and prefers kept snapshots."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.repository import PlanSummary
from renkei.web.app import create_app
from renkei.web.snapshot_files import SnapshotFiles
from renkei.web.warm_up import WarmUp, choose_plans

AREA, OTHER = "kitakyushu", "kurume"


def summary(plan_id: int, area: str, first_year: int, updated: int) -> PlanSummary:
    """Return a listed plan of an area with a period and an import time (a day of December 2026)."""
    return PlanSummary(plan_id, area, area, f"{area}-{first_year}", None, first_year, first_year + 4, 1, "",
                       10, datetime(2026, 12, updated))


def test_the_current_plans_are_chosen_kept_ones_first_then_the_latest_imported() -> None:
    plans = [summary(1, "a", 2021, 1), summary(2, "a", 2026, 2),  # area a: its second period is current
             summary(3, "b", 2026, 9), summary(4, "c", 2026, 5), summary(5, "d", 2026, 7)]
    chosen = choose_plans(plans, kept=set(), limit=10)
    assert [p.id for p in chosen] == [3, 5, 4, 2]  # the latest imported first; plan 1 is not its area's current
    assert [p.id for p in choose_plans(plans, kept={4, 1}, limit=2)] == [4, 3]  # a kept snapshot first
    assert choose_plans(plans, kept=set(), limit=0) == []


@pytest.fixture
def two_areas(migrated_url: str, generated_document: Callable[[int], str], build: Any) -> Iterator[dict[str, int]]:
    """Store two areas, each with a plan (kurume's imported last); yield the plans' ids by area."""
    engine = create_engine_from_url(migrated_url)
    with create_session_factory(engine)() as session:
        text = generated_document(40)
        plan, findings = read_plan(text, area=load_area(AREA))
        first = import_plan(session=session, plan=plan, findings=findings, source_text=text).plan_id
        other = import_plan(session=session, plan=build.plan(slug=OTHER), findings=[], source_text="久留米",
                            area=build.area(OTHER, "久留米広域連携中枢都市圏")).plan_id
        assert first is not None and other is not None
    engine.dispose()
    yield {AREA: first, OTHER: other}


def warming_app(url: str, limit: int, folder: Path | None = None) -> FastAPI:
    """Return a portal as ``renkei serve`` makes it: a warm-up of ``limit`` plans, snapshots kept in ``folder``."""
    app = create_app(Settings(database_url=url))
    if folder is not None:
        app.state.portal_cache.files = SnapshotFiles(folder, app.state.engine)
    app.state.warm_up = WarmUp(limit=limit)
    return app


def test_readyz_waits_for_the_warm_up_while_other_areas_are_answered(
        migrated_url: str, two_areas: dict[str, int]) -> None:
    app = warming_app(migrated_url, limit=5)
    held, release = threading.Event(), threading.Event()
    first: list[int] = []

    def hold_the_first_warmed_plan(plan_id: int) -> None:  # the warm-up's first load waits here, holding its lock
        if threading.current_thread().name == "renkei-warm-up" and not first:
            first.append(plan_id)
            held.set()
            release.wait(120)  # a guard against a hang, not a timing: the test releases it

    app.state.portal_cache.on_build = hold_the_first_warmed_plan
    warm_up: WarmUp = app.state.warm_up
    with TestClient(app) as client:
        assert held.wait(120)
        assert first == [two_areas[OTHER]]  # the latest imported first
        assert client.get("/healthz").status_code == 200
        waiting = client.get("/readyz")
        assert waiting.status_code == 503
        assert waiting.json()["reason"] == "warming_up" and waiting.json()["planned"] == 2
        assert waiting.json()["warmed"] == 0 and waiting.headers["cache-control"] == "no-store"
        page = client.get(f"/a/{AREA}/projects")  # another area, answered while the warm-up holds kurume
        assert page.status_code == 200 and "40件の事業" in page.text
        assert not warm_up.ready
        release.set()
        assert warm_up.done.wait(120)
        ready = client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert warm_up.loaded == [OTHER, AREA] and warm_up.failed is None
        # kitakyushu was built once, by its request; the warm-up found it in the cache
        assert app.state.portal_cache.builds == Counter({"full": 2})


def test_the_warm_up_is_bounded_and_starts_from_kept_snapshots(
        migrated_url: str, two_areas: dict[str, int], tmp_path: Path) -> None:
    keeping = warming_app(migrated_url, limit=0, folder=tmp_path)  # ready at once; kitakyushu's snapshot is kept
    with TestClient(keeping) as client:
        assert client.get("/readyz").status_code == 200
        assert client.get(f"/a/{AREA}/").status_code == 200
    for thread in threading.enumerate():
        if thread.name.startswith("renkei-keep-"):
            thread.join()
    assert SnapshotFiles(tmp_path, keeping.state.engine).kept_plans() == {two_areas[AREA]}
    restarted = warming_app(migrated_url, limit=1, folder=tmp_path)  # one plan: the kept one, though imported first
    with TestClient(restarted) as client:
        assert restarted.state.warm_up.done.wait(120)
        assert client.get("/readyz").status_code == 200
        assert restarted.state.warm_up.loaded == [AREA]
        assert restarted.state.portal_cache.builds == Counter({"from_file": 1, "same": 1})
