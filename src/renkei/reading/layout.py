"""Document layout: lines split into cells, and each row's label (事業名, 事業費, 役割分担, …) recognised.

Rows are recognised by the label in their first cell, in the variants areas use (事業概要 / 事業内容 /
主な取組内容, 期待される効果 / 期待する効果 / 効果, 関係市町村 / 連携する市町村 / 連携市 / 連携市町,
事業費見込額 / 概算事業費 / 事業費, 成果指標 / 重要業績評価指標（KPI）…), with numbering, bullets, brackets and
a trailing colon ignored (「1 事業名」「■事業概要」「【効果】」「事業費：」). A first cell written
「事業名：○○事業」 is split into the label and its value. Rows that other areas' sheets have and Kitakyushu's
lack (国・県補助事業の名称・補助率, 事業の進捗状況, 事業期間, 担当課, 目的, 現状と課題, …) are ``EXTRA`` rows: kept
with their label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from renkei.domain.framework import recognise_framework_area
from renkei.domain.text import fold


class RowKind(StrEnum):
    """What a row's first cell says it is."""

    NAME = "name"  # 事業名
    PARTNERS = "partners"  # 連携市町 (when written on a row of its own)
    CONTENT = "content"  # 事業内容
    EFFECTS = "effects"  # 効果
    BUDGET = "budget"  # 事業費（千円）
    BUDGET_YEARS = "budget_years"  # 年度 (a year header on a row of its own, above or below the amounts)
    ROLES = "roles"  # 役割分担
    COST = "cost"  # 費用負担（基本方針）
    KPI = "kpi"  # 重要業績評価指数（KPI）
    KPI_PART = "kpi_part"  # 指標 / 現状値 / 目標値 written as rows of their own
    EXTRA = "extra"  # a known row kept as it is (担当課, 事業期間, 補助事業の名称・補助率, 進捗状況, …)
    AGREEMENT = "agreement"  # 【連携協約】
    POLICY_AREA = "policy_area"  # ## (2) …に係る政策分野, 1 圏域全体の経済成長のけん引
    HEADING = "heading"  # any other markdown heading
    RULE = "rule"  # ------
    BLANK = "blank"
    CONTINUATION = "continuation"  # first cell empty, others not
    OTHER = "other"  # a label we do not know


#: Rows that start or extend a sheet.
SHEET_KINDS = frozenset(
    {RowKind.NAME, RowKind.PARTNERS, RowKind.CONTENT, RowKind.EFFECTS, RowKind.BUDGET, RowKind.ROLES, RowKind.COST,
     RowKind.KPI}
)
#: Rows that belong to the sheet they stand in and never start one.
ATTACHED_KINDS = frozenset({RowKind.BUDGET_YEARS, RowKind.KPI_PART, RowKind.EXTRA})

