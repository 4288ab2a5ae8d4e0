"""Spreadsheet cell layout: display widths of Japanese text, fitted column widths and wrapped row heights.

Excel and LibreOffice measure a column in character widths of the default font; a full-width (全角)
character takes two. Neither application grows a row to fit wrapped text reliably when it opens a file
(LibreOffice keeps the default height), so the workbooks set each row's height from its wrapped lines.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence

#: Points per line of 10 pt text, with the spacing both applications use.
LINE_HEIGHT = 13.5
#: Excel's limit on a row's height, in points.
MAX_ROW_HEIGHT = 409.0
#: Columns are widened by this much beyond their text, for the cell's margins and the filter button.
PADDING = 2.0


def display_width(text: str) -> int:
    """Return how many half-width columns a line of text takes (全角 characters count two).

    >>> display_width("事業ID"), display_width("P001"), display_width("１２")
    (6, 4, 4)
    """
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F", "A") else 1 for c in text)


def text_of(value: object) -> str:
    """Return what a cell shows for a value, roughly (numbers with thousands separators).

    >>> text_of(2420), text_of(84.5), text_of(None), text_of("未定")
    ('2,420', '84.5', '', '未定')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:,.10g}"
    return str(value)


def fit_width(values: Iterable[object], *, minimum: float = 6.0, maximum: float = 50.0) -> float:
    """Return a column width that fits its longest line, kept between ``minimum`` and ``maximum``.

    >>> fit_width(["P001", "P030"]), fit_width(["自分らしく歩む女性たちのストーリー発信事業"], maximum=40)
    (6.0, 40.0)
    >>> fit_width(["令和8年度（2026）"], minimum=8)
    19.0
    """
    longest = max((display_width(line) for v in values for line in text_of(v).split("\n")), default=0)
    return float(min(max(longest + PADDING, minimum), maximum))


def wrapped_lines(text: str, width: float) -> int:
    """Count the lines a text wraps into in a column of ``width`` (at least one).

    >>> wrapped_lines("", 10), wrapped_lines("あいうえ", 10), wrapped_lines("あいうえお", 10)
    (1, 1, 2)
    >>> wrapped_lines("一行目\\n二行目", 20)
    2
    """
    usable = max(width - 1, 1)
    return max(1, sum(max(1, math.ceil(display_width(line) / usable)) for line in text.split("\n")))


def row_height(cells: Sequence[tuple[object, float]], *, font_size: float = 10.0) -> float:
    """Return the height (points) a row needs so every wrapped cell shows whole: cells are (value, width).

    >>> row_height([("短い", 20)]), row_height([("あ" * 15, 20)])
    (13.5, 27.0)
    """
    lines = max((wrapped_lines(text_of(value), width) for value, width in cells), default=1)
    return min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT * font_size / 10.0)
