"""Tests for the text folds: the NFKC shortcut must give exactly what unicodedata gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.text import _NFKC_STABLE, _NFKC_WIDE, fold, nfkc

STABLE = [chr(c) for c in range(0x110000) if _NFKC_STABLE.fullmatch(chr(c))]
WIDE = [chr(c) for c in range(0x110000) if _NFKC_WIDE.fullmatch(chr(c)) and not _NFKC_STABLE.fullmatch(chr(c))]


def test_every_character_the_shortcut_trusts_is_left_as_it_is_by_nfkc() -> None:
    assert len(STABLE) > 20_000  # the kanji block, kana, marks and ASCII letters and digits
    for char in STABLE:
        assert unicodedata.normalize("NFKC", char) == char, hex(ord(char))
        assert unicodedata.combining(char) == 0, hex(ord(char))


def test_full_width_ascii_is_what_nfkc_makes_of_it() -> None:
    assert len(WIDE) == 95  # ！ to ～ and the ideographic space
    for char in WIDE:
        assert nfkc(char) == unicodedata.normalize("NFKC", char), hex(ord(char))
        assert unicodedata.combining(char) == 0


def test_no_character_the_shortcut_trusts_composes_with_the_one_before_it() -> None:
    """So a run of them is left as it is too: none is the second half of any canonical composition."""
    second_halves = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            second_halves.add(chr(int(parts[1], 16)))
    assert second_halves, "the Unicode database has canonical pairs"
    assert not second_halves & {*STABLE, *WIDE}


JAPANESE = [*"日本語のテキストゔヴ々、。・ー Ab1【】（）ＡＢ１　~", "\u3099", "\u0301", "ｶ", "ﾞ", "①", "㈱"]


@given(st.text(alphabet=st.sampled_from(JAPANESE)))
def test_nfkc_agrees_with_unicodedata(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@given(st.text())
def test_nfkc_agrees_with_unicodedata_on_any_text(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_fold() -> None:
    assert fold("ＤＸ人材育成研修の 実施（その２）") == "DX人材育成研修の実施(その2)"
