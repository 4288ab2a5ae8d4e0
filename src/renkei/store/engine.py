"""Engines and sessions: SQLite with foreign keys and WAL, or PostgreSQL through psycopg 3."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


class DatabaseUrlError(ValueError):
    """A database URL that renkei cannot use."""


def normalise_database_url(url: str | URL) -> URL:
    """Parse a database URL, steering plain PostgreSQL URLs to the psycopg 3 driver.

    >>> normalise_database_url("postgresql://postgres@127.0.0.1/test").drivername
    'postgresql+psycopg'
    >>> normalise_database_url("sqlite:///var/renkei.db").database
    'var/renkei.db'
    >>> normalise_database_url("mysql://x@y/z")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    renkei.store.engine.DatabaseUrlError: 使えないデータベースURLです（…） / unsupported database URL mysql://x@y/z: …
    >>> normalise_database_url("var/renkei.db")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    renkei.store.engine.DatabaseUrlError: データベースURLを読めません / cannot read the database URL (…)
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number (postgresql://u@h:x/db)
        raise DatabaseUrlError("データベースURLを読めません / cannot read the database URL "
                               "(sqlite:///var/renkei.db, postgresql+psycopg://user@host/db)") from None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        return parsed
    shown = parsed.render_as_string(hide_password=True)
    raise DatabaseUrlError(
        f"使えないデータベースURLです（sqlite:/// か postgresql+psycopg://） / unsupported database URL {shown}: "
        "use sqlite:/// or postgresql+psycopg://"
    )


#: The execution option of a writer's connections (see ``writer``).
WRITE = "renkei_write"
#: An execution option of a writer: how long (ms) to wait for SQLite's write lock instead of ``BUSY_TIMEOUT_MS``
#: (a session's last-seen time waits briefly and is skipped when busy, see ``services/signin.py``).
WRITE_WAIT_MS = "renkei_write_wait_ms"
#: How long a SQLite writer waits for another writer's transaction (the write lock) before giving up.
BUSY_TIMEOUT_MS = 30_000
#: Threads a web worker runs its blocking work in (plain ``def`` routes and dependencies; anyio's default, made
#: explicit by ``web/app.py``). The pool holds one connection per thread, and ``POOL_OVERFLOW`` more for requests
#: between two of their steps, so a request never waits for a connection while threads sit idle.
WORKER_THREADS = 40
POOL_OVERFLOW = 10
#: Seconds a request waits for a free connection before it is answered "busy, try again" (never a 500).
POOL_TIMEOUT = 30
#: Pool sizes of a file database's engine (SQLite or PostgreSQL). Connections are opened when needed and kept up
#: to ``pool_size``; PostgreSQL's ``max_connections`` (100 by default) must cover workers × 50 at the busiest moment.
_POOL: dict[str, Any] = {"pool_size": WORKER_THREADS, "max_overflow": POOL_OVERFLOW, "pool_timeout": POOL_TIMEOUT}


def writer(engine: Engine) -> Engine:
    """Return the engine as a writer: on SQLite each transaction takes the write lock at once (BEGIN IMMEDIATE).

    Two staff saves at the same moment then run one after the other, and the second meets the first's version (a
    clear conflict message) instead of SQLite's "database is locked". PostgreSQL locks rows and ignores the option.
    The writer shares the engine's pool.
    """
    return engine.execution_options(**{WRITE: True})


def _is_file_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    # pysqlite defers BEGIN until the first write and commits DDL implicitly; taking over BEGIN makes
    # every transaction (reads, DDL, migrations) atomic, which the all-or-nothing import relies on.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # Writers of this process queue on a lock of their own before BEGIN IMMEDIATE: a waiting thread is woken as
    # soon as the writer before it ends, instead of polling SQLite's busy handler (which sleeps up to 100 ms between
    # tries and lets newcomers overtake, so under load some writers waited past the busy timeout). Writers of other
    # processes still meet the busy timeout.
    writers = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer asks for BEGIN IMMEDIATE (`WRITE`): it takes the write lock first, waiting up to the busy
        # timeout for another writer, instead of reading a snapshot it may not upgrade ("database is locked").
        options = connection.get_execution_options()
        if not options.get(WRITE):
            connection.exec_driver_sql("BEGIN")
            return
        wait = options.get(WRITE_WAIT_MS)
        if not writers.acquire(timeout=(BUSY_TIMEOUT_MS if wait is None else int(wait)) / 1000):
            raise OperationalError("BEGIN IMMEDIATE", None,
                                   sqlite3.OperationalError("database is locked (this process's writers queue)"))
        connection.info[_HOLDS_WRITERS] = writers
        try:
            if wait is None:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(wait)}")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except BaseException:
            _release_writers(connection.info)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Any) -> None:
        _release_writers(connection.info)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _release_writers(record.info)  # a connection returned without commit or rollback (never expected)


_HOLDS_WRITERS = "renkei_holds_writers"


def _release_writers(info: dict[str, Any]) -> None:
    held = info.pop(_HOLDS_WRITERS, None)
    if held is not None:
        held.release()


def create_engine_from_url(url: str | URL, *, echo: bool = False) -> Engine:
    """Create an engine for a SQLite or PostgreSQL URL, creating a SQLite file's directory if needed."""
    parsed = normalise_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        file_based = _is_file_sqlite(parsed)
        if file_based and parsed.database is not None:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        pooled = _POOL if file_based else {}  # an in-memory database keeps its one connection
        engine = create_engine(parsed, echo=echo, **pooled)
        _configure_sqlite(engine, wal=file_based)
        return engine
    return create_engine(parsed, echo=echo, pool_pre_ping=True, **_POOL)


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to the engine (objects stay readable after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
