"""Search terms and the other spellings they match: a term with kana also matches its reading (子ども = こども).

Japanese writes one word several ways (子ども・こども・コドモ). Katakana and hiragana are already one in the folded
text (:func:`renkei.domain.text.fold_for_search`), and each project's text carries its name's reading (stored at
import). So a term also matches by its reading, in hiragana, when it has kana in it: こども finds 子ども食堂 through
the stored reading こどもしょくどう, and 子ども finds こども文化パスポート. A term of kanji only (市長) matches as
written: read as しちょう it would also find every 市町, and a person typing kanji means those kanji.

Place names are found by their reading too: a term in kana that begins a member's reading (the national code
list's kana, stored with the municipality) also matches the member's name, so かんだ finds every project 苅田町
takes part in and ゆくはし those of 行橋市 (:func:`reads_as`). The static copy's search applies the same rule in
the browser (``static/js/site-search.js``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from renkei.domain.text import fold_for_search, search_terms
from renkei.services.furigana import kana_reading


def has_kana(term: str) -> bool:
    """Tell whether a folded term holds a kana letter (hiragana after folding; ー alone does not count).

    >>> has_kana("子ども"), has_kana("市長"), has_kana("dx"), has_kana("ー")
    (True, False, False, False)
    """
    return any("ぁ" <= ch <= "ゖ" for ch in term)


@lru_cache(maxsize=4096)
def term_variants(term: str) -> tuple[str, ...]:
    """Return a folded term and, when it has kana and its reading differs, the reading folded alike.

    >>> term_variants("子ども"), term_variants("こども"), term_variants("市長")
    (('子ども', 'こども'), ('こども',), ('市長',))
    """
    if not has_kana(term) or all("ぁ" <= ch <= "ゖ" or ch == "ー" for ch in term):
        return (term,)
    reading = kana_reading(term)
    folded = fold_for_search(reading) if reading else ""
    return (term, folded) if folded and folded != term else (term,)


#: The endings of a municipality's reading (市 し, 町 まち or ちょう, 村 むら or そん), longest first.
READING_ENDINGS = ("ちょう", "まち", "むら", "そん", "し")
#: Members' readings and names, both folded for search: ((かんだまち, 苅田町), …).
MemberReadings = Sequence[tuple[str, str]]


def reading_stem(reading: str) -> str:
    """Return a municipality's reading without its ending.

    >>> reading_stem("かんだまち"), reading_stem("ゆくはしし"), reading_stem("おんがちょう"), reading_stem("し")
    ('かんだ', 'ゆくはし', 'おんが', 'し')
    """
    for ending in READING_ENDINGS:
        if reading.endswith(ending) and len(reading) > len(ending):
            return reading[: -len(ending)]
    return reading


def reads_as(term: str, reading: str) -> bool:
    """Tell whether a kana term is how a place's reading begins: three letters or more, or its whole stem.

    Two letters would name too many places (かん, きた), and an ending alone none in particular (まち).

    >>> [reads_as(t, "かんだまち") for t in ("かんだ", "かんだまち", "かん", "まち", "苅田", "かんだまちや")]
    [True, True, False, False, False, False]
    >>> reads_as("いが", "いがし"), reads_as("ユクハシ", "ゆくはしし")
    (True, False)
    """
    if not term or not all("ぁ" <= ch <= "ゖ" or ch == "ー" for ch in term):
        return False
    return reading.startswith(term) and (len(term) >= 3 or term == reading_stem(reading))


def query_variants(query: str, readings: MemberReadings = ()) -> list[tuple[str, ...]]:
    """Return each term of a query with its variants (empty for an empty query).

    ``readings`` are the members' (reading, name), folded: a term that begins a member's reading also matches its name.

    >>> query_variants("子ども　ＤＸ")
    [('子ども', 'こども'), ('dx',)]
    >>> query_variants("カンダ 研修", [("かんだまち", "苅田町"), ("ゆくはしし", "行橋市")])
    [('かんだ', '苅田町'), ('研修',)]
    """
    variants = []
    for term in search_terms(query):
        names = tuple(name for reading, name in readings if reads_as(term, reading))
        variants.append(term_variants(term) + names)
    return variants
