"""`renkei import --revision`: a revised edition recorded as a revision, with its date as the area wrote it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from renkei.cli import app
from renkei.store.tables import KpiRevisionRow, PlanRevisionRow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"


def revised(tmp_path: Path) -> Path:
    """Write the example with the fire KPI's target raised from 25件 to 40件."""
    path = tmp_path / "revised.txt"
    text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text.replace("25件（令和12年度までの累計）", "40件（令和12年度までの累計）"), encoding="utf-8")
    return path


def stored_revisions(tmp_path: Path) -> list[tuple[str, date, str, int, str]]:
    """Return the stored revisions (label, date, date as written, first year, reason)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'renkei.db'}")
    with engine.connect() as connection:
        rows = connection.execute(select(PlanRevisionRow.label, PlanRevisionRow.revised_on, PlanRevisionRow.date_text,
                                         PlanRevisionRow.in_force_from, PlanRevisionRow.reason)).all()
        assert connection.execute(select(KpiRevisionRow.change)).scalars().all() == (["changed"] if rows else [])
    engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


@pytest.mark.parametrize(("options", "expected"), [
    (["--revision-date", "令和9年10月"], ("一部改正", date(2027, 10, 1), "令和9年10月", 2027, "")),
    (["--revision-date", "2027-10-01", "--revision-from", "令和10年度", "--revision-reason", "総務省の求め"],
     ("一部改正", date(2027, 10, 1), "", 2028, "総務省の求め")),
    (["--revision-date", "R10.2.1"], ("一部改正", date(2028, 2, 1), "R10.2.1", 2027, "")),
])
def test_a_revision_is_recorded_with_its_date_and_first_year(runner: CliRunner, tmp_path: Path, options: list[str],
                                                             expected: tuple[object, ...]) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    result = runner.invoke(app, ["import", str(revised(tmp_path)), "--revision", "一部改正", *options])
    assert result.exit_code == 0, result.output
    assert "40件（令和12年度までの累計）" in result.output  # the diff is shown as for any import
    assert "として記録しました" in result.output and "recorded as the FY" in result.output
    assert stored_revisions(tmp_path) == [expected]


def test_a_plain_correction_records_no_revision(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    result = runner.invoke(app, ["import", str(revised(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "改正" not in result.output and stored_revisions(tmp_path) == []


@pytest.mark.parametrize(("options", "message"), [
    (["--revision", "一部改正"], "--revision-date: 改正の日付を指定してください"),
    (["--revision", "一部改正", "--revision-date", "来月"], "「来月」を日付として読めません"),
    (["--revision", "一部改正", "--revision-date", "令和9年10月", "--revision-from", "来年"], "--revision-from"),
    (["--revision-date", "令和9年10月"], "--revision-date は --revision と一緒に使います"),
    (["--revision", "一部改正", "--revision-date", "令和20年10月"], "計画期間"),
])
def test_bad_revision_options_are_refused_with_a_clear_message(runner: CliRunner, tmp_path: Path,
                                                               options: list[str], message: str) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    result = runner.invoke(app, ["import", str(revised(tmp_path)), *options])
    assert result.exit_code == 2
    assert message in result.output.replace("\n", "")
    assert stored_revisions(tmp_path) == []
