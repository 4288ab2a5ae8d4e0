"""API response models (pydantic) and how they are built from the read model; pages share the summaries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from renkei.domain.actual import Actual
from renkei.domain.plan import LEAD_PARTIES, PARTNER_PARTIES
from renkei.domain.scale import DEFAULT_SCALE, Grade, RollUpResult
from renkei.domain.scale_json import scale_to_json
from renkei.domain.status import Status
from renkei.domain.totals import YearTotal
from renkei.presentation.chart import build_kpi_series
from renkei.presentation.choropleth import AreaShapes
from renkei.presentation.views import KpiView
from renkei.store.partner_evaluations import PublishedPartnerEvaluation
from renkei.web.grades import AreaGrading, area_grading
from renkei.web.listing import Facet, category_label
from renkei.web.readmodel import Portal, ProjectView, category_key


def _absent(value: object) -> bool:
    """Tell whether an optional field is left out of the answer: an area on renkei's A–E answers as it always did."""
    return value is None


class NotFound(BaseModel):
    """The API's answer (404) when the area, the plan, the project or the municipality named does not exist."""

    detail: str = Field(description="what was not found, in one sentence (Japanese, or English with lang=en)")


class PlanInfo(BaseModel):
    """A stored plan edition."""

    plan_key: str = Field(description="stable key of the edition, e.g. kitakyushu-2026")
    area_slug: str
    area_name: str
    area_name_en: str | None = Field(description="the area's English name (null: the area configures none)")
    title: str | None
    first_fiscal_year: int
    last_fiscal_year: int
    version: int
    project_count: int
    synthetic: bool = Field(False, description="true: the area is synthetic test data (renkei demo-data), "
                                               "not a real plan / 試験用の架空のデータ")


class CountItem(BaseModel):
    """A value with its count."""

    key: str
    label: str
    count: int


class YearAmount(BaseModel):
    """A fiscal year's budget in thousand yen (千円): the sum of the sheets that state an amount."""

    fiscal_year: int
    amount: int | None = Field(description="sum of stated amounts; null when no sheet states one (記載なし)")
    stated: int = Field(description="sheets stating an amount for the year")
    stated_none: int = Field(description="sheets stating none (—) for the year")
    undetermined: int = Field(description="sheets stating 未定 for the year")
    in_period: bool


class GradeItem(BaseModel):
    """A grade of the area's own evaluation scale (評価区分)."""

    key: str = Field(description="the grade's key as the area writes it (A, S, X …)")
    label: str = Field(description="the grade's word in the answer's language (目標値以上, 評価困難 …)")
    colour: str = Field(description="#rrggbb")
    unrated: bool = Field(description="true for a grade of no judgment (評価困難, 未着手, 中止)")


class RollUpItem(BaseModel):
    """KPI grades added up by the area's roll-up rule (a project, a 政策分野, a 分類 or the whole plan)."""

    label: str | None = Field(None, description="the group (政策分野 or 分類); null for a project or the whole plan")
    rule: str = Field(description="worst, share or mean_rate")
    kpis: int
    grade: GradeItem | None = Field(description="the group's grade (null under share, or with no KPI)")
    mean_score_rate: float | None = Field(description="mean_rate: the mean of the KPIs' score rates (1.0 = 100%)")
    by_grade: dict[str, int] = Field(description="KPIs at each grade of the scale, every grade in the scale's order")


class EvaluationScaleInfo(BaseModel):
    """The area's own evaluation scale and roll-up rule, in the area file's form, with both rules in words."""

    scale: dict[str, Any] = Field(description="the area file's evaluation_scale (docs/evaluation-scale.md)")
    rollup: str = Field(description="worst, share or mean_rate")
    rule_words: str = Field(description="how a KPI reaches a grade, in the answer's language")
    rollup_words: str = Field(description="how grades add up, in the answer's language")
    overall: RollUpItem
    by_policy_area: list[RollUpItem]
    by_category: list[RollUpItem]


