"""Application secrets: many processes starting at once on one database all end up with the same value."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from renkei.store.app_secret import read_or_create_secret
from renkei.store.engine import create_engine_from_url
from renkei.store.workspace_tables import AppSecretRow

STARTERS = 8


def test_the_first_candidate_is_kept_and_later_ones_are_ignored(migrated_url: str) -> None:
    engine = create_engine_from_url(migrated_url)
    try:
        assert read_or_create_secret(engine=engine, name="session_key", candidate="first") == "first"
        assert read_or_create_secret(engine=engine, name="session_key", candidate="second") == "first"
        assert read_or_create_secret(engine=engine, name="other", candidate="third") == "third"
    finally:
        engine.dispose()


def test_workers_starting_at_once_agree_on_one_secret(migrated_url: str) -> None:
    """Each starter has its own engine (its own connections), as separate worker processes or hosts would."""
    engines = [create_engine_from_url(migrated_url) for _ in range(STARTERS)]
    barrier = threading.Barrier(STARTERS)
    results: list[str] = []
    errors: list[BaseException] = []

    def start(index: int) -> None:
        try:
            barrier.wait()
            results.append(read_or_create_secret(engine=engines[index], name="session_key",
                                                 candidate=f"candidate-{index}"))
        except BaseException as error:  # reported below: a starter that fails must fail the test
            errors.append(error)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(STARTERS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with engines[0].connect() as connection:
            rows = connection.execute(select(func.count()).select_from(AppSecretRow)).scalar_one()
    finally:
        for engine in engines:
            engine.dispose()
    assert errors == []
    assert len(results) == STARTERS and len(set(results)) == 1 and results[0].startswith("candidate-")
    assert rows == 1
