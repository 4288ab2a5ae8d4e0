"""Checking an Excel workbook's zip container before any of it is parsed, so that no file can balloon.

An .xlsx is a zip of XML parts. A hostile one (3 MB holding 3 GiB of white space, a row of millions of cells, a
styles part of millions of elements, a DTD) makes a spreadsheet library take gigabytes of memory or minutes
of time. :func:`check_workbook_archive` refuses such a file first, from what is cheap to know:

1. the file's size, then the zip directory alone — the number of entries, the sum of the sizes they unpack
   to and each entry's compression ratio — before any entry is read (a lying directory cannot help: Python's
   zipfile never unpacks an entry past the size its directory declares);
2. then each XML part, streamed through expat in 1 MiB pieces with O(1) memory, counting what openpyxl would
   hold at once: the rows of a worksheet and the cells of the file, the cells of one row (Excel's 16,384
   columns at most), the shared strings, and the elements of every other part. A DTD is refused outright.

Only then is the workbook opened (read-only, streamed) by the readers. Every refusal names the limit, in
Japanese and English (:mod:`renkei.reading.input_limits`).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.parsers import expat

from renkei.reading.file_kind import workbook_problem
from renkei.reading.input_limits import (
    EXCEL_COLUMNS,
    EXCEL_ROWS,
    RATIO_FLOOR_BYTES,
    InputLimits,
    InputTooLarge,
    ReadingBudget,
    cells_exceeded,
    check_file_size,
    format_size,
    rows_exceeded,
)

_CHUNK = 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
#: Elements one row (or one shared string) may hold: a cell is at most a few (c, v, f, is, r, rPr, t).
_UNIT_ELEMENTS = EXCEL_COLUMNS * 8
#: Zip, zlib and expat failures that mean a damaged file (LookupError: an XML declaration naming an unknown encoding).
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError, ValueError, LookupError, expat.ExpatError)


class WorkbookUnreadable(ValueError):
    """Bytes that are not a readable Excel workbook; the message says what they are, in Japanese and English."""


@dataclass(frozen=True, slots=True)
class WorkbookArchive:
    """What the check learnt: each worksheet part's sheet name (for messages)."""

    sheet_names: dict[str, str] = field(default_factory=dict)


