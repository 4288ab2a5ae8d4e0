"""Every year option reads a year one way (2026, 令和8年度, R8) and refuses, in both languages, a bad year or one
outside the plan period, before anything is written (issue 18)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renkei.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of a database holding the example plan (FY2026-FY2030), imported once for the module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('years') / 'renkei.db'}"
    result = CliRunner().invoke(app, ["import", str(EXAMPLE), "--database-url", url])
    assert result.exit_code == 0, result.output
    return url


@pytest.fixture
def cli(stored: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("RENKEI_DATABASE_URL", stored)
    monkeypatch.chdir(tmp_path)
    yield CliRunner()


def one_line(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.parametrize("written", ["2027", "令和9年度", "令和９年度", "R9", "ｒ９", "FY2027", "令和9年度（2027）"])
@pytest.mark.parametrize("source", ["database", "file"])
def test_progress_reads_every_spelling_of_a_year(cli: CliRunner, written: str, source: str) -> None:
    where = ["--plan-file", str(EXAMPLE)] if source == "file" else []
    result = cli.invoke(app, ["progress", *where, "--as-of", written, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == 2027


#: Every option that names a fiscal year, with the rest of its command (a bad year is refused before anything else).
YEAR_OPTIONS = [
    ["progress", "--as-of"],
    ["progress", "--plan-file", str(EXAMPLE), "--as-of"],
    ["export", "xlsx", "plan.xlsx", "--as-of"],
    ["export", "opendata", "out", "--as-of"],
    ["report", "report.pdf", "--as-of"],
    ["actuals", "template", "--year"],
    ["actuals", "template", "--municipality", "402133", "--year"],
    ["round", "open", "--due", "2027-05-31", "--year"],
    ["round", "close", "--year"],
]


@pytest.mark.parametrize("command", YEAR_OPTIONS, ids=" ".join)
@pytest.mark.parametrize("written", ["26", "R", "来年度", "2026-04-01", "令和8年度（2027）"])
def test_a_bad_year_gets_one_bilingual_message(cli: CliRunner, tmp_path: Path, command: list[str],
                                               written: str) -> None:
    result = cli.invoke(app, [*command, written])
    assert result.exit_code == 2
    option = command[-1]
    assert one_line(result.output) == (
        f"エラー / error: {option}: 「{written}」を年度として読めません（2026、令和8年度、R8 のように書きます） / "
        f"not a fiscal year: {written!r} (write 2026, 令和8年度 or R8)")
    assert sorted(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ["progress", "--as-of"],
        ["progress", "--plan-file", str(EXAMPLE), "--as-of"],
        ["export", "xlsx", "plan.xlsx", "--as-of"],
        ["export", "opendata", "out", "--as-of"],
        ["report", "report.pdf", "--as-of"],
    ],
    ids=" ".join,
)
@pytest.mark.parametrize(("written", "year", "era"), [("2040", 2040, "令和22年度"), ("H30", 2018, "平成30年度"),
                                                      ("2025", 2025, "令和7年度"), ("R13", 2031, "令和13年度")])
def test_a_year_outside_the_plan_period_is_refused_not_moved(cli: CliRunner, tmp_path: Path, command: list[str],
                                                            written: str, year: int, era: str) -> None:
    result = cli.invoke(app, [*command, written])
    assert result.exit_code == 2, result.output
    assert one_line(result.output) == (
        f"エラー / error: --as-of: {era}（{year}）は計画期間（令和8年度（2026）〜令和12年度（2030））の外です / "
        f"FY{year} is outside the plan period FY2026–FY2030")
    assert sorted(tmp_path.iterdir()) == []  # no report, workbook or package for another year


@pytest.mark.parametrize("written", ["2026", "R12"])
def test_the_first_and_last_years_of_the_period_are_in_it(cli: CliRunner, written: str) -> None:
    result = cli.invoke(app, ["export", "xlsx", "plan.xlsx", "--as-of", written])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("written", ["R8", "令和8年度", "2026"])
def test_rounds_open_and_close_with_any_spelling(written: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'renkei.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(EXAMPLE), "--database-url", url]).exit_code == 0
    opened = runner.invoke(app, ["round", "open", "--year", written, "--due", "2027-05-31", "--database-url", url])
    assert "round opened for FY2026" in opened.output
    closed = runner.invoke(app, ["round", "close", "--year", written, "--database-url", url])
    assert closed.exit_code == 0 and "round closed" in closed.output


def test_the_help_says_how_a_year_is_written(cli: CliRunner) -> None:
    result = cli.invoke(app, ["report", "--help"], env={"COLUMNS": "250"})
    assert "例: 2026、令和8年度、R8" in result.output and "e.g. 2026, 令和8年度 or R8" in result.output
