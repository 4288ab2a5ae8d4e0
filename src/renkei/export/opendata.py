"""Open data of a plan (オープンデータ): projects, partners, budgets, KPIs, actuals and evaluations as tables.

Column names follow the 自治体標準オープンデータセット conventions where one applies (全国地方公共団体コード,
ID, 地方公共団体名, 名称), fiscal years are western integers, and every municipality carries its 6-digit
全国地方公共団体コード. Blanks stay blank (a budget year nobody stated is not 0), and a budget cell keeps what it
said: an amount, 「—」 (none), 未定 (undetermined) or nothing (not stated). Actuals are the approved ones unless
pending ones are asked for, and then say so row by row. The evaluations are :class:`PlanProgress`'s, the
same the portal shows. :func:`build_tables` makes the tables; :mod:`renkei.export.datapackage` writes them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from renkei.domain.actual import Actual
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.municipality import Municipality
from renkei.domain.plan import BudgetCellStatus, Project, project_slug
from renkei.domain.registry import MunicipalityRegistry
from renkei.domain.revision import KpiChange, KpiRevision
from renkei.domain.scale import DEFAULT_SCALE, EvaluationScale, RollUp
from renkei.domain.scale_json import scale_to_json
from renkei.domain.share import FigureSource
from renkei.domain.status import Rating
from renkei.domain.text import fold
from renkei.export.datapackage import Field, ForeignKey, Table
from renkei.presentation.columns import Column, Columns
from renkei.presentation.grading import describe_rule, grade_kpi
from renkei.services.evaluations import DIRECTION_LABELS
from renkei.services.progress import KpiProgress, PlanProgress
from renkei.store.evaluations import PublishedEvaluation
from renkei.store.partner_evaluations import PublishedPartnerEvaluation

T = TypeVar("T")

CODE_PATTERN = "[0-9]{6}"
CODE = Field("全国地方公共団体コード", "string", "全国地方公共団体コード",
             "6-digit local government code (with check digit)", pattern=CODE_PATTERN)
BUDGET_STATUS = {BudgetCellStatus.AMOUNT: "金額", BudgetCellStatus.NONE: "なし", BudgetCellStatus.UNDETERMINED: "未定",
                 BudgetCellStatus.NOT_STATED: "記載なし", BudgetCellStatus.INVALID: "読めない記載"}
DIRECTION = {"increase": "増加", "decrease": "減少", "maintain": "維持"}
APPROVED, PENDING = "承認済み", "未承認"
SOURCE = {FigureSource.TOTAL: "合計", FigureSource.SUM: "内訳の合計", FigureSource.UNKNOWN: "不明"}
CHANGE = {KpiChange.ADDED: "追加", KpiChange.CHANGED: "変更", KpiChange.DROPPED: "削除"}


@dataclass(frozen=True, slots=True)
class OpenDataSource:
    """What the tables are made of: the evaluated plan, the area's members and who publishes it."""

    progress: PlanProgress
    plan_key: str
    members: tuple[Municipality, ...]
    lead_code: str
    #: Approved actuals by (project key, KPI key); entries of ``progress`` not among them are pending.
    approved: Mapping[tuple[str, str], Sequence[Actual]]
    registry: MunicipalityRegistry | None = None
    #: Published (approved) staff annual project evaluations (事業評価) by project key.
    project_evaluations: Mapping[str, Sequence[PublishedEvaluation]] = field(default_factory=dict)
    #: Synthetic test data (``renkei demo-data``): the package says so in its title and description.
    synthetic: bool = False
    #: The area's own evaluation scale (None: renkei's A–E) and roll-up rule: a graded area's package adds each
    #: KPI's grade, the ``grades`` table (the scale itself) and the scale in ``datapackage.json``.
    scale: EvaluationScale | None = None
    rollup: RollUp = RollUp.WORST
    #: Published (approved) partner municipalities' own evaluations by project key (連携市町による評価): a plan with
    #: none keeps exactly the tables it had; one with some adds the ``partner_evaluations`` table.
    partner_evaluations: Mapping[str, Sequence[PublishedPartnerEvaluation]] = field(default_factory=dict)

    @property
    def graded(self) -> bool:
        """Tell whether the package shows the area's own grades (else renkei's A–E, as it always did)."""
        return self.scale is not None or self.rollup is not RollUp.WORST


