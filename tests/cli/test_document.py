"""`renkei parse | lint | summary` as a user runs them, output checked against the JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from renkei.cli import app
from renkei.export.plan_json import load_plan_schema

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
runner = CliRunner()


def test_parse_json_matches_the_schema_and_has_30_projects() -> None:
    result = runner.invoke(app, ["parse", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, load_plan_schema())
    assert len(data["projects"]) == 30
    assert data["projects"][0]["budget"]["by_fiscal_year"] == {
        "2026": 2420, "2027": None, "2028": None, "2029": None, "2030": None}


def test_schema_rejects_a_broken_document() -> None:
    result = runner.invoke(app, ["parse", str(EXAMPLE), "--format", "json"])
    data = json.loads(result.output)
    data["projects"][0]["kpis"][0]["target"]["kind"] = "sometimes"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, load_plan_schema())


def test_parse_table() -> None:
    result = runner.invoke(app, ["parse", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "30事業" in result.output


def test_lint_exits_1_on_errors_and_names_the_misspelling() -> None:
    result = runner.invoke(app, ["lint", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 1
    findings = json.loads(result.output)
    assert any(f["rule"] == "municipality.misspelt" and f["line"] == 190 for f in findings)


def test_lint_exits_0_without_errors(tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(EXAMPLE.read_text(encoding="utf-8").replace("荻田町", "苅田町"), encoding="utf-8")
    result = runner.invoke(app, ["lint", str(fixed)])
    assert result.exit_code == 0, result.output


def test_summary_counts_relisted_once() -> None:
    result = runner.invoke(app, ["summary", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["projects"] == 30 and data["relisted"] == 4
    assert data["budget_by_fiscal_year"]["2026"] == 4_284_914
    assert data["projects_by_municipality"]["北九州市"] == 29


def test_summary_table() -> None:
    result = runner.invoke(app, ["summary", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "4,284,914" in result.output


@pytest.mark.parametrize("command", ["parse", "lint", "summary"])
def test_missing_file_is_a_clear_error(command: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [command, str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "nope.txt" in result.output


def test_shift_jis_file_is_read(tmp_path: Path) -> None:
    sjis = tmp_path / "sjis.txt"
    sjis.write_bytes(EXAMPLE.read_text(encoding="utf-8").replace("—", "-").replace("～", "~").encode("cp932"))
    result = runner.invoke(app, ["parse", str(sjis), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["projects"]) == 30


def test_another_area_s_document_matches_the_schema_with_the_new_fields() -> None:
    toyama = Path(__file__).resolve().parents[1] / "data" / "other_areas_toyama.txt"
    result = runner.invoke(app, ["parse", str(toyama), "--format", "json", "--area", "toyama-gosei"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    jsonschema.validate(data, load_plan_schema())
    first, second, _ = data["projects"]
    assert first["budget"]["stated_total"] == {"text": "70,300", "amount": 70300}
    assert second["budget"]["status_by_fiscal_year"]["2017"] == "unclear"
    assert first["policy_area"]["framework"] == "economic_growth"
    assert first["kpis"][1]["target"]["relative"]["relation"] == "percent"
