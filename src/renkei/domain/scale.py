"""An area's evaluation scale (評価区分) and roll-up rule (集計方法): its grades, how a KPI reaches one, and how
grades add up from KPI to project, 分類, 政策分野 and the area.

Areas that already run their visions grade in their own words: 瀬戸・高松 by score rate (A ≥ 86 %, B 71–86 %,
C 56–71 %, D < 56 %), あきる野 with F 事業完了 / S 目標値以上 / A 目標値どおり / B 要改善 / C 要大幅改善 / X 未着手 /
Y 中止 / Z 評価困難, 加古川 「A 期待どおり」. A scale says which grades there are (best first), their words and
colours, and the rule that reaches one:

- ``verdict``: from the status and rating renkei computes (:mod:`renkei.domain.status`), a mapping such as
  achieved → S, on track → A, behind → B or C;
- ``score_rate``: from the KPI's score rate — its progress against the target, or against the expected progress —
  by bands, the highest first, each band from its lower bound in percent (the last band takes everything below).

Whatever the rule, a KPI with nothing to judge takes the scale's word for 評価困難 (``cannot_judge``; 「判定なし」 by
default), and a staff assessment of 未着手 or 中止 takes the scale's word for not started or stopped when it has one.
:data:`DEFAULT_SCALE` is renkei's own A–E and 「-」. Nothing here reads files: ``reading/scale.py`` reads the JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import assert_never

from renkei.domain.status import EPSILON, Rating, Status

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
#: WCAG 2's contrast for normal text: a badge writes its word in the grade's colour on the white page.
MIN_CONTRAST = 4.5
PAPER = "#ffffff"


class ScaleError(ValueError):
    """A scale or roll-up that cannot be used; ``field`` names where (``evaluation_scale.grades[2].colour``)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(f"{field}: {message}")
        self.message = message
        self.field = field


class RateBasis(StrEnum):
    """What a score rate compares the KPI's progress with."""

    TARGET = "target"  # progress towards the target: 1.0 = the target reached (達成率)
    EXPECTED = "expected"  # progress against the expected progress at the year judged (期待進捗に対する割合)


class Special(StrEnum):
    """The states a scale may name a grade for, beside the grades its rule reaches."""

    NOT_STARTED = "not_started"  # 未着手: a staff assessment says so
    STOPPED = "stopped"  # 中止: a staff assessment says so
    COMPLETED = "completed"  # 事業完了: a staff assessment says the project is finished (may be a rated grade)
    CANNOT_JUDGE = "cannot_judge"  # 評価困難: nothing measurable (測定不能)
    NO_DATA = "no_data"  # 実績未入力: no actual to judge yet (default: the word for 評価困難)


#: The staff assessment words (:data:`renkei.domain.actual.ASSESSMENT_WORDS`) that name a special state.
SPECIAL_WORDS: dict[str, Special] = {"未着手": Special.NOT_STARTED, "中止": Special.STOPPED,
                                     "事業完了": Special.COMPLETED}
#: The special states whose grade may be a rated one (あきる野's F 事業完了 is its best grade); the others name a grade
#: of no judgment.
RATED_SPECIAL = frozenset({Special.COMPLETED})


