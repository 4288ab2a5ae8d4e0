"""What the annual progress report (進捗状況報告書) shows, worked out from the plan's one evaluation.

Everything here comes from :class:`renkei.services.progress.PlanProgress` (the judgements the portal shows,
from approved actuals), the plan's findings and the area's members: no second evaluation, no number that
is not in the document or an approved actual. Charts and the map are the portal's own drawings
(:mod:`renkei.presentation.chart`, :mod:`renkei.presentation.choropleth`), given a stylesheet of their own because a PDF
renderer does not style an inline SVG from the page's CSS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Protocol

from markupsafe import Markup

from renkei.domain.finding import Finding, Severity
from renkei.domain.fiscal import format_fiscal_year, format_wareki_date
from renkei.domain.municipality import Municipality
from renkei.domain.plan import BudgetCellStatus, Project
from renkei.domain.progress import KpiForm
from renkei.domain.scale import DEFAULT_SCALE, EvaluationScale, Grade, RollUp, RollUpResult
from renkei.domain.status import Rating, Status
from renkei.domain.totals import budget_in_period, count_projects_by_municipality, outside_period_note
from renkei.domain.verdict import format_number, year_ja
from renkei.presentation.budget_chart import cell_words, draw_budget_chart, total_budget_years
from renkei.presentation.chart import build_kpi_series, render_kpi_chart
from renkei.presentation.choropleth import CREDIT, load_shapes, render_map
from renkei.presentation.grading import (
    LegendGrade,
    describe_rule,
    format_rollup,
    grade_kpi,
    grade_legend,
    roll_up_kpis,
    summarise_grades,
)
from renkei.presentation.views import KpiView
from renkei.services.evaluations import DIRECTION_LABELS
from renkei.services.progress import KpiProgress, PlanProgress, ProgressGroup

SEVERITY_JA = {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"}
COST_BASIS_JA = {"lead_city": "中心市が負担", "partners": "連携市町が負担", "shared": "中心市及び連携市町が負担",
                 "agreement": "協定に基づき負担", "negotiated": "発生時に協議して決定", "no_cost": "費用負担なし",
                 "unknown": "その他"}
CHART_NAMES = {"actual": "実績", "baseline": "現状値", "target": "目標"}


class StaffEvaluation(Protocol):
    """A staff annual project evaluation (事業評価) as the report prints it (`evaluations.PublishedEvaluation`)."""

    @property
    def fiscal_year(self) -> int: ...
    @property
    def direction(self) -> str: ...  # expand / continue / improve / reduce / end (DIRECTION_LABELS)
    @property
    def comment(self) -> str: ...


class PartnerEvaluation(Protocol):
    """A partner municipality's own approved evaluation of a project (`partner_evaluations.PublishedPartnerEvaluation`).
    """

    @property
    def fiscal_year(self) -> int: ...
    @property
    def municipality_code(self) -> str: ...
    @property
    def grade(self) -> str: ...  # a key of the area's scale
    @property
    def comment(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ReportInput:
    """What the report is made of."""

    progress: PlanProgress
    findings: Sequence[Finding]
    members: Sequence[Municipality]
    lead_code: str
    issued: date
    #: Published (approved) staff annual evaluations by project key (事業評価); drafts never reach the report.
    staff_evaluations: Mapping[str, Sequence[StaffEvaluation]] = field(default_factory=dict)
    #: Appendix A lists every document check (a staff copy); a published report lists only where the reader
    #: corrected the text (a misspelt member read as the member), as the public pages do.
    staff_findings: bool = False
    #: Synthetic test data (``renkei demo-data``): the cover and the foot of every page say so.
    synthetic: bool = False
    #: The area's own evaluation scale (None: renkei's A–E) and roll-up rule (docs/evaluation-scale.md).
    scale: EvaluationScale | None = None
    rollup: RollUp = RollUp.WORST
    #: Published (approved) partner municipalities' own evaluations by project key (連携市町による評価), printed
    #: beside the 事業評価; drafts and those under review never reach the report.
    partner_evaluations: Mapping[str, Sequence[PartnerEvaluation]] = field(default_factory=dict)

    @property
    def graded(self) -> bool:
        """Tell whether the report shows the area's own grades (else renkei's A–E, as it always did)."""
        return self.scale is not None or self.rollup is not RollUp.WORST


@dataclass(frozen=True, slots=True)
class KpiBlock:
    """One KPI in a project's section: its chart, the numbers behind it and the evaluation in words."""

    item: KpiProgress
    chart: Markup | None
    #: The chart's numbers: fiscal years across, then rows (label, a figure per year).
    years: list[str]
    rows: list[tuple[str, list[str]]]
    #: Each reported year's figure in words where shares were reported or the figure is unknown.
    figure_lines: tuple[str, ...] = ()

    @property
    def evaluation_ja(self) -> str:
        """Return the explanation, the way the portal words it."""
        return self.item.evaluation.explanation_ja

    @property
    def history_lines(self) -> list[str]:
        """Return the KPI's revision history as the portal words it, oldest first, each with its reason."""
        history = self.item.history
        return [entry.describe("ja") + (f"（{entry.revision.reason}）" if entry.revision.reason else "")
                for entry in (history.entries if history is not None else ())]


