"""Every chart agrees with its text: the figures a KPI chart plots are the figures its explanation uses."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.domain.actual import Actual
from renkei.domain.plan import Plan
from renkei.domain.progress import KpiForm, evaluate_kpi
from renkei.domain.verdict import format_number
from renkei.presentation.chart import build_kpi_series
from renkei.presentation.views import KpiView

yearly = st.dictionaries(st.integers(2024, 2032), st.integers(0, 40).map(float), max_size=7)


def _view(kpi_index: int, plan: Plan, actuals: dict[int, float], as_of: int) -> KpiView:
    kpis = [(p, k) for p in plan.projects for k in p.kpis]
    project, kpi = kpis[kpi_index % len(kpis)]
    evaluation = evaluate_kpi(kpi, [Actual(y, v) for y, v in actuals.items()], as_of=as_of,
                              plan_first_year=plan.first_year, plan_last_year=plan.last_year)
    return KpiView(project.key, project.slug, project.name, 0, kpi, evaluation, dict(actuals))


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, 29), actuals=yearly, as_of=st.integers(2026, 2032))
def test_chart_table_equals_the_numbers_the_explanation_uses(
    example_plan: Plan, index: int, actuals: dict[int, float], as_of: int
) -> None:
    view = _view(index, example_plan, actuals, as_of)
    e = view.evaluation
    series = build_kpi_series(view, example_plan.first_year, example_plan.last_year)
    plotted = {year: value for year, value, *_ in series.table() if value is not None}
    # Nothing after the evaluation year (nor after the year judged) is drawn.
    assert all(year <= as_of for year in plotted)
    if e.judged_year is not None:
        assert all(year <= e.judged_year for year in dict(series.actual))
    if view.form is KpiForm.CUMULATIVE:
        assert list(series.actual) == list(e.running_total)
        if e.measured is not None and series.actual:
            assert series.actual[-1][1] == e.measured
            assert format_number(e.measured) in e.explanation_ja  # the total the text states
            # Each contribution the text adds up is a step of the plotted running total.
            parts = re.search(r"（([0-9,.＋]+)）", e.explanation_ja)
            assert parts is not None
            assert [float(x.replace(",", "")) for x in parts.group(1).split("＋")] == [v for _, v in e.used]
    elif view.form not in (KpiForm.NONE,):
        assert dict(series.actual) == dict(e.used)
        if e.latest_actual is not None and e.judged_year is not None and view.form is not KpiForm.QUALITATIVE:
            assert dict(series.actual)[e.judged_year] == e.latest_actual
            assert format_number(e.latest_actual) in e.explanation_ja
    # The forecast starts from the last value judged, and never runs into the past.
    if series.forecast:
        assert e.judged_year is not None and series.forecast[0][0] == e.judged_year
        assert e.target_year is not None and e.judged_year < e.target_year
    # The line, its column in the table and the words come and go together, and only for a level to reach or
    # a total: a level to hold, an amount each year or an aim in words is never extrapolated.
    assert bool(series.forecast) == bool(e.forecast_ja) == bool(e.forecast_en)
    forecast_column = {year: value for year, *_, value in series.table() if value is not None}
    assert forecast_column == dict(series.forecast[1:])
    if view.form not in (KpiForm.POINT, KpiForm.CUMULATIVE):
        assert not series.forecast and e.forecast_at_target is None and not e.forecast_ja


def test_unreported_years_are_gaps_not_zeros(example_plan: Plan) -> None:
    index = next(i for i, k in enumerate(k for p in example_plan.projects for k in p.kpis)
                 if k.indicator == "鑑識・鑑定及び研修・会議等実施件数")
    view = _view(index, example_plan, {2026: 5.0, 2028: 5.0}, 2028)
    table = {year: actual for year, actual, *_ in build_kpi_series(view, 2026, 2030).table()}
    assert table[2026] == 5.0 and table[2027] is None and table[2028] == 10.0
