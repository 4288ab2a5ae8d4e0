"""`renkei import | actuals template | actuals import | progress` as a user runs them, on a tmp SQLite file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from renkei.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
FIRE = "火災原因調査鑑識・鑑定連携事業"
FIRE_KPI = "鑑識・鑑定及び研修・会議等実施件数"
ROAD = "圏域内道路交通のネットワーク化にかかる連携"
ROAD_KPI = "都市計画道路の整備率"
KEYS = {"project", "indicator", "kind", "direction", "as_of", "latest_actual", "progress", "expected_progress",
        "status", "rating", "years_met", "years_due", "forecast_at_target", "forecast_year_reached"}
GOOD = (
    "事業名,指標,年度,実績値\n"
    f"{FIRE},{FIRE_KPI},R8,１０\n{ROAD},{ROAD_KPI},2026,84.9%\n"
)
BAD = (
    "事業名,指標,年度,実績値,備考\n"
    f"{FIRE},{FIRE_KPI},R8,4,\n"
    f"火災原因調査鑑識鑑定連携事業,{FIRE_KPI},R9,6,\n"
    f"{FIRE},{FIRE_KPI},R20,6,\n"
    f"{ROAD},{ROAD_KPI},2026,八十四点九,\n"
    f"{ROAD},整備率,2027,85,\n"
)


def open_round(runner: CliRunner) -> None:
    """Open the FY2026 reporting round: only a year whose round is open takes actuals."""
    result = runner.invoke(app, ["round", "open", "--year", "R8", "--due", "2027-05-31"])
    assert result.exit_code == 0, result.output


def write(path: Path, text: str) -> Path:
    """Write a UTF-8 file and return its path."""
    path.write_text(text, encoding="utf-8")
    return path


def records(output: str) -> dict[str, dict[str, Any]]:
    """Return the progress records of a JSON output, by indicator."""
    return {r["indicator"]: r for r in json.loads(output)["kpis"]}


def test_progress_from_files_needs_no_database(runner: CliRunner, tmp_path: Path) -> None:
    actuals = write(tmp_path / "actuals.csv", GOOD)
    result = runner.invoke(app, ["progress", "--plan-file", str(EXAMPLE), "--actuals", str(actuals), "--as-of",
                                 "2027", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "renkei.db").exists()
    data = json.loads(result.stdout)
    assert len(data["kpis"]) == 30
    assert all(set(list(r)[:len(KEYS)]) == KEYS and "explanation" in r for r in data["kpis"])
    fire = records(result.stdout)[FIRE_KPI]
    assert {k: fire[k] for k in ("project", "latest_actual", "progress", "expected_progress", "status", "rating")} \
        == {"project": FIRE, "latest_actual": 10.0, "progress": 0.4, "expected_progress": 0.2,
            "status": "on_track", "rating": "B"}
    assert fire["explanation"]["ja"].startswith("累計 10件") and "目標 25件（40%）" in fire["explanation"]["ja"]
    assert "令和8年度の実績で判定。令和9年度は未報告" in fire["explanation"]["ja"]
    assert fire["judged_year"] == 2026
    summary = data["summary"]
    assert summary["overall"]["by_status"]["on_track"] == 1
    assert {"by_policy_area", "by_category"} <= set(summary)


def test_the_road_kpi_is_behind_as_of_2026(runner: CliRunner, tmp_path: Path) -> None:
    actuals = write(tmp_path / "actuals.csv", GOOD)
    result = runner.invoke(app, ["progress", "--plan-file", str(EXAMPLE), "--actuals", str(actuals), "--as-of",
                                 "2026", "--format", "json"])
    road = records(result.stdout)[ROAD_KPI]
    assert (road["latest_actual"], road["status"], road["rating"], road["progress"]) == (84.9, "behind", "C", 0.2857)


def test_progress_csv_has_one_row_per_kpi_with_the_fixed_columns(runner: CliRunner, tmp_path: Path) -> None:
    actuals = write(tmp_path / "actuals.csv", GOOD)
    result = runner.invoke(app, ["progress", "--plan-file", str(EXAMPLE), "--actuals", str(actuals), "--as-of",
                                 "2027", "--format", "csv"])
    lines = result.stdout.splitlines()
    assert lines[0].startswith("project,indicator,kind,direction,as_of,latest_actual,progress,expected_progress,"
                               "status,rating,years_met,years_due,forecast_at_target,forecast_year_reached,")
    assert len(lines) == 31
    assert any(line.startswith(f"{FIRE},{FIRE_KPI},cumulative,increase,2027,10.0,0.4,0.2,on_track,B,")
               for line in lines)


def test_progress_table_is_japanese_first(runner: CliRunner, tmp_path: Path) -> None:
    actuals = write(tmp_path / "actuals.csv", GOOD)
    result = runner.invoke(app, ["progress", "--plan-file", str(EXAMPLE), "--actuals", str(actuals), "--as-of",
                                 "2027"])
    assert result.exit_code == 0, result.output
    assert "KPIの進捗" in result.stdout and "政策分野別" in result.stdout and "順調" in result.stdout


def test_a_bad_actuals_file_is_rejected_row_by_row(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["import", str(EXAMPLE)])
    open_round(runner)
    bad = write(tmp_path / "bad.csv", BAD)
    result = runner.invoke(app, ["actuals", "import", str(bad)])
    assert result.exit_code == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith(f"{bad}: ")]
    assert [line.split(": ", 1)[1].split("「", 1)[0] for line in problems] == ["3行目", "4行目", "5行目", "6行目"]
    assert "（「火災原因調査鑑識・鑑定連携事業」のことですか？）" in problems[0]
    assert "令和20年度（2038）はまだ始まっていません" in problems[1]  # a forecast is no actual: an error, not a warning
    assert "row 5, value" in problems[2]
    assert "取り込みませんでした" in result.stdout
    again = runner.invoke(app, ["progress", "--as-of", "2027", "--format", "json"])
    assert records(again.stdout)[FIRE_KPI]["status"] == "no_data"


def test_skip_invalid_imports_the_good_rows(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["import", str(EXAMPLE)])
    open_round(runner)
    result = runner.invoke(app, ["actuals", "import", str(write(tmp_path / "bad.csv", BAD)), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "新規 1件" in result.stdout and "不正 4行" in result.stdout


def test_import_then_actuals_then_progress_from_the_database(runner: CliRunner, tmp_path: Path) -> None:
    first = runner.invoke(app, ["import", str(EXAMPLE)])
    assert first.exit_code == 0, first.output
    assert "新しい計画" in first.stdout and "保存しました" in first.stdout
    assert "変更はありません" in runner.invoke(app, ["import", str(EXAMPLE)]).stdout
    actuals = write(tmp_path / "actuals.csv", GOOD)
    refused = runner.invoke(app, ["actuals", "import", str(actuals)])
    assert refused.exit_code == 1 and "受け付けていません" in refused.stdout  # no round open for FY2026 yet
    open_round(runner)
    imported = runner.invoke(app, ["actuals", "import", str(actuals), "--plan", "kitakyushu-2026", "--actor", "山田"])
    assert imported.exit_code == 0, imported.output
    assert "新規 2件" in imported.stdout
    assert "変更なし 2件" in runner.invoke(app, ["actuals", "import", str(actuals)]).stdout
    stored = runner.invoke(app, ["progress", "--plan", "1", "--as-of", "2027", "--format", "json"])
    from_files = runner.invoke(app, ["progress", "--plan-file", str(EXAMPLE), "--actuals", str(actuals),
                                     "--as-of", "2027", "--format", "json"])
    assert json.loads(stored.stdout)["kpis"] == json.loads(from_files.stdout)["kpis"]


def test_a_changed_document_shows_its_diff(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["import", str(EXAMPLE)])
    changed = EXAMPLE.read_text(encoding="utf-8").replace("85.9%(令和12年度)", "86.5%(令和12年度)")
    edited = write(tmp_path / "edited.txt", changed)
    dry = runner.invoke(app, ["import", str(edited), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert ROAD_KPI in dry.stdout and "書き込みませんでした" in dry.stdout
    assert ROAD_KPI in runner.invoke(app, ["import", str(edited)]).stdout
    assert "変更はありません" in runner.invoke(app, ["import", str(edited)]).stdout


def test_dry_run_of_a_new_plan_keeps_nothing(runner: CliRunner, tmp_path: Path) -> None:
    dry = runner.invoke(app, ["import", str(EXAMPLE), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "新しい計画として30事業" in dry.output and "nothing was written" in dry.output
    assert not (tmp_path / "renkei.db").exists()
    result = runner.invoke(app, ["progress", "--as-of", "2027"])
    assert result.exit_code == 2
    assert "no database at" in result.output


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_template_from_the_database_reads_back(runner: CliRunner, tmp_path: Path, format: str) -> None:
    runner.invoke(app, ["import", str(EXAMPLE)])
    open_round(runner)
    target = tmp_path / f"template.{format}"
    result = runner.invoke(app, ["actuals", "template", "--plan", "1", "--year", "2026", "--format", format,
                                 "--output", str(target)])
    assert result.exit_code == 0, result.output
    imported = runner.invoke(app, ["actuals", "import", str(target)])
    assert imported.exit_code == 0, imported.output
    assert "空欄 30行" in imported.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["progress", "--plan-file", "missing.txt"], "ファイルがありません"),
        (["progress", "--plan-file", str(EXAMPLE), "--as-of", "0"], "--as-of"),
        (["actuals", "import", "missing.csv"], "missing.csv"),
        (["actuals", "template", "--plan-file", str(EXAMPLE), "--year", "R22"], "まだ始まっていません"),
        (["actuals", "template", "--plan-file", str(EXAMPLE), "--year", "26"], "not a fiscal year"),
        (["import", str(EXAMPLE), "--database-url", "mysql://x@y/z"], "unsupported database URL"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert message in result.output


def test_a_file_that_is_no_sheet_names_the_file(runner: CliRunner, tmp_path: Path) -> None:
    bogus = tmp_path / "actuals.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not really")
    result = runner.invoke(app, ["progress", "--plan-file", str(EXAMPLE), "--actuals", str(bogus)])
    assert result.exit_code == 2
    assert str(bogus) in result.output and "xlsx" in result.output
