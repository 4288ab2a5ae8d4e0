"""Budget rows (事業費): header years (R8…R12, or whatever years are given) and amount cells in 千円."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from renkei.domain.fiscal import era_to_western
from renkei.domain.plan import BudgetCell, BudgetCellStatus

_YEAR = re.compile(r"^(令和|平成|昭和|R|H|S)?(\d{1,4}|元)(年度?)?$", re.IGNORECASE)
_UNIT = re.compile(r"[(（]\s*(?:単位[:：]?\s*)?(千円|百万円|万円|円)\s*[)）]")
_NONE_MARKS = frozenset({"—", "-", "－", "―", "‐", "–", "ー", "─", "なし", "無し", "該当なし", "×"})
_UNDETERMINED = re.compile(r"^(未定|調整中|検討中|未確定|算定中|要調整)")
_NUMBER = re.compile(r"^[約]?\s*([▲△-]?)\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(千円)?\s*[※*]?$")
UNIT_FACTORS = {"千円": 1.0, "百万円": 1000.0, "万円": 10.0, "円": 0.001}


@lru_cache(maxsize=16384)  # pure, and documents repeat the same cells many times
def read_header_year(cell: str) -> int | None:
    """Return the western fiscal year a budget header cell names, if it names one.

    >>> [read_header_year(c) for c in ("R8", "Ｒ１２", "令和3年度", "2026", "H30", "備考", "")]
    [2026, 2030, 2021, 2026, 2018, None, None]
    """
    text = "".join(unicodedata.normalize("NFKC", cell).split())
    match = _YEAR.match(text)
    if not match:
        return None
    era, number = match.group(1), match.group(2)
    year = 1 if number == "元" else int(number)
    if era is None:
        return year if 1900 <= year <= 2200 else None
    try:
        return era_to_western(era, year)
    except ValueError:
        return None


def read_budget_unit(label: str, cells: tuple[str, ...]) -> str | None:
    """Return the money unit stated in the budget label or header cells (千円, 万円, …), if any.

    >>> read_budget_unit("事業費（千円）", ())
    '千円'
    >>> read_budget_unit("事業費", ("R8", "備考")) is None
    True
    >>> read_budget_unit("事業費", ("（単位：千円）",))
    '千円'
    """
    for text in (label, *cells):
        match = _UNIT.search(unicodedata.normalize("NFKC", text).replace("(", "（").replace(")", "）"))
        if match:
            return match.group(1)
    return None


@dataclass(frozen=True, slots=True)
class CellReading:
    """A budget cell read: status, amount in 千円 (rounded), and whether rounding was needed."""

    status: BudgetCellStatus
    amount: int | None = None
    rounded: bool = False


def read_budget_cell(text: str, *, unit: str | None = "千円") -> CellReading:
    """Read one budget cell into a status and an amount in thousand yen.

    >>> read_budget_cell("2,420")
    CellReading(status=<BudgetCellStatus.AMOUNT: 'amount'>, amount=2420, rounded=False)
    >>> read_budget_cell("—").status.value, read_budget_cell("-").status.value, read_budget_cell("").status.value
    ('none', 'none', 'not_stated')
    >>> read_budget_cell("未定").status.value, read_budget_cell("予算化予定").status.value
    ('undetermined', 'invalid')
    >>> read_budget_cell("１，０３３").amount
    1033
    >>> read_budget_cell("5", unit="百万円").amount
    5000
    """
    raw = text.strip()
    if not raw:
        return CellReading(BudgetCellStatus.NOT_STATED)
    folded = "".join(unicodedata.normalize("NFKC", raw).split())
    if raw in _NONE_MARKS or folded in _NONE_MARKS:
        return CellReading(BudgetCellStatus.NONE)
    if _UNDETERMINED.match(folded):
        return CellReading(BudgetCellStatus.UNDETERMINED)
    match = _NUMBER.match(folded)
    if not match:
        return CellReading(BudgetCellStatus.INVALID)
    sign = -1 if match.group(1) else 1
    value = float(match.group(2).replace(",", "") + (match.group(3) or "")) * sign
    value *= UNIT_FACTORS.get(unit or "千円", 1.0)
    amount = round(value)
    return CellReading(BudgetCellStatus.AMOUNT, amount, rounded=abs(value - amount) > 1e-9)


def make_cell(fiscal_year: int, text: str, *, unit: str | None) -> tuple[BudgetCell, CellReading]:
    """Build a BudgetCell for one year from its text."""
    reading = read_budget_cell(text, unit=unit)
    return BudgetCell(fiscal_year=fiscal_year, text=text, status=reading.status, amount=reading.amount), reading
