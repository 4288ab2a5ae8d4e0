"""KPI progress (進捗): classify a KPI's form and evaluate it against recorded actuals as of a fiscal year.

KPI forms differ, so no single formula judges them all. The form is mainly the target's kind
(see :class:`KpiForm` and :func:`classify_kpi`); each form has its rule, documented where it lives:

- ``point`` and ``maintain`` and ``qualitative``: :mod:`renkei.domain.level_rule`;
- ``cumulative`` and ``every_year`` (also a target measured from each previous year, 前年度比):
  :mod:`renkei.domain.amount_rule`;
- ``none`` (「-」, blank): a staff assessment when there is one, else not measurable, rated ``-``.

Each KPI is judged on its data: at its latest reported fiscal year at or before the evaluation year, and
a year nobody has reported is unknown, never 0 and never behind. Ratings follow the status: achieved A,
on track B, behind C (progress at least half the expected progress, see :class:`Thresholds`) or D, not
achieved (the target year reported and missed) E, and ``-`` for no data or not measurable. Actuals after
the evaluation year are ignored; monthly actuals are folded into one value per fiscal year as
:func:`month_merge_for` says (the average of the months for a per-月 KPI).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from renkei.domain.actual import Actual, Assessment, MonthMerge, value_by_fiscal_year
from renkei.domain.amount_rule import judge_cumulative, judge_every_year, judge_year_on_year
from renkei.domain.level_rule import judge_maintain, judge_none, judge_point, judge_qualitative
from renkei.domain.plan import KPI
from renkei.domain.quantity import Basis, Direction, QuantityKind
from renkei.domain.status import Rating, Status, Thresholds, rate_status
from renkei.domain.verdict import Frame, Verdict, conclude, level_baseline

__all__ = [
    "Evaluation",
    "KpiForm",
    "ProgressError",
    "Rating",
    "Status",
    "Thresholds",
    "classify_kpi",
    "evaluate_kpi",
    "month_merge_for",
]


class ProgressError(ValueError):
    """An evaluation asked for with an impossible period; ``field`` names the argument."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class KpiForm(StrEnum):
    """The form of a KPI, which decides the rule that judges it."""

    POINT = "point"  # a level to reach by the target year (84.5% → 85.9%)
    MAINTAIN = "maintain"  # a level to hold (年1回 → 年1回)
    CUMULATIVE = "cumulative"  # a total over a range (25件（令和12年度までの累計）)
    EVERY_YEAR = "every_year"  # an amount each year (6回/年（令和8年度～12年度）)
    QUALITATIVE = "qualitative"  # an aim in words (参加自治体の増)
    NONE = "none"  # nothing measurable (「-」)


def _judge(form: KpiForm, frame: Frame, assessment: Assessment | None) -> Verdict:
    """Judge a KPI by the rule of its form (every form has one: a new form fails the type check until it has)."""
    match form:
        case KpiForm.POINT:
            return judge_point(frame)
        case KpiForm.MAINTAIN:
            return judge_maintain(frame)
        case KpiForm.CUMULATIVE:
            return judge_cumulative(frame)
        case KpiForm.EVERY_YEAR:
            relative = frame.kpi.target.relative
            if relative is not None and relative.basis is Basis.PREVIOUS_YEAR:
                return judge_year_on_year(frame)
            return judge_every_year(frame)
        case KpiForm.QUALITATIVE:
            return judge_qualitative(frame, assessment)
        case KpiForm.NONE:
            return judge_none(frame, assessment)
        case _:
            assert_never(form)


