"""Fuzz the actuals xlsx reader: only ``ActualsReadError`` and ``InputTooLarge`` may escape ``read_actuals_xlsx``."""

from __future__ import annotations

import warnings

import openpyxl  # noqa: F401  (imported before instrumentation so that its parsing guides the fuzzer too)

from fuzz.harness import FUZZ_LIMITS, run
from renkei.reading.actuals import ActualsReadError, read_actuals_xlsx
from renkei.reading.input_limits import InputTooLarge

# openpyxl warns about parts it ignores (data validation, unknown extensions); a warning is not a crash.
warnings.simplefilter("ignore")


def check(data: bytes) -> None:
    """Read ``data`` as an actuals workbook under small limits."""
    try:
        read_actuals_xlsx(data, FUZZ_LIMITS)
    except (ActualsReadError, InputTooLarge):
        return


if __name__ == "__main__":
    run(check, ("renkei", "openpyxl", "zipfile"))