#: The label of the partner column or row: 連携市町, 関係市町村, 連携する市町村, 参加自治体名 …
PARTNER_LABEL = r"(?:連携|関係|参加|構成|実施|対象)(?:する|の)?(?:市町村|市町|市|町村|自治体|団体)(?:名|等)?"
_LABELS: tuple[tuple[RowKind, re.Pattern[str]], ...] = (
    (RowKind.NAME, re.compile(r"^(?:事業名|事業名称|連携事業名|具体的事業名|取組名|取組み名|取り組み名|名称)")),
    (RowKind.PARTNERS, re.compile(rf"^{PARTNER_LABEL}$")),
    (RowKind.CONTENT, re.compile(
        r"^(?:事業の?内容|事業の?概要|取組の?内容|取組の?概要|取組み内容|具体的な?取組(?:内容)?|主な取組(?:の?内容)?"
        r"|事業実施内容|実施内容|連携の?内容|内容|概要)")),
    (RowKind.EFFECTS, re.compile(
        r"^(?:効果|期待される(?:事業)?効果|期待する効果|事業の?効果|期待効果|想定される効果|見込まれる効果"
        r"|(?:期待される|期待する|見込まれる|想定される|事業の)成果$|成果$)")),
    (RowKind.BUDGET, re.compile(r"^(?:事業費|総事業費|概算事業費|予算額|予算|年度別事業費|所要(?:額|経費))")),
    (RowKind.BUDGET_YEARS, re.compile(r"^(?:年度|実施年度|区分|年度区分)$")),
    (RowKind.ROLES, re.compile(r"^(?:役割分担|役割)")),
    (RowKind.COST, re.compile(r"^(?:費用負担|経費負担|費用分担|経費の負担|費用の負担|負担の考え方|経費の分担)")),
    (RowKind.KPI, re.compile(
        r"^(?:重要業績評価指[数標]|KPI|成果指標|評価指標|数値目標|成果目標|目標指標|業績指標)", re.IGNORECASE)),
    (RowKind.KPI_PART, re.compile(r"^(?:指標名?|現状値|基準値|目標値)(?:\(.*\))?$")),
    (RowKind.EXTRA, re.compile(
        r"^(?:(?:国|県|国・県|国及び県)?(?:の)?補助(?:事業|金|制度)?|事業の?進捗(?:状況)?|進捗状況|事業期間|実施期間|"
        r"担当(?:課|部署|部局)?|所管(?:課|部署)?|実施主体|事業主体|備考|関連(?:計画|事業)|財源|スケジュール|工程|"
        r"事業区分|事業種別|根拠|政策分野$|取組分野$|分野$|事業(?:の)?目的|目的$|現状(?:と|及び|・)課題|課題$|"
        r"取組の方向性|方向性$|(?:事業|実施)スケジュール)")),
    (RowKind.AGREEMENT, re.compile(r"^[【\[［]?連携協約[】\]］]?")),
)
_POLICY_AREA = re.compile(r"^#*\s*[（(]\s*(\d+)\s*[)）]\s*(.+?)\s*$")
# A policy-area heading numbered otherwise: 1 / 1. / 第1 / Ⅰ / ① / ア / (ア) / 【…】.
_NUMBERED_AREA = re.compile(
    r"^#*\s*(?:第\s*)?(?:[（(]\s*)?(?P<number>\d{1,2}|[IVX]{1,4}|[Ⅰ-Ⅻ]|[①-⑳]|[ア-オ])(?:\s*[)）])?\s*[.．、:：]?\s*(?P<name>.+?)\s*$")
# An unnumbered policy-area heading in brackets or after a mark: 【圏域全体の経済成長のけん引】, ■高次の都市機能の….
_BRACKETED_AREA = re.compile(
    r"^\s*(?:[【\[［<＜〈]\s*(?P<inner>[^】\]］>＞〉]+?)\s*[】\]］>＞〉]|[■◆●◎○□◇]\s*(?P<marked>.+?))\s*$")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_RULE = re.compile(r"^[-=_ー－―—]{3,}$")
_DASHES = re.compile(r"^[-=_ー－―—]+$")
# Numbering, bullets and brackets around a label: 「1 事業名」「■事業概要」「【効果】」「(3)事業費」「事業費：」.
_LABEL_DECORATION = re.compile(
    r"^(?:[■□●○◆◇◎・※*＊\-]+|\d{1,2}[.．、)）]|\d{1,2}(?=[^\d.,年月%])|[(（]\d{1,2}[)）]|[①-⑳]|[<＜〈【\[［])+\s*|[>＞〉】\]］:：]+$")
_INLINE_LABEL = re.compile(r"^([^:：]{1,20})[:：]\s*(.+)$")
_SEQUENCE_NUMBERS = {**{c: i + 1 for i, c in enumerate("ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ")},
                     **{c: i + 1 for i, c in enumerate("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")},
                     **{c: i + 1 for i, c in enumerate("アイウエオ")},
                     **{r: i + 1 for i, r in enumerate(("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"))}}


