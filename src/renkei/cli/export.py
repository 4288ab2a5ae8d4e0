"""Export commands: the plan workbook (xlsx) a planner can edit and re-import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from renkei.cli.database import DatabaseOpt, PlanOpt, open_session, out
from renkei.cli.files import fail
from renkei.export.workbook import write_plan_workbook
from renkei.services.progress import PlanNotFoundError, evaluate_stored_plan, resolve_plan_id


def export_xlsx(
    output: Annotated[Path, typer.Argument(help="出力する .xlsx / the workbook to write")],
    plan: PlanOpt = None,
    as_of: Annotated[int | None, typer.Option(
        "--as-of", help="評価年度（既定: 終了した最新の年度） / evaluation year")] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """計画ワークブック（xlsx）を書き出す（編集して renkei import で戻せる） / write the plan workbook."""
    with open_session(database_url) as session:
        try:
            plan_id = resolve_plan_id(session=session, plan=plan)
        except PlanNotFoundError as exc:
            raise fail(str(exc)) from None
        progress = evaluate_stored_plan(session, plan_id, as_of)
    chosen = progress.plan
    data = write_plan_workbook(chosen, results=progress.kpis, as_of=progress.as_of)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise fail(f"書き込めません / cannot write {output}: {exc.strerror}") from None
    out.print(f"計画ワークブックを書きました / wrote {output}（{len(chosen.projects)}事業）", highlight=False,
              soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the export commands: export xlsx."""
    export_app = typer.Typer(name="export", help="書き出し / exports: xlsx", no_args_is_help=True)
    export_app.command("xlsx")(export_xlsx)
    app.add_typer(export_app, name="export")
