"""SQLite writers queue for the write lock instead of failing with "database is locked"."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from renkei.store.engine import WRITE_WAIT_MS, create_engine_from_url, writer


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


def test_a_writer_that_may_wait_only_briefly_gives_up_and_the_queue_goes_on(url: str) -> None:
    engine = create_engine_from_url(url)
    writes = writer(engine)
    with Session(writes) as first:
        first.execute(text("SELECT count(*) FROM saves"))  # holds this process's writers' queue and the write lock
        with Session(writes) as hurried, pytest.raises(OperationalError, match="locked"):
            hurried.connection(execution_options={WRITE_WAIT_MS: 50})
        first.execute(text("INSERT INTO saves VALUES ('first')"))
        first.commit()
    with Session(writes) as later:  # given back at commit: the next writer needs no wait at all
        later.connection(execution_options={WRITE_WAIT_MS: 0})
        later.execute(text("INSERT INTO saves VALUES ('later')"))
        later.commit()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT who FROM saves ORDER BY rowid")).scalars().all() == ["first", "later"]
    engine.dispose()


def test_a_writer_closed_without_commit_gives_the_queue_back(url: str) -> None:
    engine = create_engine_from_url(url)
    writes = writer(engine)
    with Session(writes) as first:
        first.execute(text("INSERT INTO saves VALUES ('never')"))  # closed without commit: rolled back
    with Session(writes) as second:
        second.connection(execution_options={WRITE_WAIT_MS: 0})
        assert second.execute(text("SELECT count(*) FROM saves")).scalar_one() == 0
    engine.dispose()


def test_writers_of_another_process_meet_the_busy_timeout(url: str) -> None:
    # Another process has its own queue: there SQLite's busy timeout decides (here shortened to 50 ms).
    one, other = create_engine_from_url(url), create_engine_from_url(url)
    with Session(writer(one)) as first:
        first.execute(text("SELECT count(*) FROM saves"))
        with Session(writer(other)) as second, pytest.raises(OperationalError, match="locked"):
            second.connection(execution_options={WRITE_WAIT_MS: 50})
    one.dispose()
    other.dispose()
