"""`renkei progress`: each KPI's judgement and the summaries by policy area and category, as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from renkei.cli.actuals import read_actuals_file
from renkei.cli.console import command_console
from renkei.cli.database import DatabaseOpt, PlanOpt, find_plan, open_session, out
from renkei.cli.files import (
    AreaOpt,
    fail,
    load_area_option,
)
from renkei.cli.fiscal_year import check_year_in_period, year_option
from renkei.cli.plan_import import read_document
from renkei.domain.actual import Actual
from renkei.domain.csv_cell import neutralise_record
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.progress import ProgressError
from renkei.domain.scale import DEFAULT_SCALE, EvaluationScale, Grade, RollUp, RollUpResult
from renkei.domain.scale_json import scale_to_json
from renkei.domain.status import Rating, Status, label_status_group
from renkei.domain.verdict import format_number
from renkei.presentation.grading import (
    GradeSummary,
    describe_rule,
    format_rollup,
    grade_kpi,
    grade_legend,
    summarise_grades,
)
from renkei.services.actuals import (
    actuals_by_kpi,
    validate_actuals,
)
from renkei.services.progress import (
    KpiProgress,
    PlanProgress,
    ProgressGroup,
    evaluate_loaded_plan,
    evaluate_stored_plan,
)
from renkei.store.portal_queries import load_area_members

#: The keys every progress record carries (others, such as ``explanation``, come after them).
RECORD_KEYS = (
    "project", "indicator", "kind", "direction", "as_of", "latest_actual", "progress", "expected_progress",
    "status", "rating", "years_met", "years_due", "forecast_at_target", "forecast_year_reached",
)  # fmt: skip

class ProgressFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@dataclass(frozen=True, slots=True)
class Grading:
    """The area's own evaluation scale and roll-up rule (docs/evaluation-scale.md), when it has either: the output
    then adds each KPI's grade and the totals in the area's words. An area on renkei's A–E gets none (None)."""

    scale: EvaluationScale
    rollup: RollUp

    @classmethod
    def of(cls, scale: EvaluationScale | None, rollup: RollUp) -> Grading | None:
        """Return the grading an area sets, or None for an area on renkei's A–E (its output stays as it was)."""
        if scale is None and rollup is RollUp.WORST:
            return None
        return cls(scale or DEFAULT_SCALE, rollup)

    def summary(self, result: PlanProgress) -> GradeSummary:
        """Return the plan's totals in the area's scale, each KPI once on the sheet it counts on."""
        by_key = {p.key: p for p in result.plan.projects}
        return summarise_grades(self.scale, self.rollup, result.kpis,
                                owner=lambda item: by_key[result.relisting.owner_key(item.project.key)])


def _grade_dict(grade: Grade) -> dict[str, object]:
    return {"key": grade.key, "label": grade.label_ja, "label_en": grade.label("en"), "colour": grade.colour,
            "unrated": grade.unrated}


def _rollup_dict(result: RollUpResult, scale: EvaluationScale, label: str | None = None) -> dict[str, object]:
    return {**({"label": label} if label is not None else {}), "kpis": result.kpis,
            "grade": _grade_dict(result.grade) if result.grade is not None else None,
            "mean_score_rate": None if result.mean_rate is None else round(result.mean_rate, 4),
            "by_grade": dict(result.counts),
            "words": {"ja": format_rollup(result, scale, "ja"), "en": format_rollup(result, scale, "en")}}


def scale_document(grading: Grading, result: PlanProgress) -> dict[str, object]:
    """Return the JSON output's ``evaluation_scale``: the scale as the area file writes it, both rules in words and
    the totals of the whole plan, each 政策分野 and each 分類 (the shape of the API's ``/summary``, both languages)."""
    scale, rollup = grading.scale, grading.rollup
    found = grading.summary(result)
    return {"scale": scale_to_json(scale), "rollup": rollup.value,
            "rule_words": {"ja": describe_rule(scale, "ja"), "en": describe_rule(scale, "en")},
            "rollup_words": {"ja": rollup.describe(scale, "ja"), "en": rollup.describe(scale, "en")},
            "overall": _rollup_dict(found.overall, scale),
            "by_policy_area": [_rollup_dict(r, scale, label) for label, r in found.by_policy_area],
            "by_category": [_rollup_dict(r, scale, label) for label, r in found.by_category]}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _number(value: float | None) -> str:
    return "—" if value is None else format_number(value)


