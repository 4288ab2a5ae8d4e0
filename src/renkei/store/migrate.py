"""Migrations: bring a database to the newest schema with Alembic, without an alembic.ini."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine
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


class Absence(StrEnum):
    """Why a database cannot be read: there is none at the URL, or it holds no renkei tables."""

    NO_DATABASE = "no_database"
    NO_SCHEMA = "no_schema"


class DatabaseMissingError(LookupError):
    """A database a command needs that does not exist or holds no renkei schema (nothing was created).

    ``url`` is the URL as parsed (render it with ``hide_password=True``); ``path`` the absolute path of a SQLite file.
    """

    def __init__(self, url: URL, absence: Absence) -> None:
        super().__init__(f"{absence.value}: {url.render_as_string(hide_password=True)}")
        self.url = url
        self.absence = absence

    @property
    def path(self) -> Path | None:
        """Return the absolute path of a SQLite file, None for a server database."""
        if self.url.get_backend_name() != "sqlite" or self.url.database in (None, "", ":memory:"):
            return None
        return Path(self.url.database).absolute()


def require_database(url: str | URL) -> None:
    """Raise DatabaseMissingError unless a database with a renkei schema exists at ``url``; create nothing.

    A SQLite file that is absent is not opened (opening would create it, and its folder); an existing one is opened
    without the engine's WAL set-up, which would write to it. A PostgreSQL server refuses a database that does not
    exist itself (an OperationalError naming it). A schema older than this version of renkei passes:
    :func:`upgrade_database` brings it up to date.
    """
    parsed = normalise_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):  # an in-memory database starts empty every time
            raise DatabaseMissingError(parsed, Absence.NO_SCHEMA)
        if not Path(parsed.database).is_file():
            raise DatabaseMissingError(parsed, Absence.NO_DATABASE)
        engine = create_engine(parsed)
    else:
        engine = create_engine_from_url(parsed)
    try:
        with engine.connect() as connection:
            revision = read_revision(connection)
    finally:
        engine.dispose()
    if revision is None:
        raise DatabaseMissingError(parsed, Absence.NO_SCHEMA)


@dataclass(frozen=True)
class MigrationState:
    """Where a database's schema stands against this version of renkei.

    ``current`` is the database's revision (None when never migrated), ``head`` the newest one shipped, ``pending``
    the revisions an upgrade would run, oldest first; ``known`` is False when the database was migrated by a newer
    renkei (its revision is not among the shipped ones).
    """

    current: str | None
    head: str
    pending: tuple[str, ...]
    known: bool

    @property
    def at_head(self) -> bool:
        """Tell whether the schema is the newest this version of renkei knows."""
        return self.current == self.head


def read_migration_state(connection: Connection) -> MigrationState:
    """Return where the schema of the database behind ``connection`` stands (reads only)."""
    current = read_revision(connection)
    scripts = ScriptDirectory.from_config(make_alembic_config())
    head = read_head_revision()
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        return MigrationState(current, head, (), known=False)  # migrated by a newer renkei
    pending = [s.revision for s in scripts.iterate_revisions(head, current or "base")]
    return MigrationState(current, head, tuple(reversed(pending)), known=True)
