"""Operations commands: `renkei backup`, `renkei restore`, `renkei db upgrade` and `renkei db status`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from renkei.cli.console import command_console
from renkei.cli.database import DatabaseOpt, _shown_url, _unusable_url, refusing_database_errors
from renkei.cli.files import fail
from renkei.settings import Settings
from renkei.store.backup import BackupError, DatabaseNotEmptyError, backup_database, restore_database
from renkei.store.engine import DatabaseUrlError, create_engine_from_url
from renkei.store.migrate import (
    MigrationState,
    read_migration_state,
    require_database,
    upgrade_database,
)

out = command_console(soft_wrap=True, highlight=False)


def _existing(url: str | None) -> str:
    """Return the URL of the renkei database the command works on; exit when there is none (creating nothing)."""
    chosen = url or Settings().database_url
    with refusing_database_errors(url, chosen):
        require_database(chosen)
    return chosen


def _state(url: str) -> MigrationState:
    engine = create_engine_from_url(url)
    try:
        with engine.connect() as connection:
            return read_migration_state(connection)
    except SQLAlchemyError as exc:
        raise fail(f"データベースを読めません / cannot read the database {_shown_url(url)}: "
                   f"{str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()


def _newer_message(state: MigrationState) -> str:
    return (f"データベースのスキーマ（{state.current}）はこの版の renkei（最新 {state.head}）より新しい版の"
            f"ものです。renkei を更新してください / the database's schema ({state.current}) comes from a newer "
            f"renkei than this one (head {state.head}): upgrade renkei")


def backup(
    output: Annotated[Path, typer.Argument(help="バックアップファイル / the backup file to write")],
    database_url: DatabaseOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="既にあるファイルを置き換える / replace an existing file")] = False,
) -> None:
    """データベースをバックアップする（稼働中でもよい） / back up the database, even while serving."""
    chosen = _existing(database_url)
    try:
        result = backup_database(chosen, output, overwrite=force)
    except BackupError as exc:
        raise fail(str(exc)) from None
    out.print(f"バックアップしました / backed up {_shown_url(chosen)} → {result.path}"
              f"（{result.kind.value}、{result.size:,} バイト / bytes、スキーマ / schema {result.revision}）")


def restore(
    source: Annotated[Path, typer.Argument(help="バックアップファイル / the backup file")],
    database_url: DatabaseOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="データのあるデータベースを置き換える（今のデータは失われる） / replace its data")
    ] = False,
) -> None:
    """バックアップから復元する（データがあれば --force が要る） / restore a backup into a database."""
    chosen = database_url or Settings().database_url
    try:
        result = restore_database(chosen, source, force=force)
    except DatabaseUrlError as exc:
        raise _unusable_url(exc, database_url) from None
    except DatabaseNotEmptyError as exc:
        raise fail(str(exc), code=1) from None
    except BackupError as exc:
        raise fail(str(exc)) from None
    out.print(f"復元しました / restored {result.path} → {_shown_url(chosen)}（スキーマ / schema {result.revision}）")
    state = _state(chosen)
    if state.pending:
        out.print(f"スキーマが最新ではありません。`renkei db upgrade` を実行してください / the schema is "
                  f"older than this renkei's ({state.head}): run `renkei db upgrade`")


def upgrade(database_url: DatabaseOpt = None) -> None:
    """マイグレーションを実行してスキーマを最新にする / run the migrations up to the newest schema."""
    chosen = _existing(database_url)
    before = _state(chosen)
    if not before.known:
        raise fail(_newer_message(before))
    if before.at_head:
        out.print(f"スキーマは最新です / the schema is up to date: {before.head}")
        return
    out.print(f"マイグレーション / migrating {before.current} → {before.head}: {', '.join(before.pending)}")
    try:
        upgrade_database(chosen)
    except SQLAlchemyError as exc:
        raise fail(f"マイグレーションに失敗しました。データベースは元のままです / the migration failed and was rolled "
                   f"back: {str(exc).splitlines()[0]}") from None
    out.print(f"スキーマを更新しました / upgraded to {_state(chosen).current}")


def status(database_url: DatabaseOpt = None) -> None:
    """スキーマの版（現在と最新）を表示する。未適用があれば終了コード1 / show the schema's revision against head."""
    chosen = _existing(database_url)
    state = _state(chosen)
    out.print(f"データベース / database: {_shown_url(chosen)}")
    out.print(f"現在 / current: {state.current}")
    out.print(f"最新 / head:    {state.head}")
    if not state.known:
        out.print(_newer_message(state))
        raise typer.Exit(1)
    if state.pending:
        out.print(f"未適用 / pending ({len(state.pending)}): {', '.join(state.pending)} — `renkei db upgrade`")
        raise typer.Exit(1)
    out.print("最新です / up to date")


def register(app: typer.Typer) -> None:
    """Add backup, restore and the db commands (upgrade, status) to the app."""
    app.command("backup")(backup)
    app.command("restore")(restore)
    db_app = typer.Typer(name="db", help="データベースのスキーマ / the database schema: upgrade, status",
                         no_args_is_help=True)
    db_app.command("upgrade")(upgrade)
    db_app.command("status")(status)
    app.add_typer(db_app, name="db")