def classify_kpi(kpi: KPI) -> KpiForm:
    """Tell a KPI's form from its target's kind (and, for a level, whether it equals the baseline).

    >>> from renkei.domain.quantity import Quantity
    >>> once = Quantity(text="年1回", kind=QuantityKind.POINT, value=1, unit="回", per="年")
    >>> classify_kpi(KPI("定常的な情報交換", once, once, None))
    <KpiForm.MAINTAIN: 'maintain'>
    >>> dash = Quantity(text="-", kind=QuantityKind.NONE)
    >>> classify_kpi(KPI("圏域内のDX推進", dash, dash, None))
    <KpiForm.NONE: 'none'>
    """
    target = kpi.target
    if target.kind is QuantityKind.NONE:
        return KpiForm.NONE
    if target.relative is not None and target.relative.basis is Basis.PREVIOUS_YEAR:
        return KpiForm.EVERY_YEAR  # 前年度以上, 前年度比5%増: judged year on year
    if target.kind is QuantityKind.QUALITATIVE:
        return KpiForm.QUALITATIVE
    if target.value is None or not math.isfinite(target.value):
        return KpiForm.QUALITATIVE if target.direction is not None else KpiForm.NONE
    if target.kind is QuantityKind.CUMULATIVE:
        return KpiForm.CUMULATIVE
    if target.kind is QuantityKind.EVERY_YEAR:
        return KpiForm.EVERY_YEAR
    baseline = level_baseline(kpi)
    if baseline is None:
        return KpiForm.MAINTAIN if kpi.direction is Direction.MAINTAIN else KpiForm.POINT
    start = baseline.value if baseline.value is not None else math.nan
    same = math.isclose(start, target.value, rel_tol=1e-9, abs_tol=1e-12)
    return KpiForm.MAINTAIN if same else KpiForm.POINT


def month_merge_for(kpi: KPI) -> MonthMerge:
    """Choose how monthly actuals make a year: average for per-月 rates, latest for %, else sum.

    >>> from renkei.domain.quantity import Quantity
    >>> visitors = Quantity(text="15,000人/月", kind=QuantityKind.POINT, value=15000, unit="人", per="月")
    >>> month_merge_for(KPI("G-mottyの月間訪問者数", visitors, visitors, None))
    <MonthMerge.AVERAGE: 'average'>
    """
    target, baseline = kpi.target, kpi.baseline
    if "月" in (target.per, baseline.per):
        return MonthMerge.AVERAGE
    if (target.unit or baseline.unit or "").strip() in ("%", "％", "割", "ポイント"):
        return MonthMerge.LATEST
    return MonthMerge.SUM


