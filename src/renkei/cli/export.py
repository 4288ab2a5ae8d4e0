"""Export commands: the plan workbook (xlsx), a partner's actuals workbook, open data and the progress report."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from renkei.cli.database import DatabaseOpt, PlanOpt, find_plan, open_session, out
from renkei.cli.files import fail
from renkei.cli.fiscal_year import year_option
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.localcode import LocalCodeError, normalise_code
from renkei.domain.municipality import Municipality
from renkei.domain.scale import RollUp
from renkei.domain.text import fold
from renkei.export.datapackage import LICENCES, write_package
from renkei.export.opendata import OpenDataSource, build_tables, package_meta
from renkei.export.partner_actuals import PartnerTemplateError, write_partner_workbook
from renkei.export.report import ReportError, render_report_html, render_report_pdf
from renkei.export.report_view import ReportInput
from renkei.export.workbook import write_plan_workbook
from renkei.reading.area import load_registry
from renkei.services.progress import evaluate_stored_plan
from renkei.store import repository
from renkei.store.areas import find_area
from renkei.store.evaluations import published_evaluations_by_project
from renkei.store.partner_evaluations import published_partner_evaluations_by_project
from renkei.store.portal_queries import load_area_members


def export_xlsx(
    output: Annotated[Path, typer.Argument(help="出力する .xlsx / the workbook to write")],
    plan: PlanOpt = None,
    as_of: Annotated[int | None, year_option(
        "--as-of", "評価年度（計画期間内。既定: 終了した最新の年度）", "evaluation year")] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """計画ワークブック（xlsx）を書き出す（編集して renkei import で戻せる） / write the plan workbook."""
    with open_session(database_url) as session:
        plan_id = find_plan(session, plan, as_of=as_of)
        progress = evaluate_stored_plan(session, plan_id, as_of)
        area = find_area(session=session, slug=progress.plan.area_slug)
    chosen = progress.plan
    data = write_plan_workbook(chosen, results=progress.kpis, as_of=progress.as_of, area=area,
                               histories=progress.histories)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise fail(f"書き込めません / cannot write {output}: {exc.strerror}") from None
    out.print(f"計画ワークブックを書きました / wrote {output}（{len(chosen.projects)}事業）", highlight=False,
              soft_wrap=True)


def _find_member(members: tuple[Municipality, ...], written: str) -> Municipality | None:
    try:
        code = normalise_code(written)
    except LocalCodeError:
        code = None
    folded = fold(written)
    return next((m for m in members if m.code == code or fold(m.name) == folded), None)


def write_partner_template(*, plan: str | None, municipality: str, year: int, output: Path | None,
                           database_url: str | None) -> None:
    """Write one partner municipality's actuals workbook (``renkei actuals template --municipality``)."""
    with open_session(database_url) as session:
        plan_id = find_plan(session, plan)
        progress = evaluate_stored_plan(session, plan_id)
        area = load_area_members(session=session, area_slug=progress.plan.area_slug)
    members = area.members if area else ()
    town = _find_member(members, municipality)
    if town is None:
        listed = "、".join(f"{m.name} {m.code}" for m in members) or "なし / none"
        raise fail(f"「{municipality}」は圏域の市町村ではありません / not a member of the area（{listed}）")
    lead = next((m.name for m in members if area and m.code == area.lead_code), "")
    try:
        data = write_partner_workbook(progress.plan, progress.kpis, municipality=town, year=year, lead_name=lead)
    except PartnerTemplateError as exc:
        raise fail(str(exc)) from None
    target = output or Path(f"actuals-{plan_id}-{town.code}-{year}.xlsx")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise fail(f"書き込めません / cannot write {target}: {exc.strerror}") from None
    out.print(f"{town.name}の実績値報告シートを書きました / wrote {target}（{format_fiscal_year(year)}）",
              highlight=False, soft_wrap=True)


