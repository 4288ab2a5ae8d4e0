"""An area's own actuals sheet (過年度の実績表), laid out any way: read as a table, a mapping proposed, figures read.

The table comes from :mod:`renkei.reading.sheet_table` (a CSV or xlsx file within the reading limits).
``propose_mapping`` guesses the header row (title rows above it are skipped), the layout (years across as
令和4年度 / R5 / H30年度 / 2022年度 columns, or one row per KPI and year), and what each column holds. ``read_mapped``
reads the rows with a mapping: each row's indicator is matched to the plan's KPIs by the same near-name rule
the actuals import uses (:mod:`renkei.domain.name_match`) — at :data:`~renkei.domain.name_match.MATCH_CUTOFF`
or above, its score shown; below it the row is refused, never guessed — and each cell is read as a number
(1,234, full-width digits, ▲ and △ as minus, a unit after it), a pending figure (集計中, 未公表, ―: kept as pending,
never 0) or a refusal that names the row and column. Blank cells are no figure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from renkei.domain.actual import read_assessment_word
from renkei.domain.actuals_mapping import (
    ActualsMapping,
    ColumnMapping,
    ColumnRole,
    KpiChoice,
    Layout,
    column_letter,
    layout_fingerprint,
    row_key,
)
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.name_match import MATCH_CUTOFF, SUGGESTION_CUTOFF, NameMatch, rank_names
from renkei.domain.text import fold
from renkei.reading.actuals import (
    ActualsRow,
    ActualsSheet,
    read_value,
)
from renkei.reading.fiscal_year import read_fiscal_year
from renkei.reading.sheet_table import Table, clean_cell

#: Words of a figure not yet known; a cell starting with one is pending (集計中（8月公表予定） too).
PENDING_WORDS = ("集計中", "未公表", "非公表", "調査中", "未集計", "算出中", "精査中", "未確定", "確認中", "公表前",
                 "未把握", "把握中")
_DASHES = frozenset("-－—―‐−ー–…・")
#: Words after a number that make it no figure (30前後, 100以上): refused rather than read as a unit.
_APPROXIMATE = ("前後", "程度", "以上", "以下", "超", "未満", "弱", "強", "見込", "頃", "くらい", "ほど", "余")
#: How many rows at the top are looked at for the header.
HEADER_SEARCH_ROWS = 30
_ERA_YEAR = re.compile(r"(?:令和|平成|[RH])\s*(?:元|\d{1,2})\s*(?:年度|年)?", re.IGNORECASE)
_WESTERN_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*(?:年度|年)?(?!\d)")
#: What a year's header may say besides the year (令和4年度実績, 実績値（R5）, 2022年度末).
_YEAR_HEADER_REST = re.compile(r"^(?:実績値|実績|数値|値|結果|末|時点|現在|[()（）\[\]【】:：・/])*$")
#: Headers of figures that are not actuals: a year in them is not a year's actual.
_NOT_ACTUAL = ("目標", "見込", "計画", "基準", "現状", "予定", "予測")
_HEADER_WORDS: dict[ColumnRole, tuple[str, ...]] = {
    ColumnRole.INDICATOR: ("指標", "指標名", "kpi", "kpi名", "成果指標", "評価指標", "重要業績評価指標", "数値目標",
                           "項目", "目標指標", "業績指標", "indicator"),
    ColumnRole.PROJECT: ("事業名", "事業", "取組名", "取組", "取り組み", "施策名", "施策", "具体的な取組", "連携事業",
                         "project"),
    ColumnRole.YEAR: ("年度", "対象年度", "実績年度", "fiscalyear", "fiscal_year", "year", "fy"),
    ColumnRole.VALUE: ("実績値", "実績", "数値", "値", "実績数値", "value", "actual"),
    ColumnRole.GRADE: ("評価", "判定", "評価区分", "達成度", "進捗", "進捗状況", "評価結果", "達成状況", "自己評価",
                       "進捗評価", "grade"),
    ColumnRole.COMMENT: ("コメント", "公開コメント", "説明", "取組状況", "所見", "評価理由", "理由", "comment"),
    ColumnRole.NOTE: ("備考", "メモ", "note"),
    ColumnRole.UNIT: ("単位", "unit"),
    ColumnRole.IGNORE: ("目標値", "目標", "現状値", "基準値", "基準", "現状", "見込", "計画値", "番号", "no", "no.",
                        "№", "#"),
}
#: Words inside a longer header that say what it holds, the first found wins (評価指標 is an indicator).
_HEADER_PARTS: tuple[tuple[str, ColumnRole], ...] = (
    ("目標", ColumnRole.IGNORE), ("現状", ColumnRole.IGNORE), ("基準", ColumnRole.IGNORE),
    ("見込", ColumnRole.IGNORE), ("指標", ColumnRole.INDICATOR), ("kpi", ColumnRole.INDICATOR),
    ("単位", ColumnRole.UNIT), ("備考", ColumnRole.NOTE), ("評価", ColumnRole.GRADE), ("判定", ColumnRole.GRADE),
    ("事業", ColumnRole.PROJECT), ("取組", ColumnRole.PROJECT), ("施策", ColumnRole.PROJECT),
    ("コメント", ColumnRole.COMMENT), ("実績", ColumnRole.VALUE), ("年度", ColumnRole.YEAR),
)
_PARENTHESES = re.compile(r"[(（][^)）]*[)）]")


CellKind = Literal["number", "pending", "blank", "unreadable"]


@dataclass(frozen=True, slots=True)
class CellReading:
    """What a figure's cell holds: a number (and the unit written after it), a pending word, nothing, or neither."""

    kind: CellKind
    value: float | None = None
    unit: str | None = None
    word: str | None = None


