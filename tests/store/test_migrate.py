"""Tests for the migrations: they build exactly the tables the models describe, and go down again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from renkei.store.engine import create_engine_from_url
from renkei.store.migrate import downgrade_database, read_head_revision, read_revision, upgrade_database
from renkei.store.tables import Base


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_upgrade_matches_the_models(database_url: str) -> None:
    upgrade_database(database_url)
    engine = create_engine_from_url(database_url)
    try:
        with engine.connect() as connection:
            assert read_revision(connection) == read_head_revision()
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            names = set(inspect(connection).get_table_names())
            # SQLite cannot reflect expression indexes, so ask the catalogues directly.
            catalogue = (
                "SELECT name FROM sqlite_master WHERE type = 'index'"
                if connection.dialect.name == "sqlite"
                else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            )
            indexes = set(connection.exec_driver_sql(catalogue).scalars())
    finally:
        engine.dispose()
    assert differences == []
    assert set(Base.metadata.tables) <= names
    assert {"uq_actual_current_part", "uq_actual_published_part"} <= indexes


def test_upgrade_twice_is_harmless_and_downgrade_empties(database_url: str) -> None:
    upgrade_database(database_url)
    upgrade_database(database_url)
    downgrade_database(database_url, "base")
    engine = create_engine_from_url(database_url)
    try:
        with engine.connect() as connection:
            remaining = set(inspect(connection).get_table_names()) - {"alembic_version"}
            assert read_revision(connection) is None
    finally:
        engine.dispose()
    assert remaining == set()


def test_sqlite_pragmas_are_on(tmp_path: object) -> None:
    engine = create_engine_from_url(f"sqlite:///{tmp_path}/sub/dir/r.db")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