def load_opendata_source(session: Session, plan_id: int, as_of: int | None, *,
                         include_pending: bool = False) -> OpenDataSource:
    """Evaluate a stored plan and gather what its open data needs (the area's members, the approved actuals)."""
    progress = evaluate_stored_plan(session, plan_id, as_of, include_pending=include_pending)
    approved = repository.list_actuals(session=session, plan_id=plan_id)
    area = load_area_members(session=session, area_slug=progress.plan.area_slug)
    plan_key = next(p.plan_key for p in repository.list_plans(session=session) if p.id == plan_id)
    return OpenDataSource(progress, plan_key, area.members if area else (), area.lead_code if area else "",
                          approved, load_registry(),
                          project_evaluations=published_evaluations_by_project(session=session, plan_id=plan_id),
                          synthetic=area.synthetic if area else False, scale=area.scale if area else None,
                          rollup=area.rollup if area else RollUp.WORST,
                          partner_evaluations=published_partner_evaluations_by_project(session=session,
                                                                                       plan_id=plan_id))


def source_date() -> datetime | None:
    """Return the time ``SOURCE_DATE_EPOCH`` names (reproducible builds: the same data, the same bytes), or None."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not given.isdigit():
        return None
    return datetime.fromtimestamp(int(given), UTC)


def export_opendata(
    folder: Annotated[Path, typer.Argument(help="出力するフォルダ / the folder to write")],
    plan: PlanOpt = None,
    as_of: Annotated[int | None, year_option(
        "--as-of", "評価年度（計画期間内。既定: 終了した最新の年度）", "evaluation year")] = None,
    include_pending: Annotated[bool, typer.Option(
        "--include-pending", help="未承認の実績も含める（審査状況の列で区別） / include unapproved actuals",
    )] = False,
    licence: Annotated[str, typer.Option(
        "--license", help=f"ライセンス / licence: {', '.join(LICENCES)}")] = "CC-BY-4.0",
    source_url: Annotated[str | None, typer.Option(
        "--source-url", help="原文（ビジョン）のURL / where the vision document is published")] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """オープンデータ（CSV・JSON・datapackage.json）を書き出す / write the open-data package."""
    if licence not in LICENCES:
        raise fail(f"ライセンス「{licence}」は使えません / unknown licence（{', '.join(LICENCES)}）")
    with open_session(database_url) as session:
        plan_id = find_plan(session, plan, as_of=as_of)
        source = load_opendata_source(session, plan_id, as_of, include_pending=include_pending)
    progress = source.progress
    try:
        meta = package_meta(source, source_url=source_url, created=source_date())
        written = write_package(folder, build_tables(source), meta, licence)
    except OSError as exc:
        raise fail(f"書き込めません / cannot write {folder}: {exc.strerror}") from None
    status = "未承認を含む" if include_pending else "承認済みの実績"
    out.print(f"オープンデータを書きました / wrote {len(written)} files to {folder}"
              f"（{format_fiscal_year(progress.as_of)}時点、{status}、{licence}）", highlight=False, soft_wrap=True)


def report(
    output: Annotated[Path, typer.Argument(help="出力する PDF / the PDF to write")],
    plan: PlanOpt = None,
    as_of: Annotated[int | None, year_option(
        "--as-of", "報告する年度（計画期間内。既定: 終了した最新の年度）", "the fiscal year reported")] = None,
    issued: Annotated[str | None, typer.Option(
        "--issued", help="発行日 YYYY-MM-DD（既定: 今日） / date of issue")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="HTMLも書き出す / also write the HTML")] = None,
    database_url: DatabaseOpt = None,
    staff_findings: Annotated[bool, typer.Option(
        "--staff-findings", help="付録Aに点検結果をすべて載せる職員用の版 / a staff copy listing every document check")
    ] = False,
) -> None:
    """進捗状況報告書（PDF）を作る / write the annual progress report as PDF."""
    try:
        day = date.fromisoformat(issued) if issued else date.today()
    except ValueError:
        raise fail(f"--issued は YYYY-MM-DD で指定します / --issued must be YYYY-MM-DD: {issued!r}") from None
    with open_session(database_url) as session:
        plan_id = find_plan(session, plan, as_of=as_of)
        progress = evaluate_stored_plan(session, plan_id, as_of)
        findings = repository.list_findings(session=session, plan_id=plan_id)
        area = load_area_members(session=session, area_slug=progress.plan.area_slug)
        evaluations = published_evaluations_by_project(session=session, plan_id=plan_id)
        partner_evaluations = published_partner_evaluations_by_project(session=session, plan_id=plan_id)
    source = ReportInput(progress, findings, area.members if area else (), area.lead_code if area else "", day,
                         staff_evaluations=evaluations, partner_evaluations=partner_evaluations,
                         staff_findings=staff_findings,
                         synthetic=area.synthetic if area else False, scale=area.scale if area else None,
                         rollup=area.rollup if area else RollUp.WORST)
    try:
        if html is not None:
            html.write_text(render_report_html(source), encoding="utf-8")
        output.write_bytes(render_report_pdf(source))
    except ReportError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"書き込めません / cannot write {output}: {exc.strerror}") from None
    out.print(f"進捗状況報告書を書きました / wrote {output}（{format_fiscal_year(progress.as_of)}、"
              f"{len(progress.plan.projects)}事業）", highlight=False, soft_wrap=True)


#: From this many projects the static site's two languages are built by two processes (where there are two cores).
PARALLEL_FROM = 300
#: The file that marks a folder as a static copy written by renkei (only such a folder is ever replaced).
SITE_MARK = ".renkei-site"


def _check_site_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not (folder / SITE_MARK).exists())):
        raise fail(f"{folder} は空でなく、renkei の静的サイトでもありません。上書きしません"
                   f" / {folder} is not empty and not a site renkei built: not overwriting it")


def _swap_into_place(staging: Path, folder: Path) -> None:
    """Put the finished copy where it belongs in two renames, so a reader never sees half a site."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def build_site(
    folder: Annotated[Path, typer.Argument(help="出力するフォルダ（空か、以前の出力） / the folder to write")],
    plan: PlanOpt = None,
    licence: Annotated[str, typer.Option(
        "--license", help=f"オープンデータのライセンス / licence: {', '.join(LICENCES)}")] = "CC-BY-4.0",
    source_url: Annotated[str | None, typer.Option(
        "--source-url", help="原文（ビジョン）のURL / where the vision document is published")] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """静的サイトを書き出す / write the public portal as a static site.

    HTML・CSS・JS・JSON で、相対リンクなので file:// でも動く。オープンデータ一式を同梱する。
    """
    from renkei.settings import Settings
    from renkei.web.static_site import STATIC_ASSETS, crawl_site

    if licence not in LICENCES:
        raise fail(f"ライセンス「{licence}」は使えません / unknown licence（{', '.join(LICENCES)}）")
    folder = folder.resolve()
    _check_site_folder(folder)
    settings = Settings(database_url=database_url) if database_url else Settings()
    if licence != "CC-BY-4.0":
        title, url = LICENCES[licence]
        settings = settings.model_copy(update={"data_licence": title, "data_licence_url": url})
    with open_session(database_url) as session:
        plan_id = find_plan(session, plan)
        source = load_opendata_source(session, plan_id, None)
    staging = folder.with_name(f".{folder.name}.building")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        shutil.copytree(STATIC_ASSETS, staging / "static")
        write_package(staging / "opendata", build_tables(source), package_meta(source, source_url=source_url), licence)
        large = len(source.progress.plan.projects) >= PARALLEL_FROM  # a small plan builds faster in one process
        report = crawl_site(settings, source.progress.plan.area_slug, source.plan_key, staging,
                            processes=None if large else 1,
                            progress=lambda n: out.print(f"  {n:,} files…", highlight=False))
        (staging / SITE_MARK).write_text(json.dumps({"plan": source.plan_key, "pages": report.pages}) + "\n",
                                         encoding="utf-8")
        _swap_into_place(staging, folder)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise fail(f"書き込めません / cannot write {folder}: {exc.strerror or exc}") from None
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    year = format_fiscal_year(source.progress.as_of)
    out.print(f"静的サイトを書きました / wrote the static site to {folder}: {report.pages:,}ページ、"
              f"{report.files:,}ファイル、{size / 1024 / 1024:,.1f} MB（{year}時点）", highlight=False, soft_wrap=True)
    if report.problems:
        for problem in report.problems[:20]:
            out.print(f"  リンク切れ / broken link: {problem}", highlight=False, soft_wrap=True)
        raise fail(f"{len(report.problems)}件のリンクを静的サイトに書けませんでした / links without a static copy")


def register(app: typer.Typer) -> None:
    """Add the export commands: export xlsx, export opendata, and report."""
    export_app = typer.Typer(name="export", help="書き出し / exports: xlsx, opendata", no_args_is_help=True)
    export_app.command("xlsx")(export_xlsx)
    export_app.command("opendata")(export_opendata)
    app.add_typer(export_app, name="export")
    app.command("report")(report)
    app.command("build-site")(build_site)
