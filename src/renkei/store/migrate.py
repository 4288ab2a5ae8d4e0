"""Migrations: bring a database to the newest schema with Alembic, without an alembic.ini.

Alembic is imported only when a migration runs (or its scripts are walked, ``renkei db status``): every command
opens the database through :func:`upgrade_database`, and a schema already at the newest revision, the usual case,
is recognised by comparing the database's ``alembic_version`` with the revision ids read from the scripts' text
(:func:`shipped_revisions`), which costs a command none of Alembic's start-up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, String, create_engine, inspect, select
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import URL

from renkei.store.engine import create_engine_from_url, normalise_database_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: Alembic's table of the applied revision (its default name, which env.py keeps).
VERSION_TABLE = "alembic_version"
#: ``revision: str = "0002_project_reading"`` and ``down_revision: str | None = "0001"`` (or ``= None``), as the
#: scripts (made from script.py.mako) write them.
_REVISION_LINE = re.compile(r'^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|\'([^\']*)\'|(None))\s*$',
                            re.MULTILINE)


def make_alembic_config(url: str | URL | None = None) -> Config:
    """Return an Alembic config pointing at the packaged migrations (and at ``url`` when given)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        rendered = normalise_database_url(url).render_as_string(hide_password=False)
        # Config values go through ConfigParser interpolation; a literal % must be doubled.
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` on an open connection (inside its transaction)."""
    from alembic import command

    config = make_alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def upgrade_database(url: str | URL, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` (the newest by default), all or nothing.

    A database already at the newest revision is left as it is without starting Alembic (see the module's
    docstring); any other state, an unknown revision included, goes through Alembic as before.
    """
    engine = create_engine_from_url(url)
    try:
        with engine.begin() as connection:
            if revision == "head" and read_revision(connection) == read_head_revision():
                return
            upgrade_connection(connection, revision)
    finally:
        engine.dispose()


def downgrade_database(url: str | URL, revision: str) -> None:
    """Migrate the database at ``url`` down to ``revision`` (``base`` empties it)."""
    from alembic import command

    engine = create_engine_from_url(url)
    try:
        with engine.begin() as connection:
            config = make_alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def read_revision(connection: Connection) -> str | None:
    """Return the database's current revision, or None when it was never migrated.

    It reads Alembic's version table as Alembic does (none: never migrated), with a plain query.
    """
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    version = sql_column("version_num", String)
    found: list[str] = list(connection.execute(select(version).select_from(sql_table(VERSION_TABLE))).scalars())
    if len(found) > 1:
        raise RuntimeError(f"the database has several schema revisions ({', '.join(found)}); renkei has one line")
    return found[0] if found else None


@cache
def shipped_revisions() -> dict[str, str | None]:
    """Return every migration shipped with this version of renkei, as revision id → the revision it follows.

    The ids are read from the scripts' text, without importing them or Alembic; a test checks that they are the
    ones Alembic reads.
    """
    revisions: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        found: dict[str, str | None] = {}
        for match in _REVISION_LINE.finditer(script.read_text(encoding="utf-8")):
            found[match[1]] = match[2] if match[2] is not None else match[3]
        if "revision" not in found or "down_revision" not in found or found["revision"] is None:
            raise RuntimeError(f"{script.name}: no plain revision and down_revision lines")
        revisions[found["revision"]] = found["down_revision"]
    return revisions


def read_head_revision() -> str:
    """Return the newest revision shipped with this version of renkei (the one no other revision follows)."""
    revisions = shipped_revisions()
    heads = set(revisions) - set(revisions.values())
    if len(heads) != 1:
        raise RuntimeError(f"expected one newest migration in {MIGRATIONS_DIR}, found {sorted(heads)}")
    return heads.pop()


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
    from alembic.script import ScriptDirectory

    current = read_revision(connection)
    scripts = ScriptDirectory.from_config(make_alembic_config())
    head = read_head_revision()
    if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
        return MigrationState(current, head, (), known=False)  # migrated by a newer renkei
    pending = [s.revision for s in scripts.iterate_revisions(head, current or "base")]
    return MigrationState(current, head, tuple(reversed(pending)), known=True)
