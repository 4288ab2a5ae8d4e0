"""五十音順: names sort by their readings as a Japanese index does; names without a reading follow by code point."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.collation import fold_reading, gojuon_key


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("火災", "カサイ"), ("学校", "ガッコウ")),  # が sorts with か: かさ… before かつ…
        (("学校", "ガッコウ"), ("環境", "カンキョウ")),  # っ sorts with つ, before ん
        (("ハナ", "ハナ"), ("バナナ", "バナナ")),  # voicing decides only a tie: はな < ばなな
        (("はは", "ハハ"), ("ばば", "ババ")),  # the same letters: plain before voiced
        (("ばば", "ババ"), ("ぱぱ", "パパ")),  # voiced before semi-voiced
        (("ラーメン", "ラーメン"), ("らいす", "ライス")),  # ー reads as the vowel before it: らあ < らい
        (("DX研修", "DXケンシュウ"), ("安全", "アンゼン")),  # Latin letters before kana
        (("2030ビジョン", "2030ビジョン"), ("DX研修", "DXケンシュウ")),  # digits before letters
        (("ん", "ン"), ("読みのない名前", None)),  # a name without a reading comes last
        (("苅田町", "カンダマチ"), ("北九州市", "キタキュウシュウシ")),  # か before き, whatever the kanji
        (("消防指令", "ショウボウシレイ"), ("消防法令", "ショウボウホウレイ")),
    ],
)
def test_order(first: tuple[str, str | None], second: tuple[str, str | None]) -> None:
    assert gojuon_key(*first) < gojuon_key(*second)


def test_names_without_a_reading_keep_code_point_order() -> None:
    names = ["謎", "あ", "亜", "ア"]
    assert sorted(names, key=lambda n: gojuon_key(n, None)) == sorted(names)


@pytest.mark.parametrize(("reading", "primary"), [
    ("コドモ", "ことも"), ("こども", "ことも"), ("ｺﾄﾞﾓ", "ことも"), ("キャッシュ", "きやつしゆ"),
    ("ヴァイオリン", "うあいおりん"), ("Ｕ・Ｉターン", "uiたあん"), ("【サイケイ】", "さいけい"),
])
def test_fold_reading(reading: str, primary: str) -> None:
    assert fold_reading(reading)[0] == primary  # plain full-size kana: voicing is the second weight


@given(st.lists(st.tuples(st.text(max_size=8), st.one_of(st.none(), st.text(max_size=8))), max_size=12))
def test_sorting_never_fails_and_is_a_total_order(items: list[tuple[str, str | None]]) -> None:
    ordered = sorted(items, key=lambda i: gojuon_key(*i))
    keys = [gojuon_key(*i) for i in ordered]
    assert keys == sorted(keys)
