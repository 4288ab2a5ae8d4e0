"""Local government codes (全国地方公共団体コード): the check digit and normal form.

A code is five digits (two for the prefecture, three for the municipality) followed by a
check digit computed by the 総務省 method: weigh the five digits by 6, 5, 4, 3, 2, take the
remainder ``r`` of the sum divided by 11, and keep the last digit of ``11 - r``.
So ``r == 1`` gives 0 and ``r == 0`` gives 1 (11 → 1); every one of the 1,747 municipalities,
175 wards and 47 prefectures in the national list follows this.
"""

from __future__ import annotations

import unicodedata

_WEIGHTS = (6, 5, 4, 3, 2)


class LocalCodeError(ValueError):
    """A string that cannot be a local government code."""


def check_digit(code5: str) -> int:
    """Return the check digit of a 5-digit local government code.

    >>> check_digit("40100")  # 北九州市
    5
    >>> check_digit("40621")  # 苅田町: remainder 1 gives 0
    0
    >>> check_digit("01000")  # 北海道: remainder 5 gives 6
    6
    """
    if len(code5) != 5 or not code5.isascii() or not code5.isdigit():
        raise LocalCodeError(f"5桁の数字ではありません / not five digits: {code5!r}")
    remainder = sum(int(d) * w for d, w in zip(code5, _WEIGHTS, strict=True)) % 11
    return (11 - remainder) % 10


def is_valid_code(code: str) -> bool:
    """Tell whether a 6-digit code's check digit is right.

    >>> is_valid_code("401005")
    True
    >>> is_valid_code("401006")
    False
    >>> is_valid_code("40100")
    False
    """
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    return check_digit(code[:5]) == int(code[5])


def normalise_code(code: str) -> str:
    """Return the 6-digit form of a code written with 5 or 6 (possibly full-width) digits.

    Raise ``LocalCodeError`` when the text is not a code or its check digit is wrong.

    >>> normalise_code("40100")
    '401005'
    >>> normalise_code("４０６２１０")
    '406210'
    >>> normalise_code(" 40621-0 ")
    '406210'
    >>> normalise_code("406211")
    Traceback (most recent call last):
    ...
    renkei.domain.localcode.LocalCodeError: 検査数字が違います / wrong check digit: '406211' (expected 0)
    """
    text = unicodedata.normalize("NFKC", code).strip().replace("-", "")
    if not text.isascii() or not text.isdigit() or len(text) not in (5, 6):
        raise LocalCodeError(f"地方公共団体コードではありません / not a local government code: {code!r}")
    expected = check_digit(text[:5])
    if len(text) == 5:
        return text + str(expected)
    if int(text[5]) != expected:
        raise LocalCodeError(f"検査数字が違います / wrong check digit: {text!r} (expected {expected})")
    return text
