"""SQLite writers queue for the write lock instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from renkei.store.engine import create_engine_from_url, writer


@pytest.fixture
def url(tmp_path: Path) -> str:
    address = f"sqlite:///{tmp_path / 'lock.db'}"
    engine = create_engine_from_url(address)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE saves (who TEXT)"))
    engine.dispose()
    return address


def test_a_reader_that_then_writes_fails_when_another_wrote_meanwhile(url: str) -> None:
    # Why writers need BEGIN IMMEDIATE: a deferred transaction's snapshot cannot be upgraded after another commit.
    engine = create_engine_from_url(url)
    with Session(engine) as first, Session(engine) as second:
        first.execute(text("SELECT count(*) FROM saves"))
        second.execute(text("INSERT INTO saves VALUES ('second')"))
        second.commit()
        with pytest.raises(OperationalError, match="locked"):
            first.execute(text("INSERT INTO saves VALUES ('first')"))
    engine.dispose()


def test_two_writers_run_one_after_the_other(url: str) -> None:
    engine = create_engine_from_url(url)
    writes = writer(engine)
    seen: list[int] = []
    with Session(writes) as first:
        first.execute(text("SELECT count(*) FROM saves"))  # holds the write lock from here

        def second_save() -> None:
            with Session(writes) as second:
                seen.append(second.execute(text("SELECT count(*) FROM saves")).scalar_one())
                second.execute(text("INSERT INTO saves VALUES ('second')"))
                second.commit()

        other = threading.Thread(target=second_save)
        other.start()
        time.sleep(0.3)
        assert not seen  # the second writer waits for the lock …
        first.execute(text("INSERT INTO saves VALUES ('first')"))
        first.commit()
    other.join(timeout=30)
    assert seen == [1]  # … and then reads what the first one saved, so its version check can see the change
    with engine.connect() as connection:
        assert connection.execute(text("SELECT who FROM saves ORDER BY rowid")).scalars().all() == ["first", "second"]
    engine.dispose()
