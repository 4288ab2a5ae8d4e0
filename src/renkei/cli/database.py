"""Commands over the database: import a plan, actuals templates and imports, and KPI progress."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from renkei.cli.console import command_console
from renkei.cli.files import (
    AreaOpt,
    StoredAreaOpt,
    fail,
    is_area_file,
    load_area_option,
    read_area_file,
    read_input_file,
    read_text_file,
)
from renkei.cli.fiscal_year import check_year_in_period, year_option
from renkei.domain.actual import Actual
from renkei.domain.csv_cell import neutralise_record
from renkei.domain.finding import Finding, Severity
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.municipality import Area
from renkei.domain.plan import Plan
from renkei.domain.progress import ProgressError
from renkei.domain.reporting_year import ReportingYears
from renkei.domain.status import Rating, Status, label_status_group
from renkei.domain.verdict import format_number
from renkei.export.actuals_template import TemplateError, write_actuals_template
from renkei.reading.actuals import ActualsReadError, ActualsSheet, read_actuals_csv, read_actuals_xlsx
from renkei.reading.input_limits import COMMAND_LINE, InputTooLarge
from renkei.reading.sheet import PlanReadError, decode_document, read_plan
from renkei.services.actuals import (
    ActualsImportError,
    actuals_by_kpi,
    current_fiscal_year,
    import_actuals,
    validate_actuals,
)
from renkei.services.plan_diff import FieldChange, PlanDiff
from renkei.services.plan_import import PlanImportError, import_plan
from renkei.services.progress import (
    KpiProgress,
    PlanNotFoundError,
    PlanProgress,
    ProgressGroup,
    evaluate_loaded_plan,
    evaluate_stored_plan,
    resolve_plan,
    resolve_plan_id,
)
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import (
    DatabaseUrlError,
    create_engine_from_url,
    create_session_factory,
    normalise_database_url,
)
from renkei.store.migrate import Absence, DatabaseMissingError, require_database, upgrade_database

out = command_console(soft_wrap=False)

#: The keys every progress record carries (others, such as ``explanation``, come after them).
RECORD_KEYS = (
    "project", "indicator", "kind", "direction", "as_of", "latest_actual", "progress", "expected_progress",
    "status", "rating", "years_met", "years_due", "forecast_at_target", "forecast_year_reached",
)  # fmt: skip

DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database-url", help="データベースURL（既定: RENKEI_DATABASE_URL） / the database URL"),
]
PlanOpt = Annotated[str | None, typer.Option("--plan", help="計画のIDまたはキー / the stored plan's id or key")]


class TemplateFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


class ProgressFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _url_source(given: str | None) -> str:
    """Name where the database URL came from, for messages: the option, a variable or the default."""
    if given:
        return "--database-url"
    for variable in ("RENKEI_DATABASE_URL", "RENKEI_DATA_DIR"):
        if os.environ.get(variable):
            return variable
    return "既定値 / the default (var/renkei.db)"


def _unusable_url(exc: DatabaseUrlError, given: str | None) -> typer.Exit:
    return fail(f"{exc}\n  URL の指定元 / URL from: {_url_source(given)}")


def _shown_url(url: str) -> str:
    return normalise_database_url(url).render_as_string(hide_password=True)


def missing_database_message(exc: DatabaseMissingError, source: str) -> str:
    """Say which database is missing (its URL without the password) and how one is made, Japanese first."""
    shown = exc.url.render_as_string(hide_password=True)
    where = f"{shown}（{exc.path}）" if exc.path is not None else shown
    if exc.absence is Absence.NO_DATABASE:
        head, made, made_en = f"データベースがありません / no database at {where}", "データベース", "it"
    else:
        head = f"データベースに renkei の表がありません / the database holds no renkei tables: {where}"
        made, made_en = "表", "them"
    return (f"{head}\n  URL の指定元 / URL from: {source}\n"
            f"  計画を取り込むと{made}ができます（renkei import FILE）。URL の誤りなら指定元を直してください。"
            "何も作成していません。\n"
            f"  `renkei import FILE` creates {made_en}. If the URL is mistyped, correct it where it is set. "
            "Nothing was created.")


@contextmanager
def refusing_database_errors(url: str | None, chosen: str) -> Iterator[None]:
    """Turn a database that cannot be used (a bad URL, no database, no connection) into the command's bilingual exit.

    ``url`` is the URL as given on the command line (None: from the settings), ``chosen`` the one in use.
    """
    try:
        yield
    except DatabaseUrlError as exc:
        raise _unusable_url(exc, url) from None
    except DatabaseMissingError as exc:
        raise fail(missing_database_message(exc, _url_source(url))) from None
    except SQLAlchemyError as exc:
        raise fail(f"データベースを開けません / cannot open the database {_shown_url(chosen)}: "
                   f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None


@contextmanager
def open_session(url: str | None, *, create: bool = False) -> Iterator[Session]:
    """Open a session on the database (brought up to the newest schema), or exit with a clear message.

    Only a command that can start a database from nothing passes ``create=True`` (``renkei import``, ``renkei area
    add``, ``renkei user add``): every other command needs an existing renkei database and refuses, creating
    nothing, when there is none at the URL (a mistyped RENKEI_DATABASE_URL must not look like an empty database).
    """
    chosen = url or Settings().database_url
    with refusing_database_errors(url, chosen):
        if not create:
            require_database(chosen)
        upgrade_database(chosen)
        engine = create_engine_from_url(chosen)
    try:
        with create_session_factory(engine)() as session:
            yield session
    except SQLAlchemyError as exc:
        raise fail(f"データベースの操作に失敗しました / database error: {str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()


def database_exists(url: str | None) -> bool:
    """Tell whether a renkei database exists at the URL (creating nothing); exit on a URL renkei cannot use."""
    try:
        require_database(url or Settings().database_url)
    except DatabaseUrlError as exc:
        raise _unusable_url(exc, url) from None
    except DatabaseMissingError:
        return False
    except SQLAlchemyError:
        return True  # it exists but cannot be read: opening it says why
    return True


def find_plan(session: Session, plan: str | None, *, as_of: int | None = None) -> int:
    """Return the id of the stored plan --plan names; exit when there is none, or when --as-of is outside its period."""
    try:
        found = resolve_plan(session=session, plan=plan)
    except PlanNotFoundError as exc:
        raise fail(str(exc)) from None
    check_year_in_period("--as-of", as_of, found.first_year, found.last_year)
    return found.id


def resolve_import_area(option: str | None, database_url: str | None) -> Area:
    """Return the area `renkei import --area` names: a JSON file; else a slug's stored area, else its seed.

    Without --area it is the database's only area (refused, naming them, when it holds several), else the
    example's. The database is only read, and only when one exists: an import may be the first command.
    """
    if option is not None and is_area_file(option):
        return read_area_file(Path(option))
    if not database_exists(database_url):
        return load_area_option(option, database=True)
    from renkei.store.areas import find_area, list_member_area_slugs

    with open_session(database_url) as session:
        stored = tuple(list_member_area_slugs(session=session))
        if option is None and len(stored) > 1:
            raise fail(f"データベースに圏域が{len(stored)}つあります。--area で指定してください / the database holds "
                       f"{len(stored)} areas: name one with --area（{', '.join(stored)}）")
        slug = option if option is not None else (stored[0] if stored else None)
        found = find_area(session=session, slug=slug) if slug is not None else None
    return found if found is not None else load_area_option(slug, stored=stored, database=True)


def _period_of(area: Area, plan_key: str | None, database_url: str | None) -> Area:
    """Return the area to read a document with: the stored plan's period when --plan-id names an existing plan.

    The area's own period is its current plan's; a correction of an earlier plan (``--plan-id kitakyushu-2026``) is
    read for that plan's period, so it updates that plan and never lands on the current one.
    """
    if plan_key is None or not database_exists(database_url):
        return area
    with open_session(database_url) as session:
        stored = repository.get_plan(session=session, area_slug=area.slug, plan_key=plan_key)
    if stored is None:
        return area
    return replace(area, plan_first_year=stored.first_year, plan_last_year=stored.last_year)


def stored_or_seed_area(slug: str, database_url: str | None) -> Area | None:
    """Return an area by slug from the database when one exists, else the package's seed; None when neither has it."""
    from renkei.services.areas import area_for_document, seed_area

    if not database_exists(database_url):
        return seed_area(slug)
    with open_session(database_url) as session:
        return area_for_document(session=session, slug=slug)


