"""Document layout: lines split into cells, and each row's label (事業名, 事業費, 役割分担, …) recognised."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from renkei.domain.text import fold


class RowKind(StrEnum):
    """What a row's first cell says it is."""

    NAME = "name"  # 事業名
    PARTNERS = "partners"  # 連携市町 (when written on a row of its own)
    CONTENT = "content"  # 事業内容
    EFFECTS = "effects"  # 効果
    BUDGET = "budget"  # 事業費（千円）
    ROLES = "roles"  # 役割分担
    COST = "cost"  # 費用負担（基本方針）
    KPI = "kpi"  # 重要業績評価指数（KPI）
    AGREEMENT = "agreement"  # 【連携協約】
    POLICY_AREA = "policy_area"  # ## (2) …に係る政策分野
    HEADING = "heading"  # any other markdown heading
    RULE = "rule"  # ------
    BLANK = "blank"
    CONTINUATION = "continuation"  # first cell empty, others not
    OTHER = "other"  # a label we do not know


SHEET_KINDS = frozenset(
    {RowKind.NAME, RowKind.PARTNERS, RowKind.CONTENT, RowKind.EFFECTS, RowKind.BUDGET, RowKind.ROLES, RowKind.COST,
     RowKind.KPI}
)

_LABELS: tuple[tuple[RowKind, re.Pattern[str]], ...] = (
    (RowKind.NAME, re.compile(r"^(事業名|事業名称|取組名|取組み名|名称)")),
    (RowKind.PARTNERS, re.compile(r"^(連携市町村?|連携自治体|関係市町村?|参加市町村?)$")),
    (RowKind.CONTENT, re.compile(r"^(事業内容|事業概要|取組内容|取組み内容|内容|概要)")),
    (RowKind.EFFECTS, re.compile(r"^(効果|期待される効果|事業効果|期待効果|想定される効果)")),
    (RowKind.BUDGET, re.compile(r"^(事業費|予算額|予算|概算事業費)")),
    (RowKind.ROLES, re.compile(r"^(役割分担|役割)")),
    (RowKind.COST, re.compile(r"^(費用負担|経費負担)")),
    (RowKind.KPI, re.compile(r"^(重要業績評価指[数標]|KPI|成果指標|評価指標|数値目標)", re.IGNORECASE)),
    (RowKind.AGREEMENT, re.compile(r"^[【\[［]?連携協約[】\]］]?")),
)
_POLICY_AREA = re.compile(r"^#*\s*[（(]\s*(\d+)\s*[)）]\s*(.+?)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_RULE = re.compile(r"^[-=_ー－―—]{3,}$")
_DASHES = re.compile(r"^[-=_ー－―—]+$")




@dataclass(frozen=True, slots=True)
class Row:
    """One line of the document: its 1-based number, its tab-separated cells (stripped) and its kind."""

    line: int
    cells: tuple[str, ...]
    kind: RowKind = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _classify_cells(self.cells))

    @property
    def label(self) -> str:
        """Return the first cell, folded."""
        return fold(self.cells[0]) if self.cells else ""

    def nonempty(self, start: int = 0) -> list[tuple[int, str]]:
        """Return (index, text) of the non-empty cells from ``start`` on."""
        return [(i, c) for i, c in enumerate(self.cells) if i >= start and c]

    @property
    def text(self) -> str:
        """Return the non-empty cells joined by a space."""
        return " ".join(c for c in self.cells if c)


def split_rows(text: str) -> list[Row]:
    """Split a document into rows: BOM dropped, CR/CRLF folded, cells split on tabs and stripped.

    >>> [r.cells for r in split_rows("\\ufeffa\\tb \\r\\n\\r\\nc")]
    [('a', 'b'), (), ('c',)]
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows: list[Row] = []
    for number, line in enumerate(text.split("\n"), start=1):
        cells = [c.strip() for c in line.split("\t")]  # str.strip() also removes the ideographic space
        while cells and not cells[-1]:
            cells.pop()
        rows.append(Row(line=number, cells=tuple(cells)))
    return rows


def classify_row(row: Row) -> RowKind:
    """Tell what kind of row this is from its first cell (worked out once, when the row is made).

    >>> classify_row(Row(1, ("事業費（千円）", "R8")))
    <RowKind.BUDGET: 'budget'>
    >>> classify_row(Row(1, ("", "2,420")))
    <RowKind.CONTINUATION: 'continuation'>
    >>> classify_row(Row(1, ("## (2) 圏域内外の結びつきやネットワークの強化に係る政策分野",)))
    <RowKind.POLICY_AREA: 'policy_area'>
    >>> classify_row(Row(1, ("-------------------", "---")))
    <RowKind.RULE: 'rule'>
    """
    return row.kind


def _classify_cells(cells: tuple[str, ...]) -> RowKind:
    if not any(cells):
        return RowKind.BLANK
    if all(_DASHES.match(c) for c in cells if c) and any(_RULE.match(c) for c in cells):
        return RowKind.RULE
    first = cells[0]
    if not first:
        return RowKind.CONTINUATION
    return _classify_label(fold(first))


@lru_cache(maxsize=4096)
def _classify_label(label: str) -> RowKind:
    if label.startswith("#") or (_POLICY_AREA.match(label) and "政策分野" in label):
        return RowKind.POLICY_AREA if _POLICY_AREA.match(label) else RowKind.HEADING
    for kind, pattern in _LABELS:
        if pattern.match(label):
            return kind
    return RowKind.OTHER


def read_policy_area(row: Row) -> tuple[int, str] | None:
    """Return (number, name) from a policy-area heading.

    >>> read_policy_area(Row(1, ("### (3) 圏域マネジメント能力の強化に係る政策分野",)))
    (3, '圏域マネジメント能力の強化に係る政策分野')
    >>> read_policy_area(Row(1, ("# 北九州都市圏域",))) is None
    True
    """
    match = _POLICY_AREA.match(unicodedata.normalize("NFKC", row.cells[0]).strip())
    if not match:
        return None
    return int(match.group(1)), match.group(2).strip()


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