class _RowFields(NamedTuple):
    line: int
    cells: tuple[str, ...]
    kind: RowKind


class Row(_RowFields):
    """One line of the document: its 1-based number, its tab-separated cells (stripped) and its kind.

    A named tuple whose kind is worked out from the cells when it is made: a document of 10,000 sheets makes
    100,000 of them, and :func:`iter_rows` makes them without a Python-level constructor.

    >>> Row(3, ("事業名", "圏域観光推進事業")).kind
    <RowKind.NAME: 'name'>
    """

    __slots__ = ()

    def __new__(cls, line: int, cells: tuple[str, ...]) -> Row:
        """Make the row of a line and its cells."""
        return _new_row(cls, (line, cells, _kind_of(cells)))

    @property
    def label(self) -> str:
        """Return the first cell, folded."""
        return fold(self.cells[0]) if self.cells else ""

    def nonempty(self, start: int = 0) -> list[tuple[int, str]]:
        """Return (index, text) of the non-empty cells from ``start`` on."""
        if start:
            return [(i, c) for i, c in enumerate(self.cells[start:], start) if c]
        return [(i, c) for i, c in enumerate(self.cells) if c]

    @property
    def text(self) -> str:
        """Return the non-empty cells joined by a space."""
        return " ".join(c for c in self.cells if c)


_new_row = tuple.__new__


def _kind_of(cells: tuple[str, ...]) -> RowKind:
    """Return the kind of a row's cells, remembered by the first cell when that alone decides it."""
    first = cells[0] if cells else ""
    kind = _FIRST_CELL_KINDS.get(first) if first else None
    if kind is None:
        kind = _classify_cells(cells)
        # A dashed first cell's kind depends on the other cells (a rule or not): never remembered.
        if first and first[0] not in "-=_ー－―—" and len(_FIRST_CELL_KINDS) < 65536:
            _FIRST_CELL_KINDS[first] = kind
    return kind


#: The kind of a row by its first cell as written (most first cells repeat: 事業名, 効果, the empty cell).
_FIRST_CELL_KINDS: dict[str, RowKind] = {}


def split_rows(text: str, *, keep_blank: bool = True) -> list[Row]:
    """Split a document into rows: BOM dropped, CR/CRLF folded, cells split on tabs and stripped.

    ``keep_blank=False`` leaves blank lines out (the sheet reader skips them anyway); line numbers stay right.

    >>> [r.cells for r in split_rows("\\ufeffa\\tb \\r\\n\\r\\nc")]
    [('a', 'b'), (), ('c',)]
    >>> split_rows("事業名：圏域観光推進事業")[0].cells
    ('事業名', '圏域観光推進事業')
    """
    return list(iter_rows(text, keep_blank=keep_blank))


