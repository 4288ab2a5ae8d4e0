"""Budget totals and counts over a plan, with relisted (【再掲】) projects counted once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from renkei.domain.plan import Plan, Project


@dataclass(frozen=True, slots=True)
class Relisting:
    """For every project of a plan: its original listing (for 【再掲】 sheets) and whether its budget counts."""

    originals: dict[int, Project]
    counted: dict[int, bool]


def index_relisting(plan: Plan) -> Relisting:
    """Work out, once per plan, which listing of each project carries its budget.

    A relisted project is the same money as its original listing: it is counted only when the original is
    not in this document (then this listing is the only place the budget appears), so every budget is
    counted exactly once. A second relisting of the same project is never counted twice.
    """
    cached = plan.memo.get("relisting")
    if isinstance(cached, Relisting):
        return cached
    by_name: dict[str, Project] = {}
    for project in plan.projects:
        if not project.relisted:
            by_name.setdefault(project.name_key, project)
    originals: dict[int, Project] = {}
    counted: dict[int, bool] = {}
    seen: set[str] = set()
    for project in plan.projects:
        if not project.relisted:
            counted[id(project)] = True
            continue
        original = by_name.get(project.name_key)
        if original is not None:
            originals[id(project)] = original
            counted[id(project)] = False
        else:
            counted[id(project)] = project.key not in seen
            seen.add(project.key)
    relisting = Relisting(originals=originals, counted=counted)
    plan.memo["relisting"] = relisting
    return relisting


def find_original(plan: Plan, project: Project) -> Project | None:
    """Return the original listing of a relisted project, when the plan has it."""
    return index_relisting(plan).originals.get(id(project))


def counts_in_totals(plan: Plan, project: Project) -> bool:
    """Tell whether a project's budget adds to totals (see :func:`index_relisting`)."""
    return index_relisting(plan).counted.get(id(project), not project.relisted)


@dataclass(frozen=True, slots=True)
class BudgetTotals:
    """Budget totals (千円): by fiscal year, by policy area and year, and overall within the plan period."""

    by_year: dict[int, int]
    by_policy_area: dict[str, dict[int, int]]
    plan_period_total: int
    outside_period: dict[int, int]
    counted_projects: int
    relisted_excluded: int


def policy_area_label(project: Project) -> str:
    """Return a project's policy-area label, or 「（政策分野なし）」."""
    area = project.policy_area
    return f"({area.number}) {area.name}" if area else "（政策分野なし）"


def total_budget(plan: Plan) -> BudgetTotals:
    """Sum budgets by fiscal year and policy area, each budget counted once."""
    by_year: Counter[int] = Counter()
    by_area: dict[str, Counter[int]] = {}
    counted = excluded = 0
    for project in plan.projects:
        if project.budget is None:
            continue
        if not counts_in_totals(plan, project):
            excluded += 1
            continue
        counted += 1
        area = by_area.setdefault(policy_area_label(project), Counter())
        for year, amount in project.budget.by_fiscal_year.items():
            if amount is not None:
                by_year[year] += amount
                area[year] += amount
    in_period = {y: v for y, v in by_year.items() if plan.first_year <= y <= plan.last_year}
    outside = {y: v for y, v in by_year.items() if not plan.first_year <= y <= plan.last_year}
    return BudgetTotals(
        by_year=dict(sorted(by_year.items())),
        by_policy_area={k: dict(sorted(v.items())) for k, v in by_area.items()},
        plan_period_total=sum(in_period.values()),
        outside_period=dict(sorted(outside.items())),
        counted_projects=counted,
        relisted_excluded=excluded,
    )


def count_projects_by_municipality(plan: Plan) -> dict[str, int]:
    """Count the projects each member municipality takes part in (relisted sheets count once)."""
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    for project in plan.projects:
        key = project.name_key
        if key in seen:
            continue
        seen.add(key)
        for name in project.partners.municipalities:
            counts[name] += 1
    return dict(counts)
