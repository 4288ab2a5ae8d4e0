"""The lint rules: what in a read plan is wrong, doubtful or unmeasurable."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache

from renkei.domain.finding import Finding, Severity
from renkei.domain.fiscal import wareki_fiscal_year
from renkei.domain.plan import KPI, LEAD_PARTIES, PARTNER_PARTIES, BudgetCellStatus, Plan, Project
from renkei.domain.quantity import Basis, QuantityKind, Relation
from renkei.domain.relative import unresolved_reason
from renkei.domain.relisting import Relisting
from renkei.domain.text import fold
from renkei.domain.verdict import format_number

Rule = Callable[[Plan], Iterator[Finding]]

_MUNICIPALITY_UNITS = frozenset({"市町", "市町村", "自治体", "団体", "市", "町"})
# By plain names for the loops over every cell and KPI (an enum member read off its class costs more than a
# comparison).
_UNDETERMINED, _UNCLEAR = BudgetCellStatus.UNDETERMINED, BudgetCellStatus.UNCLEAR
_NONE_KIND, _QUALITATIVE_KIND, _POINT_KIND = QuantityKind.NONE, QuantityKind.QUALITATIVE, QuantityKind.POINT
_CUMULATIVE_KIND, _EVERY_YEAR_KIND = QuantityKind.CUMULATIVE, QuantityKind.EVERY_YEAR
_PREVIOUS_YEAR, _PERCENT = Basis.PREVIOUS_YEAR, Relation.PERCENT


def _years(years: list[int]) -> str:
    if len(years) == 1:
        return wareki_fiscal_year(years[0])
    return f"{wareki_fiscal_year(years[0])}〜{wareki_fiscal_year(years[-1])}"


def check_budget_period(plan: Plan) -> Iterator[Finding]:
    """Budget years outside the plan period."""
    first, last = plan.first_year, plan.last_year
    for p in plan.projects:
        if p.budget is None:
            continue
        outside = [c.fiscal_year for c in p.budget.cells if not first <= c.fiscal_year <= last]
        if outside:
            yield Finding("budget.year_outside_period", Severity.WARNING,
                          f"事業費の年度（{_years(sorted(set(outside)))}）が計画期間（{_years(list(plan.years))}）の外です。",
                          line=p.budget.line, project=p.name,
                          suggestion="計画期間の各年度の事業費に更新してください。合計では計画期間外の年度を別に示します。")


def check_budget_undetermined(plan: Plan) -> Iterator[Finding]:
    """Budget years written 未定: undetermined, neither an amount nor none."""
    for p in plan.projects:
        years = [c.fiscal_year for c in (p.budget.cells if p.budget else ()) if c.status is _UNDETERMINED]
        if years and p.budget is not None:
            yield Finding("budget.undetermined", Severity.INFO,
                          f"事業費が未定の年度があります（{_years(years)}）。合計には数えず「未定」と示します。",
                          line=p.budget.line, project=p.name,
                          suggestion="金額が決まったら記入してください。")


def check_budget_total(plan: Plan) -> Iterator[Finding]:
    """A stated total (計) that is not the sum of the years it totals."""
    for p in plan.projects:
        budget = p.budget
        if budget is None or budget.total_amount is None:
            continue
        statuses = {c.status for c in budget.cells}
        if statuses - {BudgetCellStatus.AMOUNT, BudgetCellStatus.NONE, BudgetCellStatus.NOT_STATED}:
            continue  # a 未定 or → year cannot be added up
        if statuses <= {BudgetCellStatus.NOT_STATED}:
            continue  # no year stated (a total for the whole period: budget.period_total says so)
        if budget.total != budget.total_amount:
            yield Finding("budget.total_mismatch", Severity.WARNING,
                          f"事業費の計「{budget.total_text}」（{budget.total_amount:,}千円）が各年度の合計"
                          f"（{budget.total:,}千円）と一致しません。合計には各年度の額を使います。",
                          line=budget.line, project=p.name,
                          suggestion="各年度の額か計の欄を確認してください。")


def check_budget_unclear(plan: Plan) -> Iterator[Finding]:
    """Budget years written 「→」: the project goes on, but no amount is given."""
    for p in plan.projects:
        years = [c.fiscal_year for c in (p.budget.cells if p.budget else ()) if c.status is _UNCLEAR]
        if years and p.budget is not None:
            yield Finding("budget.unclear", Severity.INFO,
                          f"事業費が「→」の年度があります（{_years(years)}）。事業は続きますが金額が書かれていないため、"
                          "合計には数えず「不明」と示します。", line=p.budget.line, project=p.name,
                          suggestion="年度ごとの金額（または「—」）を書いてください。")


# A prefecture or county written before a municipality's name (富山県射水市, 遠賀郡芦屋町, 福岡県遠賀郡芦屋町);
# names such as 小郡市 and 大和郡山市 end in 市 and keep their 郡.
_PREFECTURE_OR_COUNTY = re.compile(
    r"^(?:北海道|東京都|京都府|大阪府|.{2,3}県)?(?:.{1,6}?郡(?=.+[町村]$))?(?=.+[市町村]$)")


@lru_cache(maxsize=4096)  # parties repeat from sheet to sheet
def _party_name(party: str) -> str:
    """Return a role party's municipality name: folded, without a prefecture or county (富山県射水市 → 射水市)."""
    return _PREFECTURE_OR_COUNTY.sub("", fold(party))