def read_cell(text: str) -> CellReading:
    """Read a figure's cell.

    >>> read_cell("▲1,200")
    CellReading(kind='number', value=-1200.0, unit=None, word=None)
    >>> read_cell("△０．５").value
    -0.5
    >>> read_cell("1,234人").unit, read_cell("集計中").kind, read_cell("集計中（8月公表）").word, read_cell("―").kind
    ('人', 'pending', '集計中（8月公表）', 'pending')
    >>> read_cell(" ").kind, read_cell("約30").kind
    ('blank', 'unreadable')
    """
    cleaned = clean_cell(text)
    if not cleaned:
        return CellReading("blank")
    folded = fold(cleaned)
    if all(char in _DASHES for char in folded):
        return CellReading("pending", word=cleaned)
    if folded.startswith(PENDING_WORDS):
        return CellReading("pending", word=cleaned[:100])
    read = read_value(cleaned)
    if read is None or (read[1] is not None and any(word in read[1] for word in _APPROXIMATE)):
        return CellReading("unreadable", word=cleaned)
    return CellReading("number", value=read[0], unit=read[1])


def read_header_year(text: str) -> int | None:
    """Read a fiscal year out of a column's header; None when the header is not a year's actual.

    >>> [read_header_year(t) for t in ["令和4年度", "R5", "H30年度", "2022年度", "平成30年度", "令和元年度実績"]]
    [2022, 2023, 2018, 2022, 2018, 2019]
    >>> [read_header_year(t) for t in ["目標値（令和8年度）", "指標", "R4～R8", "4月"]]
    [None, None, None, None]
    """
    folded = fold(text)
    if not folded or any(word in folded for word in _NOT_ACTUAL):
        return None
    whole = read_fiscal_year(folded)
    if whole is not None:
        return whole
    found = [m for pattern in (_ERA_YEAR, _WESTERN_YEAR) for m in pattern.finditer(folded)]
    if len(found) != 1:
        return None
    match = found[0]
    rest = folded[:match.start()] + folded[match.end():]
    if not _YEAR_HEADER_REST.match(rest):
        return None
    return read_fiscal_year(match.group())


def classify_header(text: str) -> tuple[ColumnRole, int | None] | None:
    """Say what a header cell names: a role (and a year for a year's column), or None when it is not known.

    >>> classify_header("令和5年度"), classify_header("成果指標名")
    ((<ColumnRole.VALUE: 'value'>, 2023), (<ColumnRole.INDICATOR: 'indicator'>, None))
    >>> classify_header("目標値（R8）")
    (<ColumnRole.IGNORE: 'ignore'>, None)
    >>> classify_header("色") is None
    True
    """
    folded = fold(text).lower()
    if not folded:
        return None
    year = read_header_year(text)
    if year is not None:
        return ColumnRole.VALUE, year
    bare = _PARENTHESES.sub("", folded) or folded
    for role, words in _HEADER_WORDS.items():
        if bare in words:
            return role, None
    for part, role in _HEADER_PARTS:
        if part in bare:
            return role, None
    return None


