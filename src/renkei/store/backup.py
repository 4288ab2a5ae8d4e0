"""Backups of a renkei database and their restoration: SQLite's online backup, PostgreSQL's pg_dump and pg_restore.

A backup is taken while the portal serves (SQLite copies a consistent snapshot page by page, pg_dump reads one
transaction's snapshot) and written beside its target under a temporary name, renamed only when complete. A backup
file says what it is by its first bytes: a SQLite database (``SQLite format 3``) or a pg_dump custom archive
(``PGDMP``), so ``restore`` needs no option to tell them apart. A restore refuses a database that holds data unless
forced, refuses a backup made by a newer renkei, and is all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import URL

from renkei.store.engine import normalise_database_url


class BackupKind(StrEnum):
    """The two kinds of backup file: a SQLite database, or a pg_dump archive in custom format."""

    SQLITE = "sqlite"
    PG_DUMP = "pg_dump"


MAGIC = {BackupKind.SQLITE: b"SQLite format 3\x00", BackupKind.PG_DUMP: b"PGDMP"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, Japanese first. Nothing was changed."""


class DatabaseNotEmptyError(BackupError):
    """A restore into a database that holds data, without ``force``."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote (or a restore read): the file, its kind and size, and the schema revision it holds."""

    path: Path
    kind: BackupKind
    size: int
    revision: str | None


def read_backup_kind(path: Path) -> BackupKind:
    """Return the kind of a backup file from its first bytes, or raise BackupError."""
    try:
        with path.open("rb") as stream:
            head = stream.read(16)
    except FileNotFoundError:
        raise BackupError(f"バックアップファイルがありません / no such backup file: {path}") from None
    except OSError as exc:
        raise BackupError(f"バックアップファイルを読めません / cannot read the backup file {path}: "
                          f"{exc.strerror}") from None
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    raise BackupError("renkei のバックアップではありません（SQLite のデータベースでも pg_dump の custom 形式でも"
                      "ない） / "
                      f"not a renkei backup (neither a SQLite database nor a pg_dump custom archive): {path}")


def backend_kind(url: str | URL) -> BackupKind:
    """Return the kind of backup a database URL makes: a SQLite file, or a pg_dump archive."""
    parsed = normalise_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise BackupError("メモリー上のデータベースはバックアップできません / "
                              "an in-memory database cannot be backed up")
        return BackupKind.SQLITE
    return BackupKind.PG_DUMP


def backup_database(url: str | URL, out: Path, *, overwrite: bool = False) -> BackupResult:
    """Write a backup of the database at ``url`` to ``out`` (a SQLite file or a pg_dump archive)."""
    if out.is_dir():
        raise BackupError(f"出力先はフォルダーです / {out} is a folder: name the backup file")
    if out.exists() and not overwrite:
        raise BackupError(f"出力先が既にあります（上書きするなら --force） / {out} already exists "
                          "(--force to replace it)")
    if not out.absolute().parent.is_dir():
        raise BackupError(f"出力先のフォルダーがありません / no folder {out.absolute().parent} for the backup")
    partial = out.with_name(f".{out.name}.partial")
    kind = backend_kind(url)
    try:
        if kind is BackupKind.SQLITE:
            from renkei.store.sqlite_backup import backup_sqlite

            revision = backup_sqlite(normalise_database_url(url), partial)
        else:
            from renkei.store.pg_backup import backup_postgres

            revision = backup_postgres(normalise_database_url(url), partial)
        partial.replace(out)
    except OSError as exc:
        raise BackupError(f"バックアップを書けません / cannot write the backup {out}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(out, kind, out.stat().st_size, revision)


def restore_database(url: str | URL, source: Path, *, force: bool = False) -> BackupResult:
    """Restore the backup ``source`` into the database at ``url``: all or nothing.

    The database must hold no data (an empty file, a fresh server database, or one just migrated with no rows),
    unless ``force`` replaces what it holds.
    """
    kind = read_backup_kind(source)
    if kind is not backend_kind(url):
        target = "SQLite" if backend_kind(url) is BackupKind.SQLITE else "PostgreSQL"
        raise BackupError(f"このバックアップ（{kind.value}）は {target} には戻せません / a {kind.value} backup cannot "
                          f"be restored into {target}: restore it into the same kind of database")
    if kind is BackupKind.SQLITE:
        from renkei.store.sqlite_backup import restore_sqlite

        revision = restore_sqlite(normalise_database_url(url), source, force=force)
    else:
        from renkei.store.pg_backup import restore_postgres

        revision = restore_postgres(normalise_database_url(url), source, force=force)
    return BackupResult(source, kind, source.stat().st_size, revision)


def check_revision(revision: str | None, source: Path) -> None:
    """Refuse a backup with no renkei schema, or one migrated by a newer renkei than this one."""
    from alembic.script import ScriptDirectory

    from renkei.store.migrate import make_alembic_config

    if revision is None:
        raise BackupError(f"バックアップに renkei の表がありません / the backup holds no renkei tables: {source}")
    known = {s.revision for s in ScriptDirectory.from_config(make_alembic_config()).walk_revisions()}
    if revision not in known:
        raise BackupError(f"このバックアップは新しい版の renkei で作られています（スキーマ {revision}）。"
                          f"renkei を更新してから戻してください / the backup comes from a newer renkei "
                          f"(schema {revision}): upgrade renkei first")


def not_empty_message(where: str) -> str:
    """Say that a restore would replace data, and how to go on anyway."""
    return (f"復元先のデータベースにデータがあります: {where}。上書きするなら --force を付けてください"
            f"（今のデータは失われます）。何も変更していません。 / the target database holds data: {where}. "
            "Add --force to replace it (its data will be lost). Nothing was changed.")
