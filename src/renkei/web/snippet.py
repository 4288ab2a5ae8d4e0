"""Search snippets: where in a project the terms were found, as escaped text with the matches in ``<mark>``.

Terms are folded (width, case, kana, middle dots) before they are matched, so a match is found in the folded text
and mapped back to the characters as written: ＤＸ in the document is marked for a search for dx. Everything
around a mark is escaped; only ``<mark>`` is markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from renkei.domain.plan import Project
from renkei.domain.text import fold_for_search
from renkei.web.search_terms import MemberReadings, query_variants

#: Characters kept either side of the first match in a snippet.
BEFORE, AFTER = 24, 56
ELLIPSIS = "…"


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    return fold_for_search(char)


def _folded_with_index(text: str) -> tuple[str, list[int]]:
    """Fold text character by character, remembering which written character each folded one came from."""
    folded: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        for piece in _fold_char(char):
            folded.append(piece)
            index.append(position)
    return "".join(folded), index


def _slow_span(text: str, term: str) -> tuple[int, int] | None:
    """Find a match the character fold cannot see (``U・Iターン`` read as ``Uターン``) by folding whole prefixes."""
    if term not in fold_for_search(text):
        return None
    low, high = 1, len(text)
    while low < high:  # the shortest prefix whose fold holds the term
        middle = (low + high) // 2
        if term in fold_for_search(text[:middle]):
            high = middle
        else:
            low = middle + 1
    start = low - 1
    while start > 0 and term not in fold_for_search(text[start:low]):
        start -= 1
    return start, low


def find_spans(text: str, variants: Iterable[Sequence[str]]) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the written text where any variant of any term occurs, merged, in order.

    >>> find_spans("ＤＸ人材育成研修、DX推進", [("dx",)])
    [(0, 2), (9, 11)]
    >>> find_spans("北九州市U・Iターン応援", [("uたーん",)])
    [(4, 10)]
    >>> find_spans("こども文化", [("子ども", "こども")])
    [(0, 3)]
    """
    folded, index = _folded_with_index(text)
    spans: list[tuple[int, int]] = []
    for term in variants:
        found = False
        for variant in term:
            if not variant:
                continue
            start = folded.find(variant)
            while start >= 0:
                found = True
                spans.append((index[start], index[start + len(variant) - 1] + 1))
                start = folded.find(variant, start + len(variant))
        if not found:
            for variant in term:
                span = _slow_span(text, variant) if variant else None
                if span is not None:
                    spans.append(span)
                    break
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: Sequence[tuple[int, int]], window: tuple[int, int] | None = None) -> Markup:
    """Return text (or the window of it) escaped, with the spans inside ``<mark>``.

    >>> str(mark("a<b>c", [(1, 4)]))
    'a<mark>&lt;b&gt;</mark>c'
    """
    low, high = window or (0, len(text))
    out: list[str] = [ELLIPSIS if low > 0 else ""]
    cursor = low
    for start, end in spans:
        start, end = max(start, low), min(end, high)
        if start >= end:
            continue
        out.append(str(escape(text[cursor:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(str(escape(text[cursor:high])))
    out.append(ELLIPSIS if high < len(text) else "")
    return Markup("".join(out))


def highlight(text: str, query: str, readings: MemberReadings = ()) -> Markup:
    """Return text escaped with every match of the query marked (the whole text; for names and titles).

    >>> str(highlight("こども文化パスポート事業", "コドモ 事業"))
    '<mark>こども</mark>文化パスポート<mark>事業</mark>'
    >>> str(highlight("<script>", ""))
    '&lt;script&gt;'
    >>> str(highlight("苅田町の取組", "かんだ", [("かんだまち", "苅田町")]))
    '<mark>苅田町</mark>の取組'
    """
    return mark(text, find_spans(text, query_variants(query, readings)))


@dataclass(frozen=True, slots=True)
class Snippet:
    """Where a search matched: the field's message key and the text around the match, marked."""

    field: str
    text: Markup


def _fields(project: Project) -> Iterable[tuple[str, str]]:
    """Yield the project's searchable fields other than its name, as (message key, written text)."""
    yield "project.description", project.description or ""
    for effect in project.effects:
        yield "project.effects", effect
    for role in project.roles:
        yield "project.roles", f"{role.party}: {'、'.join(role.duties)}"
    for kpi in project.kpis:
        yield "col.indicator", f"{kpi.indicator}（{kpi.baseline.text} → {kpi.target.text}）"
    if project.category:
        yield "col.category", project.category.label + (f"（{project.category.subtitle}）"
                                                         if project.category.subtitle else "")
    if project.policy_area:
        yield "col.policy_area", project.policy_area.label
    yield "project.partners", project.partners.text or "、".join(project.partners.municipalities)
    yield "project.cost", project.cost_sharing.text or ""
    yield "search.reading", fold_for_search(project.reading or "")


def find_snippet(project: Project, query: str, readings: MemberReadings = ()) -> Snippet | None:
    """Return the first field (after the name) where a term of the query occurs, cut around the match.

    None when the query is empty or only the name matches. ``readings`` let a place's reading mark its name.

    >>> from renkei.domain.plan import Project
    >>> found = find_snippet(Project("研修", 1, description="職員の<DX>研修を実施し、DX人材を育てる。"), "ｄｘ")
    >>> found.field, str(found.text)
    ('project.description', '職員の&lt;<mark>DX</mark>&gt;研修を実施し、<mark>DX</mark>人材を育てる。')
    """
    variants = query_variants(query, readings)
    if not variants:
        return None
    for field, text in _fields(project):
        if not text:
            continue
        spans = find_spans(text, variants)
        if spans:
            first = spans[0][0]
            low = max(0, first - BEFORE)
            sentence = max(text.rfind("。", low, first), text.rfind("\n", low, first))
            low = sentence + 1 if sentence >= 0 else low  # start at a sentence when one starts nearby
            high = min(len(text), max(spans[0][1], first + AFTER))
            return Snippet(field, mark(text, spans, (low, high)))
    return None