def _header_score(cells: Sequence[str]) -> int:
    known = [classify_header(c) for c in cells if c]
    roles = [k for k in known if k is not None]
    if len([c for c in cells if c]) < 2:
        return 0
    return len(roles) + sum(2 for role, _ in roles if role is ColumnRole.INDICATOR)


def _guess_header_row(table: Table) -> int:
    best, best_score = 0, 0
    for number, cells in enumerate(table.rows[:HEADER_SEARCH_ROWS], start=1):
        score = _header_score(cells)
        if score > best_score:
            best, best_score = number, score
    if best:
        return best
    return next((n for n, cells in enumerate(table.rows, start=1) if len([c for c in cells if c]) >= 2), 1)


def _data_rows(table: Table, header_row: int) -> Iterable[tuple[int, tuple[str, ...]]]:
    for number in range(header_row + 1, len(table.rows) + 1):
        cells = table.rows[number - 1]
        if any(cells):
            yield number, cells


def _guess_indicator_column(table: Table, header_row: int, free: Sequence[int],
                            kpis: Sequence[KpiChoice]) -> int | None:
    """Return the column whose cells are most like the plan's indicators (when no header names one)."""
    indicators = [k.indicator for k in kpis]
    best: tuple[float, int] | None = None
    rows = list(_data_rows(table, header_row))[:50]
    for column in free:
        texts = [cells[column] for _, cells in rows if column < len(cells) and cells[column]]
        if not texts or all(read_cell(t).kind == "number" for t in texts):
            continue
        scores = [(rank_names(t, indicators, cutoff=0, limit=1) or [NameMatch("", 0.0)])[0].score for t in texts]
        mean = sum(scores) / len(scores)
        if mean >= SUGGESTION_CUTOFF and (best is None or mean > best[0]):
            best = (mean, column)
    return best[1] if best else None


def propose_mapping(table: Table, kpis: Sequence[KpiChoice]) -> ActualsMapping:
    """Propose how to read a table: its header row, layout and columns, with notes saying what was guessed."""
    header_row = _guess_header_row(table)
    header = table.header(header_row)
    columns: list[ColumnMapping] = []
    taken: set[ColumnRole] = set()
    notes = [f"{header_row}行目を見出しとしました / row {header_row} is taken as the header"]
    for index, text in enumerate(header):
        known = classify_header(text)
        if known is None:
            continue
        role, year = known
        if role is ColumnRole.IGNORE or (role is not ColumnRole.VALUE and role in taken):
            continue
        if role is ColumnRole.VALUE and year is None and ColumnRole.VALUE in taken:
            continue
        taken.add(role)
        columns.append(ColumnMapping(index, role, year))
    years_across = any(c.fiscal_year is not None for c in columns)
    if years_across:  # a 実績 or 年度 column beside years across is a remark, not the layout
        columns = [c for c in columns if c.role is not ColumnRole.YEAR
                   and not (c.role is ColumnRole.VALUE and c.fiscal_year is None)]
    if not any(c.role is ColumnRole.INDICATOR for c in columns):
        used = {c.column for c in columns}
        guessed = _guess_indicator_column(table, header_row, [i for i in range(table.width) if i not in used], kpis)
        if guessed is not None:
            columns.append(ColumnMapping(guessed, ColumnRole.INDICATOR))
            notes.append(f"{column_letter(guessed)}列を指標の列としました（計画の指標名に近いため） / column "
                         f"{column_letter(guessed)} is taken as the indicator (its cells are like the plan's)")
    mapping = ActualsMapping(header_row, tuple(sorted(columns, key=lambda c: c.column)), sheet=table.sheet)
    if mapping.layout is Layout.YEARS_ACROSS:
        years = [c.fiscal_year for c in mapping.year_columns if c.fiscal_year is not None]
        notes.append(f"年度が横に並ぶ表です（{format_fiscal_year(min(years))}～{format_fiscal_year(max(years))}） / "
                     f"years run across (FY{min(years)}-FY{max(years)})")
        if mapping.column_for(ColumnRole.GRADE) is not None or mapping.column_for(ColumnRole.COMMENT) is not None:
            notes.append(f"評価・コメントは{format_fiscal_year(max(years))}のものとしました / the grade and comment "
                         f"are taken as FY{max(years)}'s")
    else:
        notes.append("1行に1指標・1年度の表です / one row per KPI and year")
    return replace(mapping, notes=tuple(notes))


