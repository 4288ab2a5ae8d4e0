"""A database too busy to wait for: the staff get the friendly "send it again" page (409), never a 500, nothing
is saved, and a page view whose last-use write cannot wait still answers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from tests.web.staff.conftest import form_value

from renkei.services.signin import TOUCH_EVERY
from renkei.store import engine as store_engine
from renkei.store.engine import create_engine_from_url, writer
from renkei.store.rows import as_utc
from renkei.store.tables import ActualRow
from renkei.store.workspace_tables import StaffSessionRow


@pytest.fixture
def sqlite_desk(desk_factory: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Return a desk whose database is SQLite, with a busy timeout of 0.3 s (30 s in service)."""
    monkeypatch.setattr(store_engine, "BUSY_TIMEOUT_MS", 300)
    desk = desk_factory()
    if not desk.url.startswith("sqlite"):
        pytest.skip("SQLite's write lock and busy timeout; PostgreSQL's contention (deadlocks, serialization "
                    "failures) is answered by the same handler, see renkei.web.busy.is_contention")
    yield desk


def _other_process(url: str) -> Engine:
    return create_engine_from_url(url)


def test_a_write_that_cannot_get_the_lock_is_answered_409_and_saves_nothing(sqlite_desk: Any, seeded: Any) -> None:
    desk = sqlite_desk
    page = desk.as_user("editor").get(f"/staff/kpis/{seeded.kpi_id}/2026")
    version = form_value(page.text[page.text.index("/review"):], "version")
    approve = {"part": "total", "step": "approve", "version": version, "review_comment": ""}
    other = _other_process(desk.url)
    try:
        with Session(writer(other)) as busy:
            busy.execute(text("SELECT 1"))  # another server process holds the write lock
            answer = desk.post("editor", f"/staff/kpis/{seeded.kpi_id}/2026/review", approve)
            busy.rollback()
        with other.connect() as connection:
            versions = connection.execute(select(func.max(ActualRow.version))
                                          .where(ActualRow.kpi_id == seeded.kpi_id)).scalar_one()
    finally:
        other.dispose()
    assert answer.status_code == 409, answer.text[:500]
    assert "ほかの人の保存と重なったため" in answer.text and "nothing was saved" in answer.text
    assert versions == int(version)  # nothing was written
    again = desk.post("editor", f"/staff/kpis/{seeded.kpi_id}/2026/review", approve)
    assert again.status_code == 303  # sent again once the lock is free, it is applied


def test_a_page_view_goes_on_when_its_last_use_cannot_be_written(sqlite_desk: Any) -> None:
    desk = sqlite_desk
    other = _other_process(desk.url)
    try:
        with Session(other) as setup:
            setup.execute(update(StaffSessionRow).values(
                last_seen_at=datetime.now(UTC) - TOUCH_EVERY - timedelta(minutes=1)))
            setup.commit()
            before = [as_utc(t) for t in setup.scalars(select(StaffSessionRow.last_seen_at)
                                                        .order_by(StaffSessionRow.id))]
        with Session(writer(other)) as busy:
            busy.execute(text("SELECT 1"))
            answer = desk.as_user("viewer").get("/staff")
            busy.rollback()
        with Session(other) as check:
            after = [as_utc(t) for t in check.scalars(select(StaffSessionRow.last_seen_at)
                                                       .order_by(StaffSessionRow.id))]
        assert answer.status_code == 200
        assert after == before  # left for the next page view
        assert desk.as_user("viewer").get("/staff").status_code == 200
        with Session(other) as check:
            assert sum(1 for t in check.scalars(select(StaffSessionRow.last_seen_at)) if as_utc(t) not in before) == 1
    finally:
        other.dispose()
