"""`renkei progress` in the area's own scale: each KPI's grade beside renkei's status and rating, the totals by the
area's roll-up and both rules in words, in the table, JSON and CSV; an area on renkei's A–E gets exactly the output
it had (the graded output minus its additions is that output, byte for byte)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from renkei.cli import app
from renkei.domain.scale import AKIRUNO_EXAMPLE, SETO_TAKAMATSU_EXAMPLE, EvaluationScale, RollUp
from renkei.domain.scale_json import scale_to_json
from renkei.domain.status import Rating, Status
from renkei.reading.area import load_area
from renkei.services.areas import add_area
from renkei.store.engine import create_engine_from_url, create_session_factory

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kitakyushu_vision_r8.txt"
ACTUALS = ROOT / "examples" / "kitakyushu_actuals_sample.csv"
AREA_FILE = ROOT / "src" / "renkei" / "data" / "areas" / "kitakyushu.json"
#: The CSV's columns for an area on renkei's A–E, as they always were.
PLAIN_CSV = ("project,indicator,kind,direction,as_of,latest_actual,progress,expected_progress,status,rating,years_met,"
             "years_due,forecast_at_target,forecast_year_reached,judged_year,explanation_ja,explanation_en,"
             "project_key,relisted,counted,policy_area,category,unit,baseline,target,measured,target_value,"
             "target_year,rule,status_label,rating_label")


def _area_file(folder: Path, scale: EvaluationScale | None, rollup: RollUp) -> Path:
    data = json.loads(AREA_FILE.read_text(encoding="utf-8"))
    if scale is not None:
        data["evaluation_scale"] = scale_to_json(scale)
    if rollup is not RollUp.WORST:
        data["rollup"] = rollup.value
    path = folder / f"area-{rollup.value}-{scale is not None}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["progress", "--plan-file", str(EXAMPLE), "--actuals", str(ACTUALS), "--as-of",
                                 "2027", *args], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _expected(scale: EvaluationScale, record: dict[str, Any]) -> str:
    """The grade the domain gives the verdict the record carries (no staff assessment in these files)."""
    return scale.grade_kpi(Status(record["status"]), Rating(record["rating"]), record["progress"],
                           record["expected_progress"]).key


SCALES = [  # (scale, roll-up, what the table's plan total says)
    pytest.param(SETO_TAKAMATSU_EXAMPLE, RollUp.MEAN_RATE, "平均得点率", id="seto-score-rate-mean"),
    pytest.param(AKIRUNO_EXAMPLE, RollUp.SHARE, "件（", id="akiruno-verdict-share"),
    pytest.param(None, RollUp.SHARE, "件（", id="renkei-scale-share"),
    pytest.param(SETO_TAKAMATSU_EXAMPLE, RollUp.WORST, "", id="seto-worst"),
]


@pytest.mark.parametrize(("scale", "rollup", "total_words"), SCALES)
def test_the_json_carries_each_kpis_grade_and_the_totals(runner: CliRunner, tmp_path: Path,
                                                         scale: EvaluationScale | None, rollup: RollUp,
                                                         total_words: str) -> None:
    from renkei.domain.scale import DEFAULT_SCALE

    chosen = scale or DEFAULT_SCALE
    area = _area_file(tmp_path, scale, rollup)
    graded = json.loads(_run(runner, "--area", str(area), "--format", "json"))
    plain = json.loads(_run(runner, "--area", str(AREA_FILE), "--format", "json"))
    for record in graded["kpis"]:
        assert record["grade"]["key"] == _expected(chosen, record)
        assert record["grade"]["label"] == chosen.grade(record["grade"]["key"]).label_ja
    info = graded.pop("evaluation_scale")
    assert info["rollup"] == rollup.value and info["scale"] == scale_to_json(chosen)
    assert info["rule_words"]["ja"] and info["rule_words"]["en"] and info["rollup_words"]["ja"]
    counted = Counter(r["grade"]["key"] for r in graded["kpis"] if r["counted"])
    assert {k: v for k, v in info["overall"]["by_grade"].items() if v} == dict(counted)
    assert info["overall"]["kpis"] == sum(counted.values())
    assert sum(g["kpis"] for g in info["by_policy_area"]) == info["overall"]["kpis"]
    assert (info["overall"]["grade"] is None) == (rollup is RollUp.SHARE)
    if rollup is RollUp.MEAN_RATE:
        assert 0 <= info["overall"]["mean_score_rate"] <= 1 and "平均得点率" in info["overall"]["words"]["ja"]
    if rollup is RollUp.WORST:  # the most pressing rated grade: the lowest in the scale's order
        rated = [g.key for g in chosen.grades if not g.unrated and counted[g.key]]
        assert info["overall"]["grade"]["key"] == rated[-1]
    for record in graded["kpis"]:
        del record["grade"]
    assert graded == plain  # nothing else moved: status, rating, explanations and summary as they were


@pytest.mark.parametrize(("scale", "rollup", "total_words"), SCALES)
def test_the_table_shows_the_grade_column_the_totals_and_the_rules(runner: CliRunner, tmp_path: Path,
                                                                   scale: EvaluationScale | None, rollup: RollUp,
                                                                   total_words: str) -> None:
    from renkei.domain.scale import DEFAULT_SCALE

    chosen = scale or DEFAULT_SCALE
    text = _run(runner, "--area", str(_area_file(tmp_path, scale, rollup)))
    assert "評価区分 / grade" in text and "評価区分の集計 / grades" in text
    assert f"集計方法 / roll-up: {rollup.describe(chosen, 'ja')}" in " ".join(text.split())
    assert "評価区分 / grades: " in text and "凡例 / legend: " in text
    whole = next(line for line in text.splitlines() if "計画全体" in line and "│" in line)
    assert total_words in whole
    records = json.loads(_run(runner, "--area", str(_area_file(tmp_path, scale, rollup)), "--format", "json"))
    keys = {r["grade"]["key"] for r in records["kpis"]}
    assert all(f"│ {chosen.grade(k).key}" in text for k in keys)


@pytest.mark.parametrize(("scale", "rollup", "total_words"), SCALES[:2])
def test_the_csv_adds_the_grade_columns_last(runner: CliRunner, tmp_path: Path, scale: EvaluationScale,
                                             rollup: RollUp, total_words: str) -> None:
    graded = _run(runner, "--area", str(_area_file(tmp_path, scale, rollup)), "--format", "csv")
    plain = _run(runner, "--area", str(AREA_FILE), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(graded)))
    assert graded.splitlines()[0] == PLAIN_CSV + ",grade,grade_label"
    assert all(r["grade_label"] == scale.grade(r["grade"]).label_ja for r in rows)
    assert all(r["grade"] == _expected(scale, {**r, "progress": float(r["progress"]) if r["progress"] else None,
                                               "expected_progress": float(r["expected_progress"])
                                               if r["expected_progress"] else None}) for r in rows)
    stripped = io.StringIO()
    writer = csv.writer(stripped, lineterminator="\n")
    for row in csv.reader(io.StringIO(graded)):
        writer.writerow(row[:-2])
    assert stripped.getvalue() == plain


def test_an_area_on_renkeis_scale_keeps_its_output(runner: CliRunner) -> None:
    plain = json.loads(_run(runner, "--format", "json"))
    assert list(plain) == ["plan", "as_of", "kpis", "summary", "budget"]
    assert not any("grade" in r for r in plain["kpis"])
    assert _run(runner, "--format", "csv").splitlines()[0] == PLAIN_CSV
    text = _run(runner)
    for addition in ("評価区分", "集計方法", "凡例"):
        assert addition not in text


def test_a_stored_area_with_a_scale_grades_the_stored_plan(runner: CliRunner) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    before = runner.invoke(app, ["progress", "--format", "json"])
    assert "evaluation_scale" not in json.loads(before.stdout)
    engine = create_engine_from_url(os.environ["RENKEI_DATABASE_URL"])
    try:
        with create_session_factory(engine)() as session:
            add_area(session=session, area=replace(load_area("kitakyushu"), scale=AKIRUNO_EXAMPLE,
                                                   rollup=RollUp.SHARE), actor="test")
    finally:
        engine.dispose()
    after = json.loads(runner.invoke(app, ["progress", "--format", "json"]).stdout)
    assert after["evaluation_scale"]["rollup"] == "share"
    assert {r["grade"]["key"] for r in after["kpis"]} <= {g.key for g in AKIRUNO_EXAMPLE.grades}
    table = runner.invoke(app, ["progress"], env={"COLUMNS": "400"}).stdout
    assert "集計方法 / roll-up: " in table and "F 事業完了" in table  # the legend names every grade
