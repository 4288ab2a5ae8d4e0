"""Progress status (進捗状況) and rating (評価) of a KPI, and the one vocabulary every channel shows them in.

The words are defined here once: the portal's badges, filters and tallies, the API, the PDF report, the open
data, ``renkei progress`` and the docs all take them from :attr:`Status.label_ja`, :attr:`Rating.label_ja`,
:func:`label_verdict` and :func:`rating_legend` (and their English twins).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

#: Slack for comparing ratios computed in floating point (2/5 × 0.5 against 1/5).
EPSILON = 1e-9


class Status(StrEnum):
    """Where a KPI stands in a fiscal year.

    - ``achieved`` (達成): the target is reached; a target to hold (every year, a rate per year, 維持) only once
      the target year is reported and holds.
    - ``on_track`` (順調): not reached yet, but at or ahead of the expected pace; or a target to hold that holds
      so far.
    - ``behind`` (遅れ): below the expected pace at the latest reported year.
    - ``not_achieved`` (未達成): the target year's actual (or a later one) is reported and misses the target.
    - ``no_data`` (実績未入力): nothing recorded that the rule could judge.
    - ``not_measurable`` (測定不能): the target states nothing measurable (「-」).
    """

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NOT_ACHIEVED = "not_achieved"
    NO_DATA = "no_data"
    NOT_MEASURABLE = "not_measurable"

    @property
    def label_ja(self) -> str:
        """Return the Japanese label shown to planning staff."""
        return _LABELS_JA[self]

    @property
    def label_en(self) -> str:
        """Return the English label."""
        return self.value.replace("_", " ")

    @property
    def ratings(self) -> tuple[Rating, ...]:
        """Return the ratings a KPI with this status can have (遅れ is C or D; no data is not rated).

        >>> "・".join(r.value for r in Status.BEHIND.ratings)
        'C・D'
        """
        return _STATUS_RATINGS[self]


_LABELS_JA = {
    Status.ACHIEVED: "達成",
    Status.ON_TRACK: "順調",
    Status.BEHIND: "遅れ",
    Status.NOT_ACHIEVED: "未達成",
    Status.NO_DATA: "実績未入力",
    Status.NOT_MEASURABLE: "測定不能",
}


class Rating(StrEnum):
    """A letter rating: A 達成, B 順調, C やや遅れ, D 遅れ, E 未達成, ``-`` 判定なし.

    C and D split 遅れ (behind) by pace (:class:`Thresholds`). E is the rating of 未達成: the target year is
    reported and the target missed, which no pace can mend.

    >>> Rating.C.label_ja, Rating.C.label_en
    ('やや遅れ', 'slightly behind')
    """

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    NONE = "-"

    @property
    def label_ja(self) -> str:
        """Return the Japanese word for the rating."""
        return _RATING_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """Return the English words for the rating."""
        return _RATING_LABELS[self][1]


_RATING_LABELS = {
    Rating.A: ("達成", "achieved"),
    Rating.B: ("順調", "on track"),
    Rating.C: ("やや遅れ", "slightly behind"),
    Rating.D: ("遅れ", "behind"),
    Rating.E: ("未達成", "not achieved"),
    Rating.NONE: ("判定なし", "not rated"),
}

_STATUS_RATINGS = {
    Status.ACHIEVED: (Rating.A,),
    Status.ON_TRACK: (Rating.B,),
    Status.BEHIND: (Rating.C, Rating.D),
    Status.NOT_ACHIEVED: (Rating.E,),
    Status.NO_DATA: (Rating.NONE,),
    Status.NOT_MEASURABLE: (Rating.NONE,),
}


def label_verdict(status: Status, rating: Rating, lang: str = "ja") -> str:
    """Name what a KPI's badge says: the rating's word, or the status's when the KPI is not rated.

    >>> label_verdict(Status.BEHIND, Rating.C), label_verdict(Status.BEHIND, Rating.D)
    ('やや遅れ', '遅れ')
    >>> label_verdict(Status.NO_DATA, Rating.NONE), label_verdict(Status.NOT_MEASURABLE, Rating.NONE, "en")
    ('実績未入力', 'not measurable')
    """
    if rating is Rating.NONE:
        return status.label_en if lang == "en" else status.label_ja
    return rating.label_en if lang == "en" else rating.label_ja


def label_status_group(status: Status, lang: str = "ja") -> str:
    """Name a status as a group of ratings, for filters and tallies: 遅れ（C・D）.

    >>> label_status_group(Status.BEHIND), label_status_group(Status.ACHIEVED, "en")
    ('遅れ（C・D）', 'achieved (A)')
    >>> label_status_group(Status.NO_DATA)
    '実績未入力'
    """
    letters = [r.value for r in status.ratings if r is not Rating.NONE]
    if lang == "en":
        return f"{status.label_en} ({', '.join(letters)})" if letters else status.label_en
    return f"{status.label_ja}（{'・'.join(letters)}）" if letters else status.label_ja


def read_status(text: str) -> Status:
    """Read a status from its value or Japanese label.

    >>> read_status("on_track")
    <Status.ON_TRACK: 'on_track'>
    >>> read_status(" 達成 ")
    <Status.ACHIEVED: 'achieved'>
    >>> read_status("late")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: unknown status 'late' (expected one of achieved, on_track, behind, not_achieved, ...)
    """
    key = text.strip()
    for status in Status:
        if key in (status.value, status.label_ja, status.label_en):
            return status
    names = ", ".join(s.value for s in Status)
    raise ValueError(f"unknown status {text!r} (expected one of {names})")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where the pace boundaries lie, as fractions of the expected progress.

    A KPI is on track when ``progress >= on_track × expected``; a KPI behind rates C when
    ``progress >= c_rating × expected`` and D below that.

    >>> Thresholds(c_rating=0.7).c_rating
    0.7
    >>> Thresholds(c_rating=1.5)
    Traceback (most recent call last):
    ...
    ValueError: thresholds need 0 <= c_rating (1.5) <= on_track (1.0)
    """

    on_track: float = 1.0
    c_rating: float = 0.5

    def __post_init__(self) -> None:
        finite = math.isfinite(self.on_track) and math.isfinite(self.c_rating)
        if not finite or not 0 <= self.c_rating <= self.on_track:
            raise ValueError(
                f"thresholds need 0 <= c_rating ({self.c_rating}) <= on_track ({self.on_track})"
            )


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One line of the legend (凡例) beside a group of badges: a rating, its word and what it means."""

    rating: Rating
    #: The status whose colour the badge wears (実績未入力's for ``-``).
    status: Status
    label_ja: str
    label_en: str
    meaning_ja: str
    meaning_en: str

    @property
    def mark(self) -> str:
        """Return the rating's letter (``-`` when not rated)."""
        return self.rating.value


