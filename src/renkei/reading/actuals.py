"""Actuals sheets (実績値入力シート): CSV or xlsx rows of KPI actuals, read into rows and row errors.

A sheet has a header row naming its columns, in English or as the template writes them in Japanese:

========== ============ ==========================================================
column     Japanese     meaning
========== ============ ==========================================================
project    事業名       the project (事業) as named in the plan
indicator  指標         the KPI's indicator (指標), as written in the plan
fiscal_year 年度        2026, 令和8年度, R8, Ｒ８, 令和8年度（2026）
value      実績値       the actual (full-width digits and 1,234 separators are fine)
note       備考         optional internal remark (never published)
comment    公開コメント optional comment published with the figure
month      月           optional month (1-12) for a monthly figure
evidence   根拠         optional source of the figure (a report, a URL)
value:<x>  実績値:<x>   optional value for one municipality (<x> a 6-digit code or a
                        member's name); the values add up to the total
========== ============ ==========================================================

Informational columns the template adds (単位, 現状値, 目標値) are ignored when read back. Rows are
numbered as a spreadsheet shows them (the header is row 1). A bad cell never raises: it becomes a
:class:`RowError` naming the row and the column, and the row is left out. Only a file that is not a
sheet at all, or lacks a required column, raises :class:`ActualsReadError`; a file beyond its
:class:`~renkei.reading.input_limits.InputLimits` (size, unpacked size, rows, cells, time) raises
:class:`~renkei.reading.input_limits.InputTooLarge`, while it is being read, without reading the rest.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from renkei.domain.actual import ASSESSMENT_WORDS, read_assessment_word, text_too_long
from renkei.domain.csv_cell import restore
from renkei.domain.fiscal import fiscal_year_of
from renkei.domain.text import fold
from renkei.reading.file_kind import workbook_problem
from renkei.reading.fiscal_year import read_fiscal_year
from renkei.reading.input_limits import UPLOAD, InputLimits, InputTooLarge, ReadingBudget
from renkei.reading.numeral import read_number

#: Canonical column → Japanese name used in messages and in the template.
COLUMN_LABELS: dict[str, str] = {
    "project": "事業名",
    "indicator": "指標",
    "fiscal_year": "年度",
    "value": "実績値",
    "note": "備考",
    "comment": "公開コメント",
    "month": "月",
    "evidence": "根拠",
}
_ALIASES: dict[str, str] = {
    "project": "project", "projectname": "project", "事業名": "project", "事業": "project",
    "indicator": "indicator", "kpi": "indicator", "指標": "indicator", "指標名": "indicator",
    "fiscalyear": "fiscal_year", "fiscal_year": "fiscal_year", "year": "fiscal_year", "fy": "fiscal_year",
    "年度": "fiscal_year",
    "value": "value", "actual": "value", "実績値": "value", "実績": "value",
    "note": "note", "notes": "note", "comment": "note", "備考": "note",
    "publiccomment": "comment", "public_comment": "comment", "公開コメント": "comment",
    "month": "month", "月": "month",
    "evidence": "evidence", "source": "evidence", "根拠": "evidence", "出典": "evidence",
}  # fmt: skip
#: Columns the template writes for reference only.
INFORMATIONAL = frozenset({"unit", "単位", "baseline", "現状値", "target", "目標値"})
REQUIRED = ("project", "indicator", "fiscal_year")
_MUNICIPALITY_COLUMN = re.compile(r"^(?:value|実績値|実績)[:](?P<who>.+)$")
_PARENTHESES = re.compile(r"[(（][^)）]*[)）]")
_MONTH = re.compile(r"^(?P<month>\d{1,2})月?$")
_YEAR_MONTH = re.compile(r"^(?P<year>\d{4})[-/.年](?P<month>\d{1,2})月?$")
_DASHES = frozenset("-－—―‐−ー–")

_Numbered = tuple[int, Sequence[str]]
_ErrorSink = Callable[[str, str, str], None]


class ActualsReadError(ValueError):
    """A file that cannot be read as an actuals sheet at all; ``row`` is where, when known."""

    def __init__(self, message: str, row: int | None = None) -> None:
        where = f"{row}行目 / row {row}: " if row is not None else ""
        super().__init__(where + message)
        self.row = row


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one row (and column) of a sheet, in Japanese and English."""

    row: int
    column: str | None
    message_ja: str
    message_en: str

    @property
    def message(self) -> str:
        """Return the message naming the row and column, Japanese first."""
        label = COLUMN_LABELS.get(self.column or "", self.column or "")
        ja_where = f"{self.row}行目" + (f"「{label}」" if label else "")
        en_where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{ja_where}: {self.message_ja} / {en_where}: {self.message_en}"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class ActualsRow:
    """One well-formed row: a KPI's actual for a fiscal year (and month), as written.

    ``value`` is the total written in the value column (None when only municipality values are given);
    ``unit`` a unit written after the number (84.9% → ``%``), checked against the KPI later;
    ``by_municipality`` pairs each municipality column's header text (a code or a name) with its value.
    """

    row: int
    project: str
    indicator: str
    fiscal_year: int
    value: float | None = None
    month: int | None = None
    note: str | None = None
    evidence: str | None = None
    unit: str | None = None
    by_municipality: tuple[tuple[str, float], ...] = ()
    #: A comment published with the figure (公開コメント); ``note`` stays internal.
    comment: str | None = None
    #: A staff assessment word written in the value column of a qualitative KPI (達成, 一部達成, 未達成 …).
    assessment: str | None = None
    #: The word of a figure not yet known (集計中, 未公表, ―) in an area's own sheet: recorded without a value, never 0.
    pending: str | None = None