def check_workbook_archive(data: bytes, limits: InputLimits, budget: ReadingBudget | None = None) -> WorkbookArchive:
    """Refuse an xlsx beyond ``limits`` (:class:`InputTooLarge`) or not readable (:class:`WorkbookUnreadable`)."""
    budget = budget or ReadingBudget(limits)
    check_file_size(len(data), limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGED:  # not a zip at all, or its directory is cut off
        raise WorkbookUnreadable(workbook_problem(data)) from None
    with archive:
        infos = archive.infolist()
        _check_directory(infos, limits)
        if not any(i.filename.startswith("xl/") for i in infos):
            raise WorkbookUnreadable(workbook_problem(data))
        by_name = {i.filename: i for i in infos}
        names: dict[str, str] = {}
        first = [n for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels") if n in by_name]
        try:
            for name in first:
                _scan_part(archive, by_name[name], limits, budget, "")
            names = _sheet_names(archive, by_name) if len(first) == 2 else {}
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES) and info.filename not in first:
                    _scan_part(archive, info, limits, budget, names.get(info.filename, ""))
        except InputTooLarge:
            raise
        except _DAMAGED:
            raise WorkbookUnreadable(workbook_problem(data)) from None
    return WorkbookArchive(names)


def _check_directory(infos: list[zipfile.ZipInfo], limits: InputLimits) -> None:
    if len(infos) > limits.zip_entries:
        raise InputTooLarge(f"ブックの中のファイルが多すぎます（{len(infos):,}個。{limits.zip_entries:,}個まで） / "
                            f"the workbook holds {len(infos):,} entries (at most {limits.zip_entries:,})",
                            "zip_entries")
    total = sum(i.file_size for i in infos)
    if total > limits.unpacked_bytes:
        most, this = format_size(limits.unpacked_bytes), format_size(total)
        raise InputTooLarge(f"展開後の大きさが上限を超えています（展開すると {this}。{most} まで） / unpacked, the "
                            f"workbook would be {this} (at most {most})", "unpacked_bytes")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.compression_ratio:
            raise InputTooLarge(
                f"「{info.filename}」の圧縮率が異常です（{ratio:,.0f}倍に展開されます。{limits.compression_ratio}倍まで）。"
                f"表計算ソフトが保存したブックではありません / {info.filename} unpacks {ratio:,.0f} times its size "
                f"(at most {limits.compression_ratio}): not a workbook saved by a spreadsheet program",
                "compression_ratio")


def _sheet_names(archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Map each worksheet part to its sheet's name, from the workbook and its relationships (already scanned)."""
    try:
        workbook = ElementTree.fromstring(archive.read(by_name["xl/workbook.xml"]))
        rels = ElementTree.fromstring(archive.read(by_name["xl/_rels/workbook.xml.rels"]))
    except ElementTree.ParseError:
        return {}
    targets = {r.get("Id"): r.get("Target") or "" for r in rels if r.tag.endswith("Relationship")}
    names: dict[str, str] = {}
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        names[part] = sheet.get("name") or ""
    return names


@contextmanager
def _expat_parser() -> Iterator[expat.XMLParserType]:
    parser = expat.ParserCreate()

    def refuse(*_: object) -> None:
        raise InputTooLarge("ブックに DTD（DOCTYPE・実体宣言）が含まれているため読めません。表計算ソフトが保存した"
                            "ブックにはないものです / the workbook holds a DTD (DOCTYPE or entity declarations), which "
                            "no spreadsheet program writes", "xml_elements")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    yield parser


class _PartCounter:
    """Counts one XML part's elements as expat streams it, refusing what openpyxl could not hold."""

    def __init__(self, part: str, sheet: str, limits: InputLimits, budget: ReadingBudget) -> None:
        self.part, self.sheet, self.limits, self.budget = part, sheet, limits, budget
        self.kind = ""  # the root element: worksheet, sst, or another part
        self.depth = 0
        self.unit_depth = 0  # the depth of the row (worksheet) or si (shared strings) being read; 0: none
        self.unit_elements = 0
        self.row_cells = 0
        self.row = 0
        self.loose = 0
        self.strings = 0

    def where(self) -> tuple[str, str]:
        """Name the sheet (its part too when asked), or the part when it is no sheet, in Japanese and English."""
        if self.sheet:
            return f"シート「{self.sheet}」", f"sheet {self.sheet!r}"
        return f"「{self.part}」", self.part

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        local = tag.rpartition(":")[2]
        if self.depth == 1:
            self.kind = local
        if self.unit_depth:
            self.unit_elements += 1
            if self.unit_elements > _UNIT_ELEMENTS:
                self._too_complex()
            if local == "c" and self.kind == "worksheet":
                self._cell()
            return
        if local == "row" and self.kind == "worksheet":
            self._row(attrs.get("r"))
        elif local == "si" and self.kind == "sst":
            self.strings += 1
            if self.strings > self.limits.cells:
                raise InputTooLarge(f"文字列が多すぎます（{self.limits.cells:,}個まで） / too many strings in the "
                                    f"workbook (at most {self.limits.cells:,})", "cells")
            self.unit_depth, self.unit_elements = self.depth, 0
        else:
            self.loose += 1
            if self.loose > self.limits.xml_elements:
                self._too_complex()

    def end(self, _tag: str) -> None:
        if self.depth == self.unit_depth:
            self.unit_depth = 0
        self.depth -= 1

    def _row(self, number: str | None) -> None:
        self.budget.rows += 1
        self.row = int(number) if number and number.isdigit() else self.row + 1
        if self.budget.rows > self.limits.rows:
            raise self._here(rows_exceeded(self.row, self.limits))
        if self.row > EXCEL_ROWS:
            ja, en = self.where()
            raise InputTooLarge(f"{ja}: 行番号 {self.row:,} は Excel の上限（{EXCEL_ROWS:,}行）を超えています / "
                                f"{en}: row number {self.row:,} is beyond Excel's {EXCEL_ROWS:,} rows", "rows")
        self.unit_depth, self.unit_elements, self.row_cells = self.depth, 0, 0

    def _cell(self) -> None:
        self.row_cells += 1
        self.budget.cells += 1
        if self.row_cells > EXCEL_COLUMNS:
            ja, en = self.where()
            raise InputTooLarge(f"{ja} {self.row:,}行目: 1行のセルが Excel の上限（{EXCEL_COLUMNS:,}列）を超えて"
                                f"います / {en}, row {self.row:,}: more cells than Excel's {EXCEL_COLUMNS:,} columns",
                                "cells")
        if self.budget.cells > self.limits.cells:
            raise self._here(cells_exceeded(self.row, self.limits))

    def _here(self, error: InputTooLarge) -> InputTooLarge:
        ja, en = self.where()
        ja_text, _, en_text = str(error).partition(" / ")
        return InputTooLarge(f"{ja} {ja_text} / {en}, {en_text}", error.limit)

    def _too_complex(self) -> None:
        ja, en = self.where()
        if self.sheet:
            ja, en = f"{ja}（{self.part}）", f"{en} ({self.part})"
        most = self.limits.xml_elements
        raise InputTooLarge(f"{ja}の構造が複雑すぎます（要素 {most:,}個まで）。表計算ソフトで保存し"
                            f"直してください / {en} is too complex (at most {most:,} XML elements); "
                            f"save it again from a spreadsheet program", "xml_elements")


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: InputLimits, budget: ReadingBudget,
               sheet: str) -> None:
    counter = _PartCounter(info.filename, sheet, limits, budget)
    budget.start_sheet()
    with _expat_parser() as parser, archive.open(info) as stream:
        parser.StartElementHandler = counter.start
        parser.EndElementHandler = counter.end
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
            budget.check_time()
        parser.Parse(b"", True)