def progress_record(item: KpiProgress) -> dict[str, object]:
    """Return a KPI's progress record: the fixed keys first, then the explanation and context."""
    data = item.to_dict()
    return {**{key: data.get(key) for key in RECORD_KEYS}, **data}


def _grade_words(grade: Grade) -> str:
    return grade.key if grade.label_ja == grade.key else f"{grade.key} {grade.label_ja}"


def _kpi_table(kpis: list[KpiProgress], as_of: int, grading: Grading | None = None) -> Table:
    table = Table(title=f"KPIの進捗 / KPI progress（{format_fiscal_year(as_of)}時点）")
    for column in ("事業 / project", "指標 / indicator", "形 / kind", "判定年度", "最新実績", "進捗", "期待",
                   "状況 / status", "評価", *(("評価区分 / grade",) if grading else ()), "見通し / forecast"):
        table.add_column(column, justify="right" if column in ("最新実績", "進捗", "期待") else "left")
    for item in kpis:
        e = item.evaluation
        forecast = e.forecast_ja or "—"
        grade = (_grade_words(grade_kpi(grading.scale, item)),) if grading else ()
        table.add_row(item.project.name + ("【再掲】" if item.project.relisted else ""), e.indicator, e.kind.value,
                      format_fiscal_year(e.judged_year) if e.judged_year else "未報告", _number(e.latest_actual),
                      _percent(e.progress), _percent(e.expected_progress),
                      f"{e.status.label_ja} / {e.status.value}", f"{e.rating.value} {e.rating.label_ja}", *grade,
                      forecast)
    return table


def _summary_table(title: str, groups: tuple[ProgressGroup, ...] | list[ProgressGroup],
                   totals: dict[str, RollUpResult] | None = None, scale: EvaluationScale = DEFAULT_SCALE) -> Table:
    """A table of groups' tallies; ``totals`` (each group's roll-up in the area's scale, by label) adds a column."""
    table = Table(title=title)
    table.add_column("区分 / group")
    statuses, ratings = (label_status_group(s) for s in Status), (f"{r.value} {r.label_ja}" for r in Rating)
    for column in ("事業", "KPI", *statuses, *ratings, *(("評価区分の集計 / grades",) if totals is not None else ()),
                   "事業費（期間計, 千円）"):
        table.add_column(column, justify="right")
    for g in groups:
        s, r = g.by_status, g.by_rating
        total = totals.get(g.label) if totals is not None else None
        graded = (format_rollup(total, scale, "ja") if total is not None and total.kpis else "—",) \
            if totals is not None else ()
        table.add_row(g.label, str(g.projects), str(g.kpis), *(str(s[k.value]) for k in Status),
                      *(str(r[k.value]) for k in Rating), *graded,
                      "記載なし" if g.budget_total is None else f"{g.budget_total:,}")
    return table


