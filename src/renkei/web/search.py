"""Search over the portal's prepared text: every field a citizen reads, folded once per plan build.

Japanese has no spaces between words, so a term matches anywhere in a project's text. Text and terms are folded
alike by :func:`renkei.domain.text.fold_for_search` (width, case, katakana = hiragana, middle dots, and
``U・Iターン`` also read as ``Uターン`` and ``Iターン``). A term written with kana also matches by its reading
(子ども finds こども, こども finds 子ども食堂), and a place name by its reading (かんだ finds 苅田町's projects: see
:mod:`renkei.web.search_terms`). The prepared text lives with the
plan's read model, so a search reads nothing from the database and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from renkei.domain.plan import Project
from renkei.domain.text import fold_for_search
from renkei.web.search_terms import MemberReadings, query_variants


def searchable_text(project: Project) -> str:
    """Return a project's searchable text: name, content, effects, roles, category, partners and KPIs, folded.

    >>> from renkei.domain.plan import Project, Role
    >>> text = searchable_text(Project("北九州市U・Iターン応援プロジェクト", 1, roles=(Role("連携市町", ("周知",)),)))
    >>> "uたーん" in text and "周知" in text
    True
    """
    parts = [
        project.name, project.description or "", *project.effects,
        *(f"{role.party} {' '.join(role.duties)}" for role in project.roles),
        project.category_label if project.category else "", project.category.subtitle or "" if project.category else "",
        project.policy_area_label if project.policy_area else "",
        project.partners.text or "", *project.partners.municipalities, *project.partners.outside_area,
        *(f"{kpi.indicator} {kpi.baseline.text} {kpi.target.text}" for kpi in project.kpis),
        project.cost_sharing.text or "",
        project.reading or "",  # こども finds 子ども食堂 by its reading
    ]
    return fold_for_search("\n".join(p for p in parts if p))


def match_projects(documents: dict[str, str], query: str, readings: MemberReadings = ()) -> set[str] | None:
    """Return the keys whose text holds every term of the query; None for an empty query (no filtering).

    A term in kana that begins a member's reading also matches the member's name (``readings``: かんだ → 苅田町).

    >>> match_projects({"a": "こども文化ぱすぽーと", "b": "移住"}, "コドモ　文化")
    {'a'}
    >>> match_projects({"a": "x"}, "   ") is None
    True
    >>> match_projects({"a": "連携市町 苅田町", "b": "行橋市"}, "かんだ", [("かんだまち", "苅田町")])
    {'a'}
    """
    terms = query_variants(query, readings)
    if not terms:
        return None
    # Term by term over the texts still matching, each variant one comprehension (the search is ``in`` in C; nested
    # generators per text cost more than the search itself at 10,000 texts).
    matching: Iterable[tuple[str, str]] = documents.items()
    for term in terms:
        if len(term) == 1:
            (variant,) = term
            matching = [(key, text) for key, text in matching if variant in text]
            continue
        found: set[str] = set()
        for variant in term:
            found |= {key for key, text in matching if variant in text}
        matching = [(key, text) for key, text in matching if key in found]
    return {key for key, _ in matching}