def _read_document(file: Path, chosen: Area) -> tuple[Plan, list[Finding], str]:
    from renkei.lint import lint_plan

    text = read_text_file(file)
    try:
        plan, findings = read_plan(text, area=chosen)
    except PlanReadError as exc:
        raise fail(f"{file}: {exc}") from None
    return plan, sorted([*findings, *lint_plan(plan)], key=lambda f: f.line or 0), text


def _is_xlsx(file: Path) -> bool:
    try:
        with file.open("rb") as stream:
            return stream.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _read_workbook(file: Path, database_url: str | None) -> tuple[Plan, list[Finding], str, dict[str, str]]:
    """Read a plan workbook (renkei export xlsx, possibly edited); the source text is the plan's JSON.

    Edited partner cells are read against the workbook's area as stored (else its seed).
    """
    from renkei.export.plan_json import plan_to_json
    from renkei.lint import lint_plan
    from renkei.reading.workbook import WorkbookReadError, read_workbook_edition

    try:
        edition = read_workbook_edition(read_input_file(file), COMMAND_LINE,
                                        areas=lambda slug: stored_or_seed_area(slug, database_url))
    except (WorkbookReadError, InputTooLarge) as exc:
        raise fail(f"{file}: {exc}") from None
    return edition.plan, lint_plan(edition.plan), plan_to_json(edition.plan, []), edition.renames


