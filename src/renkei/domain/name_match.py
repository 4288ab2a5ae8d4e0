"""Near names: how a written name (a project, an indicator) is compared with the names a plan has.

One rule for every channel that matches a name someone typed against the plan's own: both are folded
(:func:`renkei.domain.text.fold`: width, white space) and scored by rapidfuzz's ratio (0-100). The actuals import
offers the nearest name as "did you mean" (``services/actuals.py::suggest``); the mapping of an area's own sheet
(``reading/actuals_mapping.py``) takes a name as meaning a KPI only at :data:`MATCH_CUTOFF` or above, and shows the
score, so nothing is guessed silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from renkei.domain.text import fold

#: Lowest score (0-100) at which a near name is offered as "did you mean".
SUGGESTION_CUTOFF = 60.0
#: Lowest score (0-100) at which a written name is taken to mean a plan's name without being confirmed by hand.
MATCH_CUTOFF = 80.0


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A plan's name near a written one, with the score (0-100; 100 is the same name once folded)."""

    name: str
    score: float


def rank_names(written: str, choices: Iterable[str], *, cutoff: float = SUGGESTION_CUTOFF,
               limit: int = 5) -> list[NameMatch]:
    """Return the choices at ``cutoff`` or above, nearest first (a tie keeps the choices' order).

    >>> [(m.name, round(m.score)) for m in rank_names("観光入込客数", ["観光入込客数", "観光客の入込数", "防災訓練"])]
    [('観光入込客数', 100), ('観光客の入込数', 77)]
    >>> rank_names("ＷＥＢ ページ閲覧数", ["WEBページ閲覧数"])[0].score
    100.0
    """
    from rapidfuzz import fuzz, process  # only when a name is to be matched: an import of good rows needs none

    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(fold(choice), choice)
    if not folded:
        return []
    found = process.extract(fold(written), list(folded), scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)
    return [NameMatch(folded[text], float(score)) for text, score, _ in found]


def nearest_name(written: str, choices: Iterable[str], *, cutoff: float = SUGGESTION_CUTOFF) -> NameMatch | None:
    """Return the choice nearest to a written name at ``cutoff`` or above, or None.

    >>> nearest_name("火災原因調査鑑識鑑定連携事業", ["火災原因調査鑑識・鑑定連携事業", "ふくおか水素戦略事業"]).name
    '火災原因調査鑑識・鑑定連携事業'
    >>> nearest_name("まったく別の名前", ["火災原因調査鑑識・鑑定連携事業"]) is None
    True
    """
    ranked = rank_names(written, choices, cutoff=cutoff, limit=1)
    return ranked[0] if ranked else None
