"""An area's own sheet as a table: the rows of cell texts of a CSV or xlsx file, read within the reading limits.

What :mod:`renkei.reading.actuals_mapping` maps: any layout, title rows and all. A workbook is opened by
:func:`renkei.reading.actuals.open_workbook`, as every workbook from outside is, and its first worksheet holding a
table is read unless one is named.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from renkei.reading.actuals import ActualsReadError, csv_rows, open_workbook, worksheet_rows
from renkei.reading.document_text import PlanReadError, decode_document
from renkei.reading.file_kind import workbook_problem
from renkei.reading.input_limits import UPLOAD, InputLimits, InputTooLarge, ReadingBudget


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet's rows as cell texts (row 1 first), the worksheet it came from and the workbook's worksheets."""

    rows: tuple[tuple[str, ...], ...]
    sheet: str | None = None
    sheets: tuple[str, ...] = ()

    def cell(self, row: int, column: int) -> str:
        """Return a cell's text (row 1-based, column 0-based); empty outside the table."""
        if not 1 <= row <= len(self.rows):
            return ""
        cells = self.rows[row - 1]
        return cells[column] if 0 <= column < len(cells) else ""

    def header(self, row: int) -> tuple[str, ...]:
        """Return the cells of a header row."""
        return self.rows[row - 1] if 1 <= row <= len(self.rows) else ()

    @property
    def width(self) -> int:
        """Return the number of columns of the widest row."""
        return max((len(r) for r in self.rows), default=0)


def clean_cell(cell: str) -> str:
    return cell.replace("\ufeff", "").strip()


def _trimmed(cells: Sequence[str]) -> tuple[str, ...]:
    kept = [clean_cell(c) for c in cells]
    while kept and not kept[-1]:
        kept.pop()
    return tuple(kept)


def table_of(rows: Iterable[Sequence[str]], sheet: str | None = None) -> Table:
    """Return a table of rows of cell texts (trailing blank cells dropped).

    >>> table_of([["指標", "R4", ""], ["来訪者数", " 12 "]]).rows
    (('指標', 'R4'), ('来訪者数', '12'))
    """
    return Table(tuple(_trimmed(r) for r in rows), sheet)


def read_table(data: bytes, name: str, limits: InputLimits = UPLOAD, *, sheet: str | None = None,
               clock: Callable[[], float] = time.monotonic) -> Table:
    """Read a CSV or xlsx file into a table within ``limits``; a workbook's ``sheet`` by name, else its first
    worksheet with a row of two cells or more. A file that is no table raises :class:`ActualsReadError`."""
    if data.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xlsm")):
        return _read_workbook(data, limits, sheet, clock)
    if sheet is not None:
        raise ActualsReadError(f"CSVにはシートがありません（--sheet {sheet}） / a CSV file has no worksheets")
    try:
        text = decode_document(data)
    except PlanReadError as exc:
        raise ActualsReadError(str(exc)) from None
    return Table(tuple(_trimmed(cells) for _, cells in csv_rows(text, limits, clock=clock)))


def _read_workbook(data: bytes, limits: InputLimits, wanted: str | None, clock: Callable[[], float]) -> Table:
    budget = ReadingBudget(limits, clock)
    with open_workbook(data, limits, budget) as workbook:
        names = tuple(str(ws.title) for ws in workbook.worksheets)
        if wanted is not None and wanted not in names:
            raise ActualsReadError(f"シート「{wanted}」がありません（{'、'.join(names)}） / no worksheet {wanted!r}")
        fallback: Table | None = None
        for worksheet in workbook.worksheets:
            if wanted is not None and worksheet.title != wanted:
                continue
            try:
                rows = tuple(_trimmed(cells) for _, cells in worksheet_rows(worksheet, budget))
            except InputTooLarge:
                raise
            except Exception:  # a part openpyxl cannot read although it is well-formed XML: a damaged workbook
                raise ActualsReadError(workbook_problem(data)) from None
            table = Table(rows, str(worksheet.title), names)
            if wanted is not None or any(len([c for c in r if c]) >= 2 for r in rows):
                return table  # the first worksheet with a table in it (a cover sheet has a title only)
            if fallback is None and any(rows):
                fallback = table
    if fallback is not None:
        return fallback
    raise ActualsReadError("ワークシートに何も書かれていません / the workbook's worksheets are empty")