class RollUp(StrEnum):
    """How KPI grades add up to a project's, a 分類's, a 政策分野's and the area's."""

    WORST = "worst"  # the most pressing grade among the KPIs (renkei's project badge)
    SHARE = "share"  # the share of KPIs at each grade, no single grade
    MEAN_RATE = "mean_rate"  # the mean of the KPIs' score rates (each held to 0–100 %), graded by the scale's bands

    def describe(self, scale: EvaluationScale, lang: str = "ja") -> str:
        """Say the rule in words, for the pages that show totals.

        >>> RollUp.SHARE.describe(DEFAULT_SCALE)
        '事業・分類・政策分野・圏域の集計は、含まれる指標（KPI）の評価区分ごとの件数と割合です。'
        """
        english = lang == "en"
        match self:
            case RollUp.WORST:
                worst_first = [g.label(lang) for g in reversed(scale.grades) if not g.unrated]
                if english:
                    return ("A project, category, policy area and the area take the most pressing grade among their "
                            f"KPIs (from worst: {', '.join(worst_first)}).")
                return ("事業・分類・政策分野・圏域の評価は、含まれる指標（KPI）のうち最も対応を要する評価です"
                        f"（悪い順に {'、'.join(worst_first)}）。")
            case RollUp.SHARE:
                if english:
                    return "A project, category, policy area and the area are totalled as the number and share of " \
                           "their KPIs at each grade."
                return "事業・分類・政策分野・圏域の集計は、含まれる指標（KPI）の評価区分ごとの件数と割合です。"
            case RollUp.MEAN_RATE:
                basis = scale.rate_basis or RateBasis.TARGET
                if english:
                    what = "target" if basis is RateBasis.TARGET else "expected progress"
                    return ("A project, category, policy area and the area take the mean score rate of their KPIs "
                            f"(progress against the {what}, each KPI once and held between 0% and 100%; KPIs "
                            "without a rate are left out), graded by the same bands as a KPI.")
                what_ja = "目標値" if basis is RateBasis.TARGET else "期待進捗"
                return ("事業・分類・政策分野・圏域の評価は、含まれる指標（KPI）の"
                        f"得点率（{what_ja}に対する進捗の割合）の平均を、指標と同じ区分で評価したものです"
                        "（各指標は一度だけ、得点率を0〜100%に収めて数え、得点率のない指標は除きます）。")
            case _:
                assert_never(self)


@dataclass(frozen=True, slots=True)
class Grade:
    """One grade of a scale: its key (the letter shown), words, colour and meaning."""

    key: str
    label_ja: str
    label_en: str
    colour: str
    meaning_ja: str = ""
    meaning_en: str = ""
    #: A grade of no judgment (評価困難, 未着手, 中止, 判定なし): left out of 「最も対応を要する」 and of the mean.
    unrated: bool = False

    def label(self, lang: str) -> str:
        """Return the grade's word in the language (Japanese when it has no English)."""
        return self.label_en if lang == "en" and self.label_en else self.label_ja

    def meaning(self, lang: str) -> str:
        """Return what the grade means in the language."""
        return self.meaning_en if lang == "en" and self.meaning_en else self.meaning_ja



@dataclass(frozen=True, slots=True)
class Band:
    """A score-rate band: a grade for rates from ``minimum`` percent (None: the lowest band, everything below)."""

    grade: str
    minimum: float | None


