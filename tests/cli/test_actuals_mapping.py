"""`renkei actuals map`: the proposal and preview, a mapping written, edited and given back, saved, reused, imported."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from tests.reading.area_sheets import SECOND, area_plan, area_workbook
from typer.testing import CliRunner

from renkei.cli import app
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database
from renkei.store.tables import ActualRow

if TYPE_CHECKING:
    from conftest import PlanBuilder


def store_plan(build: PlanBuilder) -> str:
    """Store the area's plan in the runner's database and open FY2022-2024; return the database's URL."""
    url = os.environ["RENKEI_DATABASE_URL"]
    upgrade_database(url)
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        result = import_plan(session=session, plan=area_plan(build), findings=[], source_text="x", area=build.area())
        assert result.plan_id is not None
        for year in (2022, 2023, 2024):
            open_round(session=session, plan_id=result.plan_id, fiscal_year=year, due_date=date(2027, 5, 31),
                       actor="test", today=date(2026, 12, 7))
    engine.dispose()
    return url


def stored_rows(url: str) -> list[tuple[int, float | None, str, str | None]]:
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        rows = [(r.fiscal_year, r.value, r.review_status, r.source)
                for r in session.scalars(select(ActualRow).where(ActualRow.is_current.is_(True)))]
    engine.dispose()
    return sorted(rows, key=lambda r: (r[0], r[1] or 0))


def invoke(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_propose_preview_adjust_save_import_and_reuse(runner: CliRunner, tmp_path: Path, build: PlanBuilder) -> None:
    url = store_plan(build)
    first = tmp_path / "令和6年度 実績一覧.xlsx"
    first.write_bytes(area_workbook())
    shown = invoke(runner, "actuals", "map", str(first), "--write-mapping", "mapping.json")
    assert "4行目を見出しとしました" in shown and "実績値 令和4年度（2022） / actual" in shown
    assert '7行目 G列: 数値として読めません（"約30"）' in shown
    assert "値 11件（うち未確定 2件）" in shown and "プレビュー（書き込んでいません" in shown
    assert stored_rows(url) == []

    # the written mapping is edited by hand (the grade column not used) and given back
    written = json.loads((tmp_path / "mapping.json").read_text(encoding="utf-8"))
    assert written["columns"]["I"] == {"role": "grade"}
    del written["columns"]["I"]
    (tmp_path / "mapping.json").write_text(json.dumps(written, ensure_ascii=False), encoding="utf-8")
    data = json.loads(invoke(runner, "actuals", "map", str(first), "--mapping", "mapping.json", "--json"))
    assert {line["grade"] for line in data["stored"]} == {None} and data["written"] is False

    # --set adjusts one column; --save keeps the mapping; --import stores the figures into review
    done = invoke(runner, "actuals", "map", str(first), "--set", "I=grade", "--save", "様式1", "--import")
    assert "取り込みました（審査待ち・過年度）" in done and "対応表「様式1」を保存しました" in done
    rows = stored_rows(url)
    assert len(rows) == 11 and {(status, source) for _, _, status, source in rows} == {("submitted", "historical")}
    assert (2022, -500.0, "submitted", "historical") in rows and (2024, None, "submitted", "historical") in rows

    # the next file of the same layout is proposed the saved mapping
    second = tmp_path / "令和7年度 実績一覧.xlsx"
    second.write_bytes(area_workbook(SECOND))
    again = invoke(runner, "actuals", "map", str(second))
    assert "保存済みの対応表「様式1」と同じ見出しです" in again


def test_refusals_of_the_command(runner: CliRunner, tmp_path: Path, build: PlanBuilder) -> None:
    store_plan(build)
    sheet = tmp_path / "a.xlsx"
    sheet.write_bytes(area_workbook())
    assert "--set X=colour" in invoke(runner, "actuals", "map", str(sheet), "--set", "X=colour", code=2)
    assert "「指標」の列を指定してください" in invoke(runner, "actuals", "map", str(sheet), "--set", "C=ignore", code=2)
    assert "対応表「なし」は保存されていません" in invoke(runner, "actuals", "map", str(sheet), "--use", "なし", code=2)
    assert "シート「なし」がありません" in invoke(runner, "actuals", "map", str(sheet), "--sheet", "なし", code=2)
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    assert "JSONとして読めません" in invoke(runner, "actuals", "map", str(sheet), "--mapping", "bad.json", code=2)