@dataclass(frozen=True, slots=True)
class ActualsSheet:
    """What a sheet holds: good rows, row errors, and the row numbers left blank (no value entered)."""

    rows: tuple[ActualsRow, ...]
    errors: tuple[RowError, ...] = ()
    blank_rows: tuple[int, ...] = ()
    columns: tuple[str, ...] = ()
    municipality_columns: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()


def read_value(text: str) -> tuple[float, str | None] | None:
    """Read an actual: a number, possibly followed by its unit; None when it is not a number.

    >>> read_value("１，２３４"), read_value("84.9%"), read_value("2,430万人"), read_value("4 件")
    ((1234.0, None), (84.9, '%'), (24300000.0, '人'), (4.0, '件'))
    >>> read_value("約5") is None, read_value("—") is None
    (True, True)
    """
    folded = fold(text)
    number = read_number(folded)
    if number is not None:
        return number, None
    for cut in range(len(folded) - 1, 0, -1):
        head, unit = folded[:cut], folded[cut:]
        if len(unit) > 6 or any(c.isdigit() for c in unit):
            break
        number = read_number(head)
        if number is not None:
            return number, unit
    return None


def _fold_header(text: str) -> str:
    folded = fold(text).lower()
    return folded.replace("：", ":")


def _header_column(text: str) -> tuple[str, str | None]:
    """Return ``(canonical name, municipality)`` for a header cell; unknown headers keep their text."""
    folded = _fold_header(text)
    municipality = _MUNICIPALITY_COLUMN.match(folded)
    if municipality:
        who = fold(text).replace("：", ":").split(":", 1)[1]
        return "municipality", who
    for part in _PARENTHESES.sub("", folded).split("/"):
        if part in _ALIASES:
            return _ALIASES[part], None
        if part in INFORMATIONAL:
            return "informational", None
    return "unknown", None


def _clean(cell: str) -> str:
    return cell.strip().strip("\ufeff").strip()