#: What each compared field is called in the import's diff (the plan workbook's and the sheet's words).
FIELD_LABELS: dict[str, str] = {
    "name": "事業名", "policy_area": "政策分野", "category": "連携協約の分類", "description": "事業内容",
    "effects": "期待される効果", "partners": "連携市町", "budget": "事業費", "roles": "役割分担",
    "cost_sharing": "費用負担", "extra": "その他の項目", "status": "状態", "indicator": "指標", "direction": "方向",
    "baseline": "現状値", "target": "目標値", "area_name": "圏域名", "title": "表題", "first_year": "計画の初年度",
    "last_year": "計画の最終年度",
}  # fmt: skip
_BUDGET_PARTS = {"unit": ("単位", "unit"), "note": ("備考", "note"), "total": ("計", "total")}
#: The most characters of an old or new value the diff shows (the part that changed, with some context).
DIFF_WIDTH = 60
#: Old and new values this short, on one line, share it: 「2,420 → 2,600」.
SHORT_VALUE = 16


def field_label(change: FieldChange) -> str:
    """Name a changed field, Japanese first: 「事業内容 / description」, 「事業費 令和9年度 / budget FY2027」."""
    ja = FIELD_LABELS.get(change.field, change.field)
    if not change.part:
        return f"{ja} / {change.field}"
    if change.part.isdigit():
        year = int(change.part)
        return f"{ja} {format_fiscal_year(year)} / {change.field} FY{year}"
    part_ja, part_en = _BUDGET_PARTS.get(change.part, (change.part, change.part))
    return f"{ja}の{part_ja} / {change.field} {part_en}"


