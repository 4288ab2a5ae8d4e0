"""Actuals (実績値) recorded per fiscal year, and staff assessments (評価) of qualitative KPIs.

An :class:`Actual` is one entry: a fiscal year's value, optionally for one month (月次) and optionally
split by municipality (市町村別). :func:`value_by_fiscal_year` folds entries into one value a year:

- a later entry for the same fiscal year (and month) supersedes an earlier one: callers pass entries
  in the order they were made, so a correction wins;
- a whole-year entry (``month is None``) wins over monthly entries of that year;
- monthly entries are folded by :class:`MonthMerge`: the average for a per-month KPI (人/月: the
  fiscal year's value is the average of its months), the sum for amounts (件, 回), or the latest month
  in fiscal order (April … March) for levels such as a percentage;
- entries without a value (a note only) are ignored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from renkei.domain.status import Rating, Status

#: Largest magnitude accepted for a value; anything larger is a typing or unit error.
MAX_ABS_VALUE = 1e15


class ActualError(ValueError):
    """An actual or assessment that cannot be recorded; ``field`` names the offending field."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _check_value(value: float | None, field: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ActualError(f"not a number: {value!r}", field)
    if not math.isfinite(value) or abs(value) > MAX_ABS_VALUE:
        raise ActualError(f"not a finite number within ±{MAX_ABS_VALUE:g}: {value!r}", field)


def _check_fiscal_year(year: int, field: str) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise ActualError(f"not a western fiscal year: {year!r}", field)


@dataclass(frozen=True, slots=True)
class Actual:
    """One recorded actual value of a KPI.

    ``value`` is the total; when it is ``None`` and ``by_municipality`` (6-digit code → value) is given,
    the total is their sum (see :attr:`total`). ``month`` (1-12) marks a monthly figure of the fiscal
    year ``fiscal_year`` (so January 2027 belongs to fiscal year 2026). ``evidence`` names the source
    (a report, a URL); ``entered_by``/``entered_at`` who recorded it and when.
    """

    fiscal_year: int
    value: float | None = None
    month: int | None = None
    by_municipality: tuple[tuple[str, float], ...] = ()
    note: str | None = None
    evidence: str | None = None
    entered_by: str | None = None
    entered_at: datetime | None = None

    def __post_init__(self) -> None:
        _check_fiscal_year(self.fiscal_year, "fiscal_year")
        _check_value(self.value, "value")
        if self.month is not None and (
            isinstance(self.month, bool) or not isinstance(self.month, int) or not 1 <= self.month <= 12
        ):
            raise ActualError(f"month must be 1-12, got {self.month!r}", "month")
        seen: set[str] = set()
        for code, amount in self.by_municipality:
            if not isinstance(code, str) or not code.strip():
                raise ActualError(f"empty municipality code: {code!r}", "by_municipality")
            if code in seen:
                raise ActualError(f"municipality {code} given twice", f"by_municipality[{code}]")
            seen.add(code)
            _check_value(amount, f"by_municipality[{code}]")

    @property
    def total(self) -> float | None:
        """Return the value, or the sum of the municipalities' values when no value is given."""
        if self.value is not None:
            return float(self.value)
        if self.by_municipality:
            return math.fsum(amount for _, amount in self.by_municipality)
        return None

    @classmethod
    def from_parts(
        cls,
        fiscal_year: int,
        value: float | None = None,
        *,
        month: int | None = None,
        by_municipality: Mapping[str, float] | Iterable[tuple[str, float]] = (),
        note: str | None = None,
        evidence: str | None = None,
        entered_by: str | None = None,
        entered_at: datetime | None = None,
    ) -> Actual:
        """Build an actual, checking that a given total equals the municipalities' sum.

        >>> Actual.from_parts(2026, by_municipality={"401005": 3, "402133": 1}).total
        4.0
        >>> Actual.from_parts(2026, 5, by_municipality={"401005": 3, "402133": 1})
        Traceback (most recent call last):
        ...
        renkei.domain.actual.ActualError: value: 5 differs from the sum by municipality 4
        """
        pairs = tuple(by_municipality.items() if isinstance(by_municipality, Mapping) else by_municipality)
        actual = cls(
            fiscal_year=fiscal_year,
            value=value,
            month=month,
            by_municipality=tuple((code, amount) for code, amount in pairs),
            note=note,
            evidence=evidence,
            entered_by=entered_by,
            entered_at=entered_at,
        )
        if value is not None and actual.by_municipality:
            parts = math.fsum(amount for _, amount in actual.by_municipality)
            if not math.isclose(parts, value, rel_tol=1e-9, abs_tol=1e-9):
                raise ActualError(
                    f"{value:g} differs from the sum by municipality {parts:g}", "value"
                )
        return actual

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "fiscal_year": self.fiscal_year,
            "month": self.month,
            "value": self.value,
            "total": self.total,
            "by_municipality": {code: amount for code, amount in self.by_municipality},
            "note": self.note,
            "evidence": self.evidence,
            "entered_by": self.entered_by,
            "entered_at": self.entered_at.isoformat() if self.entered_at else None,
        }


