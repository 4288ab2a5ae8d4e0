"""What a verdict badge says and the legend (凡例) beside every group of badges, in the page's language.

The words come from :mod:`renkei.domain.status` (:func:`~renkei.domain.status.label_verdict`,
:func:`~renkei.domain.status.rating_legend`), the same the PDF report, the open data and ``renkei progress``
print, so a badge reads 「やや遅れ C」 on every page and in every file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from renkei.domain.status import Rating, Status, Thresholds, label_verdict, rating_legend


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One entry of a legend: the badge's colour (a status), its letter, its word and what it means."""

    status: str
    mark: str
    label: str
    meaning: str


def badge_words(status: Status | str, rating: Rating | str | None, lang: str) -> tuple[str, str]:
    """Return what a badge says: the verdict's word and its letter (a status alone names all its letters).

    >>> badge_words("behind", "C", "ja"), badge_words("behind", "D", "ja")
    (('やや遅れ', 'C'), ('遅れ', 'D'))
    >>> badge_words("behind", None, "ja"), badge_words("behind", None, "en")
    (('遅れ', 'C・D'), ('behind', 'C, D'))
    >>> badge_words("no_data", "-", "ja"), badge_words("not_measurable", None, "en")
    (('実績未入力', ''), ('not measurable', ''))
    """
    status = Status(status)
    if rating is None:
        letters = (", " if lang == "en" else "・").join(r.value for r in status.ratings if r is not Rating.NONE)
        return (status.label_en if lang == "en" else status.label_ja), letters
    rating = Rating(rating)
    return label_verdict(status, rating, lang), ("" if rating is Rating.NONE else rating.value)


@cache
def legend_items(lang: str, thresholds: Thresholds | None = None) -> tuple[LegendItem, ...]:
    """Return the legend of the ratings in the language, A to E then ``-``.

    >>> [f"{i.mark} {i.label}" for i in legend_items("ja")][:3]
    ['A 達成', 'B 順調', 'C やや遅れ']
    >>> legend_items("en")[3].meaning
    'below 50% of the expected progress'
    """
    english = lang == "en"
    return tuple(
        LegendItem(status=e.status.value, mark=e.mark, label=e.label_en if english else e.label_ja,
                   meaning=e.meaning_en if english else e.meaning_ja)
        for e in rating_legend(thresholds)
    )