def _round(value: float | None, digits: int = 4) -> float | None:
    """Round for JSON; a value that is not finite has no JSON form and becomes None."""
    return None if value is None or not math.isfinite(value) else round(value, digits)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A KPI's progress as of a fiscal year, with the rule that judged it and why in words.

    ``latest_actual`` is the latest yearly value at or before ``as_of``; ``measured`` the figure compared
    with the target (the running total for a cumulative KPI, else the latest actual). ``progress`` and
    ``expected_progress`` are fractions (1.0 = the target); progress may exceed 1 or fall below 0.
    """

    project: str
    indicator: str
    kind: KpiForm
    direction: Direction | None
    as_of: int
    status: Status
    rating: Rating
    rule: str
    explanation_ja: str
    explanation_en: str
    latest_actual: float | None = None
    measured: float | None = None
    progress: float | None = None
    expected_progress: float | None = None
    years_met: int | None = None
    years_due: int | None = None
    forecast_at_target: float | None = None
    forecast_year_reached: int | None = None
    target_value: float | None = None
    target_year: int | None = None
    #: The latest reported fiscal year the verdict rests on (None when nothing was reported).
    judged_year: int | None = None
    #: The yearly figures the verdict used, by fiscal year (a total's contributions, the baseline included).
    used: tuple[tuple[int, float], ...] = ()
    forecast_ja: str = ""
    forecast_en: str = ""

    @property
    def running_total(self) -> tuple[tuple[int, float], ...]:
        """Return the running total at each year the verdict used (for a cumulative KPI's chart)."""
        total, points = 0.0, []
        for year, value in self.used:
            total += value
            points.append((year, total))
        return tuple(points)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (ratios rounded to four places)."""
        return {
            "project": self.project,
            "indicator": self.indicator,
            "kind": self.kind.value,
            "direction": self.direction.value if self.direction else None,
            "as_of": self.as_of,
            "latest_actual": self.latest_actual,
            "progress": _round(self.progress),
            "expected_progress": _round(self.expected_progress),
            "status": self.status.value,
            "rating": self.rating.value,
            "years_met": self.years_met,
            "years_due": self.years_due,
            "forecast_at_target": _round(self.forecast_at_target, 6),
            "forecast_year_reached": self.forecast_year_reached,
            "measured": _round(self.measured, 6),
            "target_value": _round(self.target_value, 6),
            "target_year": self.target_year,
            "judged_year": self.judged_year,
            "used": {str(year): value for year, value in self.used},
            "forecast_words": {"ja": self.forecast_ja, "en": self.forecast_en},
            "explanation": {"ja": self.explanation_ja, "en": self.explanation_en},
            "rule": self.rule,
        }


def _check_period(as_of: int, plan_first_year: int, plan_last_year: int) -> None:
    named = (("as_of", as_of), ("plan_first_year", plan_first_year), ("plan_last_year", plan_last_year))
    for name, year in named:
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
            raise ProgressError(f"not a western fiscal year: {year!r}", name)
    if plan_first_year > plan_last_year:
        raise ProgressError(
            f"plan period {plan_first_year}-{plan_last_year} runs backwards", "plan_last_year"
        )


def evaluate_kpi(
    kpi: KPI,
    actuals: Sequence[Actual],
    *,
    as_of: int,
    plan_first_year: int,
    plan_last_year: int,
    project: str = "",
    assessment: Assessment | None = None,
    thresholds: Thresholds = Thresholds(),
    months: MonthMerge | None = None,
    figure: Callable[[Sequence[Actual]], float | None] | None = None,
) -> Evaluation:
    """Evaluate a KPI's progress as of a fiscal year from its actuals (and assessment, if qualitative or 「-」).

    ``months`` overrides how monthly actuals make a year (default: :func:`month_merge_for`). ``figure`` makes a
    period's value from its records (:meth:`renkei.domain.share.ShareRule.figure`); by default only the KPI's
    own figure counts and a municipality's share never does.
    """
    _check_period(as_of, plan_first_year, plan_last_year)
    form = classify_kpi(kpi)
    values = value_by_fiscal_year(actuals, months=months or month_merge_for(kpi), figure=figure)
    frame = Frame(
        kpi=kpi, values=values, as_of=as_of, plan_first_year=plan_first_year,
        plan_last_year=plan_last_year, thresholds=thresholds,
    )
    verdict = _judge(form, frame, assessment)
    rating = verdict.rating or rate_status(verdict.status, verdict.progress, verdict.expected, thresholds)
    explanation_ja, explanation_en = conclude(verdict.ja, verdict.en, verdict.status)
    return Evaluation(
        project=project,
        indicator=kpi.indicator,
        kind=form,
        direction=verdict.direction,
        as_of=as_of,
        status=verdict.status,
        rating=rating,
        rule=verdict.rule,
        explanation_ja=explanation_ja,
        explanation_en=explanation_en,
        latest_actual=verdict.latest_actual,
        measured=verdict.measured,
        progress=verdict.progress,
        expected_progress=verdict.expected,
        years_met=verdict.years_met,
        years_due=verdict.years_due,
        forecast_at_target=verdict.forecast.at_target,
        forecast_year_reached=verdict.forecast.year_reached,
        target_value=kpi.target.value if form is not KpiForm.NONE else None,
        target_year=verdict.target_year,
        judged_year=verdict.judged_year,
        used=verdict.used,
        forecast_ja=verdict.forecast_ja,
        forecast_en=verdict.forecast_en,
    )