def describe_diff(diff: PlanDiff) -> list[str]:
    """Write the diff as lines: each added, changed or withdrawn item, then each changed field, old → new.

    Lines rather than a table, so that long names and texts stay whole and readable on any terminal width.
    """
    lines = ["変更内容 / changes"]

    def add(change: str, item: str, name: str, changes: tuple[FieldChange, ...]) -> None:
        lines.append(f"・{change} {item}: {name}".rstrip(": "))
        for field_change in changes:
            old, new = (value.replace("\n", " ") or "—" for value in field_change.excerpt(DIFF_WIDTH))
            if len(old) <= SHORT_VALUE and len(new) <= SHORT_VALUE:
                lines.append(f"    {field_label(field_change)}: {old} → {new}")
            else:
                lines.extend((f"    {field_label(field_change)}:", f"      変更前 / before: {old}",
                              f"      変更後 / after:  {new}"))

    if diff.plan_changes:
        add("変更 / changed", "計画 / plan", "", diff.plan_changes)
    groups = (
        ("追加 / added", "事業 / project", diff.added_projects),
        ("変更 / changed", "事業 / project", diff.changed_projects),
        ("削除 / withdrawn", "事業 / project", diff.removed_projects),
        ("追加 / added", "KPI", diff.added_kpis),
        ("変更 / changed", "KPI", diff.changed_kpis),
        ("削除 / withdrawn", "KPI", diff.removed_kpis),
    )
    for change, item, entries in groups:
        for entry in entries:
            add(change, item, entry.name, entry.changes)
    return lines


def import_document(
    file: Annotated[Path, typer.Argument(help="ビジョン文書 / the vision document")],
    plan_id: Annotated[str | None, typer.Option("--plan-id", help="保存する計画キー / the plan key")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="書き込まずに差分だけ表示 / show, do not write")] = False,
    database_url: DatabaseOpt = None,
    area: StoredAreaOpt = None,
    actor: Annotated[str, typer.Option("--actor", help="記録者 / who imports")] = "cli",
) -> None:
    """文書を読み込み、差分を表示してデータベースに保存する / import a document into the database.

    The area the document is read for (--area) is stored or updated with the plan: a JSON file registers it.
    """
    chosen: Area | None = None
    if _is_xlsx(file):  # the workbook names its area; it is stored already, or is the seed of its slug
        plan, findings, text, renames = _read_workbook(file, database_url)
        if area is not None and is_area_file(area):
            chosen = read_area_file(Path(area))
    else:
        chosen = resolve_import_area(area, database_url)
        plan, findings, text, renames = (*_read_document(file, _period_of(chosen, plan_id, database_url)), {})
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    out.print(f"{plan.area_name}：{len(plan.projects)}事業、KPI {sum(len(p.kpis) for p in plan.projects)}件 "
              f"（点検: エラー {counts[Severity.ERROR]}件、警告 {counts[Severity.WARNING]}件 / "
              f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings）",
              highlight=False, soft_wrap=True)
    if dry_run and not database_exists(database_url):
        count = len(plan.projects)
        out.print(f"renkei のデータベースはまだありません。取り込むと作成し、新しい計画として{count}事業を保存します / "
                  f"no renkei database yet: the import would create it and store a new plan of {count} projects",
                  highlight=False, soft_wrap=True)
        out.print("[yellow]--dry-run: 書き込みませんでした / nothing was written[/]", soft_wrap=True)
        return
    with open_session(database_url, create=True) as session:
        try:
            result = import_plan(session=session, plan=plan, findings=findings, source_text=text,
                                 plan_key=plan_id, dry_run=dry_run, area=chosen, actor=actor,
                                 renames=renames)
        except PlanImportError as exc:
            raise fail(f"{file}: {exc}") from None
    diff = result.diff
    if result.created:
        out.print(f"新しい計画 / new plan: {result.area_slug}/{result.plan_key}（{len(plan.projects)}事業）",
                  soft_wrap=True)
    elif diff.is_empty:
        out.print("変更はありません / no changes", soft_wrap=True)
    if not diff.is_empty and not result.created:
        for line in describe_diff(diff):
            out.print(Text(line), soft_wrap=True)
    if dry_run:
        out.print("[yellow]--dry-run: 書き込みませんでした / nothing was written[/]", soft_wrap=True)
    elif result.written:
        out.print(f"保存しました / saved: 計画ID {result.plan_id}、版 {result.version} "
                  f"（{result.area_slug}/{result.plan_key}）", highlight=False, soft_wrap=True)


