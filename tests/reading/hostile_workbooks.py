"""Hostile and broken workbooks built in the tests: the smallest valid .xlsx around any sheet XML, written streaming.

Not a fixture module: the reading tests and the memory tests (which run the readers in a subprocess) import it.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

HEADER = ("事業名", "指標", "年度", "実績値")
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="実績" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_CLOSE = b"</sheetData></worksheet>"


def inline_row(number: int, values: Iterable[str]) -> bytes:
    """Write one row of inline-string cells (no shared strings needed)."""
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def workbook(sheet: Iterable[bytes], *, extra: dict[str, Iterable[bytes]] | None = None, doctype: bool = False,
             target: Path | None = None) -> bytes:
    """Return (or write to ``target``) an .xlsx whose one worksheet is the concatenated ``sheet`` pieces.

    The pieces are compressed as they come, so a sheet of gigabytes never exists in memory.
    """
    buffer: io.BytesIO | None = None
    out: Path | io.BytesIO
    if target is None:
        buffer = io.BytesIO()
        out = buffer
    else:
        out = target
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        workbook_xml = _WORKBOOK
        if doctype:
            workbook_xml = workbook_xml.replace("<workbook ", '<!DOCTYPE workbook [<!ENTITY a "aaaa">]><workbook ', 1)
        archive.writestr("xl/workbook.xml", workbook_xml)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, pieces in {"xl/worksheets/sheet1.xml": sheet, **(extra or {})}.items():
            with archive.open(name, "w", force_zip64=True) as stream:
                for piece in pieces:
                    stream.write(piece)
    return buffer.getvalue() if buffer is not None else b""


def actuals_sheet(rows: int = 1) -> Iterator[bytes]:
    """Yield a valid actuals sheet: the header and ``rows`` rows."""
    yield SHEET_OPEN
    yield inline_row(1, HEADER)
    for number in range(2, rows + 2):
        yield inline_row(number, ("火災調査", "件数", "R8", str(number)))
    yield SHEET_CLOSE


def white_space_sheet(gib: float, chunk_mib: int = 8) -> Iterator[bytes]:
    """Yield a valid actuals sheet padded with ``gib`` GiB of white space (a zip bomb: it packs a thousandfold)."""
    yield SHEET_OPEN
    yield inline_row(1, HEADER)
    blank = b" " * (chunk_mib * 1024 * 1024)
    for _ in range(round(gib * 1024 / chunk_mib)):
        yield blank
    yield SHEET_CLOSE


def wide_sheet(cells: int, per_row: int = 100) -> Iterator[bytes]:
    """Yield a sheet of ``cells`` numeric cells, ``per_row`` to a row (packs about 50 times)."""
    yield SHEET_OPEN
    yield inline_row(1, HEADER)
    full, rest = divmod(cells, per_row)
    for number in range(2, full + 2):
        values = "".join(f"<c><v>{(number * 7 + column) % 1000}</v></c>" for column in range(per_row))
        yield f'<row r="{number}">{values}</row>'.encode()
    if rest:
        yield f'<row r="{full + 2}">'.encode() + b"<c><v>1</v></c>" * rest + b"</row>"
    yield SHEET_CLOSE


def lie_about_sizes(data: bytes, declared: int) -> bytes:
    """Rewrite every central-directory entry of a (non-zip64) zip to declare ``declared`` unpacked bytes."""
    out = bytearray(data)
    start = 0
    while (at := out.find(b"PK\x01\x02", start)) != -1:
        struct.pack_into("<I", out, at + 24, declared)
        start = at + 4
    return bytes(out)