@dataclass(frozen=True, slots=True)
class CellRefusal:
    """Why a row, or one cell of it, is not stored (Japanese, English); ``column`` 0-based, None for the row."""

    row: int
    column: int | None
    message_ja: str
    message_en: str

    @property
    def where_ja(self) -> str:
        """Return the place: 「5行目 C列」."""
        return f"{self.row}行目" + (f" {column_letter(self.column)}列" if self.column is not None else "")

    @property
    def where_en(self) -> str:
        """Return the place: "row 5, column C"."""
        return f"row {self.row}" + (f", column {column_letter(self.column)}" if self.column is not None else "")

    @property
    def message(self) -> str:
        """Return the message naming the row and column, Japanese first."""
        return f"{self.where_ja}: {self.message_ja} / {self.where_en}: {self.message_en}"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class RowMatch:
    """Which KPI a row's indicator was taken to mean: the score (None when confirmed by hand) and the nearest
    names when none was near enough."""

    row: int
    key: str
    written: str
    kpi: KpiChoice | None
    score: float | None
    confirmed: bool = False
    nearest: tuple[NameMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class MappedFigure:
    """A figure the mapping reads from one cell: what will be stored for a KPI and year (value None when pending)."""

    row: int
    column: int
    kpi: KpiChoice
    fiscal_year: int
    value: float | None
    unit: str | None = None
    pending: str | None = None
    grade: str | None = None
    comment: str | None = None
    note: str | None = None
    score: float | None = None
    #: An assessment word (達成 …) given as the grade of a year without a number (a qualitative KPI).
    assessment: str | None = None

    @property
    def cell(self) -> str:
        """Return the cell's address: D5."""
        return f"{column_letter(self.column)}{self.row}"


@dataclass(frozen=True, slots=True)
class MappedSheet:
    """What a table holds under a mapping: the figures, the refusals by cell, each row's match and the blanks."""

    figures: tuple[MappedFigure, ...]
    refusals: tuple[CellRefusal, ...]
    matches: tuple[RowMatch, ...] = ()
    blank_cells: int = 0
    left_out_rows: tuple[int, ...] = field(default=())

    def actuals_sheet(self, provenance: Callable[[MappedFigure], str] | None = None) -> ActualsSheet:
        """Return the figures as actuals rows, numbered 1, 2 … in the order of :attr:`figures`.

        ``provenance`` writes the internal note each figure carries (where it came from); the grade the area gave
        (当時の評価) and the sheet's own note follow it.
        """
        rows: list[ActualsRow] = []
        for number, figure in enumerate(self.figures, start=1):
            parts = [provenance(figure) if provenance else None,
                     f"当時の評価: {figure.grade}" if figure.grade and not figure.assessment else None, figure.note]
            note = "。".join(p for p in parts if p) or None
            rows.append(ActualsRow(
                row=number, project=figure.kpi.project, indicator=figure.kpi.indicator,
                fiscal_year=figure.fiscal_year, value=figure.value, note=note, unit=figure.unit,
                comment=figure.comment, assessment=figure.assessment, pending=figure.pending))
        return ActualsSheet(rows=tuple(rows))


class _Matcher:
    """Matches rows' written names to the plan's KPIs (projects first when the sheet names them)."""

    def __init__(self, kpis: Sequence[KpiChoice]) -> None:
        self.kpis = tuple(kpis)
        self.projects = list(dict.fromkeys(k.project for k in kpis))

    def match(self, mapping: ActualsMapping, row: int, project: str | None,
              indicator: str) -> tuple[RowMatch, CellRefusal | None]:
        key = row_key(project, indicator)
        written = f"{project}／{indicator}" if project else indicator
        confirmed, chosen = mapping.confirmed(key)
        indicator_column = mapping.column_for(ColumnRole.INDICATOR)
        if confirmed:
            if chosen is not None and chosen not in self.kpis:
                chosen = next((k for k in self.kpis if (k.project, k.indicator) == (chosen.project, chosen.indicator)),
                              None)
                if chosen is None:
                    return RowMatch(row, key, written, None, None, True), CellRefusal(
                        row, indicator_column, "対応表で指定した指標が計画にありません",
                        "the KPI the mapping names is not in the plan")
            return RowMatch(row, key, written, chosen, None, True), None
        pool = self.kpis
        if project:
            ranked = rank_names(project, self.projects, cutoff=0, limit=3)
            if not ranked or ranked[0].score < MATCH_CUTOFF:
                near = _nearest_text(ranked)
                return RowMatch(row, key, written, None, None, nearest=tuple(ranked)), CellRefusal(
                    row, mapping.column_for(ColumnRole.PROJECT),
                    f"事業「{project}」は計画の事業と一致しません{near[0]}。対応表で指定できます",
                    f"project {project!r} matches no project of the plan{near[1]}; the mapping can name it")
            pool = tuple(k for k in self.kpis if k.project == ranked[0].name)
        ranked = rank_names(indicator, [k.indicator for k in pool], cutoff=0, limit=3)
        if not ranked or ranked[0].score < MATCH_CUTOFF:
            near = _nearest_text(ranked)
            return RowMatch(row, key, written, None, None, nearest=tuple(ranked)), CellRefusal(
                row, indicator_column, f"指標「{indicator}」は計画の指標と一致しません{near[0]}。対応表で指定できます",
                f"indicator {indicator!r} matches no KPI of the plan{near[1]}; the mapping can name it")
        same = [k for k in pool if fold(k.indicator) == fold(ranked[0].name)]
        if len({k.project for k in same}) > 1:
            names = "、".join(dict.fromkeys(k.project for k in same))
            return RowMatch(row, key, written, None, ranked[0].score), CellRefusal(
                row, indicator_column, f"指標「{indicator}」は複数の事業（{names}）にあります。事業名の列か対応表で"
                "指定してください", f"indicator {indicator!r} belongs to several projects ({names}); give the "
                "project column or name the KPI in the mapping")
        return RowMatch(row, key, written, same[0], ranked[0].score), None


def _nearest_text(ranked: Sequence[NameMatch]) -> tuple[str, str]:
    if not ranked or ranked[0].score < SUGGESTION_CUTOFF / 2:
        return "", ""
    best = ranked[0]
    return f"（最も近い「{best.name}」は{best.score:.0f}点）", f" (nearest {best.name!r} scores {best.score:.0f})"


class _RowReader:
    """Reads one data row's figures under a mapping."""

    def __init__(self, mapping: ActualsMapping, matcher: _Matcher) -> None:
        self.mapping = mapping
        self.matcher = matcher
        self.figures: list[MappedFigure] = []
        self.refusals: list[CellRefusal] = []
        self.matches: list[RowMatch] = []
        self.left_out: list[int] = []
        self.blank = 0
        self.seen: dict[tuple[KpiChoice, int], str] = {}
        self.last_project = ""

    def text(self, cells: Sequence[str], role: ColumnRole) -> tuple[int | None, str]:
        column = self.mapping.column_for(role)
        return column, (cells[column] if column is not None and column < len(cells) else "")

    def read_row(self, number: int, cells: Sequence[str]) -> None:
        project_column, project = self.text(cells, ColumnRole.PROJECT)
        if project_column is not None:
            project = project or self.last_project  # a merged cell: the project goes on down its rows
            self.last_project = project
        indicator_column, indicator = self.text(cells, ColumnRole.INDICATOR)
        value_cells = self._value_cells(number, cells)
        if not indicator:
            if any(read_cell(text).kind != "blank" for _, _, text in value_cells):
                self.refusals.append(CellRefusal(number, indicator_column, "指標が空欄です", "the indicator is empty"))
            return
        match, refused = self.matcher.match(self.mapping, number, project or None, indicator)
        self.matches.append(match)
        if refused is not None:
            self.refusals.append(refused)
            return
        if match.kpi is None:
            self.left_out.append(number)
            return
        for column, year, text in value_cells:
            self._read_figure(number, cells, match, column, year, text)
        self._orphan_grade(number, cells, match.kpi)

    def _value_cells(self, number: int, cells: Sequence[str]) -> list[tuple[int, int | None, str]]:
        """Return (column, fiscal year, text) of the row's figures; the year of a year-rows sheet read from its cell."""
        def at(column: int) -> str:
            return cells[column] if column < len(cells) else ""

        if self.mapping.layout is Layout.YEARS_ACROSS:
            return [(c.column, c.fiscal_year, at(c.column)) for c in self.mapping.year_columns]
        value_column = next(c.column for c in self.mapping.columns if c.role is ColumnRole.VALUE)
        year_column, year_text = self.text(cells, ColumnRole.YEAR)
        year = (read_fiscal_year(year_text) or read_header_year(year_text)) if year_text else None
        if year is None:
            if not at(value_column):
                return []
            if not year_text:
                self.refusals.append(CellRefusal(number, year_column, "年度が空欄です", "the fiscal year is empty"))
            else:
                self.refusals.append(CellRefusal(
                    number, year_column, f"「{year_text}」を年度として読めません（例: 令和4年度、H30、2022年度）",
                    f"cannot read {year_text!r} as a fiscal year (e.g. 令和4年度, H30, 2022年度)"))
            return []
        return [(value_column, year, at(value_column))]

    def _carried(self, cells: Sequence[str], year: int | None) -> tuple[str | None, str | None, str | None]:
        """Return the row's grade, comment and note for a figure of this year (years across: the graded year's)."""
        if self.mapping.layout is Layout.YEARS_ACROSS and year != self.mapping.graded_year:
            return None, None, None
        return (self.text(cells, ColumnRole.GRADE)[1] or None, self.text(cells, ColumnRole.COMMENT)[1] or None,
                self.text(cells, ColumnRole.NOTE)[1] or None)

    def _read_figure(self, number: int, cells: Sequence[str], match: RowMatch, column: int, year: int | None,
                     text: str) -> None:
        kpi = match.kpi
        assert kpi is not None and year is not None
        reading = read_cell(text)
        grade, comment, note = self._carried(cells, year)
        word = read_assessment_word(grade) if grade else None
        if reading.kind == "blank" and word is None:
            self.blank += 1
            return
        if reading.kind == "unreadable":
            self.refusals.append(CellRefusal(number, column, f"数値として読めません（\"{reading.word}\"）",
                                             f"not a number ({reading.word!r})"))
            return
        unit_column, unit_text = self.text(cells, ColumnRole.UNIT)
        unit = reading.unit
        if unit_text and unit and fold(unit) != fold(unit_text):
            self.refusals.append(CellRefusal(number, column, f"単位「{unit}」が{column_letter(unit_column or 0)}列の"
                                             f"単位「{unit_text}」と違います", f"unit {unit!r} differs from the unit "
                                             f"column's {unit_text!r}"))
            return
        place = (kpi, year)
        if place in self.seen:
            self.refusals.append(CellRefusal(
                number, column, f"同じ指標・年度（{format_fiscal_year(year)}）の値が{self.seen[place]}にもあります",
                f"the same KPI and year (FY{year}) is already given in {self.seen[place]}"))
            return
        self.seen[place] = f"{column_letter(column)}{number}"
        self.figures.append(MappedFigure(
            row=number, column=column, kpi=kpi, fiscal_year=year, value=reading.value, unit=unit or unit_text or None,
            pending=reading.word if reading.kind == "pending" else None, grade=grade, comment=comment, note=note,
            score=match.score, assessment=word[0] if word is not None and reading.kind == "blank" else None))

    def _orphan_grade(self, number: int, cells: Sequence[str], kpi: KpiChoice) -> None:
        """Refuse a grade or comment whose year has no figure in the row (years across): it would belong to none."""
        year = self.mapping.graded_year
        if year is None or any(f.row == number and f.fiscal_year == year for f in self.figures):
            return
        for role in (ColumnRole.GRADE, ColumnRole.COMMENT):
            column, text = self.text(cells, role)
            if text:
                self.refusals.append(CellRefusal(
                    number, column, f"{format_fiscal_year(year)}の実績値がないため、この列は取り込みません",
                    f"FY{year} has no figure in this row, so this cell is not stored"))


def read_mapped(table: Table, mapping: ActualsMapping, kpis: Sequence[KpiChoice]) -> MappedSheet:
    """Read a table's figures with a mapping (checked first: :meth:`ActualsMapping.check`)."""
    mapping.check()
    reader = _RowReader(mapping, _Matcher(kpis))
    for number, cells in _data_rows(table, mapping.header_row):
        reader.read_row(number, cells)
    refusals = sorted(reader.refusals, key=lambda r: (r.row, -1 if r.column is None else r.column))
    return MappedSheet(tuple(reader.figures), tuple(refusals), tuple(reader.matches), reader.blank,
                       tuple(reader.left_out))


def fingerprint_of(table: Table, mapping: ActualsMapping) -> str:
    """Return the layout fingerprint of a table's header row under a mapping."""
    return layout_fingerprint(table.header(mapping.header_row))
