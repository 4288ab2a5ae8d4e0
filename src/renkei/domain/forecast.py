"""Forecasts (見通し) of a KPI: a least-squares trend for levels, the average yearly pace for totals.

Both answer two questions: what the value will be in the target year (``at_target``), and the first
fiscal year in which the target would be reached (``year_reached``; ``None`` when the trend is flat,
moves away from the target, or would take longer than :data:`HORIZON_YEARS` after the target year).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: A forecast further than this many years after the target year is reported as never.
HORIZON_YEARS = 100


@dataclass(frozen=True, slots=True)
class Forecast:
    """A forecast value at the target year and the year the target would be reached."""

    at_target: float | None = None
    year_reached: int | None = None


@dataclass(frozen=True, slots=True)
class Trend:
    """A straight line ``value = intercept + slope × year`` fitted by least squares."""

    slope: float
    intercept: float

    def value_at(self, year: int) -> float | None:
        """Return the line's value at a fiscal year (None if it does not fit in a float)."""
        value = self.intercept + self.slope * year
        return value if math.isfinite(value) else None


def fit_trend(points: Sequence[tuple[int, float]]) -> Trend | None:
    """Fit a least-squares line through (fiscal year, value) points; None with fewer than two years.

    >>> round(fit_trend([(2024, 84.5), (2026, 84.9)]).slope, 3)
    0.2
    >>> fit_trend([(2026, 1.0), (2026, 2.0)]) is None
    True
    """
    if len({year for year, _ in points}) < 2:
        return None
    # Centre the years so the sums stay small and exact.
    mean_year = math.fsum(year for year, _ in points) / len(points)
    mean_value = math.fsum(value for _, value in points) / len(points)
    sxx = math.fsum((year - mean_year) ** 2 for year, _ in points)
    sxy = math.fsum((year - mean_year) * (value - mean_value) for year, value in points)
    slope = sxy / sxx
    intercept = mean_value - slope * mean_year
    if not (math.isfinite(slope) and math.isfinite(intercept)):
        return None
    return Trend(slope=slope, intercept=intercept)


def _first_year_at_or_after(year: float, not_before: int, limit: int) -> int | None:
    if not math.isfinite(year):
        return None
    first = max(math.ceil(year - 1e-9), not_before)
    return first if first <= limit else None


def forecast_level(
    points: Sequence[tuple[int, float]],
    *,
    target: float,
    target_year: int,
    sense: int,
    reached_in: int | None,
) -> Forecast:
    """Forecast a level KPI from its trend; ``sense`` is +1 when higher is better, -1 when lower is.

    ``reached_in`` is the first recorded year that already met the target, if any.

    >>> forecast_level([(2025, 25.0), (2027, 15.0)], target=0, target_year=2030, sense=-1, reached_in=None)
    Forecast(at_target=0.0, year_reached=2030)
    >>> forecast_level([(2025, 25.0), (2027, 30.0)], target=0, target_year=2030, sense=-1, reached_in=None)
    Forecast(at_target=37.5, year_reached=None)
    >>> forecast_level([(2025, 25.0), (2027, 10.0)], target=0, target_year=2030, sense=-1, reached_in=None)
    Forecast(at_target=0.0, year_reached=2029)
    """
    trend = fit_trend(points)
    at_target = trend.value_at(target_year) if trend else None
    if at_target is not None and target >= 0 and all(value >= 0 for _, value in points):
        # Counts and rates of non-negative things cannot fall below zero, whatever the line says.
        at_target = max(at_target, 0.0)
    if reached_in is not None:
        return Forecast(at_target=at_target, year_reached=reached_in)
    if trend is None or trend.slope * sense <= 0:
        return Forecast(at_target=at_target)
    last_year = max(year for year, _ in points)
    crossing = (target - trend.intercept) / trend.slope
    year = _first_year_at_or_after(crossing, last_year + 1, target_year + HORIZON_YEARS)
    return Forecast(at_target=at_target, year_reached=year)


def forecast_total(
    total: float,
    *,
    years_counted: int,
    start_year: int,
    target: float,
    target_year: int,
    reached_in: int | None,
) -> Forecast:
    """Forecast a cumulative KPI at its average yearly pace over the years counted so far.

    >>> forecast_total(10, years_counted=2, start_year=2026, target=25, target_year=2030, reached_in=None)
    Forecast(at_target=25.0, year_reached=2030)
    >>> forecast_total(0, years_counted=2, start_year=2026, target=25, target_year=2030, reached_in=None)
    Forecast(at_target=0.0, year_reached=None)
    """
    if years_counted <= 0:
        return Forecast(year_reached=reached_in)
    pace = total / years_counted
    span = target_year - start_year + 1
    at_target = pace * span if math.isfinite(pace * span) else None
    if reached_in is not None:
        return Forecast(at_target=at_target, year_reached=reached_in)
    if pace <= 0 or not math.isfinite(pace):
        return Forecast(at_target=at_target)
    needed_years = target / pace
    year = _first_year_at_or_after(
        start_year + needed_years - 1, start_year + years_counted, target_year + HORIZON_YEARS
    )
    return Forecast(at_target=at_target, year_reached=year)
