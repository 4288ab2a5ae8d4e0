"""`renkei actuals`: the actuals entry sheet (template) and the import of a filled sheet.

Each command imports what only it needs when it runs: ``renkei actuals import`` of a CSV starts without the
document reader, the workbook writers, the accounts' password hashing (unless ``--user``) or Alembic.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from renkei.cli.database import DatabaseOpt, PlanOpt, find_plan, open_session, out
from renkei.cli.files import (
    AreaOpt,
    fail,
    load_area_option,
    read_input_file,
)
from renkei.cli.fiscal_year import year_option
from renkei.domain.fiscal import format_fiscal_year
from renkei.reading.input_limits import COMMAND_LINE, InputTooLarge

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from renkei.reading.actuals import ActualsSheet
    from renkei.services.accounts import StaffUser


#: What each of these commands imports when it runs (the store, SQLAlchemy's ORM, the tables), imported before it runs
#: while the garbage collector is held off; ``--help`` imports none of it.
IMPORTS_TO_RUN = ("renkei.services.actuals",)


class TemplateFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def read_actuals_file(file: Path) -> ActualsSheet:
    """Read an actuals sheet (CSV or xlsx) within the command line's limits, or exit naming the file."""
    from renkei.reading.actuals import ActualsReadError, read_actuals_csv, read_actuals_xlsx
    from renkei.reading.document_text import PlanReadError, decode_document

    data = read_input_file(file, COMMAND_LINE)
    try:
        if data.startswith(b"PK\x03\x04") or file.suffix.lower() in (".xlsx", ".xlsm"):
            return read_actuals_xlsx(data, COMMAND_LINE)
        return read_actuals_csv(decode_document(data), COMMAND_LINE)
    except (ActualsReadError, PlanReadError, InputTooLarge) as exc:
        raise fail(f"{file}: {exc}") from None


def template(
    year: Annotated[int, year_option("--year", "対象年度", "the fiscal year")],
    plan: PlanOpt = None,
    format: Annotated[TemplateFormat | None, typer.Option("--format", "-f", help="csv（既定）か xlsx")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="出力ファイル / output file")] = None,
    plan_file: Annotated[Path | None, typer.Option("--plan-file", help="文書から作る / from a document")] = None,
    database_url: DatabaseOpt = None,
    area: AreaOpt = None,
    municipality: Annotated[str | None, typer.Option(
        "--municipality", help="連携市町の団体コードか名前: その市町だけの報告シート（xlsx） / one partner's workbook",
    )] = None,
) -> None:
    """実績値入力シート（CSV/xlsx）を作る / write the actuals template of a plan."""
    from renkei.domain.reporting_year import ReportingYears
    from renkei.export.actuals_template import TemplateError, write_actuals_template
    from renkei.services.actuals import current_fiscal_year
    from renkei.store import repository

    future = ReportingYears(current_fiscal_year()).refusal(year)
    if future is not None:  # a sheet for a year that has not begun could only ever be refused on its way back
        raise fail(f"--year: {future[0]} / {future[1]}")
    if municipality is not None:
        from renkei.cli.export import write_partner_template

        if plan_file is not None:
            raise fail("--municipality は保存済みの計画（--plan）で使います / --municipality needs a stored plan")
        if format is TemplateFormat.csv:
            raise fail("--municipality の報告シートは xlsx だけです / a partner's workbook is xlsx only")
        write_partner_template(plan=plan, municipality=municipality, year=year, output=output,
                               database_url=database_url)
        return
    format = format or TemplateFormat.csv
    if plan_file is not None:
        from renkei.cli.plan_import import read_document

        chosen, _, _ = read_document(plan_file, load_area_option(area))
        key = f"{chosen.area_slug}-{chosen.first_year}"
    else:
        with open_session(database_url) as session:
            plan_id = find_plan(session, plan)
            chosen = repository.load_plan(session=session, plan_id=plan_id)
            key = str(plan_id)
    try:
        data = write_actuals_template(chosen, year=year, format=format.value)
    except TemplateError as exc:
        raise fail(str(exc)) from None
    target = output or Path(f"actuals-{key}-{year}.{format.value}")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise fail(f"書き込めません / cannot write {target}: {exc.strerror}") from None
    out.print(f"実績値入力シートを書きました / wrote {target}（{format_fiscal_year(year)}）",
              highlight=False, soft_wrap=True)