def check_role_parties(plan: Plan) -> Iterator[Finding]:
    """A named municipality with a role (役割分担) that is not among the project's partners (連携市町)."""
    generic_parties = frozenset((*LEAD_PARTIES, *PARTNER_PARTIES))
    for p in plan.projects:
        if p.partners.all_members or not (p.partners.municipalities or p.partners.outside_area):
            continue
        partners: set[str] | None = None
        for role in p.roles:
            if role.party in generic_parties:
                continue
            party = _party_name(role.party)
            if not party.endswith(("市", "町", "村")):
                continue
            if partners is None:
                partners = {fold(n) for n in (*p.partners.municipalities, *p.partners.outside_area)}
            if party in partners:
                continue
            yield Finding("roles.party_not_partner", Severity.INFO,
                          f"役割分担の「{role.party}」が連携市町に含まれていません。",
                          line=p.line, project=p.name,
                          suggestion="連携市町に加えるか、役割分担の主体を確かめてください。")


def check_relisted(plan: Plan) -> Iterator[Finding]:
    """Relisted projects: say where their budget is counted."""
    if not any(p.relisted for p in plan.projects):
        return
    owners = Relisting.owners_of(plan)
    lines = {p.key: p.line for p in plan.projects}
    for p in plan.projects:
        if not p.relisted:
            continue
        owner = owners.get(p.key, p.key)
        original = None if owner == p.key else owner
        if original is not None and not original.endswith("#再掲"):
            message = f"【再掲】の事業です。事業費は原掲（{lines[original]}行目）で数え、合計には重ねて数えません。"
        elif original is None:  # the sheet owns its budget
            message = "【再掲】の事業です。原掲がこの文書にないため、事業費はここで一度だけ合計に数えます。"
        else:
            message = "【再掲】の事業が重複しています。事業費は最初の掲載で一度だけ数えます。"
        yield Finding("project.relisted", Severity.INFO, message, line=p.line, project=p.name)


def check_duplicate_names(plan: Plan) -> Iterator[Finding]:
    """Two sheets with the same name (and relisted flag) cannot be told apart."""
    counts = Counter(p.key for p in plan.projects)
    reported: set[str] = set()
    for p in plan.projects:
        if counts[p.key] > 1 and p.key not in reported:
            reported.add(p.key)
            yield Finding("project.duplicate_name", Severity.ERROR,
                          f"同じ事業名のシートが{counts[p.key]}枚あります。", line=p.line, project=p.name,
                          suggestion="事業名を区別できるようにするか、再掲なら【再掲】を付けてください。")


