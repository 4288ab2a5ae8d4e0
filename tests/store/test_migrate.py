"""Tests for the migrations: they build exactly the tables the models describe, and go down again."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from typer.testing import CliRunner

from renkei.cli import app
from renkei.store.engine import create_engine_from_url
from renkei.store.migrate import (
    downgrade_database,
    make_alembic_config,
    read_head_revision,
    read_revision,
    shipped_revisions,
    upgrade_database,
)
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


def test_the_revisions_read_from_the_scripts_are_alembics() -> None:
    """The commands tell a database at head without Alembic, from the scripts' text: it must read what Alembic reads.

    A new migration written so that the plain reading misses it (or sees another chain) fails here.
    """
    scripts = ScriptDirectory.from_config(make_alembic_config())
    assert shipped_revisions() == {s.revision: s.down_revision for s in scripts.walk_revisions()}
    assert read_head_revision() == scripts.get_current_head()


def test_read_revision_reads_what_alembic_reads(database_url: str) -> None:
    upgrade_database(database_url, "0004")
    engine = create_engine_from_url(database_url)
    try:
        with engine.connect() as connection:
            assert read_revision(connection) == MigrationContext.configure(connection).get_current_revision()
            assert read_revision(connection) == "0004_staff_workspace"
    finally:
        engine.dispose()


def test_a_command_brings_an_older_schema_to_head(database_url: str) -> None:
    """The quick check at head must not stop a command from migrating a database one revision behind."""
    head = read_head_revision()
    upgrade_database(database_url, shipped_revisions()[head] or "base")
    listed = CliRunner().invoke(app, ["user", "list", "--database-url", database_url])
    assert listed.exit_code == 0, listed.output
    engine = create_engine_from_url(database_url)
    try:
        with engine.connect() as connection:
            assert read_revision(connection) == head
    finally:
        engine.dispose()
