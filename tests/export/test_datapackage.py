"""The open-data package validates with frictionless whether its tables hold rows or none yet (early in a plan)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import frictionless
import pytest

from renkei.domain.actual import Actual
from renkei.export.datapackage import Table, write_package
from renkei.export.opendata import OpenDataSource, build_tables, package_meta
from renkei.services.progress import evaluate_loaded_plan
from renkei.store.evaluations import PublishedEvaluation

if TYPE_CHECKING:
    from conftest import PlanBuilder


def _source(build: PlanBuilder, *, with_data: bool) -> OpenDataSource:
    """Return the open data of the small plan: no actuals nor evaluations, or one of each (approved)."""
    plan = build.plan()
    story = plan.projects[0]
    actuals = {(story.key, story.kpis[0].key): [Actual(2026, 41200.0, evidence="集計表")]} if with_data else {}
    evaluations = ({story.key: [PublishedEvaluation(2026, "continue", "順調", datetime(2027, 6, 1, tzinfo=UTC))]}
                   if with_data else {})
    progress = evaluate_loaded_plan(plan, actuals, as_of=2027)
    return OpenDataSource(progress, "kitakyushu-2026", build.area().members, "401005", actuals,
                          project_evaluations=evaluations)


def _write(build: PlanBuilder, folder: Path, *, with_data: bool) -> tuple[list[Table], dict[str, object]]:
    source = _source(build, with_data=with_data)
    tables = build_tables(source)
    write_package(folder, tables, package_meta(source), "CC-BY-4.0")
    return tables, json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _errors(report: frictionless.Report) -> list[str]:
    return [f"{task.name}: {error.type}: {error.message}" for task in report.tasks for error in task.errors] + [
        f"package: {error.type}: {error.message}" for error in report.errors]


@pytest.mark.parametrize(("with_data", "empty_tables"), [
    (False, {"actuals", "actuals_by_municipality", "project_evaluations"}),
    (True, {"actuals_by_municipality"}),
])
def test_the_package_validates_with_and_without_rows(build: PlanBuilder, tmp_path: Path, with_data: bool,
                                                     empty_tables: set[str]) -> None:
    tables, descriptor = _write(build, tmp_path, with_data=with_data)
    assert {t.name for t in tables if not t.rows} == empty_tables  # the case is what it says it is
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, _errors(report)
    resources = {r["name"]: r for r in descriptor["resources"]}  # type: ignore[attr-defined]
    for table in tables:
        assert resources[table.name]["profile"] == "tabular-data-resource"  # every CSV is a described table
        rows = json.loads((tmp_path / f"{table.name}.json").read_text(encoding="utf-8"))
        assert len(rows) == len(table.rows)
        assert ("schema" in resources[f"{table.name}-json"]) == bool(table.rows)
    assert descriptor["profile"] == ("data-package" if empty_tables else "tabular-data-package")


def test_an_empty_table_is_a_header_row_and_an_empty_array(build: PlanBuilder, tmp_path: Path) -> None:
    tables, descriptor = _write(build, tmp_path, with_data=False)
    actuals = next(t for t in tables if t.name == "actuals")
    csv_text = (tmp_path / "actuals.csv").read_bytes().decode("utf-8-sig")
    assert csv_text == ",".join(f.name for f in actuals.fields) + "\r\n"
    assert json.loads((tmp_path / "actuals.json").read_text(encoding="utf-8")) == []
    described = next(r for r in descriptor["resources"] if r["name"] == "actuals-json")  # type: ignore[attr-defined]
    assert "actuals.csv" in described["description"]


def test_a_broken_row_in_a_small_package_is_still_caught(build: PlanBuilder, tmp_path: Path) -> None:
    _write(build, tmp_path, with_data=True)
    path = tmp_path / "budgets.csv"
    path.write_bytes(path.read_bytes().replace(b",2420,", b",many,", 1))
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid and "type-error" in {e.type for task in report.tasks for e in task.errors}