@dataclass(frozen=True, slots=True)
class ProjectSection:
    """A project's section: its sheet fields, budget and KPIs."""

    number: str
    anchor: str
    project: Project
    fields: list[tuple[str, str]]
    budget: list[tuple[str, str]]
    budget_note: str
    kpis: list[KpiBlock]
    original_name: str | None
    staff_evaluations: Sequence[StaffEvaluation]
    #: KPIs of the sheet not in the vision in the report's year, as (indicator, why): 「…で削除（令和9年度から）」,
    #: 「…で追加（令和10年度から）」 (:meth:`renkei.domain.revision.KpiHistory.status_note`).
    not_in_force: list[tuple[str, str]] = field(default_factory=list)
    #: (fiscal year, municipality's name, grade key, grade label or None, comment) of each partner's evaluation.
    partner_evaluations: Sequence[tuple[int, str, str, str | None, str]] = ()


def svg_with_style(svg: Markup, css: str) -> Markup:
    """Put a stylesheet inside an SVG element (a PDF renderer does not apply the page's CSS to inline SVG).

    >>> str(svg_with_style(Markup('<svg class="chart"><title>t</title></svg>'), ".a{fill:red}"))
    '<svg class="chart"><style>.a{fill:red}</style><title>t</title></svg>'
    """
    text = str(svg)
    end = text.index(">") + 1
    return Markup(text[:end] + "<style>" + css + "</style>" + text[end:])


def svg_css() -> str:
    """Return the stylesheet of the charts and the map."""
    return resources.files("renkei.export").joinpath("templates/report/svg.css").read_text(encoding="utf-8")


def number(value: float | None, unit: str = "") -> str:
    """Write a figure with its unit, or 「—」 when there is none (never 0).

    >>> number(41200.0, "回"), number(None, "回"), number(84.8, "%")
    ('41,200回', '—', '84.8%')
    """
    return "—" if value is None else f"{format_number(value)}{unit}"


def thousand_yen(amount: int | None) -> str:
    """Write an amount in 千円, or 記載なし when no sheet states one.

    >>> thousand_yen(4284914), thousand_yen(None), thousand_yen(0)
    ('4,284,914', '記載なし', '0')
    """
    return "記載なし" if amount is None else f"{amount:,}"


def status_counts(group: ProgressGroup) -> list[int]:
    """Return a group's KPI counts in the report's column order (達成 … 測定不能)."""
    return [group.by_status[s.value] for s in Status]


def rating_counts(group: ProgressGroup) -> list[int]:
    """Return a group's KPI counts by rating (A … E, -)."""
    return [group.by_rating[r.value] for r in Rating]


