"""`renkei backup` and `renkei restore` on SQLite and PostgreSQL: what comes back is what went in, byte for byte.

Each backend gets one source database per module (the example plan, a reporting round and approved actuals, put in
through the command line) and as many empty scratch databases as a test asks for: SQLite files, or PostgreSQL
databases created and dropped like ``tests/conftest.py`` does.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from renkei.cli import app
from renkei.store.backup import (
    BackupError,
    BackupKind,
    DatabaseNotEmptyError,
    backup_database,
    read_backup_kind,
    restore_database,
)
from renkei.store.engine import create_engine_from_url
from renkei.store.migrate import upgrade_database

REPOSITORY = Path(__file__).resolve().parents[2]
#: The open-data package's "created" time, fixed so that two exports of the same data are the same bytes.
EPOCH = {"SOURCE_DATE_EPOCH": "1800000000"}

NewDatabase = Callable[[], str]


def _scratch_databases(backend: str, folder: Path, request: pytest.FixtureRequest) -> Iterator[NewDatabase]:
    """Yield a maker of empty databases on the backend, and drop those it made."""
    made: list[str] = []
    postgres = request.getfixturevalue("postgres") if backend == "postgresql" else None

    def new() -> str:
        if postgres is None:
            return f"sqlite:///{folder / f'renkei_bk_{uuid.uuid4().hex[:12]}.db'}"
        made.append(postgres.create("bk"))
        return str(postgres.url(made[-1]))

    try:
        yield new
    finally:
        for name in made:
            assert postgres is not None
            postgres.drop_later(name)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def module_backend(request: pytest.FixtureRequest) -> str:
    """Return the backend of this module's source database."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_reachable")
    return str(request.param)


@pytest.fixture(scope="module")
def module_databases(module_backend: str, tmp_path_factory: pytest.TempPathFactory,
                     request: pytest.FixtureRequest) -> Iterator[NewDatabase]:
    """Yield the maker of the module's source database."""
    yield from _scratch_databases(module_backend, tmp_path_factory.mktemp("source"), request)