class Summary(BaseModel):
    """The home page: the plan, counts, budget totals (relisted counted once) and KPI status distribution."""

    plan: PlanInfo
    plans: list[PlanInfo]
    as_of: int = Field(description="fiscal year the KPIs are evaluated as of")
    project_count: int
    kpi_count: int
    member_count: int
    by_policy_area: list[CountItem]
    by_category: list[CountItem]
    budget_by_year: list[YearAmount] = Field(description="every year of the plan period")
    budget_outside_period: list[YearAmount] = Field(description="years outside the plan period that sheets state")
    budget_plan_period_total: int | None = Field(description="thousand yen within the plan period (null: none stated)")
    budget_plan_period_projects: int = Field(description="counted sheets stating an amount within the plan period")
    relisted_excluded: int = Field(description="relisted sheets whose budget is not counted again")
    kpi_status: list[CountItem] = Field(description="KPIs by status, each KPI once (relisted repeats not again)")
    kpi_counted: int = Field(description="KPIs counted once each")
    projects_counted: int = Field(description="projects counted once each (a relisted sheet with its original)")
    evaluation_scale: EvaluationScaleInfo | None = Field(
        default=None, exclude_if=_absent,
        description="the area's own evaluation scale and the totals in it (absent: the area uses renkei's A-E)")


class KpiItem(BaseModel):
    """A KPI with its evaluation."""

    project_slug: str
    project_name: str
    indicator: str
    form: str
    baseline: str
    target: str
    target_value: float | None
    target_fiscal_year: int | None
    unit: str | None
    actual_by_year: dict[int, float]
    judged_year: int | None = Field(description="the latest reported year the verdict rests on")
    counted: bool = Field(description="false for a relisted repeat of a KPI counted elsewhere")
    actuals: list[dict[str, object]] = Field(
        description="approved records: the KPI's own figures (municipality null) and each municipality's share, with "
                    "the public comment, the evidence and the organisation that reported it")
    figures: list[dict[str, object]] = Field(
        default_factory=list,
        description="each year's figure: its value (null while unknown), its source (total: entered as a total; "
                    "sum: the sum of every owed share; unknown), the shares with their municipalities, and the "
                    "municipalities owing a share that have not reported")
    share_rule: str = Field("total", description="how the figure is made: total (the lead city's) or sum (of shares)")
    assessment: dict[str, object] | None = None
    forecast_words: str = ""
    latest_actual: float | None
    progress: float | None
    expected_progress: float | None
    status: str
    status_label: str
    rating: str
    rating_label: str = Field(description="the rating's word: 達成, 順調, やや遅れ, 遅れ, 未達成 or 判定なし")
    rule: str
    explanation: str
    forecast_at_target: float | None
    chart: dict[str, object] | None = None
    revisions: list[dict[str, object]] = Field(
        default_factory=list,
        description="the KPI's revisions mid-period (一部改正), oldest first: the revision's label, date, reason and "
                    "first fiscal year in force, the change (added, changed, dropped), the baseline and target before "
                    "and after, and a description in Japanese and English; empty when never revised")
    grade: GradeItem | None = Field(
        default=None, exclude_if=_absent,
        description="the KPI's grade in the area's own evaluation scale, beside status and rating, the judgment it "
                    "rests on (absent: the area uses renkei's A-E)")


class ProjectItem(BaseModel):
    """A row of the project list."""

    slug: str
    name: str
    relisted: bool
    policy_area: str
    policy_area_number: int | None
    category: str | None
    category_key: str | None
    partners: list[str]
    partner_codes: list[str]
    all_members: bool
    budget_plan_period: int | None = Field(description="thousand yen within the plan period (null: not stated)")
    budget_period_note: str | None = Field(default=None, description="e.g. budget stated only outside the period")
    has_budget: bool
    counted_in_totals: bool
    status: str | None = Field(description="the most pressing status among its KPIs")
    rating: str | None = Field(default=None, description="the rating of its most pressing KPI (A-E, -)")
    kpi_count: int
    grades: RollUpItem | None = Field(
        default=None, exclude_if=_absent,
        description="its KPIs rolled up by the area's rule, in the area's own scale (absent: renkei's A-E)")


class FacetValueItem(BaseModel):
    """One facet value with its count."""

    value: str
    label: str
    count: int
    selected: bool