class _SheetReader:
    """Turns a header and data rows (lists of cell texts) into an ActualsSheet."""

    def __init__(self, header: Sequence[str], header_row: int) -> None:
        self.positions: dict[str, int] = {}
        self.municipalities: list[tuple[int, str]] = []
        self.ignored: list[str] = []
        for index, cell in enumerate(header):
            text = _clean(cell)
            if not text:
                continue
            name, who = _header_column(text)
            if name == "municipality" and who is not None:
                if any(w == who for _, w in self.municipalities):
                    raise ActualsReadError(f"列「{text}」が2回あります / column {text!r} appears twice", header_row)
                self.municipalities.append((index, who))
            elif name in COLUMN_LABELS:
                if name in self.positions:
                    raise ActualsReadError(
                        f"列「{COLUMN_LABELS[name]}」が2回あります / column {name} appears twice", header_row
                    )
                self.positions[name] = index
            elif name == "unknown":
                self.ignored.append(text)
        missing = [name for name in REQUIRED if name not in self.positions]
        if "value" not in self.positions and not self.municipalities:
            missing.append("value")
        if missing:
            ja = "、".join(COLUMN_LABELS[m] for m in missing)
            raise ActualsReadError(
                f"見出しに列「{ja}」がありません / the header lacks column(s) {', '.join(missing)}", header_row
            )

    def cell(self, cells: Sequence[str], name: str) -> str:
        index = self.positions.get(name)
        return _clean(cells[index]) if index is not None and index < len(cells) else ""

    def read(self, rows: Iterable[_Numbered]) -> ActualsSheet:
        good: list[ActualsRow] = []
        errors: list[RowError] = []
        blank: list[int] = []
        for number, cells in rows:
            if not any(_clean(c) for c in cells):
                continue
            row_errors: list[RowError] = []
            parsed = self._read_row(number, cells, row_errors)
            if row_errors:
                errors.extend(row_errors)
            elif parsed is None:
                blank.append(number)
            else:
                good.append(parsed)
        return ActualsSheet(
            rows=tuple(good),
            errors=tuple(errors),
            blank_rows=tuple(blank),
            columns=tuple(sorted(self.positions, key=self.positions.__getitem__)),
            municipality_columns=tuple(who for _, who in self.municipalities),
            ignored_columns=tuple(self.ignored),
        )

    def _read_row(self, number: int, cells: Sequence[str], errors: list[RowError]) -> ActualsRow | None:
        def error(column: str, ja: str, en: str) -> None:
            errors.append(RowError(number, column, ja, en))

        # the template neutralised names a spreadsheet would run as formulas (domain/csv_cell.py): read them back
        project, indicator = restore(self.cell(cells, "project")), restore(self.cell(cells, "indicator"))
        year_text, value_text = self.cell(cells, "fiscal_year"), self.cell(cells, "value")
        note, evidence = self.cell(cells, "note") or None, self.cell(cells, "evidence") or None
        comment = self.cell(cells, "comment") or None
        shares, units = self._read_shares(number, cells, errors)
        if not value_text and not shares and not note and not evidence and not comment:
            return None  # a template row nobody filled in
        for column, text in (("note", note), ("comment", comment), ("evidence", evidence)):
            problem = text_too_long(column, text)
            if problem is not None:
                error(column, *problem)
        if not project:
            error("project", "事業名が空欄です", "the project is empty")
        if not indicator:
            error("indicator", "指標が空欄です", "the indicator is empty")
        year = read_fiscal_year(year_text) if year_text else None
        if not year_text:
            error("fiscal_year", "年度が空欄です", "the fiscal year is empty")
        elif year is None:
            error("fiscal_year", f"「{year_text}」を年度として読めません（例: 2026、令和8年度、R8）",
                  f"cannot read {year_text!r} as a fiscal year (e.g. 2026, 令和8年度, R8)")
        month = self._read_month(self.cell(cells, "month"), year, error)
        value: float | None = None
        word = read_assessment_word(value_text) if value_text else None
        if word is not None:
            pass  # an assessment of a qualitative KPI; the service checks the KPI is one
        elif value_text:
            read = read_value(value_text)
            if read is None:
                hint = ("実績がなければ空欄に、ゼロなら 0 と入力してください" if set(value_text) <= _DASHES
                        else "数値だけを入力してください")
                words = "・".join(ASSESSMENT_WORDS)
                error("value", f"「{value_text}」は数値ではありません（{hint}。定性的な指標は {words} のいずれか）",
                      f"{value_text!r} is not a number (nor an assessment word)")
            else:
                value, unit = read
                units.insert(0, unit)
        written_units = {u for u in units if u is not None}
        if len(written_units) > 1:
            error("value", f"単位が行の中で異なります（{'、'.join(sorted(written_units))}）",
                  f"the row mixes units {sorted(written_units)}")
        if errors or year is None:
            return None
        return ActualsRow(
            row=number, project=project, indicator=indicator, fiscal_year=year, value=value, month=month,
            note=note, evidence=evidence, unit=next(iter(written_units), None), by_municipality=tuple(shares),
            assessment=word[0] if word is not None else None, comment=comment,
        )

    def _read_shares(
        self, number: int, cells: Sequence[str], errors: list[RowError]
    ) -> tuple[list[tuple[str, float]], list[str | None]]:
        shares: list[tuple[str, float]] = []
        units: list[str | None] = []
        for index, who in self.municipalities:
            text = _clean(cells[index]) if index < len(cells) else ""
            if not text:
                continue
            read = read_value(text)
            if read is None:
                errors.append(RowError(number, f"value:{who}", f"「{text}」は数値ではありません",
                                       f"{text!r} is not a number"))
                continue
            shares.append((who, read[0]))
            units.append(read[1])
        return shares, units

    def _read_month(self, text: str, year: int | None, error: _ErrorSink) -> int | None:
        if not text:
            return None
        folded = fold(text)
        plain, dated = _MONTH.match(folded), _YEAR_MONTH.match(folded)
        month = int(plain["month"]) if plain else int(dated["month"]) if dated else None
        if month is None or not 1 <= month <= 12:
            error("month", f"「{text}」を月として読めません（1～12）", f"cannot read {text!r} as a month (1-12)")
            return None
        if dated and year is not None and fiscal_year_of(int(dated["year"]), month) != year:
            error("month", f"{text} は {year}年度の月ではありません", f"{text} is not a month of FY{year}")
            return None
        return month


