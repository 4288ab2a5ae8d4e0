"""SQLite backups with the online backup API (``sqlite3.Connection.backup``), safe while the portal serves.

The copy is made in one step (``pages=-1``): SQLite reads a consistent snapshot (with WAL, writers are not held
up), and a restore writes the destination in one transaction, so a failed restore leaves it as it was. A backup is
one self-contained file (journal mode DELETE, no ``-wal`` beside it).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

from renkei.store.backup import BackupError, DatabaseNotEmptyError, check_revision, not_empty_message

#: How long to wait for another connection's write lock (ms), as the engine does.
BUSY_TIMEOUT_S = 30.0


def _path(url: URL) -> Path:
    assert url.database not in (None, "", ":memory:")
    return Path(str(url.database))


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None else str(row[0])


def holds_data(connection: sqlite3.Connection) -> bool:
    """Tell whether any table but ``alembic_version`` has a row (a freshly migrated database holds none)."""
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%' AND name <> 'alembic_version'")]
    return any(connection.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in tables)


def backup_sqlite(url: URL, out: Path) -> str | None:
    """Copy the SQLite database at ``url`` to the file ``out``; return its schema revision."""
    source_path = _path(url)
    if not source_path.is_file():
        raise BackupError(f"データベースがありません / no database at {source_path}")
    out.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_S)) as source, \
                closing(sqlite3.connect(out)) as target:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one file, whatever the source's journal
            revision = _revision(target)
            problem = target.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"バックアップできません / cannot back up {source_path}: {exc}") from None
    if problem != "ok":
        raise BackupError(f"データベースが壊れています / the database is damaged ({problem}): {source_path}")
    return revision


def restore_sqlite(url: URL, source: Path, *, force: bool) -> str | None:
    """Replace the SQLite database at ``url`` by the backup ``source``; return the schema revision restored."""
    target_path = _path(url)
    try:
        with closing(sqlite3.connect(f"file:{source.absolute()}?mode=ro", uri=True)) as backup:
            problem = backup.execute("PRAGMA quick_check").fetchone()[0]
            revision = _revision(backup)
            if problem != "ok":
                raise BackupError(f"バックアップが壊れています / the backup is damaged ({problem}): {source}")
            check_revision(revision, source)
            target_path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(target_path, timeout=BUSY_TIMEOUT_S)) as target:
                if holds_data(target) and not force:
                    raise DatabaseNotEmptyError(not_empty_message(str(target_path.absolute())))
                backup.backup(target)
                target.execute("PRAGMA journal_mode=WAL")  # as the engine keeps it
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"復元できません / cannot restore {source} into {target_path}: {exc}") from None
    return revision
