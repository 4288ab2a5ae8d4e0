"""Commands about the configured areas (圏域): list them."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from renkei.cli.console import command_console
from renkei.cli.document import LintFormat
from renkei.domain.fiscal import format_fiscal_year
from renkei.reading.area import available_areas, load_area

out = command_console(soft_wrap=False)


def list_areas(format: Annotated[LintFormat, typer.Option("--format", "-f")] = LintFormat.text) -> None:
    """設定されている圏域の一覧 / list the configured areas with their lead city, members and plan period."""
    areas = [load_area(slug) for slug in available_areas()]
    if format is LintFormat.json:
        typer.echo(json.dumps([{
            "slug": a.slug, "name": a.name, "name_en": a.name_en, "lead": {"code": a.lead.code, "name": a.lead.name},
            "plan_period": {"first_fiscal_year": a.plan_first_year, "last_fiscal_year": a.plan_last_year},
            "members": [{"code": m.code, "name": m.name, "prefecture": m.prefecture} for m in a.members],
        } for a in areas], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"設定されている圏域 / configured areas（{len(areas)}）")
    for column in ("設定名 / slug", "圏域", "連携中枢都市", "構成市町村", "計画期間"):
        table.add_column(column, justify="right" if column == "構成市町村" else "left")
    for a in areas:
        table.add_row(a.slug, a.name, a.lead.name, f"{len(a.members)}",
                      f"{format_fiscal_year(a.plan_first_year)}〜{format_fiscal_year(a.plan_last_year)}")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add `renkei area list` to the command line."""
    area_app = typer.Typer(name="area", help="圏域の設定 / configured areas: list", no_args_is_help=True)
    area_app.command("list")(list_areas)
    app.add_typer(area_app, name="area")