@pytest.fixture
def new_database(module_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[NewDatabase]:
    """Yield a maker of empty databases on the module's backend, dropped after the test."""
    yield from _scratch_databases(module_backend, tmp_path, request)


def renkei(*args: str, env: dict[str, str] | None = None) -> str:
    """Run a command in process; return its output, failing the test on a non-zero exit."""
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def source_url(module_databases: NewDatabase) -> str:
    """Return a database holding the example plan, a reporting round and 26 approved actuals (not to be changed)."""
    url = module_databases()
    renkei("import", str(REPOSITORY / "examples" / "kitakyushu_vision_r8.txt"), "--database-url", url)
    renkei("round", "open", "--year", "R8", "--due", "2027-05-31", "--database-url", url)
    renkei("actuals", "import", str(REPOSITORY / "examples" / "kitakyushu_actuals_sample.csv"), "--database-url", url)
    return url


def export_package(url: str, folder: Path) -> dict[str, bytes]:
    """Write the open-data package of the database's plan; return its files' bytes by name."""
    renkei("export", "opendata", str(folder), "--database-url", url, env=EPOCH)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def count(url: str, table: str) -> int:
    engine = create_engine_from_url(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_a_restored_backup_exports_the_same_open_data_byte_for_byte(
    source_url: str, new_database: NewDatabase, tmp_path: Path
) -> None:
    backup = tmp_path / "renkei.backup"
    output = renkei("backup", str(backup), "--database-url", source_url)
    assert "バックアップしました / backed up" in output
    target = new_database()
    output = renkei("restore", str(backup), "--database-url", target)
    assert "復元しました / restored" in output
    original = export_package(source_url, tmp_path / "original")
    restored = export_package(target, tmp_path / "restored")
    assert "actuals.csv" in original and b"18500" in original["actuals.csv"]  # the package carries the actuals
    assert restored == original
    assert count(target, "audit_event") == count(source_url, "audit_event")  # and the history beside them
    status = CliRunner().invoke(app, ["db", "status", "--database-url", target])
    assert status.exit_code == 0 and "最新です / up to date" in status.output


def test_a_backup_file_says_what_it_is(source_url: str, module_backend: str, tmp_path: Path) -> None:
    result = backup_database(source_url, tmp_path / "b")
    expected = BackupKind.SQLITE if module_backend == "sqlite" else BackupKind.PG_DUMP
    assert result.kind is expected and read_backup_kind(result.path) is expected
    assert result.revision is not None and result.size == result.path.stat().st_size
    assert [p.name for p in tmp_path.iterdir()] == ["b"]  # no partial file left beside it
    with pytest.raises(BackupError, match="already exists"):
        backup_database(source_url, tmp_path / "b")
    assert backup_database(source_url, tmp_path / "b", overwrite=True).size > 0
    with pytest.raises(BackupError, match="is a folder"):
        backup_database(source_url, tmp_path, overwrite=True)
    with pytest.raises(BackupError, match="no folder"):
        backup_database(source_url, tmp_path / "missing" / "b")


def test_a_restore_never_overwrites_data_without_force(
    source_url: str, new_database: NewDatabase, tmp_path: Path
) -> None:
    backup = backup_database(source_url, tmp_path / "b").path
    target = new_database()
    upgrade_database(target)
    with create_engine_from_url(target).begin() as connection:  # another area's data, to be kept
        connection.execute(text("INSERT INTO area (slug, name, name_en, lead_code, plan_first_year, plan_last_year, "
                                "extra_parties, created_at, updated_at, settings) VALUES ('other', 'O', '', '402036', "
                                "2026, 2030, '[]', '2026-05-01', '2026-05-01', '{}')"))
    with pytest.raises(DatabaseNotEmptyError):
        restore_database(target, backup)
    result = CliRunner().invoke(app, ["restore", str(backup), "--database-url", target])
    assert result.exit_code == 1
    assert "データがあります" in result.output and "--force" in result.output and "Nothing was changed" in result.output
    assert count(target, "area") == 1 and count(target, "plan") == 0
    output = renkei("restore", str(backup), "--database-url", target, "--force")
    assert "復元しました" in output
    assert count(target, "plan") == count(source_url, "plan") == 1
    assert count(target, "area WHERE slug = 'other'") == 0


def test_a_freshly_migrated_database_counts_as_empty(source_url: str, new_database: NewDatabase,
                                                     tmp_path: Path) -> None:
    backup = backup_database(source_url, tmp_path / "b").path
    target = new_database()
    upgrade_database(target)  # tables, no rows: what `renkei db upgrade` of a new database leaves
    restore_database(target, backup)
    assert count(target, "actual") == count(source_url, "actual") > 0


def test_bad_backups_are_refused_and_change_nothing(
    source_url: str, new_database: NewDatabase, tmp_path: Path
) -> None:
    good = backup_database(source_url, tmp_path / "good").path
    truncated = tmp_path / "truncated"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    other = tmp_path / "notes.txt"
    other.write_text("事業名,指標\n", encoding="utf-8")
    target = new_database()
    upgrade_database(target)
    renkei("import", str(REPOSITORY / "tests" / "data" / "other_areas_toyama.txt"), "--area", "toyama-gosei",
           "--database-url", target)
    plans = count(target, "plan")
    bad_files = ((other, "not a renkei backup"), (truncated, "damaged|cannot restore|failed"),
                 (tmp_path / "missing", "no such backup"))
    for bad, said in bad_files:
        with pytest.raises(BackupError, match=said):
            restore_database(target, bad, force=True)
        assert count(target, "plan") == plans  # even with --force, a bad backup changes nothing
    result = CliRunner().invoke(app, ["restore", str(other), "--database-url", target])
    assert result.exit_code == 2 and "renkei のバックアップではありません" in result.output


def test_a_backup_from_a_newer_renkei_is_refused(source_url: str, new_database: NewDatabase, tmp_path: Path) -> None:
    copy = new_database()
    restore_database(copy, backup_database(source_url, tmp_path / "b").path)
    with create_engine_from_url(copy).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    newer = backup_database(copy, tmp_path / "newer").path
    target = new_database()
    with pytest.raises(BackupError, match="newer renkei"):
        restore_database(target, newer)
    assert not _holds_tables(target)


def test_a_backup_taken_during_a_write_holds_only_what_was_committed(
    source_url: str, new_database: NewDatabase, tmp_path: Path
) -> None:
    """The portal may be writing while the backup runs: the backup waits for nobody and sees only committed rows."""
    live = new_database()
    restore_database(live, backup_database(source_url, tmp_path / "first").path)
    before = count(live, "audit_event")
    engine = create_engine_from_url(live)
    try:
        with engine.connect() as writer:
            transaction = writer.begin()
            writer.execute(text("INSERT INTO audit_event (at, actor, action, entity, entity_key) "
                                "VALUES ('2027-01-01', 'staff', 'test', 'plan', 'x')"))
            backup = backup_database(live, tmp_path / "during").path  # the write is still open
            transaction.commit()
    finally:
        engine.dispose()
    target = new_database()
    restore_database(target, backup)
    assert count(target, "audit_event") == before
    assert count(live, "audit_event") == before + 1


def test_a_backup_taken_while_writes_go_on_is_whole(source_url: str, new_database: NewDatabase,
                                                     tmp_path: Path) -> None:
    """Staff keep saving (one transaction a save) while the backup runs: it neither fails nor holds half a save."""
    live = new_database()
    restore_database(live, backup_database(source_url, tmp_path / "first").path)
    before = count(live, "audit_event")
    saves = 200
    started = threading.Event()
    problems: list[BaseException] = []

    def keep_saving() -> None:
        engine = create_engine_from_url(live)
        try:
            for n in range(saves):
                with engine.begin() as connection:  # two rows a save: a backup holds both or neither
                    for part in ("before", "after"):
                        connection.execute(text("INSERT INTO audit_event (at, actor, action, entity, entity_key) "
                                                "VALUES ('2027-01-01', 'staff', :part, 'plan', :key)"),
                                           {"part": part, "key": str(n)})
                started.set()
        except BaseException as exc:  # reported by the test below
            problems.append(exc)
        finally:
            started.set()
            engine.dispose()

    writer = threading.Thread(target=keep_saving)
    writer.start()
    started.wait()
    try:
        backup = backup_database(live, tmp_path / "during").path
    finally:
        writer.join()
    assert problems == []
    target = new_database()
    restore_database(target, backup)
    copied = count(target, "audit_event") - before
    assert 0 <= copied <= 2 * saves and copied % 2 == 0
    assert count(target, "audit_event WHERE action = 'before'") == count(target, "audit_event WHERE action = 'after'")
    assert count(live, "audit_event") == before + 2 * saves


def _holds_tables(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(str(parsed.database))
        if not path.exists():
            return False
        with sqlite3.connect(path) as connection:
            return bool(connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    engine = create_engine_from_url(url)
    try:
        with engine.connect() as connection:
            return bool(connection.execute(text(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")).scalar_one())
    finally:
        engine.dispose()
