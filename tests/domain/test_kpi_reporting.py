"""The years, units and form in which a KPI of the example takes its actuals."""

from __future__ import annotations

from dataclasses import replace

from renkei.domain.kpi_reporting import ASSESSED_FORMS, fold_unit, kpi_range, kpi_units
from renkei.domain.plan import Plan
from renkei.domain.progress import classify_kpi


def test_a_kpi_takes_actuals_over_the_plan_period_widened_by_its_own_years(example_plan: Plan) -> None:
    for kpi in (k for p in example_plan.projects for k in p.kpis):
        low, high = kpi_range(example_plan, kpi)
        assert low <= example_plan.first_year and high >= example_plan.last_year
        if kpi.baseline.fiscal_year:
            assert low <= kpi.baseline.fiscal_year
    kpi = next(k for p in example_plan.projects for k in p.kpis if k.baseline.fiscal_year)
    earlier = replace(kpi, baseline=replace(kpi.baseline, fiscal_year=example_plan.first_year - 5))
    assert kpi_range(example_plan, earlier)[0] == example_plan.first_year - 5


def test_a_kpis_units_are_its_targets_and_baselines_folded(example_plan: Plan) -> None:
    kpi = next(k for p in example_plan.projects for k in p.kpis if k.target.unit == "件")
    assert "件" in kpi_units(kpi)
    per_year = replace(kpi, target=replace(kpi.target, unit="回", per="年"), baseline=replace(kpi.baseline, unit=None))
    assert kpi_units(per_year) == {"回", "回/年"}
    assert fold_unit("％") == fold_unit("%")


def test_only_words_and_nothing_measurable_are_assessed(example_plan: Plan) -> None:
    forms = {classify_kpi(k) for p in example_plan.projects for k in p.kpis}
    assert forms & ASSESSED_FORMS and forms - ASSESSED_FORMS  # the example has both kinds
