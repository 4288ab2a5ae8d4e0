"""Commands over a document file: parse, lint, summary."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from renkei.cli.console import command_console
from renkei.cli.files import AreaOpt, load_area_option, read_plan_file
from renkei.domain.finding import Finding, Severity, has_errors
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.plan import Plan
from renkei.domain.relisting import Relisting
from renkei.domain.totals import count_projects_by_municipality, outside_period_note, total_budget
from renkei.export.plan_json import write_plan_json

out = command_console(soft_wrap=False)
FileArg = Annotated[Path, typer.Argument(help="ビジョン文書（タブ区切りテキスト） / the vision document")]


class ParseFormat(StrEnum):
    json = "json"
    table = "table"


class LintFormat(StrEnum):
    text = "text"
    json = "json"


def yen(amount: int | None) -> str:
    """Format thousand yen with separators.

    >>> yen(3700900)
    '3,700,900'
    >>> yen(None)
    '—'
    """
    return "—" if amount is None else f"{amount:,}"


def parse(file: FileArg, format: Annotated[ParseFormat, typer.Option("--format", "-f")] = ParseFormat.table,
          area: AreaOpt = None) -> None:
    """文書を読み、事業の一覧を表示する / read a document and show its projects."""
    plan, findings = read_plan_file(file, area=area)
    if format is ParseFormat.json:
        sys.stdout.flush()
        stream = sys.stdout.buffer
        write_plan_json(plan, findings, stream)  # a few projects at a time: 10,000 sheets are 54 MB
        stream.write(b"\n")
        stream.flush()
        return
    table = Table(title=f"{plan.area_name} {format_fiscal_year(plan.first_year)}〜{format_fiscal_year(plan.last_year)}"
                        f"：{len(plan.projects)}事業")
    for column in ("行", "事業名", "政策分野", "連携協約", "連携市町", "事業費（千円）", "KPI"):
        table.add_column(column, justify="right" if column in ("行", "事業費（千円）") else "left")
    for p in plan.projects:
        budget = p.budget.by_fiscal_year if p.budget else {}
        money = ", ".join(f"{y}: {yen(v)}" for y, v in budget.items() if v is not None) or "—"
        partners = "全市町" if p.partners.all_members else "、".join(p.partners.municipalities) or "—"
        table.add_row(str(p.line), p.name + ("【再掲】" if p.relisted else ""),
                      f"({p.policy_area.number})" if p.policy_area else "—",
                      f"{p.category.code} {p.category.name}" if p.category else "—",
                      partners, money, "\n".join(f"{k.indicator}: {k.baseline.text} → {k.target.text}" for k in p.kpis))
    out.print(table)


def lint(file: FileArg, format: Annotated[LintFormat, typer.Option("--format", "-f")] = LintFormat.text,
         area: AreaOpt = None) -> None:
    """文書を点検する（エラーがあれば終了コード1） / check a document; exit status 1 on any error."""
    _, findings = read_plan_file(file, area=area)
    if format is LintFormat.json:
        typer.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        _print_findings(findings)
    if has_errors(findings):
        raise typer.Exit(1)


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _print_findings(findings: list[Finding]) -> None:
    for f in findings:
        where = f"{f.line}行目" if f.line else "文書"
        project = f"［{f.project}］" if f.project else ""
        out.print(f"[{_STYLE[f.severity]}]{f.severity.value:7}[/] {where:>6} {f.rule:32} {project}{f.message}",
                  highlight=False)
        if f.suggestion:
            out.print(f"{'':16}→ {f.suggestion}", highlight=False)
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    out.print(f"エラー {counts[Severity.ERROR]}件、警告 {counts[Severity.WARNING]}件、情報 {counts[Severity.INFO]}件 "
              f"/ {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} notes")


def summary_dict(plan: Plan) -> dict[str, object]:
    """Return the summary as data: counts and budget totals, each budget counted once."""
    relisting = Relisting.of(plan)
    totals = total_budget(plan, relisting)
    by_area: dict[str, int] = {}
    by_category: dict[str, int] = {}
    for p in plan.projects:
        by_area[p.policy_area_label] = by_area.get(p.policy_area_label, 0) + 1
        cat = f"{p.category.code} {p.category.name}" if p.category else "（分類なし）"
        by_category[cat] = by_category.get(cat, 0) + 1
    return {
        "projects": len(plan.projects),
        "relisted": sum(1 for p in plan.projects if p.relisted),
        "kpis": sum(len(p.kpis) for p in plan.projects),
        "projects_by_policy_area": by_area,
        "projects_by_category": by_category,
        "budget_by_fiscal_year": {str(y.fiscal_year): y.amount for y in totals.years},
        "budget_sheets_stating_by_fiscal_year": {str(y.fiscal_year): y.stated for y in totals.years},
        "budget_by_policy_area": {k: {str(y): v for y, v in d.items()} for k, d in totals.by_policy_area.items()},
        "budget_plan_period_total": totals.plan_period_total,
        "budget_outside_period": {str(y.fiscal_year): y.amount for y in totals.outside},
        "budget_outside_period_only": [p.name for p in plan.projects if outside_period_note(p, plan)],
        "relisted_not_counted": totals.relisted_excluded,
        "projects_by_municipality": count_projects_by_municipality(plan, relisting),
    }


def summary(file: FileArg, format: Annotated[LintFormat, typer.Option("--format", "-f")] = LintFormat.text,
            area: AreaOpt = None) -> None:
    """事業数・事業費の集計（再掲は一度だけ） / project counts and budget totals, relisted counted once."""
    plan, _ = read_plan_file(file, area=area)
    data = summary_dict(plan)
    if format is LintFormat.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    totals = total_budget(plan, Relisting.of(plan))
    years = list(plan.years)  # years outside the plan period are listed apart below
    head = Table(title=f"{plan.area_name}：{len(plan.projects)}事業"
                       f"（うち再掲 {data['relisted']}）、KPI {data['kpis']}件")
    head.add_column("政策分野")
    head.add_column("事業数", justify="right")
    for y in years:
        head.add_column(format_fiscal_year(y) + ("" if y in plan.years else "※期間外"), justify="right")
    counts = data["projects_by_policy_area"]
    assert isinstance(counts, dict)
    for label, n in counts.items():
        row = totals.by_policy_area.get(label, {})
        head.add_row(label, str(n), *(yen(row.get(y)) if y in row else "記載なし" for y in years))
    head.add_row("[bold]合計（千円）[/]", str(len(plan.projects)),
                 *(f"[bold]{yen(y.amount)}[/]" if y.amount is not None else "記載なし" for y in totals.years))
    head.add_row("記載のある事業数", "", *(f"{y.stated}事業" for y in totals.years))
    out.print(head)
    relisted_note = (f"再掲{totals.relisted_excluded}事業は原掲で計上し重複させていません" if totals.relisted_excluded
                     else "再掲事業は原掲がこの文書にないため、ここで一度だけ計上しています")
    total_text = "記載なし" if totals.plan_period_total is None else f"{totals.plan_period_total:,}千円"
    out.print(f"計画期間の事業費合計（記載のある{totals.plan_period_projects}事業）: {total_text}（{relisted_note}）")
    out.print("空欄の年度は「記載なし」で、0千円ではありません / blank years are not stated, not zero")
    if totals.outside:
        out.print("計画期間外の年度の事業費（合計に含めず）: "
                  + "、".join(f"{format_fiscal_year(y.fiscal_year)} {y.amount:,}千円" for y in totals.outside
                             if y.amount is not None))
    for p in plan.projects:
        note = outside_period_note(p, plan)
        if note:
            out.print(f"  ・{p.name}：{note[0]}")
    cats = Table(title="連携協約の分類別 事業数")
    cats.add_column("分類")
    cats.add_column("事業数", justify="right")
    by_category = data["projects_by_category"]
    assert isinstance(by_category, dict)
    for label, n in by_category.items():
        cats.add_row(label, str(n))
    out.print(cats)
    muni = Table(title="市町別 参加事業数")
    muni.add_column("市町")
    muni.add_column("事業数", justify="right")
    by_municipality = count_projects_by_municipality(plan, Relisting.of(plan))
    chosen = load_area_option(area)
    for m in chosen.members:
        muni.add_row(m.name + ("（中心市）" if m.code == chosen.lead_code else ""), str(by_municipality.get(m.name, 0)))
    out.print(muni)


def register(app: typer.Typer) -> None:
    """Add the document commands to the app."""
    app.command("parse")(parse)
    app.command("lint")(lint)
    app.command("summary")(summary)