@dataclass(frozen=True, slots=True)
class EvaluationScale:
    """An area's grades, best first, and the rule that reaches one (see the module's docstring).

    With ``bands`` the rule is ``score_rate`` on ``rate_basis``; otherwise ``verdict``: ``by_verdict`` maps renkei's
    ratings (``A`` … ``E``) or statuses (``achieved`` …) to grade keys, a rating's key before its status's.
    ``special`` maps :class:`Special` states to grade keys.
    """

    grades: tuple[Grade, ...]
    by_verdict: tuple[tuple[str, str], ...] = ()
    bands: tuple[Band, ...] = ()
    rate_basis: RateBasis | None = None
    special: tuple[tuple[Special, str], ...] = ()
    name_ja: str = ""
    name_en: str = ""
    _by_key: dict[str, Grade] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        # One order for the mappings, whatever order they were written or stored in (PostgreSQL's JSONB reorders
        # keys): a scale read back from the store equals the one written.
        order = {name: i for i, name in enumerate(_VERDICT_ORDER)}
        object.__setattr__(self, "by_verdict", tuple(sorted(self.by_verdict, key=lambda p: (order.get(p[0], 99), p))))
        specials = list(Special)
        object.__setattr__(self, "special", tuple(sorted(self.special, key=lambda p: specials.index(p[0]))))
        object.__setattr__(self, "_by_key", {g.key: g for g in self.grades})
        check_scale(self)

    @property
    def rule(self) -> str:
        """Return the rule's name: ``verdict`` or ``score_rate``."""
        return "score_rate" if self.bands else "verdict"

    @property
    def is_default(self) -> bool:
        """Tell whether this is renkei's own scale (A–E and 「-」)."""
        return self == DEFAULT_SCALE

    def grade(self, key: str) -> Grade:
        """Return the grade with this key."""
        return self._by_key[key]

    def special_grade(self, state: Special) -> Grade | None:
        """Return the grade the scale names for a special state (no data falls back to 評価困難)."""
        named = dict(self.special)
        key = named.get(state) or (named.get(Special.CANNOT_JUDGE) if state is Special.NO_DATA else None)
        return self._by_key[key] if key else None

    @property
    def cannot_judge(self) -> Grade:
        """Return the grade of a KPI with nothing to judge."""
        found = self.special_grade(Special.CANNOT_JUDGE)
        assert found is not None  # check_scale makes sure
        return found

    def score_rate(self, progress: float | None, expected: float | None) -> float | None:
        """Return a KPI's score rate as a fraction (1.0 = 100 %), or None when it has none.

        >>> from dataclasses import replace
        >>> on_pace = replace(SETO_TAKAMATSU_EXAMPLE, rate_basis=RateBasis.EXPECTED)
        >>> on_pace.score_rate(0.43, 0.5), SETO_TAKAMATSU_EXAMPLE.score_rate(0.43, 0.5)
        (0.86, 0.43)
        >>> on_pace.score_rate(0.3, 0.0) is None
        True
        """
        if progress is None or not math.isfinite(progress):
            return None
        if self.rate_basis is RateBasis.EXPECTED:
            if expected is None or not math.isfinite(expected) or expected <= 0:
                return None
            return progress / expected
        return progress

    def grade_rate(self, rate: float) -> Grade:
        """Grade a score rate (a fraction) by the bands: a boundary belongs to the band it starts.

        >>> [SETO_TAKAMATSU_EXAMPLE.grade_rate(r).key for r in (0.86, 0.8599, 0.71, 0.56, 0.5599, -1)]
        ['A', 'B', 'B', 'C', 'D', 'D']
        """
        for band in self.bands:
            if band.minimum is None or rate >= band.minimum / 100 - EPSILON:
                return self._by_key[band.grade]
        return self._by_key[self.bands[-1].grade]

    def grade_kpi(self, status: Status, rating: Rating, progress: float | None = None,
                  expected: float | None = None, word: str = "") -> Grade:
        """Return the grade a KPI reaches from its verdict (status, rating, progress, expected, staff word).

        >>> [DEFAULT_SCALE.grade_kpi(s, r).key for s, r in ((Status.BEHIND, Rating.D), (Status.NO_DATA, Rating.NONE))]
        ['D', '-']
        >>> AKIRUNO_EXAMPLE.grade_kpi(Status.BEHIND, Rating.D, word="未着手").label_ja
        '未着手'
        """
        special = SPECIAL_WORDS.get("".join(word.split()))
        if special is not None:
            found = self.special_grade(special)
            if found is not None:
                return found
        if status is Status.NO_DATA:
            return self.special_grade(Special.NO_DATA) or self.cannot_judge
        if status is Status.NOT_MEASURABLE or rating is Rating.NONE:
            return self.cannot_judge
        if not self.bands:
            mapping = dict(self.by_verdict)
            return self._by_key[mapping.get(rating.value) or mapping[status.value]]
        rate = self.score_rate(progress, expected)
        if rate is None:  # a target reached without a figure (a qualitative aim assessed 達成) scores 100 %
            return self.grade_rate(1.0) if status is Status.ACHIEVED else self.cannot_judge
        return self.grade_rate(rate)

    def worst(self, grades: Iterable[Grade]) -> Grade | None:
        """Return the most pressing of these grades: the lowest rated one, else the last unrated; None for none."""
        chosen = list(grades)
        if not chosen:
            return None
        position = {g.key: i for i, g in enumerate(self.grades)}
        rated = [g for g in chosen if not g.unrated]
        return max(rated or chosen, key=lambda g: position[g.key])


@dataclass(frozen=True, slots=True)
class GradedKpi:
    """A KPI's grade and score rate, what a roll-up adds up."""

    grade: Grade
    rate: float | None = None