class FacetItem(BaseModel):
    """A facet of the project list."""

    name: str
    title: str
    values: list[FacetValueItem]


class ProjectList(BaseModel):
    """The filtered project list with facets."""

    plan_key: str
    count: int
    projects: list[ProjectItem]
    facets: list[FacetItem]
    next: str | None = None


class CorrectionItem(BaseModel):
    """Where the document's text was read as corrected (a misspelt member read as the member), in plain words."""

    message: str = Field(description="what was read as what, in the answer's language")
    line: int | None = Field(description="line of the vision document")


class DroppedKpi(BaseModel):
    """A KPI a revision of the vision (一部改正) dropped or adds from a later year: its indicator and revisions, oldest
    first."""

    indicator: str
    revisions: list[dict[str, object]]


class PartnerEvaluationItem(BaseModel):
    """A partner municipality's own evaluation of the project (連携市町による評価), approved and published: never a
    draft, a submitted one under review or the reviewer's note."""

    fiscal_year: int = Field(description="the fiscal year evaluated (Western year of April)")
    municipality_code: str = Field(description="6-digit local government code of the partner")
    municipality: str = Field(description="the partner's name")
    grade: str = Field(description="the grade's key in the area's scale, as approved")
    grade_detail: GradeItem | None = Field(
        description="the grade in the area's scale (null if the area's scale no longer has that key)")
    comment: str = Field(description="the partner's reason for its grade")
    published_at: str | None = Field(description="when it was approved and published (UTC, ISO 8601)")


class ProjectDetail(ProjectItem):
    """A project: its list row, the sheet in the domain's one JSON shape, its KPIs evaluated and its corrections.

    The document checks (lint findings) are for staff and are not part of the public answer.
    """

    sheet: dict[str, Any] = Field(description="every field of the sheet as read, in the one shape the domain writes "
                                              "(`Project.to_dict`; `renkei parse --format json` writes the same)")
    kpis: list[KpiItem]
    corrections: list[CorrectionItem] = Field(description="where the document's text was read as corrected")
    dropped_kpis: list[DroppedKpi] = Field(
        default_factory=list, description="KPIs a revision of the vision dropped from the sheet by the evaluation year "
                                          "(their actuals kept; one dropped from a later year is still among `kpis`)")
    later_kpis: list[DroppedKpi] = Field(
        default_factory=list, description="KPIs a revision adds to the sheet from a year after the evaluation year "
                                          "(not yet part of the vision: neither evaluated nor counted)")
    partner_evaluations: list[PartnerEvaluationItem] = Field(
        default_factory=list, description="where the area asks for them, each partner's own approved evaluation, "
                                          "newest year first, then by code (empty otherwise)")


class MunicipalityItem(BaseModel):
    """A member municipality with its participation."""

    code: str = Field(description="6-digit local government code")
    name: str
    is_lead: bool
    project_count: int


class MunicipalityProject(BaseModel):
    """A project as seen from one member: its role and the cost-sharing basis."""

    slug: str
    name: str
    relisted: bool
    duties: list[str]
    role_party: str | None
    cost_basis: str | None
    cost_text: str | None
    cost_principles: list[str]
    cost_bases: list[str] = Field(description="every cost-sharing basis the sheet states, main one first, each once")
    core_group: str | None = Field(description="the 「…を中心に」 core group the partner text names, if any")
    status: str | None
    rating: str | None = Field(default=None, description="the rating of its most pressing KPI (A-E, -)")
    own_actuals: list[dict[str, object]] = Field(description="this municipality's share of KPI actuals")
    grades: RollUpItem | None = Field(
        default=None, exclude_if=_absent,
        description="the project's KPIs rolled up by the area's rule, in the area's own scale (absent: renkei's A-E)")


class MunicipalityDetail(MunicipalityItem):
    """A member's page: its projects, roles and cost sharing (the document gives no town's share of a budget)."""

    projects: list[MunicipalityProject]


class MapFeature(BaseModel):
    """A municipality on the map."""

    code: str
    name: str
    project_count: int
    path: str = Field(description="SVG path in the map's coordinate system")


class MapData(BaseModel):
    """The area map: shapes and counts, with the data credit."""

    width: int
    height: int
    credit: str
    features: list[MapFeature]


