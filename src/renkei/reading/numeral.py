"""Numerals as written in Japanese documents: Arabic (half or full width) or kanji, with 万/億 multipliers."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from renkei.domain.text import fold

KANJI_DIGITS: dict[str, int] = {
    "〇": 0, "零": 0, "一": 1, "壱": 1, "二": 2, "弐": 2, "三": 3, "参": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "千": 1000}
LARGE_UNITS: dict[str, int] = {"万": 10**4, "億": 10**8, "兆": 10**12}

# Signs that make a number negative. ▲ and △ are the Japanese accounting minus; ー (the long-vowel
# mark, often typed for a minus) only counts right before a digit.
NEGATIVE_MARKS = "▲△−-‐‑‒–—―"
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_POSITIONAL_KANJI = re.compile(r"[〇零一二三四五六七八九]{2,}")


def read_number(text: str) -> float | None:
    """Read a number written in Arabic or kanji numerals; return None when it is not one.

    >>> read_number("2,430万")
    24300000.0
    >>> read_number("１２")
    12.0
    >>> read_number("百二十")
    120.0
    >>> read_number("▲5.5")
    -5.5
    >>> read_number("1億2,000万")
    120000000.0
    >>> read_number("二〇二六")
    2026.0
    >>> read_number("12,34") is None
    True
    """
    body = fold(text)
    negative = False
    if body[:1] == "+":
        body = body[1:]
    elif body[:1] and (body[0] in NEGATIVE_MARKS or (body[0] == "ー" and body[1:2].isdigit())):
        negative, body = True, body[1:]
    value = _read_magnitude(body)
    if value is None:
        return None
    result = float(-value if negative else value)
    return result if math.isfinite(result) else None


def _read_magnitude(body: str) -> Decimal | None:
    """Read an unsigned numeral, or return None."""
    if not body:
        return None
    if _POSITIONAL_KANJI.fullmatch(body):
        return Decimal("".join(str(KANJI_DIGITS[c]) for c in body))
    total = Decimal(0)
    section = Decimal(0)  # the part below the next 万/億
    pending: Decimal | None = None  # digits not yet multiplied by a unit
    last_small = 10**5
    last_large = 10**13
    pos = 0
    while pos < len(body):
        char = body[pos]
        arabic = _ARABIC.match(body, pos)
        if arabic:
            if pending is not None:
                return None
            try:
                pending = Decimal(arabic.group().replace(",", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
                return None
            pos = arabic.end()
            continue
        if char in KANJI_DIGITS:
            if pending is not None:
                return None
            pending = Decimal(KANJI_DIGITS[char])
        elif char in SMALL_UNITS:
            unit = SMALL_UNITS[char]
            if unit >= last_small:
                return None
            section += (Decimal(1) if pending is None else pending) * unit
            pending, last_small = None, unit
        elif char in LARGE_UNITS:
            large = LARGE_UNITS[char]
            if large >= last_large:
                return None
            group = section + (pending if pending is not None else Decimal(0))
            total += (group if group else Decimal(1)) * large
            section, pending, last_small, last_large = Decimal(0), None, 10**5, large
        else:
            return None
        pos += 1
    return total + section + (pending if pending is not None else Decimal(0))
