"""`renkei demo-data`: synthetic areas with plans and a year of approved actuals, for trying renkei out and testing."""

from __future__ import annotations

from typing import Annotated

import typer

from renkei.cli.console import command_console
from renkei.cli.database import DatabaseOpt, open_session

out = command_console(soft_wrap=True, highlight=False)
err = command_console(stderr=True, soft_wrap=True, highlight=False)


def demo_data(
    areas: Annotated[int, typer.Option("--areas", help="圏域の数（1〜99） / how many areas")] = 2,
    projects_per_area: Annotated[int, typer.Option(
        "--projects-per-area", help="1圏域の事業数（7〜2000） / projects per area")] = 12,
    seed: Annotated[int, typer.Option("--seed", help="乱数の種（同じ種なら同じデータ） / the seed")] = 1,
    database_url: DatabaseOpt = None,
) -> None:
    """試験用の架空の圏域を作る（計画と承認済みの実績つき） / make synthetic test areas with plans and actuals.

    The areas are demo-01, demo-02 …

    Each area: a lead city and 3-15 neighbours of its prefecture from the national list, a vision document with
    every KPI form, and the first year's actuals entered, submitted and approved by the area's admin account
    (demo-01-admin, a random password nobody is told). Every page of the area says it is synthetic. The same seed
    makes the same data: a second run changes nothing. Creates the database when there is none.
    """
    from renkei.services.demo_data import DemoDataError, check_arguments, make_demo_data

    try:
        check_arguments(areas=areas, projects_per_area=projects_per_area, seed=seed)
    except DemoDataError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    with open_session(database_url, create=True) as session:
        try:
            made = make_demo_data(session=session, areas=areas, projects_per_area=projects_per_area, seed=seed)
        except DemoDataError as exc:
            err.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from None
    for area in made:
        forms = "、".join(f"{form} {count}" for form, count in sorted(area.approved.items()))
        state = "作成 / made" if area.written else "変更なし（既にあります） / unchanged, already there"
        out.print(f"{area.slug}: {area.name}（{area.lead}ほか{area.members - 1}市町村、{area.projects}事業、"
                  f"計画 {area.plan_key}）{state}; 承認済みの実績 / approved figures: {forms}")
        for reason in area.skipped:
            out.print(f"  [yellow]入力できなかった指標 / not entered: {reason}[/]")
    if all(not a.written for a in made):
        out.print("同じ乱数の種のデータは既にあります。何も変更していません / the data of this seed is already there; "
                  "nothing was changed")


def register(app: typer.Typer) -> None:
    """Add `renkei demo-data` to the command line."""
    app.command("demo-data")(demo_data)
