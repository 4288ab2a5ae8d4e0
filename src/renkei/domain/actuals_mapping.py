"""A mapping of an area's own actuals sheet (過年度の実績表) onto the plan's KPIs: which row is the header, what
each column holds, and which KPI each written indicator means when it was confirmed by hand.

Two layouts are read:

- **years across** (one row per KPI, a column per fiscal year: 令和4年度 / 令和5年度 …): each year's column is a
  :attr:`ColumnRole.VALUE` column with its ``fiscal_year``;
- **year rows** (one row per KPI and year): one :attr:`ColumnRole.YEAR` column and one :attr:`ColumnRole.VALUE`
  column without a year.

A grade (評価) or comment column in the years-across layout belongs to one year, :attr:`ActualsMapping.grade_year`
(by default the latest year column). Columns are numbered from 0 here and named by their letter (A, B … AA) in
files and messages. The JSON form (:meth:`ActualsMapping.to_dict`) is what ``renkei actuals map --write-mapping``
writes, what a person edits and what is saved per area, keyed by the header's :func:`layout_fingerprint`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.plan import Plan
from renkei.domain.text import fold

#: The version of the mapping's JSON form.
MAPPING_VERSION = 1


class ColumnRole(StrEnum):
    """What a column of an area's sheet holds."""

    PROJECT = "project"  # 事業名
    INDICATOR = "indicator"  # 指標
    YEAR = "year"  # 年度 (one row per KPI and year)
    VALUE = "value"  # 実績値 (a year's column, or the value column of a row per KPI and year)
    GRADE = "grade"  # 評価 (the area's own grade: A, 達成 …)
    COMMENT = "comment"  # 公開コメント (published with the figure)
    NOTE = "note"  # 備考 (internal)
    UNIT = "unit"  # 単位
    IGNORE = "ignore"  # 使わない (目標値, 現状値, anything else)


#: Each role's name on the page (Japanese, English).
ROLE_LABELS: dict[ColumnRole, tuple[str, str]] = {
    ColumnRole.PROJECT: ("事業名", "project"),
    ColumnRole.INDICATOR: ("指標", "indicator"),
    ColumnRole.YEAR: ("年度", "fiscal year"),
    ColumnRole.VALUE: ("実績値", "actual"),
    ColumnRole.GRADE: ("評価", "grade"),
    ColumnRole.COMMENT: ("公開コメント", "public comment"),
    ColumnRole.NOTE: ("備考（内部）", "internal note"),
    ColumnRole.UNIT: ("単位", "unit"),
    ColumnRole.IGNORE: ("使わない", "not used"),
}
#: Roles a mapping holds at most once.
SINGLE_ROLES = frozenset({ColumnRole.PROJECT, ColumnRole.INDICATOR, ColumnRole.YEAR, ColumnRole.GRADE,
                          ColumnRole.COMMENT, ColumnRole.NOTE, ColumnRole.UNIT})


class Layout(StrEnum):
    """How a sheet lays out its years."""

    YEARS_ACROSS = "years_across"  # one row per KPI, years as columns
    YEAR_ROWS = "year_rows"  # one row per KPI and year


class MappingError(ValueError):
    """A mapping that cannot be used (an unreadable JSON form, a column given twice, no indicator column)."""


