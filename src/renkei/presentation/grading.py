"""Grades in an area's evaluation scale, for pages and printed reports alike: each KPI's grade, the legend, the
roll-up of a project and of the plan's 政策分野, 分類 and whole, and both rules in words.

Everything here reads the one :class:`~renkei.domain.progress.Evaluation` every channel shows and the area's
:class:`~renkei.domain.scale.EvaluationScale`; nothing is judged again. An area without a scale of its own shows
renkei's A–E exactly as before: the callers keep their old output when :attr:`EvaluationScale.is_default`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from renkei.domain.actual import Assessment
from renkei.domain.plan import Project
from renkei.domain.progress import Evaluation
from renkei.domain.scale import EvaluationScale, Grade, GradedKpi, RateBasis, RollUp, RollUpResult, roll_up
from renkei.domain.status import Rating, Status
from renkei.presentation.i18n import format_percent

__all__ = ["GradeSummary", "LegendGrade", "describe_rule", "format_rollup", "grade_kpi", "grade_legend", "graded",
           "roll_up_kpis", "summarise_grades"]


class GradableKpi(Protocol):
    """A KPI as the portal and the report hold it (``KpiView``, ``KpiProgress``)."""

    @property
    def evaluation(self) -> Evaluation: ...

    @property
    def assessment(self) -> Assessment | None: ...

    @property
    def counted(self) -> bool: ...


K = TypeVar("K", bound=GradableKpi)


def graded(scale: EvaluationScale, evaluation: Evaluation, assessment: Assessment | None = None) -> GradedKpi:
    """Return a KPI's grade in the scale and its score rate (None when it has none)."""
    e = evaluation
    word = assessment.word if assessment is not None and assessment.fiscal_year <= e.as_of else ""
    grade = scale.grade_kpi(e.status, e.rating, e.progress, e.expected_progress, word)
    rate = scale.score_rate(e.progress, e.expected_progress) if scale.bands else None
    if scale.bands and rate is None and e.status is Status.ACHIEVED and not grade.unrated:
        rate = 1.0  # a target reached without a figure (an aim assessed 達成) scores 100 %, in its grade and the mean
    return GradedKpi(grade, rate)


def grade_kpi(scale: EvaluationScale, kpi: GradableKpi) -> Grade:
    """Return the grade a KPI shows."""
    return graded(scale, kpi.evaluation, kpi.assessment).grade


def roll_up_kpis(scale: EvaluationScale, rule: RollUp, kpis: Iterable[GradableKpi]) -> RollUpResult:
    """Add up these KPIs' grades by the area's rule (a project's badge: all its KPIs)."""
    return roll_up(scale, rule, [graded(scale, k.evaluation, k.assessment) for k in kpis])


@dataclass(frozen=True, slots=True)
class GradeSummary:
    """The plan's totals in the area's scale: the whole, and each 政策分野 and 分類 by label in document order."""

    overall: RollUpResult
    by_policy_area: tuple[tuple[str, RollUpResult], ...]
    by_category: tuple[tuple[str, RollUpResult], ...]


def summarise_grades(scale: EvaluationScale, rule: RollUp, kpis: Sequence[K],
                     owner: Callable[[K], Project]) -> GradeSummary:
    """Roll every counted KPI up to its owning sheet's 政策分野 and 分類 and to the plan, each KPI once.

    ``owner`` gives the sheet a KPI counts on (a 【再掲】 sheet's original), whose groups it counts in, as the
    status tallies do.
    """
    overall: list[GradedKpi] = []
    areas: dict[str, list[GradedKpi]] = {}
    categories: dict[str, list[GradedKpi]] = {}
    for kpi in kpis:
        if not kpi.counted:
            continue
        item = graded(scale, kpi.evaluation, kpi.assessment)
        project = owner(kpi)
        overall.append(item)
        areas.setdefault(project.policy_area_label, []).append(item)
        categories.setdefault(project.category_label, []).append(item)
    return GradeSummary(
        overall=roll_up(scale, rule, overall),
        by_policy_area=tuple((label, roll_up(scale, rule, items)) for label, items in areas.items()),
        by_category=tuple((label, roll_up(scale, rule, items)) for label, items in categories.items()),
    )


@dataclass(frozen=True, slots=True)
class LegendGrade:
    """One line of a scale's legend in a language: the grade's key, word, meaning and colour."""

    key: str
    label: str
    meaning: str
    colour: str