@dataclass(frozen=True, slots=True)
class RollUpResult:
    """A group's total under a roll-up rule: its grade (None under ``share``), KPIs per grade and mean rate."""

    rule: RollUp
    kpis: int
    counts: tuple[tuple[str, int], ...]
    grade: Grade | None = None
    mean_rate: float | None = None

    def share(self, key: str) -> float | None:
        """Return the share of the group's KPIs at a grade (None for an empty group)."""
        return dict(self.counts).get(key, 0) / self.kpis if self.kpis else None


def roll_up(scale: EvaluationScale, rule: RollUp, kpis: Sequence[GradedKpi]) -> RollUpResult:
    """Add up KPI grades by a roll-up rule: every grade of the scale is counted, zero when none.

    >>> graded = [GradedKpi(SETO_TAKAMATSU_EXAMPLE.grade(k), r) for k, r in (("A", 0.9), ("C", 0.6), ("D", 0.2))]
    >>> roll_up(SETO_TAKAMATSU_EXAMPLE, RollUp.MEAN_RATE, graded).grade.key  # (0.9 + 0.6 + 0.2) / 3 = 0.567
    'C'
    >>> roll_up(SETO_TAKAMATSU_EXAMPLE, RollUp.WORST, graded).grade.key
    'D'
    """
    counts = {g.key: 0 for g in scale.grades}
    for kpi in kpis:
        counts[kpi.grade.key] += 1
    result_counts = tuple(counts.items())
    match rule:
        case RollUp.WORST:
            return RollUpResult(rule, len(kpis), result_counts, grade=scale.worst(k.grade for k in kpis))
        case RollUp.SHARE:
            return RollUpResult(rule, len(kpis), result_counts)
        case RollUp.MEAN_RATE:
            # A score is out of full marks: a KPI past its target cannot make up for another, nor one that fell
            # below its baseline sink the mean past zero.
            rates = [min(max(k.rate, 0.0), 1.0) for k in kpis if k.rate is not None and not k.grade.unrated]
            if not rates:
                grade = scale.cannot_judge if kpis else None
                return RollUpResult(rule, len(kpis), result_counts, grade=grade)
            mean = sum(rates) / len(rates)
            return RollUpResult(rule, len(kpis), result_counts, grade=scale.grade_rate(mean), mean_rate=mean)
        case _:
            assert_never(rule)


def check_rollup(scale: EvaluationScale, rule: RollUp, field: str = "rollup") -> None:
    """Refuse a roll-up the scale cannot do: a mean score rate needs score-rate bands.

    >>> check_rollup(DEFAULT_SCALE, RollUp.MEAN_RATE)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.domain.scale.ScaleError: rollup: ... / mean_rate needs a scale graded by score rate
    """
    if rule is RollUp.MEAN_RATE and not scale.bands:
        raise ScaleError("得点率の平均には得点率の区分（score_rate）が必要です / mean_rate needs a scale graded by "
                         "score rate", field)


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """Return the WCAG contrast ratio of two #rrggbb colours (1 to 21).

    >>> round(contrast("#000000", "#ffffff"), 1), round(contrast("#777777", "#ffffff"), 2)
    (21.0, 4.48)
    """
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


#: What a ``verdict`` rule may map, in the order a scale keeps its mapping: ratings, then statuses.
_VERDICT_ORDER = (*(r.value for r in Rating if r is not Rating.NONE),
                  *(s.value for s in Status if s not in (Status.NO_DATA, Status.NOT_MEASURABLE)))
_VERDICT_KEYS = frozenset(_VERDICT_ORDER)


