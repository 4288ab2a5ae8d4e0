"""The limits every file renkei reads is held to (size, unpacked size, rows, cells, time), in one place.

A file from outside — a staff member's upload, or a file given to a command — is read within stated bounds, so
that a hostile or broken file (a zip bomb named .xlsx, a million-row CSV) is refused quickly, with a message
naming the limit, instead of holding the server's memory and time. The numbers are documented in
``docs/limits.md``; each message states the limit it met.

========================== ============= ============= =================================================
limit                      web upload    command line  what it bounds
========================== ============= ============= =================================================
``file_bytes``             5 MiB         64 MiB        the file as sent (an xlsx: its compressed size)
``unpacked_bytes``         64 MiB        256 MiB       the sum of an xlsx's entries, from the zip directory
``compression_ratio``      100           100           one entry's unpacked / packed size (entries > 1 MiB)
``zip_entries``            1,000         1,000         entries in an xlsx's zip directory
``rows``                   100,000       200,000       rows of one sheet (a CSV, or one worksheet)
``cells``                  2,000,000     2,000,000     cells of the whole file
``xml_elements``           500,000       500,000       XML elements of an xlsx part other than cell data
``seconds``                60            300           the time reading may take
========================== ============= ============= =================================================
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

MIB = 1024 * 1024
#: Excel's own bounds: a worksheet has at most 1,048,576 rows of 16,384 columns.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
#: An entry smaller than this is never judged by its compression ratio (small repetitive parts compress well).
RATIO_FLOOR_BYTES = 1 * MIB
#: How many rows are read between two looks at the clock.
_CLOCK_EVERY = 512


@dataclass(frozen=True, slots=True)
class InputLimits:
    """The bounds one channel (web upload or command line) holds a file to."""

    file_bytes: int
    unpacked_bytes: int
    compression_ratio: int
    zip_entries: int
    rows: int
    cells: int
    xml_elements: int
    seconds: float


#: A file sent through the staff pages (any role may upload): the server's bounds.
UPLOAD = InputLimits(file_bytes=5 * MIB, unpacked_bytes=64 * MIB, compression_ratio=100, zip_entries=1_000,
                     rows=100_000, cells=2_000_000, xml_elements=500_000, seconds=60)
#: A file given to a command (``renkei import``, ``renkei actuals import``, ``renkei parse``, ``--actuals`` …):
#: an operator's bulk work, so larger, but still bounded.
COMMAND_LINE = InputLimits(file_bytes=64 * MIB, unpacked_bytes=256 * MIB, compression_ratio=100, zip_entries=1_000,
                           rows=200_000, cells=2_000_000, xml_elements=500_000, seconds=300)


def format_size(size: int) -> str:
    """Write a byte count for a message: whole MB above one MB, else KB.

    >>> format_size(5 * MIB), format_size(3 * 1024**3), format_size(7_500_000), format_size(1536)
    ('5 MB', '3,072 MB', '7.2 MB', '2 KB')
    """
    if size >= MIB:
        return f"{size / MIB:,.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024)):,} KB"


class InputTooLarge(ValueError):
    """A file beyond one of its :class:`InputLimits`; the message names the limit, in Japanese and English."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


def file_too_large(size: int, limits: InputLimits) -> InputTooLarge:
    """Return the refusal of a file of ``size`` bytes beyond ``limits.file_bytes``.

    >>> str(file_too_large(7 * MIB, UPLOAD))
    'ファイルが大きすぎます（5 MB まで、このファイルは 7 MB） / the file is too large (7 MB; at most 5 MB)'
    """
    most, this = format_size(limits.file_bytes), format_size(size)
    return InputTooLarge(f"ファイルが大きすぎます（{most} まで、このファイルは {this}） / "
                         f"the file is too large ({this}; at most {most})", "file_bytes")


def check_file_size(size: int, limits: InputLimits) -> None:
    """Refuse a file larger than ``limits.file_bytes``.

    >>> check_file_size(5 * MIB, UPLOAD)
    >>> check_file_size(6 * MIB, UPLOAD)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    renkei.reading.input_limits.InputTooLarge: ファイルが大きすぎます（5 MB まで、このファイルは 6 MB） / ...
    """
    if size > limits.file_bytes:
        raise file_too_large(size, limits)


@dataclass
class ReadingBudget:
    """What reading one file has used so far (rows of the current sheet, cells, time), checked against limits.

    The clock is passed in so that a test can move it; readers call :meth:`count_row` for every row they read
    and :meth:`check_time` in any other long loop.
    """

    limits: InputLimits
    clock: Callable[[], float] = time.monotonic
    rows: int = 0
    cells: int = 0
    steps: int = 0
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def start_sheet(self) -> None:
        """Begin counting the rows of another sheet (cells and time go on counting)."""
        self.rows = 0

    def count_row(self, row: int, cells: int) -> None:
        """Count one row of ``cells`` cells, numbered ``row`` as a spreadsheet shows it; refuse past a limit.

        >>> budget = ReadingBudget(UPLOAD)
        >>> for number in range(1, 100_002):  # doctest: +ELLIPSIS
        ...     budget.count_row(number, 4)
        Traceback (most recent call last):
        renkei.reading.input_limits.InputTooLarge: 100,001行目: 行が多すぎます（1シート 100,000 行まで）。...
        """
        self.rows += 1
        self.cells += cells
        if self.rows > self.limits.rows:
            raise rows_exceeded(row, self.limits)
        if self.cells > self.limits.cells:
            raise cells_exceeded(row, self.limits)
        if self.rows % _CLOCK_EVERY == 0:
            self.check_time()

    def tick(self) -> None:
        """Count one step of a long loop (a row already counted elsewhere); look at the clock now and then."""
        self.steps += 1
        if self.steps % _CLOCK_EVERY == 0:
            self.check_time()

    def check_time(self) -> None:
        """Refuse when reading has taken longer than ``limits.seconds``."""
        if self.clock() - self.started > self.limits.seconds:
            seconds = f"{self.limits.seconds:g}"
            raise InputTooLarge(f"読み込みに {seconds} 秒以上かかるため中止しました。ファイルを分けてください / "
                                f"reading took longer than {seconds} s and was stopped; split the file", "seconds")


def rows_exceeded(row: int, limits: InputLimits) -> InputTooLarge:
    """Return the refusal of a sheet whose row ``row`` is past ``limits.rows``."""
    return InputTooLarge(f"{row:,}行目: 行が多すぎます（1シート {limits.rows:,} 行まで）。ファイルを分けてください / "
                         f"row {row:,}: too many rows (at most {limits.rows:,} per sheet); split the file", "rows")


def cells_exceeded(row: int | None, limits: InputLimits) -> InputTooLarge:
    """Return the refusal of a file with more than ``limits.cells`` cells (``row``: where the count passed it)."""
    where_ja, where_en = (f"{row:,}行目: ", f"row {row:,}: ") if row is not None else ("", "")
    return InputTooLarge(f"{where_ja}セルが多すぎます（ファイル全体で {limits.cells:,} セルまで）。ファイルを分けて"
                         f"ください / {where_en}too many cells (at most {limits.cells:,} in the file); split the file",
                         "cells")