def _print_progress(result: PlanProgress, format: ProgressFormat, grading: Grading | None = None) -> None:
    plan, kpis, summary, as_of = result.plan, list(result.kpis), result.summary, result.as_of
    records = [progress_record(k) for k in kpis]
    if grading is not None:  # the area's grade beside renkei's status and rating, which stay as they were
        records = [{**r, "grade": _grade_dict(grade_kpi(grading.scale, k))} for k, r in zip(kpis, records, strict=True)]
    if format is ProgressFormat.json:
        document = {
            "plan": plan.to_dict(), "as_of": as_of, "kpis": records, "summary": summary.to_dict(),
            "budget": result.totals.to_dict(),
            **({"evaluation_scale": scale_document(grading, result)} if grading is not None else {}),
        }  # fmt: skip
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if format is ProgressFormat.csv:
        buffer = io.StringIO()
        columns = [*RECORD_KEYS, "judged_year", "explanation_ja", "explanation_en", "project_key", "relisted",
                   "counted", "policy_area", "category", "unit", "baseline", "target", "measured", "target_value",
                   "target_year", "rule", "status_label", "rating_label",
                   *(("grade", "grade_label") if grading is not None else ())]
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for item, record in zip(kpis, records, strict=True):
            e = item.evaluation
            grade = grade_kpi(grading.scale, item) if grading is not None else None
            writer.writerow(neutralise_record({**record, "explanation_ja": e.explanation_ja,
                                               "explanation_en": e.explanation_en, "status_label": e.status.label_ja,
                                               "rating_label": e.rating.label_ja,
                                               **({"grade": grade.key, "grade_label": grade.label_ja}
                                                  if grade is not None else {})}))
        typer.echo(buffer.getvalue(), nl=False)
        return
    out.print(_kpi_table(kpis, as_of, grading))
    if grading is None:
        out.print(_summary_table("政策分野別 / by policy area", summary.by_policy_area))
        out.print(_summary_table("連携協約の分類別 / by category", summary.by_category))
        out.print(_summary_table("計画全体 / whole plan", [summary.overall]))
        return
    found, scale = grading.summary(result), grading.scale
    out.print(_summary_table("政策分野別 / by policy area", summary.by_policy_area, dict(found.by_policy_area), scale))
    out.print(_summary_table("連携協約の分類別 / by category", summary.by_category, dict(found.by_category), scale))
    out.print(_summary_table("計画全体 / whole plan", [summary.overall], {summary.overall.label: found.overall}, scale))
    out.print(f"評価区分 / grades: {describe_rule(scale, 'ja')}", highlight=False, soft_wrap=True)
    out.print(f"集計方法 / roll-up: {grading.rollup.describe(scale, 'ja')}", highlight=False, soft_wrap=True)
    legend = []
    for g in grade_legend(scale, "ja"):
        name = g.key if g.label == g.key else f"{g.key} {g.label}"
        legend.append(f"{name}（{g.meaning}）" if g.meaning else name)
    out.print(f"凡例 / legend: {'、'.join(legend)}", highlight=False, soft_wrap=True)


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
            chosen, _, _ = read_document(plan_file, document_area)
            check_year_in_period("--as-of", as_of, chosen.first_year, chosen.last_year)
            by_kpi: dict[tuple[str, str], list[Actual]] = {}
            if actuals is not None:
                validation = validate_actuals(chosen, read_actuals_file(actuals), area=document_area)
                if validation.errors:
                    for problem in validation.errors:
                        out.print(f"[red]{actuals}[/]: {problem.message}", highlight=False, soft_wrap=True)
                    raise fail(f"{actuals}: 不正な行が {len(validation.rejected_rows)} 行あります / "
                               f"{len(validation.rejected_rows)} rows rejected", code=1)
                by_kpi = actuals_by_kpi(validation)
            result = evaluate_loaded_plan(chosen, by_kpi, as_of=as_of)
            grading = Grading.of(document_area.scale, document_area.rollup)
        else:
            with open_session(database_url) as session:
                plan_id = find_plan(session, plan, as_of=as_of)
                result = evaluate_stored_plan(session, plan_id, as_of, include_pending=pending)
                stored = load_area_members(session=session, area_slug=result.plan.area_slug)
            grading = Grading.of(stored.scale, stored.rollup) if stored is not None else None
    except ProgressError as exc:
        raise fail(f"--as-of: {exc}") from None
    if pending:
        command_console(stderr=True).print(
            "[bold yellow]プレビュー：未承認（下書き・提出済み・差し戻し）の値を含みます。公開値ではありません / "
            "preview: includes values not yet approved, not the published figures[/]", soft_wrap=True, highlight=False)
    _print_progress(result, format, grading)


def register(app: typer.Typer) -> None:
    """Add ``renkei progress`` to the app."""
    app.command("progress")(progress)