def check_scale(scale: EvaluationScale, field: str = "evaluation_scale") -> None:
    """Refuse a scale that cannot grade every KPI, naming the field (bilingual messages)."""
    if not scale.grades:
        raise ScaleError("評価区分が一つ以上必要です / at least one grade is required", f"{field}.grades")
    seen: set[str] = set()
    for i, grade in enumerate(scale.grades):
        at = f"{field}.grades[{i}]"
        if not grade.key.strip() or len(grade.key) > 8:
            raise ScaleError("記号（1〜8文字）が必要です / a key of 1 to 8 characters is required", f"{at}.key")
        if grade.key in seen:
            raise ScaleError(f"記号 {grade.key!r} が重複しています / the key is used twice", f"{at}.key")
        seen.add(grade.key)
        if not grade.label_ja.strip():
            raise ScaleError("名称が必要です / a label is required", f"{at}.label")
        if not _COLOUR.match(grade.colour):
            raise ScaleError(f"色は #rrggbb で指定してください / a colour is #rrggbb: {grade.colour!r}",
                             f"{at}.colour")
        ratio = contrast(grade.colour, PAPER)
        if ratio < MIN_CONTRAST:
            raise ScaleError(f"白地の上でこの色の文字は読みにくくなります（コントラスト比 {ratio:.1f}、"
                             f"{MIN_CONTRAST} 以上が必要） / text in this colour is hard to read on white "
                             f"(contrast {ratio:.1f}, {MIN_CONTRAST} needed)", f"{at}.colour")
    _check_special(scale, seen, field)
    if scale.bands:
        _check_bands(scale, seen, field)
    else:
        _check_verdict(scale, seen, field)


def _unknown(key: str, known: set[str]) -> str:
    return f"評価区分にない記号です / no grade has key {key!r} (grades: {', '.join(sorted(known))})"


def _check_special(scale: EvaluationScale, known: set[str], field: str) -> None:
    for state, key in scale.special:
        if key not in known:
            raise ScaleError(_unknown(key, known), f"{field}.special.{state.value}")
        if not scale.grade(key).unrated and state not in RATED_SPECIAL:
            raise ScaleError("判定なしの区分（unrated）を指定してください / this state needs a grade marked "
                             "unrated", f"{field}.special.{state.value}")
    if scale.special_grade(Special.CANNOT_JUDGE) is None:
        raise ScaleError("評価困難（判定なし）の区分が必要です / a grade for cannot be judged is required",
                         f"{field}.special.cannot_judge")


def _check_bands(scale: EvaluationScale, known: set[str], field: str) -> None:
    if scale.by_verdict:
        raise ScaleError("by_verdict と bands は同時に使えません / use either by_verdict or bands", f"{field}.rule")
    previous: float | None = None
    for i, band in enumerate(scale.bands):
        at = f"{field}.rule.bands[{i}]"
        if band.grade not in known:
            raise ScaleError(_unknown(band.grade, known), f"{at}.grade")
        if scale.grade(band.grade).unrated:
            raise ScaleError("判定なしの区分は得点率で到達できません / an unrated grade cannot be a band",
                             f"{at}.grade")
        last = i == len(scale.bands) - 1
        if band.minimum is None:
            if not last:
                raise ScaleError("下限のない区分は最後だけです / only the last band may have no lower bound",
                                 f"{at}.from")
            continue
        if not math.isfinite(band.minimum):
            raise ScaleError("下限は数値（%）です / a lower bound is a number (percent)", f"{at}.from")
        if previous is not None and band.minimum >= previous:
            raise ScaleError(f"区分は高い順に、重ならないように並べてください（{band.minimum:g} ≥ {previous:g}） / "
                             f"bands run from the highest down without overlap ({band.minimum:g} ≥ {previous:g})",
                             f"{at}.from")
        if last:
            raise ScaleError("最後の区分は下限なし（from を省く）にしてください / the last band takes everything "
                             "below: leave out its from", f"{at}.from")
        previous = band.minimum


def _check_verdict(scale: EvaluationScale, known: set[str], field: str) -> None:
    mapping = dict(scale.by_verdict)
    for verdict, key in scale.by_verdict:
        at = f"{field}.rule.by_verdict.{verdict}"
        if verdict not in _VERDICT_KEYS:
            raise ScaleError(f"評価（A〜E）か進捗状況（achieved など）を指定してください / not a rating or status: "
                             f"{verdict!r}", at)
        if key not in known:
            raise ScaleError(_unknown(key, known), at)
        if scale.grade(key).unrated:
            raise ScaleError("判定なしの区分は評価から到達できません / an unrated grade cannot be reached by a "
                             "verdict", at)
    for status in (Status.ACHIEVED, Status.ON_TRACK, Status.BEHIND, Status.NOT_ACHIEVED):
        for rating in status.ratings:
            if rating.value not in mapping and status.value not in mapping:
                raise ScaleError(f"評価 {rating.value}（{status.label_ja}）の区分がありません / no grade for rating "
                                 f"{rating.value} ({status.label_en})", f"{field}.rule.by_verdict")