def _read_actuals_file(file: Path) -> ActualsSheet:
    """Read an actuals sheet (CSV or xlsx) within the command line's limits, or exit naming the file."""
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
        chosen, _, _ = _read_document(plan_file, load_area_option(area))
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
    from renkei.services.accounts import AccountError, get_staff

    sheet = _read_actuals_file(file)
    with open_session(database_url) as session:
        try:
            staff = get_staff(session=session, username=user) if user is not None else None
            if staff is not None and staff.disabled:
                raise fail(f"ユーザー「{staff.username}」は無効です / user {staff.username!r} is disabled")
            plan_id = resolve_plan_id(session=session, plan=plan)
            report = import_actuals(session=session, plan_id=plan_id, sheet=sheet, actor=actor,
                                    skip_invalid=skip_invalid, dry_run=dry_run, user=staff)
        except (PlanNotFoundError, ActualsImportError, AccountError) as exc:
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


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else format_number(value)


def progress_record(item: KpiProgress) -> dict[str, object]:
    """Return a KPI's progress record: the fixed keys first, then the explanation and context."""
    data = item.to_dict()
    return {**{key: data.get(key) for key in RECORD_KEYS}, **data}


def _kpi_table(kpis: list[KpiProgress], as_of: int) -> Table:
    table = Table(title=f"KPIの進捗 / KPI progress（{format_fiscal_year(as_of)}時点）")
    for column in ("事業 / project", "指標 / indicator", "形 / kind", "判定年度", "最新実績", "進捗", "期待",
                   "状況 / status", "評価", "見通し / forecast"):
        table.add_column(column, justify="right" if column in ("最新実績", "進捗", "期待") else "left")
    for item in kpis:
        e = item.evaluation
        forecast = e.forecast_ja or "—"
        table.add_row(item.project.name + ("【再掲】" if item.project.relisted else ""), e.indicator, e.kind.value,
                      format_fiscal_year(e.judged_year) if e.judged_year else "未報告", _number(e.latest_actual),
                      _percent(e.progress), _percent(e.expected_progress),
                      f"{e.status.label_ja} / {e.status.value}", f"{e.rating.value} {e.rating.label_ja}", forecast)
    return table


def _summary_table(title: str, groups: tuple[ProgressGroup, ...] | list[ProgressGroup]) -> Table:
    table = Table(title=title)
    table.add_column("区分 / group")
    statuses, ratings = (label_status_group(s) for s in Status), (f"{r.value} {r.label_ja}" for r in Rating)
    for column in ("事業", "KPI", *statuses, *ratings, "事業費（期間計, 千円）"):
        table.add_column(column, justify="right")
    for g in groups:
        s, r = g.by_status, g.by_rating
        table.add_row(g.label, str(g.projects), str(g.kpis), *(str(s[k.value]) for k in Status),
                      *(str(r[k.value]) for k in Rating),
                      "記載なし" if g.budget_total is None else f"{g.budget_total:,}")
    return table


