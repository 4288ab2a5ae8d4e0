"""Text folds: the one way names are matched (``fold``) and the one way text is searched (``fold_for_search``).

Matching a project or an indicator must not depend on full-width letters or stray spaces, so keys are
``fold(name)``. Searching is looser: it also ignores case, katakana against hiragana (こども = コドモ) and the
middle dot of joined words, and a joined ``U・Iターン`` also reads as ``Uターン`` and ``Iターン``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Katakana ァ..ヶ map to hiragana ぁ..ゖ by a fixed offset.
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}

#: Marks that join or separate words without meaning anything for a search.
_JOINERS = str.maketrans("", "", "・･·‧")

#: ``U・Iターン``: single letters joined by a middle dot in front of a shared word.
_JOINED_LETTERS = re.compile(r"((?:[A-Za-z]・)+[A-Za-z])([^\sA-Za-z・]\S*)")


# Characters NFKC leaves as they are and that never combine with the one before: kanji (the unified block),
# hiragana and katakana as Japanese is typed, their marks (々 、 。 ・ ー) and brackets (「」【】〔〕),
# and printable ASCII. Tests check every one of them.
_STABLE = "\u4e00-\u9fff\u3041-\u3096\u30a1-\u30fc\u3005\u3001\u3002\u3008-\u3011\u3014-\u301b\u0020-\u007e"
_NFKC_STABLE = re.compile(f"[{_STABLE}]*")
# The same with full-width ASCII and the ideographic space, which NFKC turns into their ASCII forms.
_NFKC_WIDE = re.compile(f"[{_STABLE}\uff01-\uff5e\u3000]*")
_WIDE_CHARACTER = re.compile("[\uff01-\uff5e\u3000]")
_ASCII_OF = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}


def _to_ascii(match: re.Match[str]) -> str:
    return _ASCII_OF[match.group()]


def nfkc(text: str) -> str:
    """Return ``unicodedata.normalize("NFKC", text)``, at once for the characters Japanese documents are made of.

    Normalising looks every character up in the Unicode tables: for thousands of different names that was most
    of the time a fold took.

    >>> nfkc("ＤＸ人材育成（その２）"), nfkc("広域連携の推進"), nfkc("ｶﾞｲﾄﾞ")
    ('DX人材育成(その2)', '広域連携の推進', 'ガイド')
    """
    if _NFKC_STABLE.fullmatch(text):
        return text
    if _NFKC_WIDE.fullmatch(text):
        return _WIDE_CHARACTER.sub(_to_ascii, text)
    return unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Fold a name for matching: NFKC, no white space.

    >>> fold("新任課長・係長研修の 実施")
    '新任課長・係長研修の実施'
    >>> fold("ＤＸ人材育成研修")
    'DX人材育成研修'
    """
    return "".join(nfkc(text).split())


def hiragana(text: str) -> str:
    """Turn katakana into hiragana, leaving everything else as it is.

    >>> hiragana("コドモ文化パスポート")
    'こども文化ぱすぽーと'
    """
    return text.translate(_KATAKANA_TO_HIRAGANA)


def _expand_joined(text: str) -> str:
    """Add ``Uターン Iターン`` after ``U・Iターン`` so that each word is found on its own."""
    def spread(match: re.Match[str]) -> str:
        letters, word = match.group(1).split("・"), match.group(2)
        return match.group(0) + " " + " ".join(letter + word for letter in letters)

    return _JOINED_LETTERS.sub(spread, text)


def fold_for_search(text: str) -> str:
    """Fold text for searching: NFKC, lower case, hiragana for katakana, no middle dots; words kept apart.

    >>> fold_for_search("ＤＸ人材育成研修")
    'dx人材育成研修'
    >>> fold_for_search("コドモ") == fold_for_search("こども")
    True
    >>> "uたーん" in fold_for_search("北九州市U・Iターン応援プロジェクト")
    True
    """
    normal = unicodedata.normalize("NFKC", text)
    return hiragana(_expand_joined(normal).lower()).translate(_JOINERS)


def search_terms(query: str) -> list[str]:
    r"""Split a search query into folded terms at white space (full-width spaces too).

    >>> search_terms("研修　ＤＸ  ")
    ['研修', 'dx']
    >>> search_terms("   "), search_terms("a\x00b")
    ([], ['ab'])
    """
    # Control characters (NUL above all) match nothing and only confuse what reads the terms.
    printable = "".join(ch for ch in query if ch.isspace() or unicodedata.category(ch) != "Cc")
    return [fold_for_search(term) for term in unicodedata.normalize("NFKC", printable).split()]
