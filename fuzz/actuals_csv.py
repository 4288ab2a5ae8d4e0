"""Fuzz the actuals CSV channel: bytes → ``decode_document`` → ``read_actuals_csv``, as an upload or a command reads.

Only the readers' own refusals may escape: ``PlanReadError`` (not text), ``ActualsReadError`` and ``InputTooLarge``.
"""

from __future__ import annotations

from fuzz.harness import FUZZ_LIMITS, run
from renkei.reading.actuals import ActualsReadError, read_actuals_csv
from renkei.reading.document_text import PlanReadError, decode_document
from renkei.reading.input_limits import InputTooLarge


def check(data: bytes) -> None:
    """Read ``data`` as an actuals CSV file under small limits; every row error names a row below the header."""
    try:
        sheet = read_actuals_csv(decode_document(data), FUZZ_LIMITS)
    except (PlanReadError, ActualsReadError, InputTooLarge):
        return
    assert all(error.row >= 2 for error in sheet.errors), sheet.errors


if __name__ == "__main__":
    run(check)
