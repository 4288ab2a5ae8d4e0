"""What to try when a search finds nothing: drop a filter, drop the keyword, a close name, a municipality.

Every suggestion is a link with the number of results it leads to, so a visitor never follows one to another
empty page. Close names come from rapidfuzz over the folded project names; municipalities match by name or by how
their reading begins (ゆくはし finds 行橋市, see :func:`renkei.web.search_terms.reads_as`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from renkei.domain.municipality import Municipality
from renkei.domain.text import fold_for_search, search_terms
from renkei.web.listing import ProjectFilter
from renkei.web.readmodel import FACETS
from renkei.web.search_terms import reads_as, term_variants

#: Least rapidfuzz partial ratio (0-100) for a name to count as close to the query.
CLOSE_NAME_CUTOFF = 70
CLOSE_NAMES = 3


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A link worth trying: its kind (for the wording), what it names, where it goes and how many it finds.

    Kinds: ``drop_filter`` (label: the filter's value), ``drop_query``, ``drop_filters``, ``term`` (one term of
    several, alone), ``name`` (a close project name), ``municipality`` (its page) and ``municipality_filter``.
    """

    kind: str
    label: str
    href: str
    count: int | None = None


def close_names(query: str, names: Mapping[str, str], *, limit: int = CLOSE_NAMES,
                cutoff: int = CLOSE_NAME_CUTOFF) -> list[str]:
    """Return the keys of the names closest to the query (folded alike), best first; none for a one-letter query.

    >>> names = {"a": "こども文化パスポート事業", "b": "苅田町", "c": "水道技術研修の実施"}
    >>> close_names("こども文化パスポト", names), close_names("荻田町", names), close_names("xyz", names)
    (['a'], ['b'], [])
    """
    folded = fold_for_search(query).strip()
    if len(folded) < 2:
        return []
    choices = {key: fold_for_search(name) for key, name in names.items()}
    found = process.extract(folded, choices, scorer=fuzz.partial_ratio, limit=limit, score_cutoff=cutoff)
    return [key for _name, _score, key in found]


def matching_members(query: str, members: Sequence[Municipality]) -> list[Municipality]:
    """Return the members each term of the query names: in their name, or in kana as their reading begins.

    The reading follows :func:`renkei.web.search_terms.reads_as` (かんだ, ゆくはし; not まち, which towns end with).

    >>> towns = [Municipality("402133", "行橋市", "福岡県", "ゆくはしし"),
    ...          Municipality("406210", "苅田町", "福岡県", "かんだまち")]
    >>> [m.name for m in matching_members("ユクハシ", towns)], [m.name for m in matching_members("苅田", towns)]
    (['行橋市'], ['苅田町'])
    >>> [m.name for m in matching_members("かんだ", towns)], matching_members("まち", towns)
    (['苅田町'], [])
    """
    terms = search_terms(query)
    found = []
    for member in members:
        name, reading = fold_for_search(member.name), fold_for_search(member.kana)
        if terms and all(any(v in name for v in term_variants(term)) or reads_as(term, reading) for term in terms):
            found.append(member)
    return found


def suggest(
    *,
    chosen: ProjectFilter,
    count: Callable[[ProjectFilter], int],
    label: Callable[[str, str], str],
    href: Callable[[Mapping[str, str | None]], str],
    names: Mapping[str, str],
    name_href: Callable[[str], str],
    members: Sequence[Municipality] = (),
    member_href: Callable[[str], str] | None = None,
) -> list[Suggestion]:
    """Return what to try after an empty result, each with the number of results it gives (never 0).

    ``count`` counts the results of another filter; ``label(facet, value)`` names a chosen value; ``href`` makes
    the link of this page with some parameters changed (None removes one); ``names`` are project names by key,
    ``name_href`` the link of one.
    """
    found: list[Suggestion] = []

    def offer(kind: str, text: str, changes: Mapping[str, str | None], other: ProjectFilter) -> None:
        n = count(other)
        if n:
            found.append(Suggestion(kind, text, href({**changes, "page": None}), n))

    active = [name for name in FACETS if getattr(chosen, name)]
    for name in active:
        offer("drop_filter", label(name, getattr(chosen, name)), {name: None}, chosen.without(name))
    if chosen.q and len(active) > 1:
        offer("drop_filters", chosen.q, {name: None for name in active},
              ProjectFilter(q=chosen.q, sort=chosen.sort))
    if chosen.q and active:
        offer("drop_query", chosen.q, {"q": None}, chosen.without("q"))
    terms = search_terms(chosen.q)
    if len(terms) > 1:
        for term in chosen.q.split():
            offer("term", term, {"q": term}, replace(chosen, q=term))
    if chosen.q:
        for member in matching_members(chosen.q, members):
            if member_href is not None:
                found.append(Suggestion("municipality", member.name, member_href(member.code)))
            offer("municipality_filter", member.name, {"q": None, "municipality": member.code},
                  replace(chosen, q="", municipality=member.code))
        for key in close_names(chosen.q, names):
            found.append(Suggestion("name", names[key], name_href(key)))
    return found
