"""Migrations: bring a database to the newest schema with Alembic, without an alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import URL

from renkei.store.engine import create_engine_from_url, normalise_database_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def make_alembic_config(url: str | URL | None = None) -> Config:
    """Return an Alembic config pointing at the packaged migrations (and at ``url`` when given)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = normalise_database_url(url).render_as_string(hide_password=False)
        # Config values go through ConfigParser interpolation; a literal % must be doubled.
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` on an open connection (inside its transaction)."""
    config = make_alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def upgrade_database(url: str | URL, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` (the newest by default), all or nothing."""
    engine = create_engine_from_url(url)
    try:
        with engine.begin() as connection:
            upgrade_connection(connection, revision)
    finally:
        engine.dispose()


def downgrade_database(url: str | URL, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``base`` empties it)."""
    engine = create_engine_from_url(url)
    try:
        with engine.begin() as connection:
            config = make_alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def read_revision(connection: Connection) -> str | None:
    """Return the database's current revision, or None when it was never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def read_head_revision() -> str:
    """Return the newest revision shipped with this version of renkei."""
    head = ScriptDirectory.from_config(make_alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found in " + str(MIGRATIONS_DIR))
    return head