def column_letter(index: int) -> str:
    """Return a column's letter as a spreadsheet shows it (0 → A).

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_index(letter: str) -> int:
    """Return the 0-based index of a column letter (full-width and lower case are fine).

    >>> column_index("A"), column_index("ｄ"), column_index("AA")
    (0, 3, 26)
    >>> column_index("A1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.domain.actuals_mapping.MappingError: 列「A1」は列の記号（A、B … AA）ではありません / ...
    """
    text = fold(letter).upper()
    if not text or not text.isascii() or not text.isalpha() or len(text) > 3:
        raise MappingError(f"列「{letter}」は列の記号（A、B … AA）ではありません / {letter!r} is not a column letter")
    number = 0
    for char in text:
        number = number * 26 + (ord(char) - ord("A") + 1)
    return number - 1


def layout_fingerprint(header: Sequence[str]) -> str:
    """Return the fingerprint of a header row: its folded cells, so that the next file of the same layout is known.

    >>> layout_fingerprint(["指標", "令和4年度", ""]) == layout_fingerprint([" 指標", "令和４年度"])
    True
    >>> layout_fingerprint(["指標", "R4"]) == layout_fingerprint(["指標", "R5"])
    False
    """
    cells = [fold(cell) for cell in header]
    while cells and not cells[-1]:
        cells.pop()
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class KpiChoice:
    """A KPI a row may mean: its project's name and its indicator, as the plan writes them."""

    project: str
    indicator: str
    unit: str | None = None

    @property
    def label(self) -> str:
        """Return the KPI as pages name it: 「事業／指標」."""
        return f"{self.project}／{self.indicator}"


def kpi_choices(plan: Plan) -> tuple[KpiChoice, ...]:
    """Return the KPIs a sheet's rows may mean: every KPI of the plan's own sheets (a 【再掲】 copy reports nothing)."""
    return tuple(KpiChoice(project.name, kpi.indicator, kpi.target.unit or kpi.baseline.unit)
                 for project in plan.projects if not project.relisted for kpi in project.kpis)


def row_key(project: str | None, indicator: str) -> str:
    """Return the key a confirmed match is kept under: the written indicator (after its project, when one is written).

    >>> row_key(None, " 観光入込客数 "), row_key("観光振興", "入込客数")
    ('観光入込客数', '観光振興|入込客数')
    """
    return f"{fold(project)}|{fold(indicator)}" if project else fold(indicator)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """What one column holds (``column`` 0-based); a year's value column carries its fiscal year."""

    column: int
    role: ColumnRole
    fiscal_year: int | None = None

    @property
    def letter(self) -> str:
        """Return the column's letter."""
        return column_letter(self.column)


@dataclass(frozen=True, slots=True)
class ActualsMapping:
    """How to read an area's sheet: its header row (1-based), its columns, and the matches confirmed by hand.

    ``matches`` pairs a :func:`row_key` with the KPI it means, or None for a row to leave out (合計, a KPI of
    another plan). ``sheet`` names the worksheet of a workbook (None: the first with data).
    """

    header_row: int
    columns: tuple[ColumnMapping, ...]
    grade_year: int | None = None
    matches: tuple[tuple[str, KpiChoice | None], ...] = ()
    sheet: str | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def role_of(self, column: int) -> ColumnMapping | None:
        """Return what a column holds, or None when it is not used."""
        return next((c for c in self.columns if c.column == column), None)

    def column_for(self, role: ColumnRole) -> int | None:
        """Return the column of a single role (the indicator, the grade …), or None."""
        return next((c.column for c in self.columns if c.role is role), None)

    @property
    def year_columns(self) -> tuple[ColumnMapping, ...]:
        """Return the value columns of single years (years across), in column order."""
        return tuple(sorted((c for c in self.columns if c.role is ColumnRole.VALUE and c.fiscal_year is not None),
                            key=lambda c: c.column))

    @property
    def layout(self) -> Layout:
        """Return the layout the columns make: years across when any value column has a year."""
        return Layout.YEARS_ACROSS if self.year_columns else Layout.YEAR_ROWS

    @property
    def graded_year(self) -> int | None:
        """Return the year a grade or comment column belongs to (years across): as set, else the latest year."""
        if self.layout is not Layout.YEARS_ACROSS:
            return None
        return self.grade_year or max(c.fiscal_year for c in self.year_columns if c.fiscal_year is not None)

    def confirmed(self, key: str) -> tuple[bool, KpiChoice | None]:
        """Return whether a row's KPI was confirmed by hand, and the KPI (None: the row is left out)."""
        for written, kpi in self.matches:
            if written == key:
                return True, kpi
        return False, None

    def problems(self) -> list[tuple[str, str]]:
        """Return why the mapping cannot be read with (Japanese, English); empty when it can."""
        found: list[tuple[str, str]] = []
        if self.header_row < 1:
            found.append(("見出し行は1以上にしてください", "the header row must be 1 or more"))
        seen: dict[int, ColumnMapping] = {}
        for column in self.columns:
            if column.column in seen:
                found.append((f"{column.letter}列が2回指定されています", f"column {column.letter} is given twice"))
            seen[column.column] = column
        for role in SINGLE_ROLES:
            given = [c.letter for c in self.columns if c.role is role]
            if len(given) > 1:
                ja, en = ROLE_LABELS[role]
                found.append((f"「{ja}」の列は一つだけです（{'、'.join(given)}列）",
                              f"only one {en} column may be given ({', '.join(given)})"))
        if self.column_for(ColumnRole.INDICATOR) is None:
            found.append(("「指標」の列を指定してください", "give the indicator column"))
        plain_values = [c for c in self.columns if c.role is ColumnRole.VALUE and c.fiscal_year is None]
        years = [c.fiscal_year for c in self.year_columns]
        if len(set(years)) != len(years):
            found.append(("同じ年度の実績値の列が2つあります", "two value columns have the same fiscal year"))
        if self.year_columns and (plain_values or self.column_for(ColumnRole.YEAR) is not None):
            found.append(("年度ごとの列（横に並ぶ年度）と「年度」「実績値」の列（1行に1年度）は一緒に使えません",
                          "years across and a year column with a value column cannot be mixed"))
        elif not self.year_columns and (len(plain_values) != 1 or self.column_for(ColumnRole.YEAR) is None):
            found.append(("実績値の列がありません（年度ごとの列か、「年度」と「実績値」の列を指定してください）",
                          "no value column: give a column per year, or a year column and a value column"))
        if self.grade_year is not None and self.grade_year not in years:
            found.append((f"評価の年度 {self.grade_year} の列がありません",
                          f"no value column for the grade's year {self.grade_year}"))
        return found

    def check(self) -> ActualsMapping:
        """Return the mapping, or raise :class:`MappingError` listing its problems."""
        problems = self.problems()
        if problems:
            raise MappingError(" / ".join(f"{ja}（{en}）" for ja, en in problems))
        return self

    def with_column(self, column: int, role: ColumnRole, fiscal_year: int | None = None) -> ActualsMapping:
        """Return the mapping with one column's role set (IGNORE drops it)."""
        kept = tuple(c for c in self.columns if c.column != column)
        if role is not ColumnRole.IGNORE:
            kept = (*kept, ColumnMapping(column, role, fiscal_year))
        return replace(self, columns=tuple(sorted(kept, key=lambda c: c.column)))

    def with_match(self, key: str, kpi: KpiChoice | None) -> ActualsMapping:
        """Return the mapping with a row's KPI confirmed by hand (None: leave the row out)."""
        return replace(self, matches=(*((k, m) for k, m in self.matches if k != key), (key, kpi)))

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (columns by letter).

        >>> columns = (ColumnMapping(1, ColumnRole.INDICATOR), ColumnMapping(3, ColumnRole.VALUE, 2022))
        >>> mapping = ActualsMapping(3, columns)
        >>> mapping.to_dict()["columns"]
        {'B': {'role': 'indicator'}, 'D': {'role': 'value', 'fiscal_year': 2022}}
        >>> mapping_from_dict(mapping.to_dict()) == mapping
        True
        """
        columns: dict[str, Any] = {}
        for column in sorted(self.columns, key=lambda c: c.column):
            entry: dict[str, Any] = {"role": column.role.value}
            if column.fiscal_year is not None:
                entry["fiscal_year"] = column.fiscal_year
            columns[column.letter] = entry
        result: dict[str, Any] = {"version": MAPPING_VERSION, "header_row": self.header_row, "columns": columns}
        if self.sheet is not None:
            result["sheet"] = self.sheet
        if self.grade_year is not None:
            result["grade_year"] = self.grade_year
        if self.matches:
            result["matches"] = [
                {"written": key, "project": kpi.project if kpi else None, "indicator": kpi.indicator if kpi else None}
                for key, kpi in self.matches
            ]
        return result


def _integer(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MappingError(f"「{name}」は整数で書いてください（{value!r}） / {name} must be a whole number")
    return value


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"「{name}」は文字列で書いてください（{value!r}） / {name} must be text")
    return value


def _columns(given: object) -> tuple[ColumnMapping, ...]:
    if not isinstance(given, Mapping):
        raise MappingError("「columns」は列の記号ごとの指定です / columns must map column letters to roles")
    columns: list[ColumnMapping] = []
    for letter, entry in given.items():
        where = f"columns.{letter}"
        role_text = entry.get("role") if isinstance(entry, Mapping) else entry
        try:
            role = ColumnRole(str(role_text))
        except ValueError:
            roles = ", ".join(r.value for r in ColumnRole)
            raise MappingError(f"{where}: 役割「{role_text}」は使えません（{roles}） / unknown role {role_text!r}") \
                from None
        year = entry.get("fiscal_year") if isinstance(entry, Mapping) else None
        if year is not None:
            year = _integer(year, f"{where}.fiscal_year")
            if role is not ColumnRole.VALUE:
                raise MappingError(f"{where}: 年度は実績値の列だけに書きます / only a value column has a fiscal year")
        if role is not ColumnRole.IGNORE:
            columns.append(ColumnMapping(column_index(str(letter)), role, year))
    return tuple(sorted(columns, key=lambda c: c.column))


def _matches(given: object) -> tuple[tuple[str, KpiChoice | None], ...]:
    if given is None:
        return ()
    if not isinstance(given, list):
        raise MappingError("「matches」は一覧で書きます / matches must be a list")
    found: list[tuple[str, KpiChoice | None]] = []
    for number, entry in enumerate(given, start=1):
        if not isinstance(entry, Mapping):
            raise MappingError(f"matches の{number}番目が読めません / matches[{number}] is not an object")
        written = fold(_text(entry.get("written"), f"matches[{number}].written"))
        project, indicator = entry.get("project"), entry.get("indicator")
        if project is None and indicator is None:
            found.append((written, None))
        else:
            found.append((written, KpiChoice(_text(project, f"matches[{number}].project"),
                                             _text(indicator, f"matches[{number}].indicator"))))
    return tuple(found)


def mapping_from_dict(data: object) -> ActualsMapping:
    """Read a mapping's JSON form; anything wrong raises :class:`MappingError` naming the field.

    >>> mapping_from_dict({"header_row": 1, "columns": {"A": "indicator", "B": {"role": "colour"}}})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.domain.actuals_mapping.MappingError: columns.B: 役割「colour」は使えません（project, ...） / ...
    """
    if not isinstance(data, Mapping):
        raise MappingError("対応表はJSONのオブジェクトです / a mapping is a JSON object")
    version = data.get("version", MAPPING_VERSION)
    if version != MAPPING_VERSION:
        raise MappingError(f"対応表の版 {version!r} は読めません（{MAPPING_VERSION}） / unknown mapping version")
    grade_year = data.get("grade_year")
    sheet = data.get("sheet")
    return ActualsMapping(
        header_row=_integer(data.get("header_row"), "header_row"),
        columns=_columns(data.get("columns")),
        grade_year=_integer(grade_year, "grade_year") if grade_year is not None else None,
        matches=_matches(data.get("matches")),
        sheet=_text(sheet, "sheet") if sheet is not None else None,
    )


def describe_columns(mapping: ActualsMapping, header: Sequence[str], lang: str = "ja") -> Iterable[str]:
    """Say what each used column holds, one line each: 「D列（令和4年度）: 実績値 令和4年度（2022）」."""
    for column in mapping.columns:
        heading = header[column.column] if column.column < len(header) else ""
        ja, en = ROLE_LABELS[column.role]
        year = f" {format_fiscal_year(column.fiscal_year, lang)}" if column.fiscal_year is not None else ""
        if lang == "ja":
            yield f"{column.letter}列（{heading}）: {ja}{year}"
        else:
            yield f"column {column.letter} ({heading}): {en}{year}"
