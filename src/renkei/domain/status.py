"""Progress status (進捗状況) and rating (評価) of a KPI, shared by actuals and evaluations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

#: Slack for comparing ratios computed in floating point (2/5 × 0.5 against 1/5).
EPSILON = 1e-9


class Status(StrEnum):
    """Where a KPI stands in a fiscal year.

    - ``achieved`` (達成): the target is reached (held, for a maintain or every-year KPI).
    - ``on_track`` (順調): not reached yet, but at or ahead of the expected pace.
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


_LABELS_JA = {
    Status.ACHIEVED: "達成",
    Status.ON_TRACK: "順調",
    Status.BEHIND: "遅れ",
    Status.NOT_ACHIEVED: "未達成",
    Status.NO_DATA: "実績未入力",
    Status.NOT_MEASURABLE: "測定不能",
}


class Rating(StrEnum):
    """A letter rating: A achieved, B on track, C somewhat behind, D well behind, E not achieved, ``-`` not rated.

    E is the rating of 未達成: the target year is reported and the target missed, which no pace can mend.
    """

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    NONE = "-"


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