def plan_info(portal: Portal) -> list[PlanInfo]:
    """Return the chosen plan and every stored plan."""
    return [
        PlanInfo(plan_key=s.plan_key, area_slug=s.area_slug, area_name=s.area_name,
                 area_name_en=s.area_name_en or None, title=s.title,
                 first_fiscal_year=s.first_year, last_fiscal_year=s.last_year, version=s.version,
                 project_count=s.project_count, synthetic=portal.synthetic)
        for s in (portal.summary, *portal.plans)
    ]


def build_summary(portal: Portal, lang: str) -> Summary:
    """Summarise a plan for the home page and /api/summary (with the area's scale and totals when it has one)."""
    summary = _build_summary(portal, lang)
    grading = area_grading(portal)
    if grading is None:
        return summary
    grades = grading.summary(portal)
    from renkei.presentation.i18n import label_group

    return summary.model_copy(update={"evaluation_scale": EvaluationScaleInfo(
        scale=scale_to_json(grading.scale), rollup=grading.rollup.value, rule_words=grading.rule_words(lang),
        rollup_words=grading.rollup_words(lang), overall=rollup_item(grades.overall, lang),
        by_policy_area=[rollup_item(r, lang, label_group(label, lang)) for label, r in grades.by_policy_area],
        by_category=[rollup_item(r, lang, label) for label, r in grades.by_category])})


def grade_item(grade: Grade, lang: str) -> GradeItem:
    """Describe a grade of the area's scale."""
    return GradeItem(key=grade.key, label=grade.label(lang), colour=grade.colour, unrated=grade.unrated)


def rollup_item(result: RollUpResult, lang: str, label: str | None = None) -> RollUpItem:
    """Describe a group's total under the area's roll-up rule."""
    return RollUpItem(label=label, rule=result.rule.value, kpis=result.kpis,
                      grade=grade_item(result.grade, lang) if result.grade else None,
                      mean_score_rate=round(result.mean_rate, 4) if result.mean_rate is not None else None,
                      by_grade=dict(result.counts))


def _year_amount(y: YearTotal) -> YearAmount:
    return YearAmount(fiscal_year=y.fiscal_year, amount=y.amount, stated=y.stated, stated_none=y.none,
                      undetermined=y.undetermined, in_period=y.in_period)


def _build_summary(portal: Portal, lang: str) -> Summary:
    from renkei.presentation.i18n import label_group, label_status

    index = portal.index
    areas = [CountItem(key=k, label=label_group(label, lang), count=n) for k, (label, n) in index.policy_areas.items()]
    categories = [CountItem(key=k, label=label, count=n) for k, (label, n) in index.categories.items()]
    totals = portal.totals
    counts = portal.status_counts()
    info = plan_info(portal)
    overall = portal.progress.summary.overall
    return Summary(
        plan=info[0], plans=info[1:], as_of=portal.as_of, project_count=len(portal.projects),
        kpi_count=len(portal.kpis), member_count=len(portal.municipalities),
        by_policy_area=areas, by_category=categories,
        budget_by_year=[_year_amount(y) for y in totals.years],
        budget_outside_period=[_year_amount(y) for y in totals.outside],
        budget_plan_period_total=totals.plan_period_total,
        budget_plan_period_projects=totals.plan_period_projects,
        relisted_excluded=totals.relisted_excluded,
        kpi_status=[CountItem(key=s.value, label=label_status(s, lang), count=counts[s]) for s in Status],
        kpi_counted=overall.kpis, projects_counted=overall.projects,
    )


