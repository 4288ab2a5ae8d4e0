"""Quantities: a KPI baseline or target read into number, unit, rate and period."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class QuantityKind(StrEnum):
    """How a stated value is meant.

    - ``point``: a level at one time (84.5%（令和6年度）).
    - ``cumulative``: a total over a range of fiscal years (25件（令和12年度までの累計）).
    - ``every_year``: an amount to reach in each year of a range (1回/年（令和8年度～令和12年度）).
    - ``qualitative``: words, not a number (参加自治体の増).
    - ``none``: nothing stated (「-」, blank).
    """

    POINT = "point"
    CUMULATIVE = "cumulative"
    EVERY_YEAR = "every_year"
    QUALITATIVE = "qualitative"
    NONE = "none"


class Direction(StrEnum):
    """Which way a KPI is meant to move."""

    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"


class Qualifier(StrEnum):
    """A bound stated with the number (以上 / 以下 / 未満 / 超)."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    LESS_THAN = "less_than"
    MORE_THAN = "more_than"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value as written in a KPI cell, and what it means.

    ``fiscal_year`` is the last (or only) fiscal year as a western year; ``from_fiscal_year`` the first
    year of a range. ``per`` is the rate's time unit (年, 月, 日, 週). ``from_month``/``to_month`` are
    ``YYYY-MM`` when the text gives months (R7.2月～R8.1月). ``calendar_year`` is true when the text says
    年 (calendar year) rather than 年度 (fiscal year). ``direction`` is set for qualitative aims that
    state one (参加自治体の増). ``cumulative_from_plan_start`` marks 「…までの累計」 without a start year:
    the range starts at the plan's first year.
    """

    text: str
    kind: QuantityKind
    value: float | None = None
    unit: str | None = None
    per: str | None = None
    fiscal_year: int | None = None
    from_fiscal_year: int | None = None
    from_month: str | None = None
    to_month: str | None = None
    calendar_year: bool = False
    qualifier: Qualifier | None = None
    direction: Direction | None = None
    cumulative_from_plan_start: bool = False
    note: str | None = None

    @property
    def is_numeric(self) -> bool:
        """Tell whether the quantity carries a number."""
        return self.value is not None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (integral values as integers)."""
        value: float | int | None = self.value
        if value is not None and float(value).is_integer():
            value = int(value)
        return {
            "text": self.text,
            "value": value,
            "unit": self.unit,
            "per": self.per,
            "kind": self.kind.value,
            "fiscal_year": self.fiscal_year,
            "from_fiscal_year": self.from_fiscal_year,
            "from_month": self.from_month,
            "to_month": self.to_month,
            "calendar_year": self.calendar_year,
            "qualifier": self.qualifier.value if self.qualifier else None,
            "direction": self.direction.value if self.direction else None,
            "cumulative_from_plan_start": self.cumulative_from_plan_start,
            "note": self.note,
        }