def _check_kpi(plan: Plan, p: Project, kpi: KPI) -> Iterator[Finding]:
    base, target = kpi.baseline, kpi.target

    def finding(rule: str, severity: Severity, message: str, suggestion: str | None = None) -> Finding:
        return Finding(rule, severity, message, line=kpi.line, project=p.name, suggestion=suggestion)

    if target.kind is _NONE_KIND:
        yield finding("kpi.no_measurable_target", Severity.WARNING,
                      f"KPI「{kpi.indicator}」に目標値がありません（「{target.text or '空欄'}」）。",
                      "数値と達成年度で目標値を書いてください（例: 25件（令和12年度までの累計））。")
        return
    relative = target.relative
    if relative is not None and target.value is None:
        yield finding("kpi.relative_unresolved", Severity.WARNING if relative.basis is not _PREVIOUS_YEAR
                      else Severity.INFO, _unresolved_message(kpi), "現状値を数値と調査時点で書いてください。")
    elif target.kind is _QUALITATIVE_KIND:
        yield finding("kpi.no_measurable_target", Severity.WARNING,
                      f"KPI「{kpi.indicator}」の目標値「{target.text}」は定性的で、数値で測れません。",
                      "数値目標（例: 18市町（令和12年度））にするか、毎年度の評価を記録してください。")
    if target.is_numeric and target.fiscal_year is None and target.kind is _POINT_KIND:
        yield finding("kpi.target_year_missing", Severity.WARNING,
                      f"KPI「{kpi.indicator}」の目標値「{target.text}」に達成年度がありません。計画最終年度として評価します。",
                      f"「（{wareki_fiscal_year(plan.last_year)}）」のように達成年度を書いてください。")
    if target.fiscal_year is not None and not plan.first_year <= target.fiscal_year <= plan.last_year:
        yield finding("kpi.target_year_outside_period", Severity.WARNING,
                      f"KPI「{kpi.indicator}」の達成年度（{wareki_fiscal_year(target.fiscal_year)}）が計画期間の外です。",
                      "計画期間内の達成年度にしてください。")
    if (target.fiscal_year is not None and base.fiscal_year is not None
            and target.fiscal_year < base.fiscal_year):
        yield finding("kpi.target_before_baseline", Severity.ERROR,
                      f"KPI「{kpi.indicator}」の達成年度（{wareki_fiscal_year(target.fiscal_year)}）が"
                      f"現状値の時点（{wareki_fiscal_year(base.fiscal_year)}）より前です。",
                      "現状値と目標値の年度を確認してください。")
    if base.unit and target.unit and base.unit != target.unit:
        yield finding("kpi.unit_mismatch", Severity.WARNING,
                      f"KPI「{kpi.indicator}」の現状値（{base.unit}）と目標値（{target.unit}）の単位が違います。",
                      "同じ単位で書いてください。")
    if base.per and target.per and base.per != target.per:
        yield finding("kpi.period_mismatch", Severity.WARNING,
                      f"KPI「{kpi.indicator}」の現状値は「/{base.per}」、目標値は「/{target.per}」あたりの値です。",
                      "同じ期間あたりの値で書いてください。")
    elif {base.kind, target.kind} == {_CUMULATIVE_KIND, _EVERY_YEAR_KIND}:
        yield finding("kpi.period_mismatch", Severity.WARNING,
                      f"KPI「{kpi.indicator}」の現状値は累計、目標値は毎年度の値（またはその逆）です。",
                      "累計か毎年度かをそろえてください。")
    if base.kind is _NONE_KIND and target.is_numeric:
        yield finding("kpi.baseline_missing", Severity.INFO,
                      f"KPI「{kpi.indicator}」に現状値がありません。進捗は目標値だけで判定します。")
    elif (base.is_numeric and base.fiscal_year is None and base.from_month is None
          and base.kind is not _EVERY_YEAR_KIND):
        yield finding("kpi.baseline_year_missing", Severity.INFO,
                      f"KPI「{kpi.indicator}」の現状値「{base.text}」に調査時点がありません。",
                      "「（令和7年度）」のように調査時点を書いてください。")
    if (relative is not None and relative.relation is _PERCENT and target.value is not None
            and base.unit == "%"):
        yield finding("kpi.relative_percent_of_percent", Severity.INFO,
                      f"KPI「{kpi.indicator}」の目標値「{target.text}」は、率（{format_number(base.value or 0)}%）の"
                      f"{format_number(abs(relative.amount or 0))}%の増減として"
                      f"{format_number(target.value)}%と読みました。",
                      "ポイントの増減なら「0.5ポイント増」のように書いてください。")
    if base.is_numeric and target.is_numeric and not base.unit and not target.unit:
        yield finding("kpi.no_unit", Severity.INFO, f"KPI「{kpi.indicator}」の値に単位がありません。",
                      "「10回」のように単位を書いてください。")


_UNRESOLVED = {
    "previous_year": "前年度の実績と比べる目標です。毎年度の実績を前年度と比べて判定します",
    "baseline_not_numeric": "現状値が数値でないため、目標の値を決められません",
    "baseline_cumulative": "現状値が累計のため、目標の値を決められません",
    "basis_year_differs": "比べる年度が現状値の調査時点と違うため、目標の値を決められません",
    "unit_differs": "増減の単位が現状値の単位と違うため、目標の値を決められません",
}