def _print_progress(result: PlanProgress, format: ProgressFormat) -> None:
    plan, kpis, summary, as_of = result.plan, list(result.kpis), result.summary, result.as_of
    records = [progress_record(k) for k in kpis]
    if format is ProgressFormat.json:
        document = {
            "plan": plan.to_dict(), "as_of": as_of, "kpis": records, "summary": summary.to_dict(),
            "budget": result.totals.to_dict(),
        }  # fmt: skip
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if format is ProgressFormat.csv:
        buffer = io.StringIO()
        columns = [*RECORD_KEYS, "judged_year", "explanation_ja", "explanation_en", "project_key", "relisted",
                   "counted", "policy_area", "category", "unit", "baseline", "target", "measured", "target_value",
                   "target_year", "rule", "status_label", "rating_label"]
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for item, record in zip(kpis, records, strict=True):
            e = item.evaluation
            writer.writerow(neutralise_record({**record, "explanation_ja": e.explanation_ja,
                                               "explanation_en": e.explanation_en, "status_label": e.status.label_ja,
                                               "rating_label": e.rating.label_ja}))
        typer.echo(buffer.getvalue(), nl=False)
        return
    out.print(_kpi_table(kpis, as_of))
    out.print(_summary_table("政策分野別 / by policy area", summary.by_policy_area))
    out.print(_summary_table("連携協約の分類別 / by category", summary.by_category))
    out.print(_summary_table("計画全体 / whole plan", [summary.overall]))


def progress(
    plan: PlanOpt = None,
    plan_file: Annotated[Path | None, typer.Option("--plan-file", help="文書ファイル（DB不要） / a document")] = None,
    actuals: Annotated[Path | None, typer.Option("--actuals", help="実績値のCSV/xlsx / actuals sheet")] = None,
    as_of: Annotated[int | None, year_option(
        "--as-of", "評価年度（計画期間内。既定: 最新の報告の年度か終了した最新の年度）", "evaluation year")] = None,
    format: Annotated[ProgressFormat, typer.Option("--format", "-f")] = ProgressFormat.table,
    database_url: DatabaseOpt = None,
    area: AreaOpt = None,
    pending: Annotated[bool, typer.Option(
        "--pending", help="未承認の値も含めて試算する（職員向け） / preview with values not yet approved")] = False,
) -> None:
    """KPIの進捗を評価する（承認済みの値だけ。CSVの列は指標ごとの記録） / evaluate every KPI's progress."""
    if plan_file is None and actuals is not None:
        raise fail("--actuals は --plan-file と一緒に使います / --actuals goes with --plan-file")
    if plan_file is not None and plan is not None:
        raise fail("--plan と --plan-file はどちらか一方です / give --plan or --plan-file, not both")
    try:
        if plan_file is not None:
            document_area = load_area_option(area)
            chosen, _, _ = _read_document(plan_file, document_area)
            check_year_in_period("--as-of", as_of, chosen.first_year, chosen.last_year)
            by_kpi: dict[tuple[str, str], list[Actual]] = {}
            if actuals is not None:
                validation = validate_actuals(chosen, _read_actuals_file(actuals), area=document_area)
                if validation.errors:
                    for problem in validation.errors:
                        out.print(f"[red]{actuals}[/]: {problem.message}", highlight=False, soft_wrap=True)
                    raise fail(f"{actuals}: 不正な行が {len(validation.rejected_rows)} 行あります / "
                               f"{len(validation.rejected_rows)} rows rejected", code=1)
                by_kpi = actuals_by_kpi(validation)
            result = evaluate_loaded_plan(chosen, by_kpi, as_of=as_of)
        else:
            with open_session(database_url) as session:
                plan_id = find_plan(session, plan, as_of=as_of)
                result = evaluate_stored_plan(session, plan_id, as_of, include_pending=pending)
    except ProgressError as exc:
        raise fail(f"--as-of: {exc}") from None
    if pending:
        command_console(stderr=True).print(
            "[bold yellow]プレビュー：未承認（下書き・提出済み・差し戻し）の値を含みます。公開値ではありません / "
            "preview: includes values not yet approved, not the published figures[/]", soft_wrap=True, highlight=False)
    _print_progress(result, format)


def register(app: typer.Typer) -> None:
    """Add the database commands to the app: import, actuals (template, import) and progress."""
    app.command("import")(import_document)
    actuals_app = typer.Typer(
        name="actuals", help="KPIの実績値 / KPI actuals: template, import", no_args_is_help=True
    )
    actuals_app.command("template")(template)
    actuals_app.command("import")(import_actuals_file)
    app.add_typer(actuals_app, name="actuals")
    app.command("progress")(progress)
