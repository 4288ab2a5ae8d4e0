"""`renkei actuals map`: earlier years' figures from an area's own sheet, through a mapping shown, adjusted and kept."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from renkei.cli.database import DatabaseOpt, PlanOpt, open_session, out
from renkei.cli.files import fail, read_input_file
from renkei.domain.actuals_mapping import (
    ROLE_LABELS,
    ActualsMapping,
    ColumnRole,
    MappingError,
    column_index,
    column_letter,
    mapping_from_dict,
)
from renkei.domain.fiscal import format_fiscal_year
from renkei.reading.fiscal_year import read_fiscal_year
from renkei.reading.input_limits import COMMAND_LINE, InputTooLarge

if TYPE_CHECKING:  # imported when the command runs: `renkei actuals import` registers this command too
    from renkei.reading.sheet_table import Table
    from renkei.services.actuals_mapping import MappingPreview


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def apply_settings(mapping: ActualsMapping, settings: list[str], header_row: int | None,
                   grade_year: int | None) -> ActualsMapping:
    """Return the mapping with ``--set LETTER=ROLE[:YEAR]``, ``--header-row`` and ``--grade-year`` applied.

    >>> m = apply_settings(ActualsMapping(1, ()), ["B=indicator", "D=value:R4", "e=value:2023"], 3, None)
    >>> (m.header_row, [(c.letter, c.role.value, c.fiscal_year) for c in m.columns])
    (3, [('B', 'indicator', None), ('D', 'value', 2022), ('E', 'value', 2023)])
    """
    if header_row is not None:
        mapping = replace(mapping, header_row=header_row)
    if grade_year is not None:
        mapping = replace(mapping, grade_year=grade_year)
    for setting in settings:
        letter, _, rest = setting.partition("=")
        role_text, _, year_text = rest.partition(":")
        try:
            role = ColumnRole(role_text.strip())
        except ValueError:
            roles = ", ".join(r.value for r in ColumnRole)
            raise MappingError(f"--set {setting}: 役割は {roles} のいずれかです / the role is one of {roles}") \
                from None
        year = read_fiscal_year(year_text) if year_text else None
        if year_text and year is None:
            raise MappingError(f"--set {setting}: 「{year_text}」を年度として読めません / cannot read the year")
        mapping = mapping.with_column(column_index(letter.strip()), role, year)
    return mapping


def _mapping_table(mapping: ActualsMapping, table: Table) -> RichTable:
    header = table.header(mapping.header_row)
    shown = RichTable(title=f"対応表 / mapping（見出し {mapping.header_row}行目 / header row {mapping.header_row}）")
    for column in ("列 / column", "見出し / header", "役割 / role"):
        shown.add_column(column)
    for index, text in enumerate(header):
        given = mapping.role_of(index)
        role = given.role if given else ColumnRole.IGNORE
        year = f" {format_fiscal_year(given.fiscal_year)}" if given and given.fiscal_year else ""
        ja, en = ROLE_LABELS[role]
        label = f"{ja}{year} / {en}"
        shown.add_row(column_letter(index), escape(text), label)
    return shown


def _preview_table(preview: MappingPreview) -> RichTable:
    shown = RichTable(title="取り込む値 / what is stored" + ("" if preview.written else "（プレビュー / preview）"))
    for column in ("セル / cell", "事業 / project", "指標 / indicator", "記載 / as written", "年度", "実績値",
                   "評価 / grade", "一致 / match", "結果 / outcome"):
        shown.add_column(column, justify="right" if column in ("実績値", "一致 / match") else "left")
    written = {match.row: match.written for match in preview.sheet.matches}
    for line in preview.lines:
        f = line.figure
        value = f"{f.pending}（未確定）" if f.pending else (f.assessment or _number(f.value))
        match = "手動 / by hand" if f.score is None else f"{f.score:.0f}"
        as_written = written.get(f.row, "") if f.score != 100 else ""
        shown.add_row(f.cell, escape(f.kpi.project), escape(f.kpi.indicator), escape(as_written),
                      format_fiscal_year(f.fiscal_year), escape(value), escape(f.grade or ""), match,
                      line.outcome.value)
    return shown


def map_actuals_file(
    file: Annotated[Path, typer.Argument(help="圏域の実績表（CSV/xlsx） / the area's own sheet")],
    plan: PlanOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="ワークシート名 / the worksheet")] = None,
    mapping_file: Annotated[Path | None, typer.Option(
        "--mapping", help="対応表のJSON（--write-mapping で書いたもの） / a mapping's JSON")] = None,
    use: Annotated[str | None, typer.Option("--use", help="保存済みの対応表の名前 / a saved mapping's name")] = None,
    settings: Annotated[list[str] | None, typer.Option(
        "--set", help="列の役割 LETTER=ROLE[:YEAR]（例: D=value:R4, B=indicator, G=grade, C=ignore）")] = None,
    header_row: Annotated[int | None, typer.Option("--header-row", help="見出しの行 / the header row")] = None,
    grade_year: Annotated[int | None, typer.Option("--grade-year", help="評価の列の年度 / the grade's year")] = None,
    write_mapping: Annotated[Path | None, typer.Option(
        "--write-mapping", help="対応表をJSONに書く（編集して --mapping で使う） / write the mapping as JSON")] = None,
    save_as: Annotated[str | None, typer.Option(
        "--save", help="対応表を圏域に保存 / keep the mapping under a name")] = None,
    do_import: Annotated[bool, typer.Option(
        "--import", help="取り込む（審査待ち・過年度） / store the figures, submitted, marked historical")] = False,
    user: Annotated[str | None, typer.Option("--user", help="職員として取り込む / as a staff user")] = None,
    actor: Annotated[str, typer.Option("--actor", help="入力者 / who imports")] = "cli",
    as_json: Annotated[bool, typer.Option("--json", help="JSONで出力 / print JSON")] = False,
    database_url: DatabaseOpt = None,
) -> None:
    """圏域独自の実績表を対応表で読む（提案・プレビュー・保存・取り込み） / map an area's own sheet of earlier years.

    Without options the mapping is proposed (or the saved one for the same header), and a preview shows what would be
    stored and what is refused, by cell. Adjust it with --set, or write it with --write-mapping, edit and give it
    back with --mapping. --save keeps it for the next file; --import stores the figures into review.
    """
    from renkei.reading.actuals import ActualsReadError
    from renkei.reading.sheet_table import read_table
    from renkei.services.accounts import AccountError, get_staff
    from renkei.services.actuals import ActualsImportError
    from renkei.services.actuals_mapping import MappingNameError, load_saved, propose, run_mapping, save
    from renkei.services.plan_lookup import PlanNotFoundError, resolve_plan_id
    from renkei.services.workflow import WorkflowDenied

    try:
        table = read_table(read_input_file(file, COMMAND_LINE), file.name, COMMAND_LINE, sheet=sheet)
    except (ActualsReadError, InputTooLarge) as exc:
        raise fail(f"{file}: {exc}") from None
    with open_session(database_url) as session:
        try:
            plan_id = resolve_plan_id(session=session, plan=plan)
            staff = get_staff(session=session, username=user) if user is not None else None
            saved_name: str | None = None
            if mapping_file is not None:
                mapping = mapping_from_dict(json.loads(read_input_file(mapping_file, COMMAND_LINE)))
            elif use is not None:
                mapping, saved_name = load_saved(session=session, plan_id=plan_id, name=use), use
            else:
                mapping, saved_name = propose(session=session, plan_id=plan_id, table=table)
            mapping = apply_settings(mapping, settings or [], header_row, grade_year)
            if write_mapping is not None:
                write_mapping.write_text(json.dumps(mapping.to_dict(), ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
            problems = mapping.problems()
            if problems:
                if not as_json:
                    out.print(_mapping_table(mapping, table))
                raise MappingError(" / ".join(f"{ja}（{en}）" for ja, en in problems))
            preview = run_mapping(session=session, plan_id=plan_id, table=table, mapping=mapping,
                                  file_name=file.name, actor=actor, user=staff, write=do_import,
                                  saved_name=save_as or saved_name)
            kept = save(session=session, plan_id=plan_id, name=save_as, table=table, mapping=mapping, actor=actor,
                        user=staff) if save_as is not None else None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise fail(f"{mapping_file}: JSONとして読めません / not JSON: {exc}") from None
        except (PlanNotFoundError, AccountError, MappingError, MappingNameError, LookupError,
                ActualsImportError) as exc:
            raise fail(str(exc)) from None
        except WorkflowDenied:
            raise fail(f"ユーザー「{user}」には対応表を保存する権限がありません / {user!r} may not save mappings") \
                from None
    if as_json:
        out.print_json(json.dumps({**preview.to_dict(), "saved_as": kept}, ensure_ascii=False))
        return
    for note in mapping.notes:
        out.print(escape(note), highlight=False, soft_wrap=True)
    out.print(_mapping_table(mapping, table))
    out.print(_preview_table(preview))
    for refusal in preview.refused:
        out.print(f"[red]{escape(file.name)}[/]: {escape(refusal.message)}", highlight=False, soft_wrap=True)
    stored, pending = len(preview.lines), len(preview.pending)
    verb = "取り込みました（審査待ち・過年度） / stored (submitted, historical)" if preview.written else \
        "プレビュー（書き込んでいません。--import で取り込みます） / preview only: --import stores them"
    out.print(f"値 {stored}件（うち未確定 {pending}件）、取り込まない {len(preview.refused)}件、空欄 "
              f"{preview.sheet.blank_cells}件 / {stored} figures ({pending} pending), {len(preview.refused)} "
              f"refused, {preview.sheet.blank_cells} blank cells: {verb}", highlight=False, soft_wrap=True)
    if write_mapping is not None:
        out.print(f"対応表を書きました / wrote {write_mapping}", highlight=False, soft_wrap=True)
    if kept is not None:
        out.print(f"対応表「{escape(kept)}」を保存しました。同じ見出しの次のファイルで自動的に使います / saved mapping "
                  f"{escape(kept)!r}: the next file with the same header is proposed it", highlight=False,
                  soft_wrap=True)
