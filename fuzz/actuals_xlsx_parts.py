"""Fuzz the actuals xlsx reader inside a well-formed zip: the input is the worksheet's XML (and the shared strings).

Mutated zip bytes mostly fail their CRC and stop at the archive check; here the harness puts the fuzzed parts into
renkei's own template (``fuzz/corpus/actuals_xlsx/seed-template.xlsx``), so every execution reaches the XML
counting, openpyxl's parsing and the reading of cells. The input is ``xl/worksheets/sheet1.xml``, optionally
followed by a NUL byte and ``xl/sharedStrings.xml``. Only ``ActualsReadError`` and ``InputTooLarge`` may escape.
"""

from __future__ import annotations

import io
import warnings
import zipfile

import openpyxl  # noqa: F401  (imported before instrumentation so that its parsing guides the fuzzer too)

from fuzz.harness import FUZZ_DIR, FUZZ_LIMITS, run
from renkei.reading.actuals import ActualsReadError, read_actuals_xlsx
from renkei.reading.input_limits import InputTooLarge

warnings.simplefilter("ignore")  # openpyxl's warnings about parts it ignores are not crashes

SHEET, STRINGS = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
with zipfile.ZipFile(FUZZ_DIR / "corpus" / "actuals_xlsx" / "seed-template.xlsx") as _template:
    TEMPLATE = {info.filename: _template.read(info) for info in _template.infolist()}


def workbook_with(data: bytes) -> bytes:
    """Return the template workbook with its first sheet (and shared strings, after a NUL) replaced by ``data``."""
    sheet, _, strings = data.partition(b"\0")
    parts = dict(TEMPLATE, **{SHEET: sheet}) if not strings else dict(TEMPLATE, **{SHEET: sheet, STRINGS: strings})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def check(data: bytes) -> None:
    """Read the template with the fuzzed parts as an actuals workbook under small limits."""
    try:
        read_actuals_xlsx(workbook_with(data), FUZZ_LIMITS)
    except (ActualsReadError, InputTooLarge):
        return


def seed() -> bytes:
    """The template's own sheet and shared strings: the seed of ``fuzz/corpus/actuals_xlsx_parts/``."""
    return TEMPLATE[SHEET] + b"\0" + TEMPLATE[STRINGS]


if __name__ == "__main__":
    run(check, ("renkei", "openpyxl", "zipfile"))
