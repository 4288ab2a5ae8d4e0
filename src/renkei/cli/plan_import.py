"""`renkei import`: read a document or an edited workbook for its area and store it, showing the changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from renkei.cli.database import DatabaseOpt, database_exists, open_session, out
from renkei.cli.files import (
    StoredAreaOpt,
    fail,
    is_area_file,
    load_area_option,
    read_area_file,
    read_input_file,
    read_text_file,
)
from renkei.cli.fiscal_year import year_option
from renkei.domain.finding import Finding, Severity
from renkei.domain.fiscal import fiscal_year_of, format_fiscal_year
from renkei.domain.municipality import Area
from renkei.domain.plan import Plan
from renkei.domain.revision import Revision
from renkei.reading.calendar_date import DATE_EXAMPLES, read_date
from renkei.reading.document_text import PlanReadError
from renkei.reading.input_limits import COMMAND_LINE, InputTooLarge
from renkei.reading.sheet import read_plan
from renkei.services.plan_diff import FieldChange, PlanDiff
from renkei.services.plan_import import PlanImportError, import_plan
from renkei.store import repository


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


def read_document(file: Path, chosen: Area) -> tuple[Plan, list[Finding], str]:
    """Read a vision document for an area, with the reader's and lint's findings and the text; exit on failure."""
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


def read_revision(label: str | None, date_text: str | None, in_force_from: int | None,
                  reason: str | None) -> Revision | None:
    """Return the revision the options describe (None without --revision); exit with a bilingual message naming the
    option when one is missing or unreadable.

    The date is kept as written when written in the Japanese era (令和9年10月); the revision is in force from the
    fiscal year of its date unless --revision-from says otherwise.
    """
    if label is None:
        for option, value in (("--revision-date", date_text), ("--revision-from", in_force_from),
                              ("--revision-reason", reason)):
            if value is not None:
                raise fail(f"{option} は --revision と一緒に使います / {option} goes with --revision")
        return None
    if not label.strip():
        raise fail("--revision: 改正の名称（一部改正など）を書いてください / name the revision (e.g. 一部改正)")
    if date_text is None:
        raise fail("--revision-date: 改正の日付を指定してください / give the revision's date "
                   f"（{DATE_EXAMPLES[0]} / {DATE_EXAMPLES[1]}）")
    revised_on = read_date(date_text)
    if revised_on is None:
        raise fail(f"--revision-date: 「{date_text}」を日付として読めません（{DATE_EXAMPLES[0]} のように書きます） / "
                   f"not a date: {date_text!r} (write {DATE_EXAMPLES[1]})")
    written = date_text.strip()
    return Revision(
        label=label.strip(),
        revised_on=revised_on,
        in_force_from=in_force_from if in_force_from is not None else fiscal_year_of(revised_on.year,
                                                                                       revised_on.month),
        reason=(reason or "").strip(),
        date_text=written if not written[:1].isdigit() else "",
    )


def import_document(
    file: Annotated[Path, typer.Argument(help="ビジョン文書 / the vision document")],
    plan_id: Annotated[str | None, typer.Option("--plan-id", help="保存する計画キー / the plan key")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="書き込まずに差分だけ表示 / show, do not write")] = False,
    database_url: DatabaseOpt = None,
    area: StoredAreaOpt = None,
    actor: Annotated[str, typer.Option("--actor", help="記録者 / who imports")] = "cli",
    revision: Annotated[str | None, typer.Option(
        "--revision", help="改正として取り込む（一部改正など） / import as a revision of the stored plan, so labelled")
    ] = None,
    revision_date: Annotated[str | None, typer.Option(
        "--revision-date", metavar="DATE", help=f"改正の日付。例: {DATE_EXAMPLES[0]} / the revision's date")] = None,
    revision_from: Annotated[int | None, year_option(
        "--revision-from", "改正後の内容を適用する最初の年度（既定: 日付の年度）",
        "the first fiscal year the revised edition is in force (default: the date's)")] = None,
    revision_reason: Annotated[str | None, typer.Option(
        "--revision-reason", help="改正の理由 / why the vision was revised")] = None,
) -> None:
    """文書を読み込み、差分を表示してデータベースに保存する / import a document into the database.

    The area the document is read for (--area) is stored or updated with the plan: a JSON file registers it.
    With --revision the edition is a revision mid-period (一部改正): each KPI it adds, changes or drops keeps its
    history, and earlier years are still judged against the target then in force (docs/revisions.md).
    """
    revised = read_revision(revision, revision_date, revision_from, revision_reason)
    chosen: Area | None = None
    if _is_xlsx(file):  # the workbook names its area; it is stored already, or is the seed of its slug
        plan, findings, text, renames = _read_workbook(file, database_url)
        if area is not None and is_area_file(area):
            chosen = read_area_file(Path(area))
    else:
        chosen = resolve_import_area(area, database_url)
        plan, findings, text, renames = (*read_document(file, _period_of(chosen, plan_id, database_url)), {})
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
                                 renames=renames, revision=revised)
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
    if revised is not None:
        if result.revision is not None:
            out.print(f"{revised.title('ja')}として記録{'します' if dry_run else 'しました'}（"
                      f"{format_fiscal_year(revised.in_force_from)}から適用） / recorded as {revised.title('en')}, "
                      f"in force from FY{revised.in_force_from}", highlight=False, soft_wrap=True)
        else:
            out.print("KPI の変更がないため、改正は記録しません / no KPI changed: no revision recorded",
                      soft_wrap=True)
    if dry_run:
        out.print("[yellow]--dry-run: 書き込みませんでした / nothing was written[/]", soft_wrap=True)
    elif result.written:
        out.print(f"保存しました / saved: 計画ID {result.plan_id}、版 {result.version} "
                  f"（{result.area_slug}/{result.plan_key}）", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``renkei import`` to the app."""
    app.command("import")(import_document)