def merge_shares(current: Actual | None, new: Actual) -> Actual | None:
    """Merge a new entry into the one recorded for its year (and month), as one municipality reports its share.

    An entry that states a total (``value``) replaces the recorded one. An entry of municipality shares
    only updates those municipalities and keeps the others' shares, so a partner reporting its own figure
    never erases another's. None means it cannot be merged: the recorded entry is a total without a
    breakdown, which a share would silently replace.

    >>> kept = Actual(2026, by_municipality=(("401005", 40.0), ("406210", 7.0)))
    >>> merge_shares(kept, Actual(2026, by_municipality=(("402133", 5.0),))).by_municipality
    (('401005', 40.0), ('406210', 7.0), ('402133', 5.0))
    >>> merge_shares(kept, Actual(2026, by_municipality=(("406210", 8.0),))).total
    48.0
    >>> merge_shares(Actual(2026, 52), Actual(2026, by_municipality=(("402133", 5.0),))) is None
    True
    """
    if current is None or new.value is not None or not new.by_municipality:
        return new
    if not current.by_municipality:
        return None if current.value is not None else new
    shares = dict(current.by_municipality)
    shares.update(new.by_municipality)
    return Actual(
        fiscal_year=new.fiscal_year, value=None, month=new.month, by_municipality=tuple(shares.items()),
        note=new.note if new.note is not None else current.note,
        evidence=new.evidence if new.evidence is not None else current.evidence,
        entered_by=new.entered_by, entered_at=new.entered_at,
    )


@dataclass(frozen=True, slots=True)
class Assessment:
    """A staff judgment (評価) of a qualitative KPI for a fiscal year, with the reason in words.

    ``rating`` overrides the rating implied by ``status`` (achieved A, on track B, behind C). ``word`` keeps
    the staff's own word (達成, 一部達成, 未達成, 未着手 …, see :func:`read_assessment_word`).
    """

    fiscal_year: int
    status: Status
    comment: str = ""
    entered_by: str | None = None
    entered_at: datetime | None = None
    rating: Rating | None = None
    word: str = ""

    def __post_init__(self) -> None:
        _check_fiscal_year(self.fiscal_year, "fiscal_year")
        if not isinstance(self.status, Status):
            raise ActualError(f"not a status: {self.status!r}", "status")
        if self.rating is not None and not isinstance(self.rating, Rating):
            raise ActualError(f"not a rating: {self.rating!r}", "rating")

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "fiscal_year": self.fiscal_year,
            "status": self.status.value,
            "rating": self.rating.value if self.rating else None,
            "word": self.word,
            "comment": self.comment,
            "entered_by": self.entered_by,
            "entered_at": self.entered_at.isoformat() if self.entered_at else None,
        }


#: The words staff assess a qualitative KPI with, and the status and rating each stands for.
ASSESSMENT_WORDS: dict[str, tuple[Status, Rating]] = {
    "達成": (Status.ACHIEVED, Rating.A),
    "順調": (Status.ON_TRACK, Rating.B),
    "概ね順調": (Status.ON_TRACK, Rating.B),
    "一部達成": (Status.BEHIND, Rating.C),
    "遅れ": (Status.BEHIND, Rating.C),
    "未着手": (Status.BEHIND, Rating.D),
    "未達成": (Status.NOT_ACHIEVED, Rating.E),
}


def read_assessment_word(text: str) -> tuple[str, Status, Rating] | None:
    """Read a staff assessment word (達成 / 一部達成 / 未達成 / 未着手 …); None when it is not one.

    >>> read_assessment_word(" 一部達成 ")
    ('一部達成', <Status.BEHIND: 'behind'>, <Rating.C: 'C'>)
    >>> read_assessment_word("12") is None
    True
    """
    word = "".join(text.split())
    found = ASSESSMENT_WORDS.get(word)
    return (word, *found) if found else None


class MonthMerge(StrEnum):
    """How monthly actuals make a fiscal year's value."""

    AVERAGE = "average"  # a per-month rate (人/月): the year is the mean of its months
    SUM = "sum"  # an amount (件, 回): the year is the total of its months
    LATEST = "latest"  # a level (%, 施設数): the year is its last recorded month


def fiscal_month_order(month: int) -> int:
    """Return a month's position in the fiscal year (April 0 … March 11).

    >>> [fiscal_month_order(m) for m in (4, 12, 1, 3)]
    [0, 8, 9, 11]
    """
    return (month - 4) % 12


def value_by_fiscal_year(
    actuals: Sequence[Actual], *, months: MonthMerge = MonthMerge.SUM
) -> dict[int, float]:
    """Fold actual entries into one value per fiscal year (later entries supersede earlier ones).

    >>> value_by_fiscal_year([Actual(2026, 4), Actual(2026, 5), Actual(2027, None)])
    {2026: 5.0}
    >>> monthly = [Actual(2026, 100, month=4), Actual(2026, 200, month=5), Actual(2026, 150, month=4)]
    >>> value_by_fiscal_year(monthly, months=MonthMerge.AVERAGE)
    {2026: 175.0}
    """
    whole: dict[int, float] = {}
    by_month: dict[int, dict[int, float]] = {}
    for actual in actuals:
        total = actual.total
        if total is None:
            continue
        if actual.month is None:
            whole[actual.fiscal_year] = total
        else:
            by_month.setdefault(actual.fiscal_year, {})[actual.month] = total
    years: dict[int, float] = {}
    for year in sorted(set(whole) | set(by_month)):
        if year in whole:
            years[year] = whole[year]
            continue
        values = by_month[year]
        if months is MonthMerge.AVERAGE:
            years[year] = math.fsum(values.values()) / len(values)
        elif months is MonthMerge.SUM:
            years[year] = math.fsum(values.values())
        else:
            years[year] = values[max(values, key=fiscal_month_order)]
    return years
