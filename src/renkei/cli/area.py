"""Commands about the areas (圏域) stored in the database: add one from its JSON file, list them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from renkei.cli.console import command_console
from renkei.cli.database import DatabaseOpt, open_session
from renkei.cli.document import LintFormat
from renkei.cli.files import read_area_file
from renkei.domain.fiscal import format_fiscal_year
from renkei.reading.area import available_areas

out = command_console(soft_wrap=True, highlight=False)


def add_area(
    file: Annotated[Path, typer.Argument(help="圏域設定のJSONファイル（docs/area-config.md） / the area's JSON file")],
    database_url: DatabaseOpt = None,
    actor: Annotated[str, typer.Option("--actor", help="記録者（監査記録） / who adds it")] = "cli",
) -> None:
    """圏域を登録・更新する（JSONファイル） / add or update an area from its JSON file.

    The file is checked first (every code against the national list; an error names the field). The area is
    then stored, or its stored configuration replaced; plans and actuals are never touched. Creates the database
    when there is none.
    """
    from renkei.services.areas import add_area as store_area

    area = read_area_file(file)
    with open_session(database_url, create=True) as session:
        change = store_area(session=session, area=area, actor=actor)
    if not change.changed:
        out.print(f"変更はありません / no changes: {area.slug}（{area.name}）")
        return
    verb = "登録しました / added" if change.created else "更新しました / updated"
    out.print(f"{verb}: {area.slug}（{area.name}、連携中枢都市 {area.lead.name}、構成市町村 {len(area.members)}、"
              f"{format_fiscal_year(area.plan_first_year)}〜{format_fiscal_year(area.plan_last_year)}）")


def list_areas(
    format: Annotated[LintFormat, typer.Option("--format", "-f")] = LintFormat.text,
    database_url: DatabaseOpt = None,
) -> None:
    """データベースの圏域の一覧 / list the stored areas with their lead city, members and plans."""
    from renkei.store.areas import list_stored_areas

    with open_session(database_url) as session:
        areas = list_stored_areas(session=session)
    if format is LintFormat.json:
        typer.echo(json.dumps([{
            "slug": a.slug, "name": a.name, "name_en": a.name_en, "lead": {"code": a.lead_code, "name": a.lead_name},
            "members": a.member_count,
            "plan_period": {"first_fiscal_year": a.first_year, "last_fiscal_year": a.last_year},
            "plans": list(a.plan_keys),
        } for a in areas], ensure_ascii=False, indent=2))
        return
    if not areas:
        out.print("データベースに圏域がありません。renkei area add FILE.json で登録するか、renkei import で"
                  f"文書を取り込んでください（同梱の設定: {', '.join(available_areas())}） / no area is stored: add "
                  "one with renkei area add FILE.json, or import a document")
        return
    table = Table(title=f"圏域 / areas（{len(areas)}）")
    for column in ("設定名 / slug", "圏域", "連携中枢都市", "構成市町村", "計画期間", "計画 / plans"):
        table.add_column(column, justify="right" if column == "構成市町村" else "left")
    for a in areas:
        table.add_row(a.slug, a.name, a.lead_name or "—", f"{a.member_count}",
                      f"{format_fiscal_year(a.first_year)}〜{format_fiscal_year(a.last_year)}",
                      "、".join(a.plan_keys) or "—")
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add `renkei area add` and `renkei area list` to the command line."""
    area_app = typer.Typer(name="area", help="圏域 / areas: add, list", no_args_is_help=True)
    area_app.command("add")(add_area)
    area_app.command("list")(list_areas)
    app.add_typer(area_app, name="area")