def rating_legend(thresholds: Thresholds | None = None) -> tuple[LegendEntry, ...]:
    """Return the legend of the ratings, A to E then ``-``, with the pace boundary of C and D in words.

    >>> [(e.mark, e.label_ja) for e in rating_legend()][2:4]
    [('C', 'やや遅れ'), ('D', '遅れ')]
    >>> rating_legend()[2].meaning_ja
    '期待進捗に届かないが、その50%以上'
    >>> rating_legend()[-1].label_ja
    '判定なし（実績未入力・測定不能）'
    """
    share = round((thresholds or Thresholds()).c_rating * 100)
    none_ja = f"{Rating.NONE.label_ja}（{Status.NO_DATA.label_ja}・{Status.NOT_MEASURABLE.label_ja}）"
    none_en = f"{Rating.NONE.label_en} ({Status.NO_DATA.label_en}, {Status.NOT_MEASURABLE.label_en})"
    rows = (
        (Rating.A, Status.ACHIEVED, "目標に達した（毎年度・維持の目標は目標年度まで満たしたとき）",
         "target reached (a target to hold: held through the target year)"),
        (Rating.B, Status.ON_TRACK, "期待どおりに進んでいる（毎年度・維持の目標は満たし続けている）",
         "at or ahead of the expected pace (a target to hold: held so far)"),
        (Rating.C, Status.BEHIND, f"期待進捗に届かないが、その{share}%以上",
         f"below the expected progress, but at least {share}% of it"),
        (Rating.D, Status.BEHIND, f"期待進捗の{share}%未満", f"below {share}% of the expected progress"),
        (Rating.E, Status.NOT_ACHIEVED, "目標年度の実績が目標に届かなかった",
         "the target year's actual missed the target"),
    )
    entries = [LegendEntry(r, s, r.label_ja, r.label_en, ja, en) for r, s, ja, en in rows]
    entries.append(LegendEntry(Rating.NONE, Status.NO_DATA, none_ja, none_en,
                               "判定できる実績がない、または目標に測定できる値がない",
                               "no actual to judge yet, or a target with nothing measurable"))
    return tuple(entries)


def judge_pace(progress: float, expected: float, thresholds: Thresholds) -> Status:
    """Judge progress against the expected progress: on track or behind.

    >>> judge_pace(0.40, 0.40, Thresholds())
    <Status.ON_TRACK: 'on_track'>
    >>> judge_pace(0.286, 0.333, Thresholds())
    <Status.BEHIND: 'behind'>
    """
    return Status.ON_TRACK if progress >= thresholds.on_track * expected - EPSILON else Status.BEHIND


def rate_status(
    status: Status, progress: float | None, expected: float | None, thresholds: Thresholds
) -> Rating:
    """Rate a status: achieved A, on track B, behind C or D by pace, otherwise ``-``.

    A KPI behind without a progress figure (no baseline to measure from) rates C.

    >>> rate_status(Status.BEHIND, 0.286, 0.333, Thresholds())
    <Rating.C: 'C'>
    >>> rate_status(Status.BEHIND, 0.1, 0.4, Thresholds())
    <Rating.D: 'D'>
    >>> rate_status(Status.NO_DATA, None, 0.4, Thresholds())
    <Rating.NONE: '-'>
    >>> rate_status(Status.NOT_ACHIEVED, 0.9, 1.0, Thresholds())
    <Rating.E: 'E'>
    """
    if status is Status.ACHIEVED:
        return Rating.A
    if status is Status.NOT_ACHIEVED:
        return Rating.E
    if status is Status.ON_TRACK:
        return Rating.B
    if status is not Status.BEHIND:
        return Rating.NONE
    if progress is None or expected is None:
        return Rating.C
    return Rating.C if progress >= thresholds.c_rating * expected - EPSILON else Rating.D


#: How pressing a status is, for 「遅れを先に」 sorting and a project's badge: 未達成 first.
STATUS_PRIORITY: dict[Status, int] = {
    Status.NOT_ACHIEVED: 0,
    Status.BEHIND: 1,
    Status.ON_TRACK: 2,
    Status.NO_DATA: 3,
    Status.ACHIEVED: 4,
    Status.NOT_MEASURABLE: 5,
}

#: How pressing a rating is: E, then D before C, …
RATING_PRIORITY: dict[Rating, int] = {
    Rating.E: 0, Rating.D: 1, Rating.C: 2, Rating.B: 3, Rating.NONE: 4, Rating.A: 5,
}