def _split_header(rows: Iterable[_Numbered]) -> tuple[_Numbered, Iterator[_Numbered]]:
    iterator = iter(rows)
    for number, cells in iterator:
        if any(_clean(c) for c in cells):
            return (number, cells), iterator
    raise ActualsReadError("見出し行がありません（空のファイル） / no header row (the file is empty)")


def _read_rows(rows: Iterable[_Numbered]) -> ActualsSheet:
    (header_row, header), rest = _split_header(rows)
    return _SheetReader(header, header_row).read(rest)


def _csv_reader(text: str) -> Iterator[list[str]]:
    first_line = text[:65536].split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _csv_rows(text: str, budget: ReadingBudget) -> Iterator[_Numbered]:
    reader = _csv_reader(text)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ActualsReadError(f"CSVとして読めません / not valid CSV: {exc}", number + 1) from None
        number += 1
        budget.tick()
        yield number, cells


def _count_csv_rows(text: str, budget: ReadingBudget) -> None:
    """Count the rows and cells with the csv module alone, stopping at the first limit passed (a cheap first pass)."""
    for number, cells in enumerate(_csv_reader(text), start=1):
        budget.count_row(number, len(cells))


def read_actuals_csv(text: str, limits: InputLimits = UPLOAD, *,
                     clock: Callable[[], float] = time.monotonic) -> ActualsSheet:
    """Read an actuals sheet from CSV (or tab-separated) text; a leading BOM is ignored.

    A first pass counts rows and cells with the csv module only and stops at ``limits.rows`` rows or
    ``limits.cells`` cells (:class:`~renkei.reading.input_limits.InputTooLarge`), so a file past a limit is
    refused before any row is read into the sheet; ``limits.seconds`` bounds both passes.

    >>> sheet = read_actuals_csv("事業名,指標,年度,実績値\\n火災調査,件数,R8,４\\n火災調査,件数,R9,x\\n")
    >>> [(r.row, r.fiscal_year, r.value) for r in sheet.rows]
    [(2, 2026, 4.0)]
    >>> print(sheet.errors[0])  # doctest: +ELLIPSIS
    3行目「実績値」: 「x」は数値ではありません（数値だけを入力してください。定性的な指標は 達成・...） / row 3, ...
    >>> read_actuals_csv("事業名,指標,年度,実績値\\nパスポート,参加自治体の数,R8,一部達成\\n").rows[0].assessment
    '一部達成'
    """
    return _read_rows(csv_rows(text, limits, clock=clock))