def kpi_item(view: KpiView, portal: Portal, lang: str, *, chart: bool = False) -> KpiItem:
    """Describe a KPI and its evaluation."""
    from renkei.presentation.i18n import label_status

    e = view.evaluation
    series = build_kpi_series(view, portal.plan.first_year, portal.plan.last_year) if chart else None
    grading = area_grading(portal)
    fields: dict[str, Any] = dict(
        project_slug=view.project_slug, project_name=view.project_name, indicator=view.kpi.indicator,
        form=e.kind.value, baseline=view.kpi.baseline.text, target=view.kpi.target.text,
        target_value=e.target_value, target_fiscal_year=e.target_year,
        unit=view.kpi.unit or None, actual_by_year=dict(view.values), judged_year=e.judged_year,
        counted=view.counted, actuals=[_public_actual(a, portal) for a in view.actuals],
        figures=[f.to_dict(portal.member_names) for f in view.figures], share_rule=view.shares.mode.value,
        assessment=view.assessment.to_dict() if view.assessment else None,
        forecast_words=e.forecast_en if lang == "en" else e.forecast_ja, latest_actual=e.latest_actual,
        progress=e.progress, expected_progress=e.expected_progress, status=e.status.value,
        status_label=label_status(e.status, lang), rating=e.rating.value,
        rating_label=e.rating.label_en if lang == "en" else e.rating.label_ja, rule=e.rule,
        explanation=e.explanation_en if lang == "en" else e.explanation_ja,
        forecast_at_target=e.forecast_at_target, chart=series.to_dict() if series else None,
        revisions=view.history.to_list() if view.history is not None else [],
    )
    return KpiItem(**fields, grade=grade_item(grading.kpi(view), lang) if grading is not None else None)


def _public_actual(actual: Actual, portal: Portal) -> dict[str, object]:
    """Return a record as the public sees it, with its municipality's name (no note, no login name)."""
    shown = actual.public_dict()
    shown["municipality_name"] = portal.member_names.get(actual.municipality) if actual.municipality else None
    return shown


def project_item(view: ProjectView, grading: AreaGrading | None = None, lang: str = "ja") -> ProjectItem:
    """Describe a project for the list (with its KPIs rolled up when the area has its own scale)."""
    p = view.project
    fields: dict[str, Any] = dict(
        slug=p.slug, name=p.name, relisted=p.relisted, policy_area=p.policy_area_label,
        policy_area_number=p.policy_area.number if p.policy_area else None,
        category=category_label(p) or None, category_key=category_key(p) or None,
        partners=list(p.partners.municipalities), partner_codes=list(p.partners.codes),
        all_members=p.partners.all_members, budget_plan_period=view.budget_in_period,
        budget_period_note=view.budget_note[0] if view.budget_note else None,
        has_budget=view.has_budget, counted_in_totals=view.counted_in_totals,
        status=view.status.value if view.status else None, rating=view.rating.value if view.rating else None,
        kpi_count=len(view.kpis),
    )
    return ProjectItem(**fields, grades=rollup_item(grading.project(view), lang) if grading is not None else None)


def project_detail(view: ProjectView, portal: Portal, lang: str,
                   partner_evaluations: Sequence[PublishedPartnerEvaluation] = ()) -> ProjectDetail:
    """Describe a project: the domain's own JSON of the sheet, with its evaluated KPIs and corrections beside it, and
    the partners' published evaluations (in the area's scale)."""
    grading = area_grading(portal)
    scale = (portal.members.scale if portal.members else None) or DEFAULT_SCALE
    keys = {g.key for g in scale.grades}
    fields = dict(
        **dict(project_item(view, grading, lang)),
        sheet=view.project.to_dict(),
        kpis=[kpi_item(k, portal, lang, chart=True) for k in view.kpis],
        corrections=[CorrectionItem(message=f.message_in(lang), line=f.line) for f in view.corrections],
        dropped_kpis=[DroppedKpi(indicator=h.indicator, revisions=h.to_list()) for h in view.dropped_kpis],
        later_kpis=[DroppedKpi(indicator=h.indicator, revisions=h.to_list()) for h in view.later_kpis],
        partner_evaluations=[PartnerEvaluationItem(
            fiscal_year=e.fiscal_year, municipality_code=e.municipality_code,
            municipality=portal.member_names.get(e.municipality_code, e.municipality_code), grade=e.grade,
            grade_detail=grade_item(scale.grade(e.grade), lang) if e.grade in keys else None, comment=e.comment,
            published_at=e.published_at.isoformat() if e.published_at else None) for e in partner_evaluations],
    )
    return ProjectDetail(**fields)