def submitting_user(session: Session, username: str | None) -> StaffUser | None:
    """Return the staff user --user names (None without it); exit when there is none or the account is disabled."""
    if username is None:
        return None
    from renkei.services.accounts import AccountError, get_staff  # argon2 and the accounts only for --user

    try:
        staff = get_staff(session=session, username=username)
    except AccountError as exc:
        raise fail(str(exc)) from None
    if staff.disabled:
        raise fail(f"ユーザー「{staff.username}」は無効です / user {staff.username!r} is disabled")
    return staff


def import_actuals_file(
    file: Annotated[Path, typer.Argument(help="実績値のCSV/xlsx / the actuals sheet")],
    plan: PlanOpt = None,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="不正な行を除いて取り込む / import the good rows only")
    ] = False,
    actor: Annotated[str, typer.Option("--actor", help="入力者 / who enters the actuals")] = "cli",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="書き込まずに確認 / check only")] = False,
    user: Annotated[str | None, typer.Option(
        "--user", help="職員として提出する（審査の流れに入る） / submit as a staff user, into review")] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """実績値を取り込む（不正な行があれば何も書き込まない） / import actuals, all rows or none.

    Without --user the figures are recorded as approved (the operator's own import). With --user they are
    submitted for review, and rows the user may not report are rejected by row number.
    """
    from renkei.services.actuals import ActualsImportError, import_actuals
    from renkei.services.plan_lookup import PlanNotFoundError, resolve_plan_id

    sheet = read_actuals_file(file)
    with open_session(database_url) as session:
        staff = submitting_user(session, user)
        try:
            plan_id = resolve_plan_id(session=session, plan=plan)
            report = import_actuals(session=session, plan_id=plan_id, sheet=sheet, actor=actor,
                                    skip_invalid=skip_invalid, dry_run=dry_run, user=staff)
        except (PlanNotFoundError, ActualsImportError) as exc:
            raise fail(str(exc)) from None
    for problem in report.rejected:
        out.print(f"[red]{file}[/]: {problem.message}", highlight=False, soft_wrap=True)
    if report.aborted and report.held_back:
        out.print(f"[yellow]正しい{report.held_back}行も取り込んでいません（1行でも誤りがあると何も取り込みません。"
                  f"--skip-invalid で正しい行だけ取り込めます） / the {report.held_back} good rows were not imported "
                  "either (nothing is imported while any row is bad; --skip-invalid imports the good rows)[/]",
                  highlight=False, soft_wrap=True)
    out.print(
        f"新規 {len(report.imported)}件、更新 {len(report.updated)}件、変更なし {len(report.unchanged)}件、"
        f"不正 {len(report.rejected_rows)}行、空欄 {len(report.blank_rows)}行 / {len(report.imported)} imported, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, {len(report.rejected_rows)} rows "
        f"rejected, {len(report.blank_rows)} blank", highlight=False, soft_wrap=True)
    if report.aborted:
        out.print("[bold red]不正な行があるため取り込みませんでした（--skip-invalid で正しい行だけ取り込めます） / "
                  "nothing was imported because rows were rejected[/]", soft_wrap=True)
        raise typer.Exit(1)
    if dry_run:
        out.print("[yellow]--dry-run: 書き込みませんでした / nothing was written[/]", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``renkei actuals template``, ``import`` and ``map`` to the app."""
    from renkei.cli.actuals_mapping import map_actuals_file

    actuals_app = typer.Typer(
        name="actuals", help="KPIの実績値 / KPI actuals: template, import, map", no_args_is_help=True
    )
    actuals_app.command("template")(template)
    actuals_app.command("import")(import_actuals_file)
    actuals_app.command("map")(map_actuals_file)
    app.add_typer(actuals_app, name="actuals")