#: renkei's own grades, in the words of :class:`~renkei.domain.status.Rating` (colours of the portal's badges).
DEFAULT_SCALE = EvaluationScale(
    grades=(
        Grade("A", Rating.A.label_ja, Rating.A.label_en, "#1b7d3c", "目標に達した", "target reached"),
        Grade("B", Rating.B.label_ja, Rating.B.label_en, "#0b6ad7", "期待どおりに進んでいる",
              "at or ahead of the expected pace"),
        Grade("C", Rating.C.label_ja, Rating.C.label_en, "#b05200", "期待進捗に届かないが、その50%以上",
              "below the expected progress, but at least 50% of it"),
        Grade("D", Rating.D.label_ja, Rating.D.label_en, "#b05200", "期待進捗の50%未満",
              "below 50% of the expected progress"),
        Grade("E", Rating.E.label_ja, Rating.E.label_en, "#b3112e", "目標年度の実績が目標に届かなかった",
              "the target year's actual missed the target"),
        Grade("-", Rating.NONE.label_ja, Rating.NONE.label_en, "#666e77",
              "判定できる実績がない、または目標に測定できる値がない",
              "no actual to judge yet, or a target with nothing measurable", unrated=True),
    ),
    by_verdict=tuple((r.value, r.value) for r in (Rating.A, Rating.B, Rating.C, Rating.D, Rating.E)),
    special=((Special.CANNOT_JUDGE, "-"),),
    name_ja="renkei の標準（A〜E）", name_en="renkei's default (A to E)",
)

#: 瀬戸・高松: each KPI graded by its score rate against the target (the doctests' example; docs/evaluation-scale.md).
SETO_TAKAMATSU_EXAMPLE = EvaluationScale(
    grades=(
        Grade("A", "A", "A", "#1a6b3c", "得点率86%以上", "score rate 86% or more"),
        Grade("B", "B", "B", "#1d5f8a", "得点率71%以上86%未満", "score rate 71% to under 86%"),
        Grade("C", "C", "C", "#8a5a00", "得点率56%以上71%未満", "score rate 56% to under 71%"),
        Grade("D", "D", "D", "#a8321e", "得点率56%未満", "score rate under 56%"),
        Grade("-", "評価不能", "cannot be judged", "#595959", "得点率を出せない", "no score rate", unrated=True),
    ),
    bands=(Band("A", 86), Band("B", 71), Band("C", 56), Band("D", None)),
    rate_basis=RateBasis.TARGET,
    special=((Special.CANNOT_JUDGE, "-"),),
    name_ja="得点率による評価", name_en="graded by score rate",
)

#: あきる野: F/S/A/B/C and X 未着手, Y 中止, Z 評価困難 (the doctests' example; docs/evaluation-scale.md).
AKIRUNO_EXAMPLE = EvaluationScale(
    grades=(
        Grade("F", "事業完了", "completed", "#0b4f2e"),
        Grade("S", "目標値以上", "above target", "#1a6b3c"),
        Grade("A", "目標値どおり", "on target", "#1d5f8a"),
        Grade("B", "要改善", "needs improvement", "#8a5a00"),
        Grade("C", "要大幅改善", "needs major improvement", "#a8321e"),
        Grade("X", "未着手", "not started", "#595959", unrated=True),
        Grade("Y", "中止", "stopped", "#4a4a4a", unrated=True),
        Grade("Z", "評価困難", "cannot be judged", "#3d3d3d", unrated=True),
    ),
    by_verdict=(("A", "S"), ("B", "A"), ("C", "B"), ("D", "C"), ("E", "C")),
    special=((Special.NOT_STARTED, "X"), (Special.STOPPED, "Y"), (Special.CANNOT_JUDGE, "Z"), (Special.COMPLETED, "F")),
    name_ja="あきる野市の評価区分", name_en="Akiruno's grades",
)
