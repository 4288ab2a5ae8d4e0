"""Budget rows (事業費): header years in every form in use, amount cells in 千円, and a stated total (計).

Year headers: ``R8``, ``令和8年度``, ``H28``, ``平成28年度``, ``2026``, ``2026年度``, ``FY2026``, and both at
once (``2016(H28)``, ``H28(2016)``, ``2016年度（平成28年度）``). A header ``計`` / ``合計`` / ``総額`` is the
total column. The years may run across one header row with the amounts on the next (or on the 事業費 row
under a 「年度」 row), or down the rows (``R8 | 1,000`` on each row).

Amount cells: a number is an amount (``0`` is an explicit zero); 「—」「-」「―」 and なし are stated as none;
「→」 says the project goes on but gives no amount (unclear); 未定 is undetermined; a blank is not stated;
「同左」 repeats the amount on its left. 千円 is the unit unless the header says otherwise (百万円, 万円, 円).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from renkei.domain.finding import Finding, Severity
from renkei.domain.fiscal import FiscalYearError, era_to_western
from renkei.domain.plan import Budget, BudgetCell, BudgetCellStatus
from renkei.domain.text import fold
from renkei.reading.layout import Row
from renkei.reading.markup import to_text
from renkei.reading.period import find_period

_YEAR = re.compile(r"^(?:FY)?(令和|平成|昭和|R|H|S)?\.?(\d{1,4}|元)(?:年度|年)?$", re.IGNORECASE)
_ALIASED = re.compile(r"^([^()]+)\(([^()]+)\)(?:年度|年)?$")
_TOTAL = re.compile(r"^(?:合?計|総計|総額|合計額|事業費計|期間計|\d+(?:か|カ|ヵ|ヶ)?年(?:間)?(?:合)?計)(?:\(.*\))?$")
_NOTE = re.compile(r"^(?:備考|摘要|説明|財源)")
_UNIT = re.compile(r"[(（]\s*(?:単位[:：]?\s*)?(千円|百万円|万円|円)\s*[)）]")
_NONE_MARKS = frozenset({"—", "-", "－", "―", "‐", "–", "ー", "─", "━", "なし", "無し", "該当なし", "×", "皆減"})
_UNCLEAR_MARKS = frozenset({"→", "⇒", "➡", "➔", "⟶", "―→", "-→", "—→", "継続"})
_SAME_AS_LEFT = frozenset({"同左", "〃", "々"})
_UNDETERMINED = re.compile(r"^(?:未定|調整中|検討中|未確定|算定中|要調整|精査中)")
_NUMBER = re.compile(
    r"^(?:約|概算)?([▲△-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(千円|百万円|万円|億円|円)?[※*]?(?:\(.*\))?$")
UNIT_FACTORS = {"千円": 1.0, "百万円": 1000.0, "万円": 10.0, "円": 0.001, "億円": 100000.0}


@lru_cache(maxsize=4096)  # pure, and documents repeat the same headers many times
def read_header_year(cell: str) -> int | None:
    """Return the western fiscal year a budget header cell names, if it names one.

    >>> [read_header_year(c) for c in ("R8", "Ｒ１２", "令和3年度", "2026", "H30", "備考", "")]
    [2026, 2030, 2021, 2026, 2018, None, None]
    >>> [read_header_year(c) for c in ("2016(H28)", "H28（2016）", "平成28年度", "2026年度", "FY2027", "令和元年度")]
    [2016, 2016, 2016, 2026, 2027, 2019]
    """
    text = fold(cell)
    if not text:
        return None
    aliased = _ALIASED.match(text)
    if aliased:
        first, second = _read_year(aliased.group(1)), _read_year(aliased.group(2))
        return first if first is not None else second
    return _read_year(text)


def _read_year(text: str) -> int | None:
    match = _YEAR.match(text)
    if not match:
        return None
    era, number = match.group(1), match.group(2)
    year = 1 if number == "元" else int(number)
    if era is None:
        return year if 1900 <= year <= 2200 else None
    try:
        return era_to_western(era, year) if year <= 99 else None
    except FiscalYearError:
        return None


def is_total_header(cell: str) -> bool:
    """Tell whether a header cell names the total column.

    >>> [is_total_header(c) for c in ("計", "合計", "合計（千円）", "5か年計", "R8")]
    [True, True, True, True, False]
    """
    return bool(_TOTAL.match(fold(cell)))


def read_budget_unit(label: str, cells: tuple[str, ...] | list[str]) -> str | None:
    """Return the money unit stated in the budget label or header cells (千円, 万円, …), if any.

    >>> read_budget_unit("事業費（千円）", ())
    '千円'
    >>> read_budget_unit("事業費", ("R8", "備考")) is None
    True
    >>> read_budget_unit("事業費", ("（単位：千円）",))
    '千円'
    """
    for text in (label, *cells):
        if "円" not in text:
            continue
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


_PLAIN_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")


def read_budget_cell(text: str, *, unit: str | None = "千円") -> CellReading:
    """Read one budget cell into a status and an amount in thousand yen.

    >>> read_budget_cell("2,420")
    CellReading(status=<BudgetCellStatus.AMOUNT: 'amount'>, amount=2420, rounded=False)
    >>> read_budget_cell("—").status.value, read_budget_cell("-").status.value, read_budget_cell("").status.value
    ('none', 'none', 'not_stated')
    >>> read_budget_cell("→").status.value, read_budget_cell("0").amount
    ('unclear', 0)
    >>> read_budget_cell("未定").status.value, read_budget_cell("予算化予定").status.value
    ('undetermined', 'invalid')
    >>> read_budget_cell("１，０３３").amount, read_budget_cell("1.2億円").amount
    (1033, 120000)
    >>> read_budget_cell("5", unit="百万円").amount
    5000
    """
    if (unit is None or unit == "千円") and _PLAIN_AMOUNT.fullmatch(text):
        return CellReading(BudgetCellStatus.AMOUNT, int(text.replace(",", "")))  # the common case, at once
    return _read_budget_cell(text, unit)


@lru_cache(maxsize=16384)
def _read_budget_cell(text: str, unit: str | None) -> CellReading:
    raw = text.strip()
    if not raw:
        return CellReading(BudgetCellStatus.NOT_STATED)
    folded = fold(raw)
    if raw in _NONE_MARKS or folded in _NONE_MARKS:
        return CellReading(BudgetCellStatus.NONE)
    if folded in _UNCLEAR_MARKS or raw in _UNCLEAR_MARKS:
        return CellReading(BudgetCellStatus.UNCLEAR)
    if _UNDETERMINED.match(folded):
        return CellReading(BudgetCellStatus.UNDETERMINED)
    match = _NUMBER.match(folded)
    if not match:
        return CellReading(BudgetCellStatus.INVALID)
    sign = -1 if match.group(1) else 1
    value = float(match.group(2).replace(",", "") + (match.group(3) or "")) * sign
    value *= UNIT_FACTORS.get(match.group(4) or unit or "千円", 1.0)
    amount = round(value)
    return CellReading(BudgetCellStatus.AMOUNT, amount, rounded=abs(value - amount) > 1e-9)


def make_cell(fiscal_year: int, text: str, *, unit: str | None) -> tuple[BudgetCell, CellReading]:
    """Build a BudgetCell for one year from its text."""
    reading = read_budget_cell(text, unit=unit)
    return BudgetCell(fiscal_year=fiscal_year, text=text, status=reading.status, amount=reading.amount), reading


@dataclass(frozen=True, slots=True)
class _Columns:
    """What a horizontal header row announces: years by column, the total and note columns."""

    years: dict[int, int]
    total: int | None = None
    note: int | None = None


def _header_columns(row: Row) -> _Columns:
    return _columns_of(row.cells)


@lru_cache(maxsize=4096)  # header rows repeat from sheet to sheet; the result is never changed
def _columns_of(cells: tuple[str, ...]) -> _Columns:
    years: dict[int, int] = {}
    total = note = None
    start = 1 if cells and cells[0] and read_header_year(cells[0]) is None else 0
    for index in range(start, len(cells)):
        cell = cells[index]
        if not cell:
            continue
        year = read_header_year(cell)
        if year is not None:
            years[index] = year
        elif is_total_header(cell):
            total = index
        elif _NOTE.match(fold(cell)):
            note = index
    return _Columns(years, total, note)


@lru_cache(maxsize=4096)
def _unit_of(label: str, header: tuple[str, ...]) -> str | None:
    return read_budget_unit(label, header)


@lru_cache(maxsize=4096)
def _simple_layout(header: tuple[str, ...], used: tuple[int, ...]) -> tuple[tuple[tuple[int, int], ...], int,
                                                                            int | None, int | None, str] | None:
    """Return (years by column, offset, note column, total column, unit) of a header row over a value row whose
    non-empty cells are ``used``; None unless the years run across the header and its label gives the unit."""
    columns = _columns_of(header)
    unit = _unit_of(header[0] if header else "", header[1:])
    if len(columns.years) < 2 or unit is None or not used:
        return None
    wanted = set(columns.years) | {c for c in (columns.note, columns.total) if c is not None}
    offset = next((o for o in (0, 1, -1, 2, -2, 3, -3) if all(i + o in wanted for i in used)), 0)
    return tuple(columns.years.items()), offset, columns.note, columns.total, unit


def read_simple_budget(header: Row, values: Row) -> Budget | None:
    """Read the common budget at once: years across the header row, amounts on the row below, nothing to report.

    Returns None for anything else (another layout, a cell to report, 同左), which :func:`read_budget_block` reads.
    """
    cells_in = values.cells
    layout = _simple_layout(header.cells, tuple([i for i, c in enumerate(cells_in) if c]))
    if layout is None:
        return None
    years, offset, note_column, total_column, unit = layout
    count = len(cells_in)
    thousands = unit == "千円"
    cells: list[BudgetCell] = []
    for index, year in years:
        source = index - offset
        text = cells_in[source] if 0 <= source < count else ""
        if thousands and text and _PLAIN_AMOUNT.fullmatch(text):  # 「15,252」: the common cell, at once
            cells.append(BudgetCell(year, text, _AMOUNT, int(text.replace(",", ""))))
            continue
        key = (year, text, unit)
        cell = _CELLS.get(key)
        if cell is None:
            reading = read_budget_cell(text, unit=unit)
            if reading.status is BudgetCellStatus.INVALID or reading.rounded or text in _SAME_AS_LEFT:
                return None
            if len(_CELLS) >= 16384:
                _CELLS.clear()
            cell = _CELLS[key] = BudgetCell(year, text, reading.status, reading.amount)
        cells.append(cell)
    note = total_text = None
    total_amount = None
    if note_column is not None and 0 <= note_column - offset < count:
        note = cells_in[note_column - offset] or None
    if total_column is not None and 0 <= total_column - offset < count:
        total_text = cells_in[total_column - offset] or None
        if total_text is not None:
            total_amount = read_budget_cell(total_text, unit=unit).amount
    return Budget(unit, tuple(cells), to_text(note) if note else None, header.line, total_text, total_amount)


_AMOUNT = BudgetCellStatus.AMOUNT
# Cells read before that are not plain amounts (blank, 「—」, 未定, 1.2億円), by year, text and unit: documents
# repeat them. BudgetCell is immutable. Cleared by clear_budget_cells().
_CELLS: dict[tuple[int, str, str | None], BudgetCell] = {}


def clear_budget_cells() -> None:
    """Forget the budget cells read before."""
    _CELLS.clear()


def read_budget_block(rows: list[Row], plan_years: range) -> tuple[Budget, list[Finding]]:
    """Read the rows of a budget (事業費 and its 年度 row, if any) into a Budget and findings."""
    findings: list[Finding] = []
    head = rows[0]
    labels = [r.cells[0] for r in rows if r.cells and r.cells[0]]
    header_row, columns = head, _header_columns(head)
    headers = [(head, columns)]
    if len(columns.years) < 2:  # the years are on another row, or down the rows
        headers = [(r, _header_columns(r) if r is not head else columns) for r in rows]
        header_row, columns = max(headers, key=lambda h: len(h[1].years))
    unit = _unit_of(labels[0] if labels else "", header_row.cells[1:])
    if unit is None and len(rows) > 1:  # 「年度」 above 「事業費（千円）」: the unit is on another row's label
        unit = read_budget_unit("", [*labels, *(c for r in rows for c in r.cells[1:])])
    if unit is None and not _amounts_state_their_unit(rows):
        findings.append(Finding("budget.no_unit", Severity.WARNING,
                                "事業費の単位が書かれていません。千円として読みました。", line=head.line,
                                suggestion="「事業費（千円）」のように単位を書いてください。"))
    vertical = [(r, c) for r, c in headers if len(c.years) == 1]
    inline = _read_inline(rows, unit, findings) if not columns.years else None
    if len(columns.years) <= 1 and len(vertical) >= 2:
        budget = _read_vertical(rows, unit, findings)
    elif inline is not None:
        budget = inline
    elif not columns.years and (over_range := _read_period_total(rows, unit, findings)) is not None:
        budget = over_range
    elif not columns.years:
        findings.append(Finding("budget.no_years", Severity.ERROR,
                                "事業費の見出しに年度（R8 など）がありません。書かれた内容は備考として残しました。",
                                line=head.line, suggestion="見出し行に R8〜R12 のように年度を書いてください。"))
        written = "\n".join(to_text(c) for r in rows for c in r.cells[1 if r is head else 0 :] if c)
        budget = Budget(unit=unit, cells=(), note=written or None, line=head.line)
    else:
        budget = _read_horizontal(rows, header_row, columns, unit, findings)
    del plan_years  # the period is checked by the lint rules, which know the plan
    return budget, findings


def _amounts_state_their_unit(rows: list[Row]) -> bool:
    """Tell whether every amount written carries its own money unit (1,000千円, 令和8年度：500千円)."""
    written = [fold(c) for r in rows for _, c in r.nonempty(1 if r.cells and r.cells[0] else 0)]
    amounts = [c for c in written if _NUMBER.match(c)] + [m.group(2) for c in written for m in _INLINE_PAIR.finditer(c)]
    units = [match.group(4) for amount in amounts if (match := _NUMBER.match(amount))]  # numbers, not —/未定
    return bool(units) and all(units)


# 「令和8年度：500千円、令和9年度：500千円」: years and amounts written in one cell.
_INLINE_PAIR = re.compile(r"([^:：、,，;；\s]+?)\s*[:：]\s*([^:：、,，;；\s]+)")


def _read_inline(rows: list[Row], unit: str | None, findings: list[Finding]) -> Budget | None:
    """Read years and amounts written as pairs in the cells (令和8年度：500千円、令和9年度：500千円), or None."""
    texts = [c for r in rows for _, c in r.nonempty(1 if r is rows[0] else 0)]
    pairs = [(m, read_header_year(m.group(1))) for text in texts for m in _INLINE_PAIR.finditer(fold(text))]
    if not pairs or any(year is None for _, year in pairs):
        return None
    leftover = "".join(_INLINE_PAIR.sub("", fold(text)) for text in texts)
    if leftover.strip("、,，;；"):
        return None  # more than pairs: leave the cell to the other readings
    cells: list[BudgetCell] = []
    for match, year in pairs:
        assert year is not None
        cell, reading = make_cell(year, match.group(2), unit=unit)
        _check_cell(cell, reading, rows[0].line, findings)
        cells.append(cell)
    return Budget(unit=unit, cells=tuple(cells), line=rows[0].line)


def _read_period_total(rows: list[Row], unit: str | None, findings: list[Finding]) -> Budget | None:
    """Read one amount for a range of years (R8～R12 | 5,000): a stated total, the years themselves not stated."""
    texts = [c for r in rows for _, c in r.nonempty(1 if r is rows[0] else 0)]
    ranges = [(text, found) for text in texts if (found := find_period(fold(text))) is not None
              and found.first is not None and found.last is not None]
    amounts = [text for text in texts if _NUMBER.match(fold(text))]
    if len(ranges) != 1 or len(amounts) != 1:
        return None
    (written, period), amount = ranges[0], amounts[0]
    assert period.first is not None and period.last is not None
    first, last = period.first.fiscal_year, period.last.fiscal_year
    findings.append(Finding(
        "budget.period_total", Severity.WARNING,
        f"事業費が年度ごとではなく期間（{written}）の合計「{amount}」で書かれています。"
        "年度ごとの額は「記載なし」とし、合計には数えません。", line=rows[0].line,
        suggestion="年度ごとの事業費を書いてください。"))
    cells = tuple(BudgetCell(year, "", BudgetCellStatus.NOT_STATED) for year in range(first, last + 1)) \
        if first <= last <= first + 20 else ()
    return Budget(unit=unit, cells=cells, line=rows[0].line, total_text=amount,
                  total_amount=read_budget_cell(fold(amount), unit=unit).amount)


def _read_horizontal(rows: list[Row], header_row: Row, columns: _Columns, unit: str | None,
                     findings: list[Finding]) -> Budget:
    head = rows[0]
    value_rows = [r for r in rows if r is not header_row and r.nonempty(1 if r.cells and r.cells[0] else 0)]
    if not value_rows:
        findings.append(Finding("budget.missing_amounts", Severity.WARNING, "事業費の金額の行がありません。",
                                line=head.line, suggestion="見出しの下の行に各年度の金額を書いてください。"))
        return Budget(unit=unit, cells=tuple(make_cell(y, "", unit=unit)[0] for y in columns.years.values()),
                      line=head.line)
    row = value_rows[0]
    wanted = set(columns.years) | {c for c in (columns.note, columns.total) if c is not None}
    offset = _best_offset(row, wanted, labelled=bool(row.cells and row.cells[0]))
    cells: list[BudgetCell] = []
    previous: BudgetCell | None = None
    for index, year in columns.years.items():
        source = index - offset
        text = row.cells[source] if 0 <= source < len(row.cells) else ""
        cell, reading = make_cell(year, text, unit=unit)
        if text.strip() in _SAME_AS_LEFT and previous is not None:
            cell = BudgetCell(year, text, previous.status, previous.amount)
        else:
            _check_cell(cell, reading, row.line, findings)
        cells.append(cell)
        previous = cell
    note = None
    if columns.note is not None and 0 <= columns.note - offset < len(row.cells):
        note = row.cells[columns.note - offset] or None
    total_text = total_amount = None
    if columns.total is not None and 0 <= columns.total - offset < len(row.cells):
        total_text = row.cells[columns.total - offset] or None
        if total_text is not None:
            total_amount = read_budget_cell(total_text, unit=unit).amount
    for extra in value_rows[1:]:
        note = "\n".join(x for x in (note, extra.text) if x)
        findings.append(Finding("budget.extra_row", Severity.WARNING,
                                "事業費の金額の行が2行以上あります。2行目以降は備考として残しました。",
                                line=extra.line))
    return Budget(unit=unit, cells=tuple(cells), note=to_text(note) if note else None, line=head.line,
                  total_text=total_text, total_amount=total_amount)


def _read_vertical(rows: list[Row], unit: str | None, findings: list[Finding]) -> Budget:
    """Read years written down the rows: 「R8 | 1,000」 on each row, perhaps a 「計 | 5,000」 row."""
    cells: list[BudgetCell] = []
    total_text = total_amount = None
    for row in rows:
        found = row.nonempty(1 if row.cells and row.cells[0] and read_header_year(row.cells[0]) is None else 0)
        for position, (_, cell_text) in enumerate(found):
            year = read_header_year(cell_text)
            following = found[position + 1][1] if position + 1 < len(found) else ""
            if year is not None:
                cell, reading = make_cell(year, following, unit=unit)
                _check_cell(cell, reading, row.line, findings)
                cells.append(cell)
                break
            if is_total_header(cell_text):
                total_text = following or None
                total_amount = read_budget_cell(following, unit=unit).amount if following else None
                break
    return Budget(unit=unit, cells=tuple(cells), line=rows[0].line, total_text=total_text,
                  total_amount=total_amount)


def _check_cell(cell: BudgetCell, reading: CellReading, line: int, findings: list[Finding]) -> None:
    if cell.status is BudgetCellStatus.INVALID:
        findings.append(Finding("budget.non_numeric", Severity.ERROR,
                                f"{cell.fiscal_year}年度の事業費「{cell.text}」は数値として読めません。", line=line,
                                suggestion="金額（千円）、「—」（なし）または「未定」を書いてください。"))
    elif reading.rounded:
        findings.append(Finding("budget.rounded", Severity.WARNING,
                                f"{cell.fiscal_year}年度の事業費「{cell.text}」を千円単位に丸めました。", line=line))


def _best_offset(row: Row, columns: set[int], *, labelled: bool) -> int:
    """Return the column shift that puts every non-empty value cell under a header column."""
    used = [i for i, _ in row.nonempty(1 if labelled else 0)]
    if not used:
        return 0
    for offset in (0, 1, -1, 2, -2, 3, -3):
        if all(i + offset in columns for i in used):
            return offset
    return 0