def _s(text: str, title: str, description: str = "", required: bool = False) -> Field:
    return Field(text, "string", title, description, required)


def _i(text: str, title: str, description: str = "", required: bool = False) -> Field:
    return Field(text, "integer", title, description, required)


def _n(text: str, title: str, description: str = "") -> Field:
    return Field(text, "number", title, description)


def _b(text: str, title: str, description: str = "") -> Field:
    return Field(text, "boolean", title, description, True)


@dataclass(frozen=True, slots=True)
class _RevisionRow:
    """One row of revisions.csv: a KPI's revision, with its sheet (current or withdrawn)."""

    id: str
    project_id: str | None
    project_name: str
    indicator: str
    kpi_id: str | None
    entry: KpiRevision


class _Builder:
    def __init__(self, source: OpenDataSource) -> None:
        self.source, self.progress = source, source.progress
        self.plan, self.rule = source.progress.plan, source.progress.relisting
        self.lead = next((m for m in source.members if m.code == source.lead_code), None)
        self.ids = {p.key: p.slug for p in self.plan.projects}
        self.kpi_ids = {(k.project.key, k.kpi.key): f"{k.project.slug}-K{k.position + 1}" for k in self.progress.kpis}
        self.places: dict[str, Municipality] = {m.code: m for m in source.members}
        self.approved = {(p, fold(k)): entries for (p, k), entries in source.approved.items()}

    def code_of(self, name: str) -> str | None:
        registry = self.source.registry
        found = registry.by_name(name) if registry is not None else ()
        if len(found) != 1:
            return None
        self.places.setdefault(found[0].code, found[0])
        return found[0].code

    def projects(self) -> Table:
        lead_code = self.lead.code if self.lead else None
        lead_name = self.lead.name if self.lead else None
        rule, ids = self.rule, self.ids

        def original_id(p: Project) -> str | None:
            original = rule.original_key(p.key)
            return ids.get(original) if original else None

        shape: Columns[Project, Field] = Columns((
            Column(CODE, lambda p: lead_code),
            Column(_s("ID", "事業ID", "stable project id (the portal's URL id)", True), lambda p: p.slug),
            Column(_s("地方公共団体名", "地方公共団体名", "publisher: the lead city"), lambda p: lead_name),
            Column(_s("圏域名", "圏域名"), lambda p: self.plan.area_name),
            Column(_s("計画ID", "計画ID"), lambda p: self.source.plan_key),
            Column(_s("名称", "事業名", "project name", True), lambda p: p.name),
            Column(_b("再掲", "【再掲】",
                      "1 when the sheet repeats a project listed elsewhere (its budget counts once)"),
                   lambda p: p.relisted),
            Column(_s("再掲元ID", "再掲元の事業ID", "the sheet this one repeats"), original_id),
            Column(_i("政策分野番号", "政策分野番号"), lambda p: p.policy_area.number if p.policy_area else None),
            Column(_s("政策分野", "政策分野"), lambda p: p.policy_area.name if p.policy_area else None),
            Column(_s("連携協約の分類記号", "連携協約の分類記号"), lambda p: p.category.code if p.category else None),
            Column(_s("連携協約の分類", "連携協約の分類"), lambda p: p.category.name if p.category else None),
            Column(_s("分類の副題", "分類の副題"), lambda p: p.category.subtitle if p.category else None),
            Column(_s("事業内容", "事業内容"), lambda p: p.description),
            Column(_s("効果", "効果", "one effect a line"), lambda p: "\n".join(p.effects) or None),
            Column(_s("連携市町（記載）", "連携市町（記載のまま）"), lambda p: p.partners.text),
            Column(_s("役割分担", "役割分担", "「団体：役割」 a line"),
                   lambda p: "\n".join(f"{r.party}：{d}" for r in p.roles for d in r.duties) or None),
            Column(_s("費用負担の基本方針", "費用負担の基本方針"), lambda p: p.cost_sharing.text),
            Column(_s("費用負担の区分", "費用負担の区分", "lead_city, each_municipality, by_benefit, …"),
                   lambda p: p.cost_sharing.basis.value if p.cost_sharing.basis else None),
            Column(_i("原文の行", "原文の行番号", "line of the sheet in the vision document"), lambda p: p.line),
        ))
        return _table("projects", "事業", "事業シート1枚が1行 / one row per project sheet", shape, self.plan.projects,
                      ("ID",), (ForeignKey(("再掲元ID",), "", ("ID",)),
                                ForeignKey(("全国地方公共団体コード",), "municipalities", ("全国地方公共団体コード",))))

    def partners(self) -> Table:
        fields = (_s("事業ID", "事業ID", required=True), CODE, _s("地方公共団体名", "地方公共団体名", required=True),
                  _s("区分", "区分", "中心市, 連携市町, 圏域外, 除外 (ただし…を除く) or 未確認 (not resolved)", True),
                  _b("圏域内", "圏域の構成団体"))
        rows: list[tuple[object, ...]] = []
        for p in self.plan.projects:
            codes = dict(zip(p.partners.municipalities, p.partners.codes, strict=False))
            members = {m.name: m.code for m in self.source.members}
            for name in p.partners.municipalities:
                code = codes.get(name) or members.get(name)
                kind = "中心市" if code and code == self.source.lead_code else "連携市町"
                rows.append((p.slug, code, name, kind, True))
            rows.extend((p.slug, self.code_of(n), n, "圏域外", False) for n in p.partners.outside_area)
            rows.extend((p.slug, members.get(n), n, "除外", n in members) for n in p.partners.excluded)
            rows.extend((p.slug, members.get(n), n, "未確認", n in members) for n in p.partners.unresolved)
        return Table("partners", "連携市町", "事業と連携市町の組み合わせ / projects × municipalities", fields,
                     ("事業ID", "区分", "地方公共団体名"), rows,
                     (ForeignKey(("事業ID",), "projects", ("ID",)),
                      ForeignKey(("全国地方公共団体コード",), "municipalities", ("全国地方公共団体コード",))))

    def budgets(self) -> Table:
        fields = (_s("事業ID", "事業ID", required=True), _i("年度", "年度（西暦）", "fiscal year (April-March)", True),
                  _s("記載の区分", "記載の区分", "金額 (amount), なし (「—」), 未定 (undetermined), 記載なし (blank), "
                                           "読めない記載 (unreadable)", True),
                  _s("区分コード", "区分コード", "amount, none, undetermined, not_stated, invalid", True),
                  _i("金額（千円）", "金額（千円）", "thousand yen; blank unless an amount is stated"),
                  _s("記載", "記載のまま"), _s("単位（記載）", "記載された単位"),
                  _b("計画期間内", "計画期間内の年度"),
                  _b("集計対象", "合計に数える", "0 for a 【再掲】 sheet: each budget is counted once"))
        rows = []
        for p in self.plan.projects:
            for cell in p.budget.cells if p.budget else ():
                amount = cell.amount if cell.status is BudgetCellStatus.AMOUNT else None
                rows.append((p.slug, cell.fiscal_year, BUDGET_STATUS[cell.status], cell.status.value, amount,
                             cell.text or None, p.budget.unit if p.budget else None,
                             self.plan.first_year <= cell.fiscal_year <= self.plan.last_year,
                             self.rule.budget_counts(p.key)))
        return Table("budgets", "事業費", "事業費の欄（年度ごと、千円）/ budget cells by fiscal year", fields,
                     ("事業ID", "年度"), rows, (ForeignKey(("事業ID",), "projects", ("ID",)),))

    def kpis(self) -> Table:
        def recorded_at(item: KpiProgress) -> str | None:
            return self.kpi_ids.get(self.rule.actuals_key(item.project, item.kpi))

        shape: Columns[KpiProgress, Field] = Columns((
            Column(_s("ID", "KPI_ID", "project id + K + position", True), self.kpi_id),
            Column(_s("事業ID", "事業ID", required=True), lambda k: k.project.slug),
            Column(_i("番号", "事業内の番号", required=True), lambda k: k.position + 1),
            Column(_s("指標名", "指標", required=True), lambda k: k.kpi.indicator),
            Column(_s("単位", "単位"), lambda k: k.kpi.unit or None),
            Column(_s("方向", "方向", "増加, 減少 or 維持"),
                   lambda k: DIRECTION[k.kpi.direction.value] if k.kpi.direction else None),
            Column(_s("形式", "形式", "point, maintain, cumulative, every_year, qualitative or none", True),
                   lambda k: k.evaluation.kind.value),
            Column(_s("現状値（記載）", "現状値（記載のまま）"), lambda k: k.kpi.baseline.text or None),
            Column(_n("現状値", "現状値（数値）"), lambda k: k.kpi.baseline.value),
            Column(_i("現状値の年度", "現状値の年度"), lambda k: k.kpi.baseline.fiscal_year),
            Column(_s("目標値（記載）", "目標値（記載のまま）"), lambda k: k.kpi.target.text or None),
            Column(_n("目標値", "目標値（数値）"), lambda k: k.kpi.target.value),
            Column(_i("目標年度", "目標年度"), lambda k: k.evaluation.target_year or k.kpi.target.fiscal_year),
            Column(_b("集計対象", "集計に数える", "0 for a 【再掲】 repeat: each KPI counts once"),
                   lambda k: k.counted),
            Column(_s("実績の記録先ID", "実績の記録先KPI_ID", "the KPI whose actuals this one shows"), recorded_at),
        ))
        return _table("kpis", "KPI", "重要業績評価指数（現状値・目標値）/ key performance indicators", shape,
                      self.progress.kpis, ("ID",),
                      (ForeignKey(("事業ID",), "projects", ("ID",)), ForeignKey(("実績の記録先ID",), "", ("ID",))))

    def actuals(self) -> tuple[Table, Table]:
        fields = (_s("ID", "実績ID", "KPI_ID-year[-month]", True), _s("KPI_ID", "KPI_ID", required=True),
                  _i("年度", "年度（西暦）", required=True),
                  _i("月", "月", "1-12 for a monthly figure; blank for the year"),
                  _n("実績値", "実績値（圏域の値）",
                     "the area's figure: the total reported, or the sum of every owed share; blank while unknown"),
                  _s("値の出所", "値の出所", f"{SOURCE[FigureSource.TOTAL]}, {SOURCE[FigureSource.SUM]} or "
                                         f"{SOURCE[FigureSource.UNKNOWN]}", True),
                  _s("値の出所コード", "値の出所コード", "total, sum or unknown", True),
                  _i("内訳の報告数", "内訳を報告した市町の数", required=True),
                  _i("内訳が必要な市町数", "内訳の報告が必要な市町の数",
                     "0 unless the figure is the sum of the shares"),
                  _s("公開コメント", "公開コメント"), _s("根拠", "根拠（出典）"),
                  _s("報告した団体", "報告した団体・課", "the organisation that reported the total"),
                  _s("審査状況", "審査状況", f"{APPROVED} (approved) or {PENDING} (not yet approved)", True))
        share_fields = (_s("実績ID", "実績ID", required=True), CODE, _s("地方公共団体名", "地方公共団体名"),
                        _n("実績値", "実績値（その市町の内訳）", "this municipality's share, never the area's figure"),
                        _s("公開コメント", "公開コメント"), _s("根拠", "根拠（出典）"),
                        _s("報告した団体", "報告した団体・課"),
                        _s("審査状況", "審査状況", f"{APPROVED} or {PENDING}", True))
        rows, shares = [], []
        for item in self.progress.kpis:
            if not item.counted:
                continue
            kpi_id = self.kpi_ids[(item.project.key, item.kpi.key)]
            for figure in item.figures:
                actual_id = f"{kpi_id}-{figure.fiscal_year}" + (f"-{figure.month:02d}" if figure.month else "")
                records = [a for a in item.actuals if a.period == (figure.fiscal_year, figure.month)]
                total = next((a for a in reversed(records) if a.municipality is None), None)
                approved = all(self.is_approved(item, a) for a in records)
                rows.append((actual_id, kpi_id, figure.fiscal_year, figure.month, figure.value, SOURCE[figure.source],
                             figure.source.value, len(figure.shares), len(figure.owed),
                             total.comment if total else None, total.evidence if total else None,
                             total.reported_by if total else None, APPROVED if approved else PENDING))
                for record in records:
                    if record.municipality is None or record.value is None:
                        continue
                    place = self.places.get(record.municipality)
                    shares.append((actual_id, record.municipality, place.name if place else None, record.value,
                                   record.comment, record.evidence, record.reported_by,
                                   APPROVED if self.is_approved(item, record) else PENDING))
        main = Table("actuals", "実績値", "KPIの実績値（年度・月ごとの圏域の値）/ KPI actuals: the area's figure",
                     fields, ("ID",), rows, (ForeignKey(("KPI_ID",), "kpis", ("ID",)),))
        split = Table("actuals_by_municipality", "実績値（市町村別の内訳）",
                      "市町村が報告した内訳（圏域の値ではありません）/ each municipality's reported share",
                      share_fields,
                      ("実績ID", "全国地方公共団体コード"), shares,
                      (ForeignKey(("実績ID",), "actuals", ("ID",)),
                       ForeignKey(("全国地方公共団体コード",), "municipalities", ("全国地方公共団体コード",))))
        return main, split

    def is_approved(self, item: KpiProgress, actual: Actual) -> bool:
        project_key, kpi_key = self.rule.actuals_key(item.project, item.kpi)
        entries = self.approved.get((project_key, fold(kpi_key)), ())
        return any(a.period == actual.period and a.municipality == actual.municipality and a.value == actual.value
                   and a.comment == actual.comment and a.evidence == actual.evidence for a in entries)

    def evaluations(self) -> Table:
        def assessed(item: KpiProgress) -> str | None:
            a = item.assessment
            return (a.word or a.status.label_ja) if a else None

        shape: Columns[KpiProgress, Field] = Columns((
            Column(_s("KPI_ID", "KPI_ID", required=True), self.kpi_id),
            Column(_i("評価年度", "評価年度（この年度までの実績で評価）", required=True), lambda k: k.evaluation.as_of),
            Column(_i("判定年度", "判定に用いた実績の年度", "blank when nothing was reported"),
                   lambda k: k.evaluation.judged_year),
            Column(_s("状況", "進捗状況", "達成, 順調, 遅れ, 未達成, 実績未入力 or 測定不能", True),
                   lambda k: k.evaluation.status.label_ja),
            Column(_s("状況コード", "状況コード", "achieved, on_track, behind, not_achieved, no_data, not_measurable",
                      True), lambda k: k.evaluation.status.value),
            Column(_s("評価", "評価", "A-E, or - when not rated", True), lambda k: k.evaluation.rating.value),
            Column(_s("評価の名称", "評価の名称", "、".join(f"{r.value} {r.label_ja}" for r in Rating), True),
                   lambda k: k.evaluation.rating.label_ja),
            Column(_n("最新実績", "最新の実績値"), lambda k: k.evaluation.latest_actual),
            Column(_n("比較値", "目標と比べた値", "the running total for a cumulative KPI, else the latest actual"),
                   lambda k: k.evaluation.measured),
            Column(_n("進捗率", "進捗率", "1.0 = the target"), lambda k: _ratio(k.evaluation.progress)),
            Column(_n("期待進捗率", "期待される進捗率"), lambda k: _ratio(k.evaluation.expected_progress)),
            Column(_n("目標年度の見込み", "このペースでの目標年度の値"), lambda k: k.evaluation.forecast_at_target),
            Column(_s("見通し", "見通し"), lambda k: k.evaluation.forecast_ja or None),
            Column(_s("評価の説明", "評価の説明", required=True), lambda k: k.evaluation.explanation_ja),
            Column(_s("判定方法", "判定の規則"), lambda k: k.evaluation.rule),
            Column(_s("職員評価", "職員の評価（定性的な指標、目標値が「-」の指標）"), assessed),
            Column(_s("職員評価の理由", "職員の評価の理由"),
                   lambda k: (k.assessment.comment or None) if k.assessment else None),
            Column(_b("未承認を含む", "未承認の実績を含む評価"), lambda k: self.progress.include_pending),
        ))
        foreign: tuple[ForeignKey, ...] = ()
        if self.source.graded:
            scale = self.source.scale or DEFAULT_SCALE
            shape = Columns((
                *shape.columns,
                Column(_s("評価区分", "圏域の評価区分", "the key of the area's grade (table grades)", True),
                       lambda k: grade_kpi(scale, k).key),
                Column(_s("評価区分の名称", "圏域の評価区分の名称", required=True),
                       lambda k: grade_kpi(scale, k).label_ja),
            ))
            foreign = (ForeignKey(("評価区分",), "grades", ("記号",)),)
        return _table("evaluations", "進捗評価", f"KPIの進捗評価（{format_fiscal_year(self.progress.as_of)}時点）/ "
                      "KPI progress judgements, as the portal shows them", shape, self.progress.kpis, ("KPI_ID",),
                      (ForeignKey(("KPI_ID",), "kpis", ("ID",)), *foreign))

    def grades(self) -> Table:
        scale = self.source.scale or DEFAULT_SCALE
        fields = (_s("記号", "記号", required=True), _i("順序", "順序（1が最上位）", required=True),
                  _s("名称", "名称", required=True), _s("名称_英語", "名称（英語）"),
                  _s("色", "色（#rrggbb）", required=True), _s("意味", "意味"), _s("意味_英語", "意味（英語）"),
                  _b("判定なし", "判定なしの区分（評価困難・未着手・中止）"))
        rows = [(g.key, i + 1, g.label_ja, g.label_en or None, g.colour, g.meaning_ja or None, g.meaning_en or None,
                 g.unrated) for i, g in enumerate(scale.grades)]
        return Table("grades", "評価区分", f"圏域の評価区分：{describe_rule(scale, 'ja')} / the area's grades",
                     fields, ("記号",), rows)

    def kpi_id(self, item: KpiProgress) -> str:
        """Return a KPI's open-data id (project id + K + position)."""
        return self.kpi_ids[(item.project.key, item.kpi.key)]

    def project_evaluations(self) -> Table:
        fields = (_s("事業ID", "事業ID", required=True), _i("年度", "評価した年度", required=True),
                  _s("方向性", "今後の方向性（拡充・継続・改善・縮小・終了）", required=True),
                  _s("方向性コード", "方向性コード", "expand, continue, improve, reduce or end", True),
                  _s("評価の理由", "評価の理由"), _s("公開日時", "承認・公開された日時（UTC, ISO 8601）"))
        rows = [(self.ids[key], e.fiscal_year, DIRECTION_LABELS.get(e.direction, (e.direction,))[0], e.direction,
                 e.comment or None, e.published_at.isoformat() if e.published_at else None)
                for key, found in self.source.project_evaluations.items() if key in self.ids for e in found]
        return Table("project_evaluations", "事業評価", "担当課による事業評価（承認済みのものだけ）/ "
                     "staff annual project evaluations, approved ones only", fields, ("事業ID", "年度"), rows,
                     (ForeignKey(("事業ID",), "projects", ("ID",)),))

    def partner_evaluations(self) -> Table:
        """Each partner's own approved evaluation of a project (連携市町による評価), in the area's scale."""
        scale = self.source.scale or DEFAULT_SCALE
        keys = {g.key for g in scale.grades}
        fields = (_s("事業ID", "事業ID", required=True), _i("年度", "評価した年度", required=True),
                  Field(CODE.name, "string", "評価した連携市町（全国地方公共団体コード）", CODE.description, True,
                        CODE_PATTERN),
                  _s("評価区分", "圏域の評価区分", "the key of the grade in the area's scale (table grades, if any)",
                     True),
                  _s("評価区分の名称", "圏域の評価区分の名称", "blank if the area's scale no longer has the key"),
                  _s("評価の理由", "評価の理由"), _s("公開日時", "承認・公開された日時（UTC, ISO 8601）"))
        rows = [(self.ids[key], e.fiscal_year, e.municipality_code, e.grade,
                 scale.grade(e.grade).label_ja if e.grade in keys else None, e.comment or None,
                 e.published_at.isoformat() if e.published_at else None)
                for key, found in self.source.partner_evaluations.items() if key in self.ids for e in found]
        foreign = [ForeignKey(("事業ID",), "projects", ("ID",)),
                   ForeignKey((CODE.name,), "municipalities", (CODE.name,))]
        if self.source.graded and all(r[4] is not None for r in rows):
            foreign.append(ForeignKey(("評価区分",), "grades", ("記号",)))
        return Table("partner_evaluations", "連携市町による評価",
                     "連携市町それぞれによる事業の評価（承認済みのものだけ）/ "
                     "each partner municipality's own evaluation of a project, approved ones only", fields,
                     ("事業ID", "年度", CODE.name), rows, tuple(foreign))

    def revisions(self) -> Table:
        """The history of every revised KPI (一部改正): one row per KPI and revision, dropped KPIs included, and the
        KPIs of sheets a revision withdrew (事業ID blank, 事業名 given)."""
        names = {p.key: p.name for p in self.plan.projects}
        rows: list[_RevisionRow] = []
        numbers: Counter[str] = Counter()
        for (project_key, kpi_key), history in self.progress.histories.items():
            name = names.get(project_key) or history.withdrawn_sheet
            if name is None:
                continue
            slug = self.ids.get(project_key) or project_slug(project_key)
            for entry in history.entries:
                numbers[slug] += 1
                rows.append(_RevisionRow(f"{slug}-R{numbers[slug]}", self.ids.get(project_key), name,
                                         history.indicator, self.kpi_ids.get((project_key, kpi_key)), entry))

        def text(quantity: object) -> str | None:
            return getattr(quantity, "text", None) or None

        shape: Columns[_RevisionRow, Field] = Columns((
            Column(_s("ID", "改正履歴の行のID（事業ID（削除された事業は元の事業ID）-R連番）", required=True),
                   lambda r: r.id),
            Column(_s("事業ID", "事業ID", "blank for a sheet a revision withdrew (see 事業名)"),
                   lambda r: r.project_id),
            Column(_s("事業名", "事業名", required=True), lambda r: r.project_name),
            Column(_s("指標名", "指標", required=True), lambda r: r.indicator),
            Column(_s("KPI_ID", "KPI_ID", "blank for a KPI not in the vision in the year evaluated (dropped, or added "
                                          "later)"), lambda r: r.kpi_id),
            Column(_s("改正", "改正の名称（一部改正など）", required=True), lambda r: r.entry.revision.label),
            Column(_s("改正日", "改正の日付（ISO 8601）", required=True),
                   lambda r: r.entry.revision.revised_on.isoformat()),
            Column(_s("改正日（記載）", "改正の日付（記載のまま）"), lambda r: r.entry.revision.date_label),
            Column(_i("適用年度", "改正後の内容を適用する最初の年度（西暦）", required=True),
                   lambda r: r.entry.revision.in_force_from),
            Column(_s("改正の理由", "改正の理由"), lambda r: r.entry.revision.reason or None),
            Column(_s("変更", "変更の種類", "追加, 変更 or 削除", True), lambda r: CHANGE[r.entry.change]),
            Column(_s("変更コード", "変更の種類のコード", "added, changed or dropped", True),
                   lambda r: r.entry.change.value),
            Column(_s("変更した項目", "変更した項目", "baseline, target, direction, indicator (separated by |)"),
                   lambda r: "|".join(r.entry.fields) or None),
            Column(_s("変更前の現状値", "変更前の現状値（記載のまま）"), lambda r: text(r.entry.old_baseline)),
            Column(_s("変更前の目標値", "変更前の目標値（記載のまま）"), lambda r: text(r.entry.old_target)),
            Column(_s("変更後の現状値", "変更後の現状値（記載のまま）"), lambda r: text(r.entry.new_baseline)),
            Column(_s("変更後の目標値", "変更後の目標値（記載のまま）"), lambda r: text(r.entry.new_target)),
            Column(_s("説明", "説明", required=True), lambda r: r.entry.describe("ja")),
        ))
        return _table("revisions", "KPIの改正履歴",
                      "計画の改正（一部改正）によるKPIの追加・変更・削除（改正で削除された事業のKPIを含む）/ "
                      "KPIs added, changed and dropped by revisions of the vision mid-period, "
                      "those of withdrawn sheets included",
                      shape, rows, ("ID",),
                      (ForeignKey(("事業ID",), "projects", ("ID",)), ForeignKey(("KPI_ID",), "kpis", ("ID",))))

    def municipalities(self) -> Table:
        fields = (Field(CODE.name, "string", CODE.title, CODE.description, True, CODE_PATTERN),
                  _s("都道府県名", "都道府県名"), _s("地方公共団体名", "地方公共団体名", required=True),
                  _s("地方公共団体名_カナ", "地方公共団体名（かな）"), _b("圏域内", "圏域の構成団体"),
                  _b("中心市", "連携中枢都市"))
        member_codes = {m.code for m in self.source.members}
        rows = [(m.code, m.prefecture or None, m.name, m.kana or None, m.code in member_codes,
                 m.code == self.source.lead_code) for m in self.places.values()]
        return Table("municipalities", "市町村", "この計画に現れる市町村（全国地方公共団体コード）/ municipalities",
                     fields, ("全国地方公共団体コード",), rows)