def iter_rows(text: str, *, keep_blank: bool = True) -> Iterator[Row]:
    """Yield the rows of :func:`split_rows` one by one (the sheet reader keeps only one sheet's rows at a time)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    strip = str.strip
    new_row, known_kinds, kind_of, continuation = _new_row, _FIRST_CELL_KINDS, _kind_of, RowKind.CONTINUATION
    lines = text.split("\n")
    if '\t"' in text or '\n"' in text or text.startswith('"'):  # some cell opens with a quote
        lines = _join_quoted_cells(lines)
    del text
    for number, line in enumerate(lines, start=1):
        if line is _CONSUMED:
            continue
        line = line.rstrip()  # trailing empty cells go with the trailing white space
        if not line:
            if keep_blank:
                yield Row(number, ())
            continue
        if "\t" in line:
            cells = tuple(map(strip, line.split("\t")))  # str.strip() also removes the ideographic space
            if "：" in cells[0] or ":" in cells[0]:
                cells = _split_inline_label(cells)
        else:
            line = line.lstrip()
            cells = _split_inline_label((line,)) if "：" in line or ":" in line else (line,)
        first = cells[0]
        # An empty first cell on a line that is not blank: the line goes on the row above.
        kind = (known_kinds.get(first) or kind_of(cells)) if first else continuation
        yield new_row(Row, (number, cells, kind))


_CONSUMED = "\x00consumed"  # a line that went into the quoted cell of the line above it
_MAX_QUOTED_LINES = 30


def _join_quoted_cells(lines: list[str]) -> list[str]:
    """Join the lines of cells Excel wrote in quotes because they hold line breaks (``"48.4%⏎34.5%"``).

    A cell that opens with ``"`` is taken as quoted only when its closing quote ends a cell within a few lines;
    its doubled quotes become one. The lines it took are marked, so every other row keeps its line number.

    >>> _join_quoted_cells(['KPI\\t"人口48.4%', '面積34.5%"\\t現状維持', 'next'])[:2]
    ['KPI\\t人口48.4%\\n面積34.5%\\t現状維持', '\\x00consumed']
    """
    out = list(lines)
    index = 0
    while index < len(out):
        line = out[index]
        if line is _CONSUMED or not (line.startswith('"') or '\t"' in line):  # no cell opens with a quote
            index += 1
            continue
        joined, taken = _unquote(out, index)
        if joined is not None:
            out[index] = joined
            for other in range(index + 1, index + 1 + taken):
                out[other] = _CONSUMED
            index += taken
        index += 1
    return out


def _unquote(lines: list[str], index: int) -> tuple[str | None, int]:
    """Return the line with its quoted cells unquoted (and the following lines they take), or (None, 0)."""
    text = lines[index]
    taken = 0
    cells: list[str] = []
    position = 0
    changed = False
    while True:
        if text.startswith('"', position):
            end = position + 1
            while True:
                close = text.find('"', end)
                while close == -1 and taken < _MAX_QUOTED_LINES and index + taken + 1 < len(lines):
                    taken += 1
                    text += "\n" + lines[index + taken]
                    close = text.find('"', end)
                if close == -1:
                    return None, 0
                if text.startswith('""', close):
                    end = close + 2
                    continue
                break
            if close + 1 < len(text) and text[close + 1] != "\t":
                return None, 0  # not a quoted cell after all: leave the line as written
            cells.append(text[position + 1 : close].replace('""', '"'))
            changed = True
            position = close + 2
        else:
            tab = text.find("\t", position)
            cells.append(text[position:] if tab == -1 else text[position:tab])
            position = len(text) + 1 if tab == -1 else tab + 1
        if position > len(text):
            break
    return ("\t".join(cells) if changed else None), taken


def _split_inline_label(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Split 「事業名：○○事業」 into its label and value when the part before the colon is a sheet label."""
    match = _INLINE_LABEL.match(cells[0])
    if match is None:
        return cells
    prefix = match.group(1)
    if prefix.count("（") + prefix.count("(") != prefix.count("）") + prefix.count(")"):
        return cells  # 「事業費（単位：千円）」: the colon is inside the label
    if _classify_label(fold(prefix)) not in SHEET_KINDS | ATTACHED_KINDS:
        return cells
    return (match.group(1).strip(), match.group(2).strip(), *cells[1:])


def classify_row(row: Row) -> RowKind:
    """Tell what kind of row this is from its first cell (worked out once, when the row is made).

    >>> classify_row(Row(1, ("事業費（千円）", "R8")))
    <RowKind.BUDGET: 'budget'>
    >>> classify_row(Row(1, ("", "2,420")))
    <RowKind.CONTINUATION: 'continuation'>
    >>> classify_row(Row(1, ("## (2) 圏域内外の結びつきやネットワークの強化に係る政策分野",)))
    <RowKind.POLICY_AREA: 'policy_area'>
    >>> classify_row(Row(1, ("1 圏域全体の経済成長のけん引",)))
    <RowKind.POLICY_AREA: 'policy_area'>
    >>> classify_row(Row(1, ("-------------------", "---")))
    <RowKind.RULE: 'rule'>
    >>> [classify_row(Row(1, (label, "x"))).value for label in ("■事業概要", "【期待される効果】", "連携市", "担当課")]
    ['content', 'effects', 'partners', 'extra']
    """
    return row.kind