class ReportView:
    """The report's content, ready for the templates."""

    def __init__(self, source: ReportInput) -> None:
        self.source, self.progress = source, source.progress
        self.plan, self.rule = source.progress.plan, source.progress.relisting
        self.css = svg_css()
        self.as_of = self.progress.as_of
        issued = source.issued
        self.issued = format_wareki_date(issued.year, issued.month, issued.day)
        self.title = self.plan.title or "連携中枢都市圏ビジョン"
        self.lead = next((m for m in source.members if m.code == source.lead_code), None)
        self.year_label = format_fiscal_year(self.as_of)
        self.years = list(self.plan.years)
        self.counted = [k for k in self.progress.kpis if k.counted]

    @property
    def period(self) -> str:
        """Return the plan period: 令和8年度〜令和12年度（2026〜2030）."""
        first, last = self.plan.first_year, self.plan.last_year
        return f"{year_ja(first)}〜{year_ja(last)}（{first}〜{last}）"

    @staticmethod
    def money(amount: int | None) -> str:
        """Write an amount in 千円 (記載なし when none is stated)."""
        return thousand_yen(amount)

    @staticmethod
    def direction_name(direction: str) -> str:
        """Write an evaluation's direction as Japanese administrations do (拡充, 継続, 改善, 縮小, 終了)."""
        return DIRECTION_LABELS.get(direction, (direction, direction))[0]

    @staticmethod
    def year_name(year: int) -> str:
        """Write a fiscal year as 令和8年度（2026）."""
        return format_fiscal_year(year)

    def short_year(self, year: int) -> str:
        """Return an axis label such as R8."""
        name = year_ja(year)
        return name.replace("令和", "R").replace("平成", "H").replace("年度", "") if "年度" in name else str(year)

    @property
    def scale(self) -> EvaluationScale:
        """Return the scale the report grades in (renkei's A–E when the area sets none)."""
        return self.source.scale or DEFAULT_SCALE

    def grade(self, item: KpiProgress) -> Grade:
        """Return a KPI's grade in the area's scale."""
        return grade_kpi(self.scale, item)

    def grade_words(self) -> tuple[str, str]:
        """Return how a KPI reaches a grade and how grades add up, in words."""
        return describe_rule(self.scale, "ja"), self.source.rollup.describe(self.scale, "ja")

    def grade_legend(self) -> tuple[LegendGrade, ...]:
        """Return the legend of the area's scale."""
        return grade_legend(self.scale, "ja")

    def grade_table(self) -> list[tuple[str, RollUpResult]]:
        """Return each policy area's KPIs rolled up by the area's rule, then the whole plan's."""
        by_key = {p.key: p for p in self.plan.projects}
        found = summarise_grades(self.scale, self.source.rollup, self.progress.kpis,
                                 owner=lambda item: by_key[self.rule.owner_key(item.project.key)])
        return [*found.by_policy_area, ("計画全体", found.overall)]

    def project_total(self, kpis: Sequence[KpiBlock]) -> RollUpResult:
        """Return a project's KPIs rolled up by the area's rule."""
        return roll_up_kpis(self.scale, self.source.rollup, [k.item for k in kpis])

    def total_words(self, result: RollUpResult) -> str:
        """Say a total in words."""
        return format_rollup(result, self.scale, "ja")

    def status_table(self) -> list[tuple[str, int, int, list[int], list[int], str]]:
        """Return rows (policy area, projects, KPIs, status counts, rating counts, budget) and the total."""
        summary = self.progress.summary
        groups = [*summary.by_policy_area, summary.overall]
        return [(g.label, g.projects, g.kpis, status_counts(g), rating_counts(g), thousand_yen(g.budget_total))
                for g in groups]

    def budget_rows(self) -> list[tuple[str, str, str, bool]]:
        """Return the budget totals by year (年度, 千円, what it counts, in the plan period)."""
        totals = self.progress.totals
        rows = []
        for year in (*totals.outside, *totals.years):
            counted = (f"記載のある{year.stated}事業の合計" if year.amount is not None else "金額の記載なし")
            extra = "、".join(x for x in (f"「—」{year.none}事業" if year.none else "",
                                          f"未定{year.undetermined}事業" if year.undetermined else "") if x)
            rows.append((format_fiscal_year(year.fiscal_year) + ("" if year.in_period else "（計画期間外）"),
                         thousand_yen(year.amount), counted + (f"（{extra}）" if extra else ""), year.in_period))
        return rows

    def budget_chart(self) -> Markup | None:
        """Draw the budget by year (plan period and the years stated before it); a year without a figure is a gap."""
        totals = self.progress.totals
        years = total_budget_years((*totals.outside, *totals.years), "ja")
        if all(y.amount is None for y in years):
            return None
        chart = draw_budget_chart(years, title="事業費の合計（千円）", highlight=self.plan.years, lang="ja",
                                  year_label={y.fiscal_year: self.short_year(y.fiscal_year) for y in years})
        return svg_with_style(chart, self.css)

    def area_map(self) -> tuple[Markup | None, list[tuple[Municipality, int]]]:
        """Draw the area map shaded by the number of projects each member takes part in, with the counts."""
        by_name = count_projects_by_municipality(self.plan, self.rule)
        counts = [(m, by_name.get(m.name, 0)) for m in self.source.members]
        shapes = load_shapes(self.plan.area_slug)
        if shapes is None or not counts:
            return None, counts
        drawn = render_map(shapes, title="連携市町の参加事業数", description="市町村別の参加事業数",
                           values={m.code: c for m, c in counts}, href="#m-{code}", label="{name}: {count}事業")
        return svg_with_style(drawn, self.css), counts

    def kpi_table(self) -> list[tuple[str, list[KpiProgress]]]:
        """Return the counted KPIs grouped by policy area, in document order."""
        groups: dict[str, list[KpiProgress]] = {}
        by_key = {p.key: p for p in self.plan.projects}
        for item in self.counted:
            owner = by_key[self.rule.owner_key(item.project.key)]
            groups.setdefault(owner.policy_area_label, []).append(item)
        return list(groups.items())

    def actual_in(self, item: KpiProgress, year: int) -> str:
        """Return a KPI's actual for a year as the table shows it (the unit stays in the header).

        A year whose figure is not known yet (only some municipalities' shares) says 不明, never a share.
        """
        value = item.values.get(year)
        if value is None and item.assessment is not None and item.assessment.fiscal_year == year:
            return item.assessment.word or item.assessment.status.label_ja
        if value is None and any(f.fiscal_year == year and f.month is None for f in item.figures):
            return "不明"
        return number(value)

    def figure_lines(self, item: KpiProgress) -> tuple[str, ...]:
        """Say, year by year, what the shares behind a figure are and whether the figure is known."""
        names = {m.code: m.name for m in self.source.members}
        unit = item.kpi.unit or ""
        lines = []
        for figure in item.figures:
            if figure.fiscal_year > self.as_of or (not figure.shares and figure.value is not None):
                continue
            shares = "、".join(f"{names.get(code, code)} {number(value)}{unit}" for code, value in figure.shares)
            owed = (f"{len(figure.owed)}市町のうち{len(figure.owed) - len(figure.missing)}市町が報告" if figure.owed
                    else f"{len(figure.shares)}市町が内訳を報告")
            head = (f"{number(figure.value)}{unit}（{'内訳の合計' if figure.source.value == 'sum' else '合計'}）"
                    if figure.value is not None else "不明（圏域の値は未確定）")
            lines.append(f"{self.year_name(figure.fiscal_year)}：{head}。{owed}" + (f"（{shares}）" if shares else ""))
        return tuple(lines)

    def sections(self) -> list[ProjectSection]:
        """Return one section per project sheet, in document order."""
        by_project: dict[str, list[KpiProgress]] = {}
        for item in self.progress.kpis:
            by_project.setdefault(item.project.key, []).append(item)
        names = {p.key: p.name for p in self.plan.projects}
        apart: dict[str, list[tuple[str, str]]] = {}
        for (project_key, _), history in self.progress.histories.items():
            if not history.in_force(self.as_of):
                apart.setdefault(project_key, []).append((history.indicator, history.status_note(self.as_of)))
        sections = []
        for index, project in enumerate(self.plan.projects, start=1):
            original = self.rule.original_key(project.key)
            sections.append(ProjectSection(
                number=f"3-{index}", anchor=f"p-{project.slug}", project=project, fields=self.fields(project),
                budget=self.budget(project), budget_note=self.budget_note(project),
                kpis=[self.kpi_block(k) for k in by_project.get(project.key, [])],
                original_name=names.get(original) if original else None,
                staff_evaluations=self.source.staff_evaluations.get(project.key, ()),
                not_in_force=apart.get(project.key, []),
                partner_evaluations=self.partner_evaluations(project.key),
            ))
        return sections

    def partner_evaluations(self, project_key: str) -> list[tuple[int, str, str, str | None, str]]:
        """Return a project's published partner evaluations as printed: year, partner, grade and its label, reason."""
        scale = self.source.scale or DEFAULT_SCALE
        keys = {g.key for g in scale.grades}
        names = {m.code: m.name for m in self.source.members}
        return [(e.fiscal_year, names.get(e.municipality_code, e.municipality_code), e.grade,
                 scale.grade(e.grade).label_ja if e.grade in keys else None, e.comment)
                for e in self.source.partner_evaluations.get(project_key, ())]

    def fields(self, p: Project) -> list[tuple[str, str]]:
        """Return the sheet's fields as (label, text), blank ones left out."""
        roles = "\n".join(f"{r.party}：{d}" for r in p.roles for d in r.duties)
        cost = p.cost_sharing.text or ""
        if cost and p.cost_sharing.basis is not None:
            cost += f"（区分: {COST_BASIS_JA[p.cost_sharing.basis.value]}）"
        partners = p.partners.text or ""
        if p.partners.municipalities:
            partners += f"\n（該当する市町: {'、'.join(p.partners.municipalities)}）"
        rows = [("政策分野", p.policy_area.label if p.policy_area else ""),
                ("連携協約の分類", p.category.label if p.category else ""), ("事業内容", p.description or ""),
                ("効果", "\n".join(p.effects)), ("連携市町", partners.strip()), ("役割分担", roles),
                ("費用負担", cost), *p.extra]
        return [(label, text) for label, text in rows if text.strip()]

    def budget(self, p: Project) -> list[tuple[str, str]]:
        """Return the sheet's budget cells: an amount (千円) or what the cell says (記載なし, 「—」（なしと記載）)."""
        if p.budget is None:
            return []
        return [(format_fiscal_year(c.fiscal_year),
                 f"{c.amount:,}" if c.status is BudgetCellStatus.AMOUNT and c.amount is not None
                 else cell_words(c, "ja")) for c in p.budget.cells]

    def budget_note(self, p: Project) -> str:
        """Say what the budget counts for: once for a 【再掲】 sheet, and only outside the period when so."""
        notes = []
        if not self.rule.budget_counts(p.key):
            notes.append("【再掲】のため合計には数えません")
        outside = outside_period_note(p, self.plan)
        if outside:
            notes.append(outside[0])
        elif p.budget is not None and budget_in_period(p, self.plan) is not None:
            notes.append(f"計画期間の計 {budget_in_period(p, self.plan):,}千円")
        return "。".join(notes)

    def kpi_block(self, item: KpiProgress) -> KpiBlock:
        """Draw a KPI's chart from its evaluation (as the portal does) with the numbers behind it."""
        view = KpiView(item.project.key, item.project.slug, item.project.name, item.position, item.kpi,
                       item.evaluation, dict(item.values), counted=item.counted, actuals=item.actuals,
                       assessment=item.assessment, figures=item.figures, shares=item.shares)
        series = build_kpi_series(view, self.plan.first_year, self.plan.last_year)
        chart = None
        if series.drawable and item.counted:
            chart = svg_with_style(render_kpi_chart(
                series, title=item.kpi.indicator, description=item.evaluation.explanation_ja, names=CHART_NAMES,
                year_label={y: self.short_year(y) for y in series.years}), self.css)
        table = series.table()
        cumulative = "（累計）" if series.form is KpiForm.CUMULATIVE else ""
        rows = [(label, [number(row[column]) for row in table])
                for column, label in ((1, f"実績{cumulative}"), (2, "期待される推移"), (3, "目標"), (4, "見込み"))
                if any(row[column] is not None for row in table)]
        return KpiBlock(item, chart, [self.short_year(row[0]) for row in table], rows, self.figure_lines(item))

    def missing(self) -> list[tuple[KpiProgress, str]]:
        """Return the counted KPIs with no actual for the year reported, and their latest reported year."""
        rows = []
        for item in self.counted:
            e = item.evaluation
            if e.status is Status.NOT_MEASURABLE or e.judged_year == self.as_of:
                continue
            rows.append((item, format_fiscal_year(e.judged_year) if e.judged_year else "報告なし"))
        return rows

    @property
    def staff_findings(self) -> bool:
        """Tell whether appendix A lists every document check (a staff copy) or only the corrections."""
        return self.source.staff_findings

    def findings(self) -> list[tuple[str, Finding]]:
        """Return appendix A's findings, errors first, then by line: every check for staff, else the corrections."""
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        shown = [f for f in self.source.findings if self.staff_findings or f.is_correction]
        ranked = sorted(shown, key=lambda f: (order[f.severity], f.line or 0))
        return [(SEVERITY_JA[f.severity], f) for f in ranked]

    @property
    def credit(self) -> str:
        """Return the credit line of the map data."""
        return CREDIT