def _table(name: str, title: str, description: str, shape: Columns[T, Field], items: Iterable[T],
           primary_key: tuple[str, ...], foreign_keys: tuple[ForeignKey, ...] = ()) -> Table:
    """Return an open-data table of items in a shape declared by name (each field beside how its value is read)."""
    return Table(name, title, description, tuple(shape.headings()), primary_key,
                 [tuple(row) for row in shape.rows(items)], foreign_keys)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def build_tables(source: OpenDataSource) -> list[Table]:
    """Return the open-data tables of an evaluated plan, municipalities last (the others fill it)."""
    builder = _Builder(source)
    actuals, shares = builder.actuals()
    tables = [builder.projects(), builder.partners(), builder.budgets(), builder.kpis(), actuals, shares,
              *([builder.grades()] if source.graded else []), builder.evaluations(), builder.project_evaluations()]
    if source.progress.histories:  # a plan never revised keeps exactly the tables it always had
        tables.append(builder.revisions())
    if source.partner_evaluations:  # as does a plan whose partners published no evaluation of their own
        tables.append(builder.partner_evaluations())
    return [*tables, builder.municipalities()]


#: What the open data of a synthetic area (renkei demo-data) says first, in Japanese and English.
SYNTHETIC_NOTICE = "この圏域は試験用の架空のデータです / This area is synthetic test data"


