"""Quantities: a KPI baseline or target read into number, unit, rate, period, comparator and basis."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class QuantityKind(StrEnum):
    """How a stated value is meant.

    - ``point``: a level at one time (84.5%（令和6年度）).
    - ``cumulative``: a total over a range of fiscal years (25件（令和12年度までの累計）).
    - ``every_year``: an amount to reach in each year of a range (1回/年（令和8年度～令和12年度）).
    - ``qualitative``: words, not a number (参加自治体の増), or a relative target that has no numeric
      baseline to be resolved against (20%増 under a 「-」 baseline).
    - ``none``: nothing stated (「-」, blank, 未定).
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
    """A bound stated with the number (the comparator): 以上 / 以下・以内 / 未満 / 超 / ±…以内."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    LESS_THAN = "less_than"
    MORE_THAN = "more_than"
    WITHIN = "within"  # ±5%以内: the size of the value at most the number


class Relation(StrEnum):
    """How a relative target relates to its basis.

    - ``change``: a difference in the basis's unit (+20人, 0.3ポイント増, 5件減).
    - ``percent``: a change in per cent of the basis (+20%, 50%増, 0.3%削減, 対26年度比10%減).
    - ``ratio``: a multiple of the basis (1.1倍).
    - ``same``: equal to the basis (現状維持, 現状維持以上, 上位を維持, …の維持を目指す).
    """

    CHANGE = "change"
    PERCENT = "percent"
    RATIO = "ratio"
    SAME = "same"


class Basis(StrEnum):
    """What a relative target is measured from."""

    BASELINE = "baseline"  # the KPI's 現状値 (+20%, 現状維持)
    FISCAL_YEAR = "fiscal_year"  # a named year (対26年度比): ``Relative.basis_year``
    PREVIOUS_YEAR = "previous_year"  # each year's previous year (前年度比, 前年度以上)


@dataclass(frozen=True, slots=True)
class Relative:
    """A target stated relative to a basis: ``amount`` is signed (−0.3 for 0.3%削減; 1.1 for 1.1倍).

    ``unit`` is the unit of a ``change`` (人, ポイント); ``basis_year`` the fiscal year of a
    ``fiscal_year`` basis.
    """

    relation: Relation
    amount: float | None = None
    basis: Basis = Basis.BASELINE
    basis_year: int | None = None
    unit: str | None = None

    def apply(self, base: float) -> float | None:
        """Return the absolute value this relative target names for a basis value.

        >>> Relative(Relation.PERCENT, 20).apply(1000), Relative(Relation.CHANGE, -5).apply(30)
        (1200.0, 25.0)
        >>> Relative(Relation.RATIO, 1.1).apply(100), Relative(Relation.SAME).apply(7)
        (110.00000000000001, 7.0)
        """
        if self.relation is Relation.SAME:
            return float(base)
        if self.amount is None:
            return None
        if self.relation is Relation.PERCENT:
            return base * (1 + self.amount / 100)
        if self.relation is Relation.RATIO:
            return float(base * self.amount)
        return float(base + self.amount)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        amount: float | int | None = self.amount
        if amount is not None and float(amount).is_integer():
            amount = int(amount)
        return {"relation": self.relation.value, "amount": amount, "basis": self.basis.value,
                "basis_year": self.basis_year, "unit": self.unit}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relative:
        """Rebuild from the JSON form."""
        amount = data.get("amount")
        return cls(Relation(data["relation"]), float(amount) if amount is not None else None,
                   Basis(data.get("basis") or "baseline"), data.get("basis_year"), data.get("unit"))


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value as written in a KPI cell, and what it means.

    ``fiscal_year`` is the last (or only) fiscal year as a western year; ``from_fiscal_year`` the first
    year of a range. ``per`` is the rate's time unit (年, 月, 日, 週). ``from_month``/``to_month`` are
    ``YYYY-MM`` when the text gives months (R7.2月～R8.1月). ``calendar_year`` is true when the text says
    年 (calendar year) rather than 年度 (fiscal year). ``direction`` is set for qualitative aims that
    state one (参加自治体の増). ``cumulative_from_plan_start`` marks 「…までの累計」 without a start year:
    the range starts at the plan's first year; ``duration_years`` the length a total is stated over
    (5年間で700人). ``qualifier`` is the comparator (以上…). ``relative`` keeps a target stated against a
    basis (+20%, 現状維持以上); once resolved against a numeric baseline, ``value`` and ``unit`` hold the
    absolute target and ``relative`` still says how it was written. ``average`` marks an average
    (平成21～25年の平均, 月平均), ``scale`` the levels of a rating (5段階評価 → 5), ``measure`` the label
    of one of several values written in one cell (人口48.4% 面積34.5% → 人口).
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
    relative: Relative | None = None
    average: bool = False
    scale: int | None = None
    duration_years: int | None = None
    measure: str | None = None

    @property
    def is_numeric(self) -> bool:
        """Tell whether the quantity carries a number."""
        return self.value is not None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (integral values as integers)."""
        value: float | int | None = self.value
        if value is not None and float(value).is_integer():
            value = int(value)
        relative = self.relative
        qualifier, direction = self.qualifier, self.direction
        return {  # _value_ rather than .value: the enum property costs more than the rest of the dict
            "text": self.text,
            "value": value,
            "unit": self.unit,
            "per": self.per,
            "kind": self.kind._value_,
            "fiscal_year": self.fiscal_year,
            "from_fiscal_year": self.from_fiscal_year,
            "from_month": self.from_month,
            "to_month": self.to_month,
            "calendar_year": self.calendar_year,
            "qualifier": qualifier._value_ if qualifier is not None else None,
            "direction": direction._value_ if direction is not None else None,
            "cumulative_from_plan_start": self.cumulative_from_plan_start,
            "note": self.note,
            "relative": relative.to_dict() if relative is not None else None,
            "average": self.average,
            "scale": self.scale,
            "duration_years": self.duration_years,
            "measure": self.measure,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quantity:
        """Rebuild a quantity from its JSON form (keys added later may be absent).

        >>> q = Quantity("20%増", QuantityKind.QUALITATIVE, relative=Relative(Relation.PERCENT, 20))
        >>> Quantity.from_dict(q.to_dict()) == q
        True
        """
        value = data.get("value")
        relative = data.get("relative")
        qualifier, direction = data.get("qualifier"), data.get("direction")
        return cls(
            text=data.get("text") or "",
            kind=QuantityKind(data["kind"]),
            value=float(value) if value is not None else None,
            unit=data.get("unit"),
            per=data.get("per"),
            fiscal_year=data.get("fiscal_year"),
            from_fiscal_year=data.get("from_fiscal_year"),
            from_month=data.get("from_month"),
            to_month=data.get("to_month"),
            calendar_year=bool(data.get("calendar_year", False)),
            qualifier=Qualifier(qualifier) if qualifier else None,
            direction=Direction(direction) if direction else None,
            cumulative_from_plan_start=bool(data.get("cumulative_from_plan_start", False)),
            note=data.get("note"),
            relative=Relative.from_dict(relative) if relative else None,
            average=bool(data.get("average", False)),
            scale=data.get("scale"),
            duration_years=data.get("duration_years"),
            measure=data.get("measure"),
        )
