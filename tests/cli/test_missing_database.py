"""Commands that need a database refuse when there is none at the URL, and create nothing (issue 18).

A mistyped RENKEI_DATABASE_URL used to make `renkei user list` create an empty database and list no one. Only the
commands that can start a database from nothing create one: `renkei import`, `renkei area add` and `renkei user add`
(and `renkei serve`, which imports the example into an empty one).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from renkei.cli import app
from renkei.store.engine import create_engine_from_url

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
ACTUALS = EXAMPLE.parent / "kitakyushu_actuals_sample.csv"

NEEDS_A_DATABASE = [
    ["area", "list"],
    ["user", "list"],
    ["round", "list"],
    ["progress"],
    ["progress", "--as-of", "2027", "--format", "json"],
    ["report", "--as-of", "2027", "out.pdf"],
    ["export", "xlsx", "out.xlsx"],
    ["export", "opendata", "out"],
    ["build-site", "site"],
    ["audit", "export", "-o", "audit.csv"],
    ["actuals", "template", "--year", "2026", "-o", "template.csv"],
    ["actuals", "template", "--municipality", "402133", "--year", "2026", "-o", "partner.xlsx"],
    ["actuals", "import", str(ACTUALS)],
    ["actuals", "import", str(ACTUALS), "--dry-run"],
    ["user", "set-role", "kikaku", "viewer"],
    ["user", "disable", "kikaku"],
    ["user", "enable", "kikaku"],
    ["user", "reset-password", "kikaku", "--password-stdin"],
    ["user", "assign", "kikaku", "6ca2fb518e"],
    ["round", "open", "--year", "R8", "--due", "2027-05-31"],
    ["round", "close", "--year", "R8"],
    ["db", "status"],
    ["db", "upgrade"],
    ["backup", "renkei.backup"],
]


@pytest.fixture
def typo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point RENKEI_DATABASE_URL at a mistyped file in a folder that does not exist; work in tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RENKEI_DATABASE_URL", f"sqlite:///{tmp_path / 'vra' / 'renkie.db'}")
    return tmp_path


@pytest.mark.parametrize("args", NEEDS_A_DATABASE, ids=" ".join)
def test_a_missing_database_is_refused_and_not_created(typo: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, args, input="a long enough password\n")
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "データベースがありません / no database at sqlite:///" in message
    assert "renkie.db" in message and "RENKEI_DATABASE_URL" in message
    assert "renkei import FILE" in message and "Nothing was created" in message
    assert sorted(p.name for p in typo.iterdir()) == []  # no database, no folder, no output file


def test_the_option_is_named_when_the_url_came_from_it(typo: Path) -> None:
    result = CliRunner().invoke(app, ["user", "list", "--database-url", f"sqlite:///{typo / 'x.db'}"])
    assert result.exit_code == 2
    assert "URL from: --database-url" in result.output
    assert not (typo / "x.db").exists()


def test_an_empty_database_is_refused_without_its_password(database_url: str, backend: str,
                                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    url = database_url
    if backend == "postgresql":  # the test server trusts everyone: a password is accepted and ignored
        url = make_url(database_url).set(password="s3cret").render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["round", "list", "--database-url", url])
    assert result.exit_code == 2, result.output
    assert "s3cret" not in result.output
    if backend == "postgresql":
        assert "holds no renkei tables" in result.output and ":***@" in result.output
        engine = create_engine_from_url(database_url)
        assert inspect(engine).get_table_names() == []
        engine.dispose()
    else:
        assert "no database at" in result.output
        assert not Path(make_url(database_url).database or "").exists()


def test_an_unreadable_url_names_where_it_came_from(typo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RENKEI_DATABASE_URL", "var/renkei.db")
    result = CliRunner().invoke(app, ["user", "list"])
    assert result.exit_code == 2
    assert "cannot read the database URL" in result.output and "RENKEI_DATABASE_URL" in result.output


def test_the_dry_run_of_a_first_import_says_what_it_would_do_and_creates_nothing(typo: Path) -> None:
    result = CliRunner().invoke(app, ["import", str(EXAMPLE), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "no renkei database yet" in result.output and "nothing was written" in result.output
    assert sorted(typo.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["import", str(EXAMPLE)], "保存しました"),
        (["user", "add", "admin", "--role", "admin", "--password-stdin"], "created: admin"),
    ],
    ids=["import", "user add"],
)
def test_the_commands_that_start_a_database_still_create_it(typo: Path, args: list[str], said: str) -> None:
    result = CliRunner().invoke(app, args, input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    assert said in result.output
    assert (typo / "vra" / "renkie.db").is_file()
    assert CliRunner().invoke(app, ["user", "list"]).exit_code == 0


def test_area_add_starts_a_database_and_area_list_reads_it(typo: Path) -> None:
    seed = Path(__file__).resolve().parents[2] / "src" / "renkei" / "data" / "areas" / "harima.json"
    result = CliRunner().invoke(app, ["area", "add", str(seed)])
    assert result.exit_code == 0, result.output
    assert (typo / "vra" / "renkie.db").is_file()
    listed = CliRunner().invoke(app, ["area", "list"])
    assert listed.exit_code == 0 and "harima" in listed.output and "kitakyushu" not in listed.output