def package_meta(source: OpenDataSource, *, source_url: str | None = None,
                 created: datetime | None = None) -> dict[str, Any]:
    """Return the package's name, title, description, source and publisher."""
    plan, progress = source.progress.plan, source.progress
    as_of = format_fiscal_year(progress.as_of)
    title = plan.title or "連携中枢都市圏ビジョン"
    lead = next((m.name for m in source.members if m.code == source.lead_code), plan.area_name)
    pending = ("未承認の実績を含みます（審査状況の列を参照）。" if progress.include_pending
               else "実績は承認済みの値だけです。")
    sha = plan.source_sha256 or "不明"
    sources: dict[str, Any] = {"title": f"{plan.area_name} {title}（事業シート、原文のSHA-256 {sha}）"}
    if source_url:
        sources["path"] = source_url
    notice = f"{SYNTHETIC_NOTICE}。" if source.synthetic else ""
    return {
        "name": f"{source.plan_key}-progress".lower().replace(" ", "-"),
        "title": f"{'【試験用】' if source.synthetic else ''}{plan.area_name} {title} 事業・KPI・進捗（{as_of}時点）",
        **({"synthetic": True} if source.synthetic else {}),
        "description": (f"{notice}{plan.area_name}の{title}（{format_fiscal_year(plan.first_year)}〜"
                        f"{format_fiscal_year(plan.last_year)}）の事業、連携市町、事業費、KPI、実績値と進捗評価。{pending}"
                        "年度は西暦の整数、金額は千円、空欄は記載・報告がないことを表します（0ではありません）。"),
        "keywords": ["連携中枢都市圏", "KPI", "事業費", plan.area_name],
        "created": (created or datetime.now(UTC)).replace(microsecond=0).isoformat(),
        "contributors": [{"title": lead, "role": "publisher"}],
        "sources": [sources],
        **({"evaluation_scale": _scale_meta(source)} if source.graded else {}),
    }


def _scale_meta(source: OpenDataSource) -> dict[str, Any]:
    """Return the area's scale and roll-up as the package describes them (the area file's form, and in words)."""
    scale = source.scale or DEFAULT_SCALE
    return {**scale_to_json(scale), "rollup": source.rollup.value,
            "rule_words": {"ja": describe_rule(scale, "ja"), "en": describe_rule(scale, "en")},
            "rollup_words": {"ja": source.rollup.describe(scale, "ja"), "en": source.rollup.describe(scale, "en")}}
