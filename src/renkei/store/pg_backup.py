"""PostgreSQL backups with ``pg_dump`` (custom format) and restores with ``pg_restore`` piped into one psql transaction.

pg_dump reads one snapshot, so a backup taken while the portal serves is consistent. It holds the schema the
database URL works in (``current_schema()``: ``public``, or the one a ``search_path`` option names). A restore turns
the archive into SQL (``pg_restore -f -``, leaving out the schema itself, which the target already has), drops what
the target schema holds, and runs both in one transaction (``psql --single-transaction``, stopping at the first
error): it either completes or changes nothing. The password travels in ``PGPASSWORD``, never on a command line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from renkei.store.backup import BackupError, DatabaseNotEmptyError, check_revision, not_empty_message
from renkei.store.engine import create_engine_from_url

#: libpq's environment variables for the URL's query parameters renkei passes on.
QUERY_ENV = {"options": "PGOPTIONS", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
             "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT", "host": "PGHOST", "port": "PGPORT",
             "application_name": "PGAPPNAME"}
#: Archive entries left out of a restore: the schema itself exists in the target already.
SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA) ")
TABLE_ENTRY = re.compile(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) (\S+) ")


def libpq_environment(url: URL) -> dict[str, str]:
    """Return the environment that points pg_dump, pg_restore and psql at the URL's database.

    >>> from sqlalchemy.engine import make_url
    >>> env = libpq_environment(make_url("postgresql+psycopg://u:p%40ss@db.example:5433/renkei?sslmode=require"))
    >>> [env[k] for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE")]
    ['db.example', '5433', 'u', 'p@ss', 'renkei', 'require']
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, given in url.query.items():
        if key in QUERY_ENV:
            env[QUERY_ENV[key]] = given if isinstance(given, str) else given[-1]
    parts: tuple[tuple[str, str | int | None], ...] = (
        ("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username), ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database))
    for name, value in parts:
        if value is not None:
            env[name] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} がありません（Debian では postgresql-client を入れてください） / {name} is missing "
                          "(install postgresql-client)")
    return found


def _run(command: list[str], url: URL, *, stdin: bytes | None = None) -> bytes:
    done = subprocess.run(command, env=libpq_environment(url), input=stdin, capture_output=True, check=False)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BackupError(f"{Path(command[0]).name} が失敗しました / {Path(command[0]).name} failed: "
                          f"{' '.join(said[:3]) or done.returncode}")
    return done.stdout


def _inspect(url: URL) -> tuple[str, str | None, bool, list[str]]:
    """Return the URL's schema, its revision, whether it holds data, and the drops that empty it."""
    engine = create_engine_from_url(url)
    try:
        with engine.connect() as connection:
            schema = str(connection.execute(text("SELECT current_schema()")).scalar_one())
            tables = [str(t) for t in connection.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"), {"s": schema}).scalars()]
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute(text(f'SELECT version_num FROM "{schema}".alembic_version')).scalar()
            data = any(connection.execute(text(f'SELECT 1 FROM "{schema}"."{t}" LIMIT 1')).first()
                       for t in tables if t != "alembic_version")
            return schema, revision, data, _drops(connection, schema, tables)
    except SQLAlchemyError as exc:
        raise BackupError(f"データベースに接続できません / cannot open the database "
                          f"{url.render_as_string(hide_password=True)}: {str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()


def _drops(connection: Connection, schema: str, tables: list[str]) -> list[str]:
    """Return the statements that remove every table, view, sequence and function of the schema."""
    quoted = f'"{schema}"'
    views = connection.execute(text("SELECT viewname FROM pg_views WHERE schemaname = :s"), {"s": schema}).scalars()
    sequences = connection.execute(text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = :s"), {"s": schema}).scalars()
    functions = connection.execute(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = :s AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"),
        {"s": schema}).scalars()  # an extension's functions are the extension's
    return ([f'DROP VIEW IF EXISTS {quoted}."{v}" CASCADE;' for v in views]
            + [f'DROP TABLE IF EXISTS {quoted}."{t}" CASCADE;' for t in tables]
            + [f'DROP SEQUENCE IF EXISTS {quoted}."{s}" CASCADE;' for s in sequences]
            + [f"DROP FUNCTION IF EXISTS {f if '.' in f else quoted + '.' + f} CASCADE;" for f in functions])


def backup_postgres(url: URL, out: Path) -> str | None:
    """Dump the URL's schema to ``out`` in pg_dump's custom format; return its schema revision."""
    schema, revision, _, _ = _inspect(url)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema}",
          f"--file={out}"], url)
    return revision


def read_archive_revision(source: Path, url: URL) -> str | None:
    """Return the schema revision a pg_dump archive holds (its ``alembic_version`` row), None if it has none."""
    script = _run([_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(source)], url)
    lines = script.decode("utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and index + 1 < len(lines):
            value = lines[index + 1]
            return None if value == "\\." else value.strip()
    return None


def restore_postgres(url: URL, source: Path, *, force: bool) -> str | None:
    """Replace what the URL's schema holds by the archive ``source``, in one transaction; return its revision."""
    schema, _, data, drops = _inspect(url)
    if data and not force:
        raise DatabaseNotEmptyError(not_empty_message(f"{url.render_as_string(hide_password=True)}（{schema}）"))
    listing = _run([_tool("pg_restore"), "--list", str(source)], url).decode("utf-8").splitlines()
    dumped = {m.group(1) for line in listing if (m := TABLE_ENTRY.match(line))}
    if dumped and dumped != {schema}:
        raise BackupError(f"バックアップのスキーマ（{', '.join(sorted(dumped))}）と復元先のスキーマ（{schema}）が"
                          "違います / "
                          f"the backup's schema ({', '.join(sorted(dumped))}) is not the target's ({schema})")
    revision = read_archive_revision(source, url)
    check_revision(revision, source)
    with tempfile.TemporaryDirectory(prefix="renkei-restore-") as folder:
        use_list = Path(folder) / "entries.list"
        use_list.write_text("\n".join(line for line in listing if not SCHEMA_ENTRY.match(line)) + "\n",
                            encoding="utf-8")
        script = _run([_tool("pg_restore"), "--no-owner", "--no-privileges", f"--use-list={use_list}", "--file=-",
                       str(source)], url)
    statements = "\n".join(drops).encode("utf-8") + b"\n" + script
    _run([_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
          "--file=-"], url, stdin=statements)
    return revision