def read_actuals_cells(rows: Sequence[Sequence[str]]) -> ActualsSheet:
    """Read an actuals sheet from rows of cell texts, the header first (a form's input, row 2 onwards).

    >>> header = ["事業名", "指標", "年度", "実績値"]
    >>> sheet = read_actuals_cells([header, ["火災調査", "件数", "令和8年度", "１，２００"]])
    >>> [(r.row, r.fiscal_year, r.value) for r in sheet.rows]
    [(2, 2026, 1200.0)]
    """
    return _read_rows((number, list(cells)) for number, cells in enumerate(rows, start=1))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def read_actuals_xlsx(data: bytes, limits: InputLimits = UPLOAD, *,
                      clock: Callable[[], float] = time.monotonic) -> ActualsSheet:
    """Read an actuals sheet from an Excel workbook: the first worksheet whose header names the columns.

    The zip container and its XML parts are checked against ``limits`` before openpyxl opens anything
    (:func:`~renkei.reading.workbook_archive.check_workbook_archive`); rows are then streamed (read-only mode).
    """
    budget = ReadingBudget(limits, clock)
    with open_workbook(data, limits, budget) as workbook:
        first_problem: ActualsReadError | None = None
        for worksheet in workbook.worksheets:
            try:
                return _read_rows(worksheet_rows(worksheet, budget))
            except ActualsReadError as exc:
                first_problem = first_problem or ActualsReadError(f"シート「{worksheet.title}」: {exc}", None)
            except InputTooLarge:
                raise
            except Exception:  # a part openpyxl cannot read although it is well-formed XML: a damaged workbook
                raise ActualsReadError(workbook_problem(data)) from None
        raise first_problem or ActualsReadError("ワークシートがありません / the workbook has no worksheet")


@contextlib.contextmanager
def open_workbook(data: bytes, limits: InputLimits, budget: ReadingBudget) -> Iterator[Any]:
    """Open a workbook read-only once its archive has passed ``limits``; a file that is none raises ActualsReadError.

    Every reader of a workbook from outside opens it here (the actuals sheet, an area's own sheet to be mapped).
    """
    from openpyxl import load_workbook

    from renkei.reading.workbook_archive import WorkbookUnreadable, check_workbook_archive  # the XML checks: xlsx only

    try:
        check_workbook_archive(data, limits, budget)
    except WorkbookUnreadable as exc:
        raise ActualsReadError(str(exc)) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a damaged or foreign file, in English: say what it is
        raise ActualsReadError(workbook_problem(data)) from None
    try:
        yield workbook
    finally:
        workbook.close()


def csv_rows(text: str, limits: InputLimits = UPLOAD, *,
             clock: Callable[[], float] = time.monotonic) -> Iterator[tuple[int, Sequence[str]]]:
    """Return a CSV (or tab-separated) text's rows, numbered from 1, once a first pass has counted them within limits.

    >>> list(csv_rows("指標,R4\\n来訪者数,▲3\\n"))
    [(1, ['指標', 'R4']), (2, ['来訪者数', '▲3'])]
    """
    text = text.lstrip("\ufeff")
    budget = ReadingBudget(limits, clock)
    with contextlib.suppress(csv.Error):  # the second pass names the row that is not valid CSV
        _count_csv_rows(text, budget)
    return _csv_rows(text, budget)


def worksheet_rows(worksheet: Any, budget: ReadingBudget) -> Iterator[_Numbered]:
    """Stream a read-only worksheet's rows as cell texts, each only as wide as its last cell."""
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16,384 cells
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        budget.tick()  # rows and cells were counted by the archive check; time goes on
        yield number, [_cell_text(v) for v in values]
