"""Actuals (実績値) recorded per fiscal year, and staff assessments (評価) of qualitative KPIs.

An :class:`Actual` is one record: a fiscal year's figure, optionally for one month (月次), either for the KPI as
a whole (``municipality`` None: the area's figure, 合計) or one municipality's share of it (``municipality``
a 6-digit code: 市町村別の内訳). A share is never the area's figure: :mod:`renkei.domain.share` says when shares
make one. :func:`value_by_fiscal_year` folds records into one value a year:

- a later record for the same fiscal year (and month) supersedes an earlier one: callers pass records in the
  order they were made, so a correction wins;
- a whole-year record (``month is None``) wins over monthly records of that year;
- monthly records are folded by :class:`MonthMerge`: the average for a per-month KPI (人/月: the fiscal year's
  value is the average of its months), the sum for amounts (件, 回), or the latest month in fiscal order
  (April … March) for levels such as a percentage;
- records without a value (a note only) are ignored.

What is public: the value, the public ``comment`` (公開コメント), the ``evidence`` (根拠) and the organisation
that reported it (``reported_by``: 行橋市, 消防局予防課). The ``note`` (備考) and the login name
(``entered_by``) are for staff only and never leave the workspace (:meth:`Actual.public_dict`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from renkei.domain.status import Rating, Status

#: The source of an earlier year's figure brought in from an area's own sheet (過年度の実績).
HISTORICAL = "historical"
#: Largest magnitude accepted for a value; anything larger is a typing or unit error.
MAX_ABS_VALUE = 1e15
#: The longest text each field takes, in characters (a note is a remark, not a report).
TEXT_LIMITS: dict[str, int] = {"note": 1000, "comment": 1000, "evidence": 500, "review_comment": 1000,
                               "evaluation_comment": 2000, "description": 4000, "line": 1000, "party": 200}
#: What each limited field is called (Japanese, English).
TEXT_LABELS: dict[str, tuple[str, str]] = {
    "note": ("備考", "note"), "comment": ("公開コメント", "public comment"), "evidence": ("根拠", "evidence"),
    "review_comment": ("審査コメント", "review comment"), "evaluation_comment": ("評価の理由", "evaluation comment"),
    "description": ("事業内容", "description"), "line": ("1行", "line"), "party": ("主体", "party"),
}


def text_too_long(field: str, text: str | None) -> tuple[str, str] | None:
    """Say (Japanese, English) that a text is longer than its field takes, or None when it fits.

    >>> text_too_long("note", "短い備考") is None
    True
    >>> text_too_long("note", "あ" * 100_000)[0]
    '備考は1,000字以内で入力してください（100,000字あります）'
    """
    limit = TEXT_LIMITS[field]
    if text is None or len(text) <= limit:
        return None
    ja, en = TEXT_LABELS[field]
    return (f"{ja}は{limit:,}字以内で入力してください（{len(text):,}字あります）",
            f"the {en} takes at most {limit:,} characters ({len(text):,} given)")


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
    """One recorded actual of a KPI: the figure for the whole KPI, or one municipality's share of it.

    ``month`` (1-12) marks a monthly figure of the fiscal year ``fiscal_year`` (so January 2027 belongs to fiscal
    year 2026). ``municipality`` is None for the KPI's own figure (合計), or the 6-digit code of the municipality
    whose share (内訳) this is. ``comment`` and ``evidence`` are published with the value, ``reported_by`` names
    the organisation that reported it; ``note`` and ``entered_by`` (a login name) are internal.
    """

    fiscal_year: int
    value: float | None = None
    month: int | None = None
    municipality: str | None = None
    note: str | None = None
    evidence: str | None = None
    entered_by: str | None = None
    entered_at: datetime | None = None
    comment: str | None = None
    reported_by: str | None = None
    #: Where the figure came from when not typed in: :data:`HISTORICAL` for an earlier year's figure brought in from
    #: the area's own sheet (``renkei actuals map``), shown to staff; the public sees the figure like any other.
    source: str | None = None

    def __post_init__(self) -> None:
        _check_fiscal_year(self.fiscal_year, "fiscal_year")
        _check_value(self.value, "value")
        if self.month is not None and (
            isinstance(self.month, bool) or not isinstance(self.month, int) or not 1 <= self.month <= 12
        ):
            raise ActualError(f"month must be 1-12, got {self.month!r}", "month")
        if self.source is not None and self.source != HISTORICAL:
            raise ActualError(f"unknown source {self.source!r}", "source")
        if self.municipality is not None and (not isinstance(self.municipality, str)
                                              or not self.municipality.strip()):
            raise ActualError(f"empty municipality code: {self.municipality!r}", "municipality")

    @property
    def is_share(self) -> bool:
        """Tell whether this is one municipality's share rather than the KPI's own figure."""
        return self.municipality is not None

    @property
    def period(self) -> tuple[int, int | None]:
        """Return the (fiscal year, month) the record is for."""
        return self.fiscal_year, self.month

    def public_dict(self) -> dict[str, object]:
        """Return the JSON form the public sees: no internal note and no login name.

        >>> sorted(Actual(2026, 5, municipality="402133", note="内部メモ", entered_by="yukuhashi1").public_dict())
        ['comment', 'evidence', 'fiscal_year', 'month', 'municipality', 'reported_by', 'value']
        """
        return {
            "fiscal_year": self.fiscal_year,
            "month": self.month,
            "municipality": self.municipality,
            "value": self.value,
            "comment": self.comment,
            "evidence": self.evidence,
            "reported_by": self.reported_by,
        }


def whole_figures(actuals: Iterable[Actual]) -> list[Actual]:
    """Return the records for the KPI as a whole (合計), leaving the municipalities' shares out.

    >>> [a.value for a in whole_figures([Actual(2026, 40), Actual(2026, 5, municipality="402133")])]
    [40]
    """
    return [a for a in actuals if a.municipality is None]


@dataclass(frozen=True, slots=True)
class Assessment:
    """A staff judgment (評価) of a KPI for a fiscal year, with the reason in words.

    ``rating`` overrides the rating implied by ``status`` (achieved A, on track B, behind C). ``word`` keeps
    the staff's own word (達成, 一部達成, 未達成, 未着手 …, see :func:`read_assessment_word`). ``comment`` and
    ``evidence`` are published with it and ``reported_by`` names the organisation; ``entered_by`` (a login
    name) stays in the workspace.
    """

    fiscal_year: int
    status: Status
    comment: str = ""
    entered_by: str | None = None
    entered_at: datetime | None = None
    rating: Rating | None = None
    word: str = ""
    evidence: str | None = None
    reported_by: str | None = None

    def __post_init__(self) -> None:
        _check_fiscal_year(self.fiscal_year, "fiscal_year")
        if not isinstance(self.status, Status):
            raise ActualError(f"not a status: {self.status!r}", "status")
        if self.rating is not None and not isinstance(self.rating, Rating):
            raise ActualError(f"not a rating: {self.rating!r}", "rating")

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form the public sees (no login name).

        >>> sorted(Assessment(2026, Status.ACHIEVED, entered_by="kikaku1").to_dict())
        ['comment', 'evidence', 'fiscal_year', 'rating', 'reported_by', 'status', 'word']
        """
        return {
            "fiscal_year": self.fiscal_year,
            "status": self.status.value,
            "rating": self.rating.value if self.rating else None,
            "word": self.word,
            "comment": self.comment,
            "evidence": self.evidence,
            "reported_by": self.reported_by,
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
    # the state of the work itself: finished counts as achieved in renkei's A–E, stopped cannot be judged; an area's
    # scale may name grades of its own for both (あきる野's F 事業完了 and Y 中止, docs/evaluation-scale.md)
    "事業完了": (Status.ACHIEVED, Rating.A),
    "中止": (Status.NOT_MEASURABLE, Rating.NONE),
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
    actuals: Sequence[Actual], *, months: MonthMerge = MonthMerge.SUM,
    figure: Callable[[Sequence[Actual]], float | None] | None = None,
) -> dict[int, float]:
    """Fold records into one value per fiscal year (later records supersede earlier ones).

    ``figure`` makes a period's value from all its records (the KPI's own and its shares, see
    :func:`renkei.domain.share.ShareRule.figure`); by default only the KPI's own figure counts, never a share.

    >>> value_by_fiscal_year([Actual(2026, 4), Actual(2026, 5), Actual(2027, None)])
    {2026: 5.0}
    >>> value_by_fiscal_year([Actual(2026, 5, municipality="402133")])
    {}
    >>> monthly = [Actual(2026, 100, month=4), Actual(2026, 200, month=5), Actual(2026, 150, month=4)]
    >>> value_by_fiscal_year(monthly, months=MonthMerge.AVERAGE)
    {2026: 175.0}
    """
    periods: dict[tuple[int, int | None], list[Actual]] = {}
    for actual in actuals:
        periods.setdefault(actual.period, []).append(actual)
    whole: dict[int, float] = {}
    by_month: dict[int, dict[int, float]] = {}
    for (year, month), records in periods.items():
        total = figure(records) if figure is not None else _own_figure(records)
        if total is None:
            continue
        if month is None:
            whole[year] = total
        else:
            by_month.setdefault(year, {})[month] = total
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


def _own_figure(records: Sequence[Actual]) -> float | None:
    """Return the latest stated value of the KPI's own figure among a period's records."""
    own = [a.value for a in records if a.municipality is None and a.value is not None]
    return float(own[-1]) if own else None
