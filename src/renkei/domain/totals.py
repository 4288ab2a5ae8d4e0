"""Budget totals (事業費, 千円) over a plan: each budget counted once, and blanks never added up as zeros.

A budget cell says one of four things (:class:`~renkei.domain.plan.BudgetCellStatus`): an amount (an explicit
0 too), none (「—」), undetermined (未定) or nothing at all (blank). A year's total adds the amounts only and
says how many sheets stated one (「記載のある12事業の合計」); a year no sheet states an amount for has no
total (「記載なし」), never 0. Years outside the plan period are kept apart. Which sheet's budget counts is
:class:`~renkei.domain.relisting.Relisting`'s rule: the owner's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from renkei.domain.fiscal import FiscalYearError, wareki_fiscal_year
from renkei.domain.plan import BudgetCellStatus, Plan, Project
from renkei.domain.relisting import Relisting


@dataclass(frozen=True, slots=True)
class YearTotal:
    """One fiscal year's budget over the counted sheets.

    ``amount`` is the sum of the stated amounts, None when no sheet states an amount for the year;
    ``stated`` counts the sheets stating an amount (0 included), ``none`` those stating 「—」, and
    ``undetermined`` those stating 未定.
    """

    fiscal_year: int
    amount: int | None
    stated: int
    none: int
    undetermined: int
    in_period: bool

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "fiscal_year": self.fiscal_year, "amount": self.amount, "stated": self.stated, "none": self.none,
            "undetermined": self.undetermined, "in_period": self.in_period,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class BudgetTotals:
    """Budget totals of a plan: every plan-period year, the years outside it, and by policy area."""

    years: tuple[YearTotal, ...]
    outside: tuple[YearTotal, ...]
    by_policy_area: dict[str, dict[int, int]]
    plan_period_total: int | None
    plan_period_projects: int
    counted_projects: int
    relisted_excluded: int

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "years": [y.to_dict() for y in self.years],
            "outside_period": [y.to_dict() for y in self.outside],
            "by_policy_area": {k: {str(y): v for y, v in d.items()} for k, d in self.by_policy_area.items()},
            "plan_period_total": self.plan_period_total,
            "plan_period_projects": self.plan_period_projects,
            "counted_projects": self.counted_projects,
            "relisted_excluded": self.relisted_excluded,
        }


def budget_in_period(project: Project, plan: Plan) -> int | None:
    """Return the sum of a sheet's stated amounts within the plan period, None when it states none there.

    >>> from renkei.domain.plan import Budget, BudgetCell
    >>> cells = (BudgetCell(2024, "44,511", BudgetCellStatus.AMOUNT, 44511),)
    >>> budget_in_period(Project("U・Iターン", 1, budget=Budget("千円", cells)), Plan("a", "A", 2026, 2030, ())) is None
    True
    """
    if project.budget is None:
        return None
    amounts = [c.amount or 0 for c in project.budget.cells
               if c.status is BudgetCellStatus.AMOUNT and plan.first_year <= c.fiscal_year <= plan.last_year]
    return sum(amounts) if amounts else None


def years_outside_period(project: Project, plan: Plan) -> tuple[int, ...]:
    """Return the fiscal years outside the plan period for which a sheet states an amount."""
    if project.budget is None:
        return ()
    return tuple(c.fiscal_year for c in project.budget.cells
                 if c.status is BudgetCellStatus.AMOUNT and not plan.first_year <= c.fiscal_year <= plan.last_year)


def outside_period_note(project: Project, plan: Plan) -> tuple[str, str] | None:
    """Say, in Japanese and English, that a sheet's budget is stated only for years outside the plan period.

    >>> from renkei.domain.plan import Budget, BudgetCell
    >>> cells = tuple(BudgetCell(y, "1", BudgetCellStatus.AMOUNT, 1) for y in range(2021, 2026))
    >>> outside_period_note(Project("U・Iターン", 1, budget=Budget("千円", cells)), Plan("a", "A", 2026, 2030, ()))[0]
    '計画期間外（令和3〜7年度）の事業費のみ記載'
    """
    outside = years_outside_period(project, plan)
    if not outside or budget_in_period(project, plan) is not None:
        return None
    first, last = min(outside), max(outside)
    try:
        wareki_fiscal_year(first)
    except FiscalYearError:
        return f"計画期間外（{first}〜{last}年度）の事業費のみ記載", "budget stated only outside the plan period"
    era_first = wareki_fiscal_year(first).removesuffix("年度")
    era_last = wareki_fiscal_year(last).removesuffix("年度")
    if era_first[:2] == era_last[:2]:
        era_last = era_last[2:]  # 令和3〜7年度, not 令和3〜令和7年度
    span_ja = era_first + ("" if first == last else f"〜{era_last}") + "年度"
    span_en = f"FY{first}" if first == last else f"FY{first}-{last}"
    return f"計画期間外（{span_ja}）の事業費のみ記載", f"budget stated only outside the plan period ({span_en})"


def total_budget(plan: Plan, relisting: Relisting) -> BudgetTotals:
    """Sum budgets by fiscal year and policy area, each budget counted once and blanks kept apart."""
    amounts: Counter[int] = Counter()
    stated: Counter[int] = Counter()
    none: Counter[int] = Counter()
    undetermined: Counter[int] = Counter()
    by_area: dict[str, Counter[int]] = {}
    counted = excluded = in_period_projects = 0
    for project in plan.projects:
        if project.budget is None:
            continue
        if not relisting.budget_counts(project.key):
            excluded += 1
            continue
        counted += 1
        if budget_in_period(project, plan) is not None:
            in_period_projects += 1
        area = by_area.setdefault(project.policy_area_label, Counter())
        for cell in project.budget.cells:
            year = cell.fiscal_year
            if cell.status is BudgetCellStatus.AMOUNT:
                amounts[year] += cell.amount or 0
                stated[year] += 1
                area[year] += cell.amount or 0
            elif cell.status is BudgetCellStatus.NONE:
                none[year] += 1
            elif cell.status is BudgetCellStatus.UNDETERMINED:
                undetermined[year] += 1

    def year_total(year: int) -> YearTotal:
        return YearTotal(year, amounts[year] if stated[year] else None, stated[year], none[year],
                         undetermined[year], plan.first_year <= year <= plan.last_year)

    outside_years = sorted(y for y in stated if not plan.first_year <= y <= plan.last_year)
    period = [year_total(y) for y in plan.years]
    stated_period = [y.amount for y in period if y.amount is not None]
    return BudgetTotals(
        years=tuple(period),
        outside=tuple(year_total(y) for y in outside_years),
        by_policy_area={k: dict(sorted(v.items())) for k, v in by_area.items()},
        plan_period_total=sum(stated_period) if stated_period else None,
        plan_period_projects=in_period_projects,
        counted_projects=counted,
        relisted_excluded=excluded,
    )


def count_projects_by_municipality(plan: Plan, relisting: Relisting) -> dict[str, int]:
    """Count the projects each member municipality takes part in (a project once, however often listed)."""
    counts: Counter[str] = Counter()
    for project in relisting.owner_projects(plan):
        for name in project.partners.municipalities:
            counts[name] += 1
    return dict(counts)