def municipality_items(portal: Portal) -> list[MunicipalityItem]:
    """Describe every member with its number of projects and their budget."""
    return _municipality_items(portal)


def _municipality_items(portal: Portal) -> list[MunicipalityItem]:
    counts = portal.project_counts()
    return [
        MunicipalityItem(code=m.code, name=m.name, is_lead=m.code == portal.lead_code,
                         project_count=counts.get(m.code, 0))
        for m in portal.municipalities
    ]


def role_for(view: ProjectView, name: str, is_lead: bool) -> tuple[str | None, list[str]]:
    """Return the role (party, duties) a member has in a project: its own, else the lead's or partners'."""
    roles = view.project.roles
    for role in roles:
        if role.party == name:
            return role.party, list(role.duties)
    for role in roles:
        if role.party in (LEAD_PARTIES if is_lead else PARTNER_PARTIES):
            return role.party, list(role.duties)
    return None, []


def municipality_detail(portal: Portal, code: str,
                        window: Callable[[list[ProjectView]], Sequence[ProjectView]] | None = None,
                        lang: str = "ja") -> MunicipalityDetail | None:
    """Describe a member's participation, or None when the code is not a member.

    ``window`` picks the sheets to describe (a page of them); every one by default. ``project_count`` stays the
    member's whole count.
    """
    return _municipality_detail(portal, code, window, lang)


def _core_group(text: str | None) -> str | None:
    """Return the 「…を中心に」 core group a partner text names (北九州市、中間市を中心に全市町 → 北九州市、中間市)."""
    if not text or "を中心に" not in text:
        return None
    return text.split("を中心に", 1)[0].strip(" 、,") or None


def _own_actuals(view: ProjectView, code: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for kpi in view.kpis:
        for actual in kpi.actuals:
            if actual.municipality == code and actual.value is not None:
                found.append({"indicator": kpi.kpi.indicator, "fiscal_year": actual.fiscal_year,
                              "month": actual.month, "value": actual.value, "unit": kpi.kpi.unit,
                              "share": True, "comment": actual.comment, "evidence": actual.evidence})
    return found


def _municipality_detail(portal: Portal, code: str,
                         window: Callable[[list[ProjectView]], Sequence[ProjectView]] | None, lang: str = "ja",
                         ) -> MunicipalityDetail | None:
    member = portal.member_by_code(code)
    if member is None:
        return None
    this = next(i for i in municipality_items(portal) if i.code == code)
    is_lead = code == portal.lead_code
    grading = area_grading(portal)
    projects = []
    sheets = portal.projects_of(member)
    for view in (window(sheets) if window is not None else sheets):
        party, duties = role_for(view, member.name, is_lead)
        cost = view.project.cost_sharing
        projects.append(MunicipalityProject(
            slug=view.slug, name=view.project.name, relisted=view.project.relisted, duties=duties,
            role_party=party, cost_basis=cost.basis.value if cost.basis else None, cost_text=cost.text,
            cost_principles=[c.text for c in cost.principles],
            cost_bases=list(dict.fromkeys(c.basis.value for c in cost.principles)),
            core_group=_core_group(view.project.partners.text),
            status=view.status.value if view.status else None, rating=view.rating.value if view.rating else None,
            own_actuals=_own_actuals(view, code),
            grades=rollup_item(grading.project(view), lang) if grading is not None else None,
        ))  # fmt: skip
    return MunicipalityDetail(**this.model_dump(), projects=projects)


def map_data(portal: Portal, shapes: AreaShapes | None, credit: str) -> MapData:
    """Describe the map: each member's shape and its number of projects."""
    counts = portal.project_counts()
    features = [MapFeature(code=s.code, name=s.name, project_count=counts.get(s.code, 0), path=s.path)
                for s in (shapes.shapes if shapes else ())]
    return MapData(width=shapes.width if shapes else 0, height=shapes.height if shapes else 0,
                   credit=credit, features=features)


def facet_items(facets: list[Facet]) -> list[FacetItem]:
    """Convert facets to their API form."""
    return [FacetItem(name=f.name, title=f.title,
                      values=[FacetValueItem(value=v.value, label=v.label, count=v.count, selected=v.selected)
                              for v in f.values]) for f in facets]