def _classify_cells(cells: tuple[str, ...]) -> RowKind:
    if not cells:
        return RowKind.BLANK
    first = cells[0]
    if not first:
        return RowKind.CONTINUATION if any(cells) else RowKind.BLANK
    if first[0] in "-=_ー－―—" and all(_DASHES.match(c) for c in cells if c) and any(_RULE.match(c) for c in cells):
        return RowKind.RULE
    return _classify_label(fold(first))


@lru_cache(maxsize=8192)
def _classify_label(label: str) -> RowKind:
    if label.startswith("#") or "政策分野" in label:
        if _POLICY_AREA.match(label) or (not label.startswith("#") and _NUMBERED_AREA.match(label)):
            return RowKind.POLICY_AREA
        if label.startswith("#"):
            heading = label.lstrip("#")
            if recognise_framework_area(heading) is not None and _NUMBERED_AREA.match(label):
                return RowKind.POLICY_AREA
            return RowKind.HEADING
    bare = _LABEL_DECORATION.sub("", label) or label
    for kind, pattern in _LABELS:
        if pattern.match(bare):
            return kind
    if len(label) <= 40 and recognise_framework_area(label) is not None and (
            _NUMBERED_AREA.match(label) or _BRACKETED_AREA.match(label)):
        return RowKind.POLICY_AREA
    return RowKind.OTHER


def read_policy_area(row: Row) -> tuple[int, str] | None:
    """Return (number, name) from a policy-area heading.

    >>> read_policy_area(Row(1, ("### (3) 圏域マネジメント能力の強化に係る政策分野",)))
    (3, '圏域マネジメント能力の強化に係る政策分野')
    >>> read_policy_area(Row(1, ("第2 高次の都市機能の集積・強化",)))
    (2, '高次の都市機能の集積・強化')
    >>> read_policy_area(Row(1, ("(イ) 結びつきやネットワークの強化に係る政策分野",)))
    (2, '結びつきやネットワークの強化に係る政策分野')
    >>> read_policy_area(Row(1, ("Ⅲ 圏域全体の生活関連機能サービスの向上",)))
    (3, '圏域全体の生活関連機能サービスの向上')
    >>> read_policy_area(Row(1, ("【高次の都市機能の集積・強化】",)))
    (2, '高次の都市機能の集積・強化')
    >>> read_policy_area(Row(1, ("# 北九州都市圏域",))) is None
    True
    """
    text = unicodedata.normalize("NFKC", row.cells[0]).strip()
    match = _POLICY_AREA.match(text)
    if match:
        return int(match.group(1)), match.group(2).strip()
    bracketed = _BRACKETED_AREA.match(text)
    if bracketed is not None:
        name = (bracketed["inner"] or bracketed["marked"]).strip()
        area = recognise_framework_area(name)
        return (area.order, name) if area is not None else None
    numbered = _NUMBERED_AREA.match(text)
    if numbered is None:
        return None
    number, name = numbered["number"], numbered["name"].strip()
    if "政策分野" not in name and recognise_framework_area(name) is None:
        return None
    return (int(number) if number.isdigit() else _SEQUENCE_NUMBERS.get(number, 0)), name


def read_heading(row: Row) -> str:
    """Return a markdown heading's text without its hashes.

    >>> read_heading(Row(1, ("## 概要 ##",)))
    '概要'
    """
    match = _HEADING.match(row.cells[0].strip())
    return match.group(2) if match else row.cells[0].strip()


def clear_label_caches() -> None:
    """Forget memoised folds and label kinds."""
    fold.cache_clear()
    _classify_label.cache_clear()
    _FIRST_CELL_KINDS.clear()
