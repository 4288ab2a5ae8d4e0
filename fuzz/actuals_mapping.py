"""Fuzz the mapping of an area's own sheet: bytes → ``read_table`` → ``propose_mapping`` → ``read_mapped``.

This is what ``renkei actuals map`` and the staff page 「過年度の実績の取り込み」 do with an uploaded CSV: find the
header, guess each column's role, match each row to the example plan's KPIs and read every cell. Only the reader's
own refusals may escape: ``ActualsReadError`` (not a table, or a limit passed) and ``MappingError`` for a proposal
that leaves a column to choose (the page asks for it). What it reads must hold together:
every figure is for one of the plan's KPIs, in a row and column of the table; a pending cell has no value, never 0;
every refusal names a row of the table.
"""

from __future__ import annotations

from fuzz.harness import FUZZ_DIR, FUZZ_LIMITS, run
from renkei.domain.actuals_mapping import MappingError, kpi_choices
from renkei.reading.actuals import ActualsReadError
from renkei.reading.actuals_mapping import propose_mapping, read_mapped
from renkei.reading.sheet import read_plan
from renkei.reading.sheet_table import read_table

KPIS = kpi_choices(read_plan((FUZZ_DIR.parent / "examples" / "kitakyushu_vision_r8.txt").read_text("utf-8"))[0])


def check(data: bytes) -> None:
    """Read ``data`` as an area's own CSV sheet under small limits, with the mapping renkei proposes for it."""
    try:
        table = read_table(data, "sheet.csv", FUZZ_LIMITS)
    except ActualsReadError:
        return
    mapping = propose_mapping(table, KPIS)
    try:
        mapped = read_mapped(table, mapping, KPIS)
    except MappingError:
        return
    rows = len(table.rows)
    for figure in mapped.figures:
        assert figure.kpi in KPIS and 1 <= figure.row <= rows and 0 <= figure.column < table.width, figure
        assert figure.pending is None or figure.value is None, figure  # pending is never a number
    assert all(1 <= refusal.row <= rows for refusal in mapped.refusals), mapped.refusals


if __name__ == "__main__":
    run(check)