def _unresolved_message(kpi: KPI) -> str:
    reason = unresolved_reason(kpi.baseline, kpi.target) or "baseline_not_numeric"
    return f"KPI「{kpi.indicator}」の目標値「{kpi.target.text}」は現状値に対する目標ですが、{_UNRESOLVED[reason]}。"


def check_kpis(plan: Plan) -> Iterator[Finding]:
    """Measurability, years, units and periods of every KPI."""
    for p in plan.projects:
        seen: set[str] = set()
        reported: set[str] = set()
        for kpi in p.kpis:
            if kpi.indicator not in seen:
                seen.add(kpi.indicator)
            elif kpi.indicator not in reported:
                reported.add(kpi.indicator)
                yield Finding("kpi.duplicate_indicator", Severity.ERROR,
                              f"同じ事業に同じ指標「{kpi.indicator}」が2つあります。", line=kpi.line, project=p.name,
                              suggestion="指標名を区別してください（実績はこの名前で記録します）。")
            yield from _check_kpi(plan, p, kpi)


_BREAKDOWN = re.compile(r"(\d+)\s*市\s*(\d+)\s*町")


def _city_town_split(names: tuple[str, ...]) -> tuple[int, int]:
    cities = sum(1 for n in names if n.endswith("市"))
    return cities, len(names) - cities


def check_partner_count(plan: Plan) -> Iterator[Finding]:
    """A KPI counting municipalities whose number contradicts the partner list."""
    for p in plan.projects:
        members = len(p.partners.municipalities)
        if not members or not p.kpis:
            continue
        counted = [(kpi, q, label) for kpi in p.kpis for q, label in ((kpi.baseline, "現状値"), (kpi.target, "目標値"))
                   if q.unit in _MUNICIPALITY_UNITS and q.value is not None]
        if not counted:
            continue
        total = members + len(p.partners.outside_area)
        cities, towns = _city_town_split(p.partners.municipalities + p.partners.outside_area)
        for kpi, q, label in counted:
            value = q.value or 0.0
            split = _BREAKDOWN.search(unicodedata.normalize("NFKC", q.text))
            if value > total:
                yield Finding("partners.count_mismatch", Severity.INFO,
                              f"KPI「{kpi.indicator}」の{label}「{q.text}」（{value:g}）が連携市町の数"
                              f"（{total}）を超えています。", line=kpi.line, project=p.name,
                              suggestion="連携市町の欄かKPIの値を確認してください。")
            elif split and (int(split.group(1)), int(split.group(2))) != (cities, towns):
                yield Finding("partners.count_mismatch", Severity.INFO,
                              f"KPI「{kpi.indicator}」の{label}「{q.text}」と、連携市町の欄の"
                              f"{cities}市{towns}町（圏域外を含む）が一致しません。", line=kpi.line, project=p.name,
                              suggestion="連携市町の欄かKPIの値を確認してください。")


def check_same_kpi_elsewhere(plan: Plan) -> Iterator[Finding]:
    """The same KPI in two projects: its actuals must be entered for each (or are double counted)."""
    first: dict[tuple[str, str, str], Project] = {}
    for p in plan.projects:
        for kpi in p.kpis:
            key = (kpi.indicator, kpi.baseline.text, kpi.target.text)
            if key in first and first[key].key != p.key and not p.relisted:
                yield Finding("kpi.shared_indicator", Severity.INFO,
                              f"KPI「{kpi.indicator}」は事業「{first[key].name}」（{first[key].line}行目）と同じです。",
                              line=kpi.line, project=p.name,
                              suggestion="実績は事業ごとに記録されます。同じ実績を重ねて集計しないよう注意してください。")
            first.setdefault(key, p)


RULES: tuple[Rule, ...] = (
    check_duplicate_names,
    check_budget_period,
    check_budget_undetermined,
    check_budget_unclear,
    check_budget_total,
    check_role_parties,
    check_relisted,
    check_kpis,
    check_partner_count,
    check_same_kpi_elsewhere,
)


def lint_plan(plan: Plan) -> list[Finding]:
    """Run every rule over a plan; findings in document order."""
    findings = [f for rule in RULES for f in rule(plan)]
    return sorted(findings, key=lambda f: (f.line or 0))
