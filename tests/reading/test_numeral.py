"""Tests for reading numerals: Arabic, full-width and kanji, with multipliers and minus signs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.reading.numeral import read_number

WIDE = str.maketrans("0123456789,.-", "０１２３４５６７８９，．－")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10", 10),
        ("100,000", 100000),
        ("14,873", 14873),
        ("１２", 12),
        ("１，２００", 1200),
        ("84.5", 84.5),
        ("0.05", 0.05),
        ("2,430万", 24300000),
        ("1.5万", 15000),
        ("3億", 300000000),
        ("1億2,000万", 120000000),
        ("5千", 5000),
        ("5千3百", 5300),
        ("千", 1000),
        ("千百", 1100),
        ("三", 3),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("百二十", 120),
        ("一万", 10000),
        ("二十万三千", 203000),
        ("三千五百万", 35000000),
        ("二〇二六", 2026),
        ("〇", 0),
        ("▲5", -5),
        ("△3.5", -3.5),
        ("−3.2", -3.2),
        ("-7", -7),
        ("‐7", -7),
        ("ー7", -7),
        ("+7", 7),
        (" 42 ", 42),
    ],
)
def test_reads_number(text: str, expected: float) -> None:
    assert read_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "-",
        "ー",
        "ー三",
        "12,34",
        "1,2345",
        "12.",
        ".5",
        "1万万",
        "百千",
        "五五十",
        "円",
        "5件",
        "1.2.3",
        "一般",
    ],
)
def test_rejects_non_numbers(text: str) -> None:
    assert read_number(text) is None


def to_kanji(n: int) -> str:
    """Write a non-negative integer in kanji numerals (十, 百, 千 without a leading 一)."""
    if n == 0:
        return "〇"
    digits = "〇一二三四五六七八九"
    parts = []
    for unit, name in ((10**8, "億"), (10**4, "万"), (1, "")):
        group, n = divmod(n, unit)
        if not group:
            continue
        text = ""
        for small, small_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, group = divmod(group, small)
            if d:
                text += ("" if d == 1 and small_name else digits[d]) + small_name
        parts.append(text + name)
    return "".join(parts)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_thousands_separated_integers_round_trip(n: int) -> None:
    assert read_number(f"{n:,}") == n
    assert read_number(str(n)) == n
    assert read_number(f"{n:,}".translate(WIDE)) == n


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=0, max_value=99))
def test_decimals_round_trip(whole: int, hundredths: int) -> None:
    text = f"{whole:,}.{hundredths:02d}"
    expected = float(f"{whole}.{hundredths:02d}")
    assert read_number(text) == expected


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_kanji_numerals_round_trip(n: int) -> None:
    assert read_number(to_kanji(n)) == n


@given(st.integers(min_value=1, max_value=9999), st.sampled_from([("万", 10**4), ("億", 10**8)]))
def test_multipliers_fold(n: int, multiplier: tuple[str, int]) -> None:
    name, factor = multiplier
    assert read_number(f"{n:,}{name}") == n * factor


@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    value = read_number(text)
    assert value is None or isinstance(value, float)


@given(st.text(alphabet="0123456789,.万億千百十一二三四五六七八九〇▲△−-ー+", max_size=20))
def test_numeral_like_text_never_raises(text: str) -> None:
    value = read_number(text)
    assert value is None or isinstance(value, float)
