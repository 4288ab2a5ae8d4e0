"""`renkei db status` and `renkei db upgrade`: the schema's revision against this renkei's, and bringing it up."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from typer.testing import CliRunner

from renkei.cli import app
from renkei.store.engine import create_engine_from_url
from renkei.store.migrate import read_head_revision, upgrade_database


def test_status_and_upgrade_of_a_database_behind(runner: CliRunner, tmp_path: Path) -> None:
    upgrade_database(f"sqlite:///{tmp_path / 'renkei.db'}", "0003_reader_budget")
    head = read_head_revision()
    status = runner.invoke(app, ["db", "status"])
    assert status.exit_code == 1
    assert "現在 / current: 0003_reader_budget" in status.output and f"最新 / head:    {head}" in status.output
    pending = status.output.split("未適用 / pending (", 1)[1]  # every revision after 0003, oldest first
    assert pending.split(": ", 1)[1].startswith("0004_staff_workspace, 0005_shares_as_records") and head in pending
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"マイグレーション / migrating 0003_reader_budget → {head}" in upgraded.output
    assert f"スキーマを更新しました / upgraded to {head}" in upgraded.output
    status = runner.invoke(app, ["db", "status"])
    assert status.exit_code == 0 and "最新です / up to date" in status.output
    again = runner.invoke(app, ["db", "upgrade"])
    assert again.exit_code == 0 and f"スキーマは最新です / the schema is up to date: {head}" in again.output


def test_a_database_from_a_newer_renkei_is_left_alone(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'renkei.db'}"
    upgrade_database(url)
    engine = create_engine_from_url(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    engine.dispose()
    status = runner.invoke(app, ["db", "status"])
    assert status.exit_code == 1 and "newer renkei" in status.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 2 and "renkei を更新してください" in upgraded.output
    with create_engine_from_url(url).connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0099_future"


def test_the_operations_commands_are_documented(runner: CliRunner) -> None:
    for command, options in ((["backup"], ["--database-url", "--force"]), (["restore"], ["--database-url", "--force"]),
                             (["db", "upgrade"], ["--database-url"]), (["db", "status"], ["--database-url"])):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and all(o in result.output for o in options)