def grade_legend(scale: EvaluationScale, lang: str) -> tuple[LegendGrade, ...]:
    """Return the scale's legend, best grade first; a band's meaning says its range when the scale gives none.

    >>> from renkei.domain.scale import SETO_TAKAMATSU_EXAMPLE
    >>> [(g.key, g.meaning) for g in grade_legend(SETO_TAKAMATSU_EXAMPLE, "ja")][:2]
    [('A', '得点率86%以上'), ('B', '得点率71%以上86%未満')]
    """
    ranges = _band_ranges(scale, lang)
    return tuple(LegendGrade(g.key, g.label(lang), g.meaning(lang) or ranges.get(g.key, ""), g.colour)
                 for g in scale.grades)


def _band_ranges(scale: EvaluationScale, lang: str) -> dict[str, str]:
    english = lang == "en"
    ranges: dict[str, str] = {}
    upper: float | None = None
    for band in scale.bands:
        low = f"{band.minimum:g}%" if band.minimum is not None else None
        high = f"{upper:g}%" if upper is not None else None
        if english:
            ranges[band.grade] = (f"score rate {low} to under {high}" if low and high else
                                  f"score rate {low} or more" if low else f"score rate under {high}")
        else:
            ranges[band.grade] = (f"得点率{low}以上{high}未満" if low and high else
                                  f"得点率{low}以上" if low else f"得点率{high}未満")
        upper = band.minimum
    return ranges


def describe_rule(scale: EvaluationScale, lang: str) -> str:
    """Say how a KPI reaches a grade in the scale, in the language.

    >>> from renkei.domain.scale import SETO_TAKAMATSU_EXAMPLE
    >>> describe_rule(SETO_TAKAMATSU_EXAMPLE, "ja")  # doctest: +ELLIPSIS
    '各指標の得点率（目標値に対する進捗の割合）で評価します：A 86%以上、B 71%以上、C 56%以上、D それ未満。...'
    """
    english = lang == "en"
    unrated = "、".join(f"{g.key} {g.label_ja}" for g in scale.grades if g.unrated)
    unrated_en = ", ".join(f"{g.key} {g.label(lang)}" for g in scale.grades if g.unrated)
    if scale.bands:
        basis = scale.rate_basis or RateBasis.TARGET
        if english:
            bands = ", ".join(f"{b.grade} {b.minimum:g}% or more" if b.minimum is not None else f"{b.grade} below"
                              for b in scale.bands)
            what = "the target" if basis is RateBasis.TARGET else "the expected progress at the year judged"
            return (f"Each KPI is graded by its score rate, its progress against {what}: {bands}. "
                    f"A KPI with no score rate to judge takes {unrated_en}.")
        bands_ja = "、".join(f"{b.grade} {b.minimum:g}%以上" if b.minimum is not None else f"{b.grade} それ未満"
                            for b in scale.bands)
        what_ja = "目標値" if basis is RateBasis.TARGET else "判定年度の期待進捗"
        return (f"各指標の得点率（{what_ja}に対する進捗の割合）で評価します：{bands_ja}。"
                f"得点率を出せない指標は {unrated} です。")
    mapping = dict(scale.by_verdict)
    pairs = []
    for rating in ("A", "B", "C", "D", "E"):
        status = next(s for s in Status if Rating(rating) in s.ratings)
        key = mapping.get(rating) or mapping[status.value]
        word = Rating(rating).label_en if english else Rating(rating).label_ja
        pairs.append(f"{word} → {key} {scale.grade(key).label(lang)}")
    if english:
        return (f"Each KPI's verdict by renkei's rules is shown in the area's grades: {'; '.join(pairs)}. "
                f"A KPI with nothing to judge takes {unrated_en}.")
    return f"renkei の判定を圏域の評価区分で示します：{'、'.join(pairs)}。判定できない指標は {unrated} です。"


def format_rollup(result: RollUpResult, scale: EvaluationScale, lang: str) -> str:
    """Say a group's total in words: its grade (and mean rate), or its KPIs per grade.

    >>> from renkei.domain.scale import SETO_TAKAMATSU_EXAMPLE as s
    >>> format_rollup(roll_up(s, RollUp.SHARE, [GradedKpi(s.grade("A")), GradedKpi(s.grade("C"))]), s, "ja")
    'A 1件（50%）・C 1件（50%）'
    """
    if result.grade is not None:
        label = result.grade.label(lang)
        text = label if label == result.grade.key else f"{result.grade.key} {label}"
        if result.mean_rate is not None:
            rate = format_percent(result.mean_rate)
            return f"{text} (mean score rate {rate})" if lang == "en" else f"{text}（平均得点率 {rate}）"
        return text
    parts = []
    for key, count in result.counts:
        if count:
            share = format_percent(count / result.kpis)
            parts.append(f"{key} {count} ({share})" if lang == "en" else f"{key} {count}件（{share}）")
    return ", ".join(parts) if lang == "en" else "・".join(parts)
