"""Search terms and the other spellings they match: a term with kana also matches its reading (子ども = こども).

Japanese writes one word several ways (子ども・こども・コドモ). Katakana and hiragana are already one in the folded
text (:func:`renkei.domain.text.fold_for_search`), and each project's text carries its name's reading (stored at
import). So a term also matches by its reading, in hiragana, when it has kana in it: こども finds 子ども食堂 through
the stored reading こどもしょくどう, and 子ども finds こども文化パスポート. A term of kanji only (市長) matches as
written: read as しちょう it would also find every 市町, and a person typing kanji means those kanji.
"""

from __future__ import annotations

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


def query_variants(query: str) -> list[tuple[str, ...]]:
    """Return each term of a query with its variants (empty for an empty query).

    >>> query_variants("子ども　ＤＸ")
    [('子ども', 'こども'), ('dx',)]
    """
    return [term_variants(term) for term in search_terms(query)]
