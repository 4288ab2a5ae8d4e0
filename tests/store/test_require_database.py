"""`require_database`: a command that only reads finds out that there is no database without creating one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from renkei.store.engine import create_engine_from_url
from renkei.store.migrate import (
    Absence,
    DatabaseMissingError,
    downgrade_database,
    require_database,
    upgrade_database,
)


def _tables(url: str) -> list[str]:
    engine = create_engine_from_url(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_an_empty_database_is_missing_and_stays_empty(database_url: str, backend: str) -> None:
    with pytest.raises(DatabaseMissingError) as caught:
        require_database(database_url)
    if backend == "sqlite":  # the fixture names a file that does not exist yet
        assert caught.value.absence is Absence.NO_DATABASE
        path = Path(make_url(database_url).database or "")
        assert caught.value.path == path and not path.exists()
    else:  # a server database with an empty schema
        assert caught.value.absence is Absence.NO_SCHEMA and caught.value.path is None
        assert _tables(database_url) == []


def test_a_migrated_database_passes(migrated_url: str) -> None:
    require_database(migrated_url)


def test_a_database_at_an_older_revision_passes(database_url: str) -> None:
    upgrade_database(database_url, "0003")
    require_database(database_url)  # the commands bring it up to date


def test_a_database_migrated_down_to_nothing_has_no_schema(database_url: str) -> None:
    upgrade_database(database_url)
    downgrade_database(database_url, "base")
    with pytest.raises(DatabaseMissingError) as caught:
        require_database(database_url)
    assert caught.value.absence is Absence.NO_SCHEMA


@pytest.mark.parametrize("name", ["typo/renkie.db", "renkie.db"])
def test_a_missing_sqlite_file_creates_neither_the_file_nor_its_folder(tmp_path: Path, name: str) -> None:
    url = f"sqlite:///{tmp_path / name}"
    with pytest.raises(DatabaseMissingError) as caught:
        require_database(url)
    assert caught.value.absence is Absence.NO_DATABASE
    assert sorted(tmp_path.iterdir()) == []


def test_an_empty_sqlite_file_is_not_written_to(tmp_path: Path) -> None:
    path = tmp_path / "renkei.db"
    path.touch()
    with pytest.raises(DatabaseMissingError) as caught:
        require_database(f"sqlite:///{path}")
    assert caught.value.absence is Absence.NO_SCHEMA
    assert path.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["renkei.db"]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_has_no_schema(url: str) -> None:
    with pytest.raises(DatabaseMissingError) as caught:
        require_database(url)
    assert caught.value.absence is Absence.NO_SCHEMA


def test_the_error_hides_the_password() -> None:
    error = DatabaseMissingError(make_url("postgresql+psycopg://kikaku:s3cret@db/renkei"), Absence.NO_SCHEMA)
    assert "s3cret" not in str(error) and "kikaku:***@db" in str(error)
