"""Quantities: read a KPI cell (現状値 baseline, 目標値 target) into number, unit, rate, period, comparator and basis.

The reader accepts the way KPI cells are written in vision documents, not a fixed list of strings.
Text is first folded with NFKC (full-width digits, ％, （）, ～ and Ｒ become their ASCII forms).
A cell is::

    [basis] [words] [rate] [sign] NUMBER [unit] [/per] [comparator] [change] [words] [(period and notes)]

- **NUMBER**: Arabic numerals with thousands separators and decimals (``100,000``, ``84.5``), kanji
  numerals (``三``, ``百二十``) and 兆/億/万/千 multipliers folded into the value, also in compounds
  (``2,430万人`` is 24,300,000 人, ``9兆1,400億円`` 9.14×10¹² 円, ``3,737万8千人`` 37,378,000 人,
  ``18.8万人``, ``1万2600回``). 千円 and 百万円 are accounting units and stay units (``3,000千円`` is
  3,000 千円, ``1,535,394百万円`` 1,535,394 百万円); 万円 folds (``5万円`` is 50,000 円). Municipality
  counts add up: ``6市10町`` is 16 市町. なし/無し/ゼロ/未実施 mean zero (a baseline of なし is 0).
- **sign**: ``▲`` and ``△`` (the Japanese minus), ``−``, ``-``, ``‐``, and ``ー`` before a digit;
  ``+``/``プラス`` (a change, see below); ``±`` (a bound on the size).
- **rate**: ``年1回``, ``年間1,200人``, ``月2回``, ``週1回``, ``毎年3件``, ``各年度1回`` in front,
  or ``/年``, ``/年度``, ``/月``, ``/週``, ``/日`` behind; ``1日あたり`` is ``日``. The rate's time
  unit becomes ``per``.
- **unit**: a counter (件, 回, 人, 施設, 市町, か所, 人日…), a Latin unit (t, km, %, ha), 位 (a ranking:
  smaller is better) and 点 (a score), or the first word after the number.
- **comparator** (``qualifier``): 以上 (at least), 以下/以内 (at most), 未満 (less than), 超/超え (more
  than). 以内 after a negative number bounds the fall (``△10%以内``: no lower than −10%, at least);
  after ``±`` it bounds the size (``±5%以内``: within).
- **change** (a relative target, kept in ``relative`` and resolved later against the baseline): ``+20%``,
  ``50%増``, ``0.3%削減``, ``20人増``, ``0.3ポイント増`` (a change of the unit), ``1.1倍``, ``3倍増`` (a
  multiple), ``倍増`` (twice) and ``半減`` (half),
  each measured from the baseline, from a named year (``対26年度比``, ``令和3年度比``) or from each
  previous year (``前年度比5%増``, ``前年度比110%``). Without a number: ``現状維持``, ``現状維持以上``,
  ``現状値以上``, ``上位を維持``, 「…の維持を目指す」 are targets equal to the baseline (with the
  comparator); ``前年度以上`` each year at least the year before.
- **words**: anything else (``検討会``, ``延べ``, ``約``, ``月平均``, ``毎年度実施``) is kept in ``note``;
  a qualitative text that ends with an aim (``参加自治体の増``) gets a ``direction``. 平均 marks an
  ``average`` (``平成21～25年の平均``, ``期間平均``, ``5段階評価の平均``: ``scale`` 5).
- **period**, in or out of parentheses: see :mod:`renkei.reading.period` (``令和8年度``, ``R8``, ``H26``,
  ``2030年度`` fiscal, ``2025年`` calendar: ``calendar_year``, ``2019(H31)年``, months, ranges, ``まで``,
  ``までの累計``, ``から``/``以降``, ``毎年度``, ``月平均``).

The kind follows from the pieces:

- 累計, 通算, 延べ before the number (unless it is one year's count: ``延べ500人（令和6年度）``), a
  duration (``5年間で700人``, ``5年間累計``: ``duration_years``) or 計画期間の合計 -> ``cumulative``
  (without a start year, ``cumulative_from_plan_start``);
- a rate over a range, a rate up to a year (``0件/年（令和7年度まで）``), a rate with no year
  (``年1回``) or 毎年度 -> ``every_year``; a rate at one year (``1回/年（令和7年度）``) or a monthly
  average -> ``point``;
- a count over a range of fiscal years (``30件（令和5～12年度）``) -> ``cumulative``; a ratio (%,
  割, ポイント, 倍) over a range -> ``every_year``; an average over a range, or a window of up to twelve
  months -> ``point``;
- a change not yet resolved against a baseline -> ``qualitative`` (no ``value``; ``relative`` says what
  it is);
- anything else with a number -> ``point``; words only -> ``qualitative``; blank, a dash, 未定, 検討中,
  調査中 -> ``none`` (the year kept where given).

``read_quantity`` never raises: text it cannot read becomes ``qualitative`` with the text kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from renkei.domain.direction import direction_of_wording
from renkei.domain.quantity import Basis, Direction, Qualifier, Quantity, QuantityKind, Relation, Relative
from renkei.domain.text import nfkc
from renkei.reading.numeral import read_number
from renkei.reading.period import Period, find_period, fold_aliases, take_reference_years
from renkei.reading.unit import read_unit

_PER_DAY = re.compile(r"(?:1|一)\s*(日|週|月|年)\s*(?:あたり|当たり|につき)")
_DASH_ONLY = re.compile(r"[\s\-‐‑‒–—―−ー─━/・.…_]*")
_NOT_STATED = ("未定", "調査中", "集計中", "算出中", "未集計", "不明", "該当なし", "新規", "未把握", "非公表",
               "検討中", "今後設定", "設定予定", "策定中", "調整中", "今後検討", "把握中", "未設定")
_ZERO = re.compile(r"(?:なし|無し|ゼロ|皆無|未実施)$")
_MUNICIPALITIES = re.compile(r"(?:\d+\s*[市町村]\s*){2,3}")
_ARABIC = re.compile(r"(?<![A-Za-z\d.,])\d[\d,.]*(?:[万億兆千百十][\d,.]*)*")
_KANJI = re.compile(r"[〇零一二三四五六七八九十百千万億兆]+")
_SIGN = "▲△"
_DASH_SIGNS = "-−‐‑‒–—―ー"
_RATE_PREFIX = re.compile(r"(?P<rate>各年度|毎年度|毎年|年間|毎月|月間|毎週|毎日|年|月|週|日)$")
_PER = re.compile(r"\s*/\s*(?P<per>年度|年|月|週|日)")
_PER_OTHER = re.compile(r"\s*/\s*(?P<other>[^\s\d/()]{1,4})")
_QUALIFIER = re.compile(r"\s*(?P<q>以上|以下|以内|未満|を超える|超え|超)")
_QUALIFIERS = {
    "以上": Qualifier.AT_LEAST, "以下": Qualifier.AT_MOST, "以内": Qualifier.AT_MOST,
    "未満": Qualifier.LESS_THAN, "超": Qualifier.MORE_THAN, "超え": Qualifier.MORE_THAN,
    "を超える": Qualifier.MORE_THAN,
}  # fmt: skip
_RATES = {
    "年度": "年", "各年度": "年", "毎年度": "年", "毎年": "年", "年間": "年",
    "毎月": "月", "月間": "月", "毎週": "週", "毎日": "日",
}  # fmt: skip
_CONNECTIVES = re.compile(
    r"^(?:までの累計|までに|までの|まで|迄|の累計|累計|通算|時点|現在|以降|から|末|の|に|で|は|[\s:：、,。・~〜])+"
    r"|(?:の|に|で|[\s:：、,。・])+$"
)
_CUMULATIVE = re.compile(r"累計|通算|\d+\s*(?:年間|か年|ヵ年|カ年|ヶ年)\s*(?:で|の合計|合計|の総数)"
                         r"|計画期間(?:中|内|の(?:合計|累計|総数))|期間中の(?:合計|累計)|期間合計")
_DURATION = re.compile(r"(\d+)\s*(?:年間|か年|ヵ年|カ年|ヶ年)")
_DURATION_BEFORE_VALUE = re.compile(r"\s*(?:年間|か年|ヵ年|カ年|ヶ年)\s*(?:で|に|の|累計|合計)")
_EVERY_YEAR = re.compile(r"毎年|各年度|年度毎|年度ごと|毎年度")
_RATIO_UNITS = {"%", "割", "ポイント", "pt", "倍", "‰"}
_INCREASE_WORD = re.compile(r"^\s*(?:の)?(?:増加|増|アップ|上昇|向上|拡大|増進|伸び)")
_DOUBLE_OR_HALF = re.compile(r"倍増|半減")
_DECREASE_WORD = re.compile(r"^\s*(?:の)?(?:削減|減少|減|低減|縮減|ダウン|縮小|抑制|低下)")
_PREVIOUS_YEAR = re.compile(r"(?:対)?前年(?:度)?(?:比|対比|実績比|から|より)?(?:で)?")
_BASELINE_REFERENCE = re.compile(r"(?:対)?(?:現状値?|基準値|基準年度?|現在)(?:比|対比|から|より)")
_SAME = re.compile(
    r"^(?:(?P<rank>上位)を?|(?:現状|現在|現況|基準)(?:値|の水準|水準)?(?:並み|程度)?を?|[^\d]{0,30}の)?"
    r"(?:維持|堅持|保持|確保)(?:する|を目指す|を図る|を目標とする|に努める)?(?P<q>以上|以下)?$"
    r"|^(?:現状|現在|現況|基準)(?:値|の水準|水準)?(?P<q2>以上|以下|並み)$"
)
_PREVIOUS_SAME = re.compile(r"^前年(?:度)?(?:実績|値)?(?P<q>以上|以下|並み|を上回る|を下回る)$")
_SCALE = re.compile(r"(\d+)\s*段階")
_SCALE_BEFORE_VALUE = re.compile(r"\s*段階")
_BY_HEAD = re.compile(r"延べ\s*\d")  # 延べ500人 (a count of visits), not 延べ宿泊者数 (a statistic's name)


@dataclass(frozen=True, slots=True)
class _Dates:
    """The Quantity fields that a period sets."""

    fiscal_year: int | None = None
    from_fiscal_year: int | None = None
    from_month: str | None = None
    to_month: str | None = None
    calendar_year: bool = False
    cumulative_from_plan_start: bool = False


@dataclass(frozen=True, slots=True)
class _Basis:
    """What a change in the cell is measured from (対26年度比, 前年度比, 現状比), found before the number."""

    basis: Basis | None = None
    year: int | None = None


# A cell that starts with its value (5件（令和7年度）, 15,000人/月（…）) is read once per shape: the shape with
# the value replaced by 7 is read by the grammar, and the value put back. Only shapes whose reading cannot
# depend on the value are taken: nothing but the value is a digit outside brackets, and neither a
# multiplier, a date, a municipality count, a duration, a scale nor a change follows the value.
_LEADING_VALUE = re.compile(
    r"((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?![\d,.万億兆千百十年月日週段市町村:~/-])")
_OUTSIDE_BRACKETS_DIGIT = re.compile(r"\d(?![^()]*\))")
_SHAPE_VALUE = 7.0
_SHAPES: dict[str, Quantity | None] = {}
_UNSEEN = Quantity("", QuantityKind.NONE)


def read_quantity(text: str | None) -> Quantity:
    """Read a KPI cell into a Quantity; never raise (see the module's grammar)."""
    if not text:
        return _read_quantity(text)
    known = _READINGS.get(text)
    if known is not None:  # the same cell read before (Quantity is immutable)
        return known
    folded = nfkc(text).strip()
    match = _LEADING_VALUE.match(folded)
    quantity = None
    if match is not None:
        rest = folded[match.end() :]
        if "比" not in rest and not _OUTSIDE_BRACKETS_DIGIT.search(rest):
            shape = _SHAPES.get(rest, _UNSEEN)
            if shape is _UNSEEN:
                shape = _read_shape(rest)
            if shape is not None:
                q = shape
                quantity = Quantity(text, q.kind, float(match.group(1).replace(",", "")), q.unit, q.per,
                                    q.fiscal_year, q.from_fiscal_year, q.from_month, q.to_month, q.calendar_year,
                                    q.qualifier, q.direction, q.cumulative_from_plan_start, q.note, q.relative,
                                    q.average, q.scale, q.duration_years, q.measure)
    if quantity is None:
        quantity = _read_quantity(text)
    if len(_READINGS) >= 16384:
        _READINGS.clear()
    _READINGS[text] = quantity
    return quantity


# Cells read before, as written (bounded; cleared by clear_shapes()).
_READINGS: dict[str, Quantity] = {}


def _read_shape(rest: str) -> Quantity | None:
    """Read a cell shape with a stand-in value; None when its reading is not the value's alone."""
    shape: Quantity | None = _read_quantity(f"{_SHAPE_VALUE:g}{rest}")
    if shape is None or shape.value != _SHAPE_VALUE or shape.relative is not None or shape.scale is not None:
        shape = None
    if len(_SHAPES) >= 16384:
        _SHAPES.clear()
    _SHAPES[rest] = shape
    return shape


def clear_shapes() -> None:
    """Forget the cell shapes read before (and the memoised readings)."""
    _SHAPES.clear()
    _READINGS.clear()
    _read_quantity.cache_clear()



@lru_cache(maxsize=16384)  # pure, and documents repeat the same cells many times
def _read_quantity(text: str | None) -> Quantity:
    """Read a KPI cell into a Quantity; never raise.

    >>> q = read_quantity("25件（令和12年度までの累計）")
    >>> (q.value, q.unit, q.kind.value, q.fiscal_year, q.cumulative_from_plan_start)
    (25.0, '件', 'cumulative', 2030, True)
    >>> q = read_quantity("1回/年（令和8年度～令和12年度）")
    >>> (q.value, q.unit, q.per, q.kind.value, q.from_fiscal_year, q.fiscal_year)
    (1.0, '回', '年', 'every_year', 2026, 2030)
    >>> q = read_quantity("14,873人/月（R7.2月～R8.1月の月平均）")
    >>> (q.value, q.per, q.kind.value, q.fiscal_year, q.from_month, q.to_month, q.note)
    (14873.0, '月', 'point', 2025, '2025-02', '2026-01', '月平均')
    >>> read_quantity("参加自治体の増").direction
    <Direction.INCREASE: 'increase'>
    >>> read_quantity("—").kind
    <QuantityKind.NONE: 'none'>
    >>> q = read_quantity("現状維持以上(2019(H31)年)")
    >>> (q.relative.relation.value, q.qualifier.value, q.fiscal_year, q.calendar_year, q.direction.value)
    ('same', 'at_least', 2019, True, 'maintain')
    >>> q = read_quantity("対26年度比0.3%削減")
    >>> (q.value, q.relative.relation.value, q.relative.amount, q.relative.basis.value, q.relative.basis_year)
    (None, 'percent', -0.3, 'fiscal_year', 2014)
    """
    original = "" if text is None else text
    s = unicodedata.normalize("NFKC", original)
    if "あたり" in s or "当たり" in s or "につき" in s:
        s = _PER_DAY.sub(r"\1", s)
    s = fold_aliases(s.strip())
    s, references, reference_year = take_reference_years(s)
    basis = _Basis(Basis.FISCAL_YEAR, reference_year) if reference_year is not None else _Basis()
    if "前年" in s:
        stripped, count = _PREVIOUS_YEAR.subn("", s, count=1)
        if count and not _PREVIOUS_SAME.match(s.strip()):
            s, basis = stripped, _Basis(Basis.PREVIOUS_YEAR)
            references.append("前年度比")
    elif any(word in s for word in ("現状", "基準", "現在")) and (found := _BASELINE_REFERENCE.search(s)):
        s, basis = s[: found.start()] + s[found.end() :], _Basis(Basis.BASELINE)
        references.append(found.group())
    period = find_period(s)
    rest = s if period is None else s[: period.start] + s[period.end :]
    head, groups = _split_parentheses(rest)
    notes = [n for n in (_clean_note(g) for g in groups) if n] + references
    if period is not None and period.last is not None and period.last.year_end:
        notes.insert(0, "年度末")
    base = _period_fields(period)
    head = head.strip()
    if _DASH_ONLY.fullmatch(_clean_note(head)) or head in _NOT_STATED:
        if head in _NOT_STATED:
            notes.insert(0, head)
        return _build(original, QuantityKind.NONE, base, note=_join(notes))
    same = _read_same(original, head, base, notes)
    if same is not None:
        return same
    return _read_value(original, s, head, period, notes, base, basis)


def _read_same(original: str, head: str, base: _Dates, notes: list[str]) -> Quantity | None:
    """Read a target equal to its basis: 現状維持(以上), 上位を維持, …の維持を目指す, 前年度以上."""
    if any(c.isdigit() for c in head):
        return None
    folded = "".join(head.split())
    previous = _PREVIOUS_SAME.match(folded)
    if previous:
        word = previous["q"]
        qualifier = Qualifier.AT_MOST if word in ("以下", "を下回る") else Qualifier.AT_LEAST
        return _build(original, QuantityKind.QUALITATIVE, base, direction=Direction.MAINTAIN, note=_join(notes),
                      relative=Relative(Relation.SAME, basis=Basis.PREVIOUS_YEAR), qualifier=qualifier)
    match = _SAME.match(folded)
    if not match:
        return None
    word = match["q"] or match["q2"]
    same_bound: Qualifier | None = Qualifier.AT_LEAST if word == "以上" else Qualifier.AT_MOST if word == "以下" \
        else None
    if match["rank"]:
        same_bound = Qualifier.AT_MOST  # a place in a ranking: no worse than now
        notes = ["上位を維持", *notes]
    return _build(original, QuantityKind.QUALITATIVE, base, direction=Direction.MAINTAIN, note=_join(notes),
                  relative=Relative(Relation.SAME), qualifier=same_bound)


def _read_value(
    original: str,
    s: str,
    head: str,
    period: Period | None,
    notes: list[str],
    base: _Dates,
    basis: _Basis,
) -> Quantity:
    """Read the number and its surroundings out of the head text."""
    found = _find_number(head)
    if found is None and (doubled := _DOUBLE_OR_HALF.search(head)):
        ratio = 2.0 if doubled.group() == "倍増" else 0.5  # 利用者数の倍増, 待機児童の半減
        return _build(original, QuantityKind.QUALITATIVE, base, note=_join(notes),
                      direction=Direction.INCREASE if ratio > 1 else Direction.DECREASE,
                      relative=Relative(Relation.RATIO, ratio, basis.basis or Basis.BASELINE, basis.year))
    if found is None:
        direction = direction_of_wording(head)
        relative = None
        if basis.basis is not None and direction in (Direction.INCREASE, Direction.DECREASE):
            relative = Relative(Relation.CHANGE, None, basis.basis, basis.year)  # 前年度比増: a change, no size
        return _build(original, QuantityKind.QUALITATIVE, base, direction=direction, note=_join(notes),
                      relative=relative)
    value, unit, start, end = found
    prefix, per, sign = _read_prefix(head[:start])
    suffix = head[end:]
    if unit is None:
        unit, suffix = read_unit(suffix)
    qualifier = None
    within = False
    while True:
        if per is None and (m := _PER.match(suffix)):
            per, suffix = _RATES.get(m["per"], m["per"]), suffix[m.end() :]
        elif qualifier is None and (m := _QUALIFIER.match(suffix)):
            qualifier, suffix, within = _QUALIFIERS[m["q"]], suffix[m.end() :], m["q"] == "以内"
        elif unit is not None and (m := _PER_OTHER.match(suffix)):
            unit, suffix = f"{unit}/{m['other']}", suffix[m.end() :]
        else:
            break
    if sign == "-" and value:
        value = -value
    if within:
        if sign == "±":
            qualifier = Qualifier.WITHIN
        elif value < 0:
            qualifier = Qualifier.AT_LEAST  # △10%以内: a fall of no more than 10%
    change = 1 if _INCREASE_WORD.match(suffix) else -1 if _DECREASE_WORD.match(suffix) else 0
    every_year = bool(_EVERY_YEAR.search(s))
    if per is None and every_year:
        per = "年"
    trailing = _clean_note(suffix)
    note_parts = [p for p in (_clean_note(prefix), trailing) if p] + notes
    kind, dates = _decide_kind(s, period, per, unit, every_year, base)
    duration = _DURATION.search(s)
    quantity = Quantity(
        text=original,
        kind=kind,
        value=value,
        unit=unit,
        per=per,
        fiscal_year=dates.fiscal_year,
        from_fiscal_year=dates.from_fiscal_year,
        from_month=dates.from_month,
        to_month=dates.to_month,
        calendar_year=dates.calendar_year,
        qualifier=qualifier,
        direction=direction_of_wording(trailing) if trailing else None,
        cumulative_from_plan_start=dates.cumulative_from_plan_start,
        note=_join(note_parts),
        average="平均" in s,
        scale=int(scale.group(1)) if (scale := _SCALE.search(s)) else None,
        duration_years=int(duration.group(1)) if duration and kind is QuantityKind.CUMULATIVE else None,
    )
    return _relative(quantity, value, unit, sign, change, basis)


def _relative(quantity: Quantity, value: float, unit: str | None, sign: str, change: int, basis: _Basis) -> Quantity:
    """Turn a change (+20%, 50%増, 前年度比110%, 1.1倍) into a relative target; leave a level as it is."""
    stated = basis.basis is not None
    if unit == "倍" and change >= 0:
        relation = Relation.RATIO  # 1.1倍, 3倍増: a multiple of the basis, unless the baseline is a ratio itself
        return replace(quantity, relative=Relative(relation, value, basis.basis or Basis.BASELINE, basis.year))
    if not (change or sign == "+" or stated):
        return quantity
    if stated and not change and sign != "+" and unit == "%" and value >= 50:
        # 前年度比110% / 対26年度比95%: the level as a share of the basis.
        relative = Relative(Relation.RATIO, value / 100, basis.basis or Basis.BASELINE, basis.year)
    else:
        amount = -abs(value) if change < 0 else value
        relation = Relation.PERCENT if unit in ("%", "割") else Relation.CHANGE
        if unit == "割":
            amount *= 10
        relative = Relative(relation, amount, basis.basis or Basis.BASELINE, basis.year,
                            unit if relation is Relation.CHANGE else None)
    direction = quantity.direction
    if relative.amount is not None and relative.relation is not Relation.RATIO:
        direction = Direction.INCREASE if relative.amount > 0 else Direction.DECREASE if relative.amount < 0 else \
            Direction.MAINTAIN
    elif relative.amount is not None:
        direction = Direction.INCREASE if relative.amount > 1 else Direction.DECREASE if relative.amount < 1 else \
            Direction.MAINTAIN
    return replace(quantity, kind=QuantityKind.QUALITATIVE, value=None, unit=None, relative=relative,
                   direction=direction, duration_years=None)


def _build(
    original: str,
    kind: QuantityKind,
    dates: _Dates,
    direction: Direction | None = None,
    note: str | None = None,
    relative: Relative | None = None,
    qualifier: Qualifier | None = None,
) -> Quantity:
    """Make a Quantity without a number."""
    return Quantity(
        text=original,
        kind=kind,
        fiscal_year=dates.fiscal_year,
        from_fiscal_year=dates.from_fiscal_year,
        from_month=dates.from_month,
        to_month=dates.to_month,
        calendar_year=dates.calendar_year,
        direction=direction,
        note=note,
        relative=relative,
        qualifier=qualifier,
        average="平均" in (note or ""),
    )


def _decide_kind(
    s: str,
    period: Period | None,
    per: str | None,
    unit: str | None,
    every_year: bool,
    base: _Dates,
) -> tuple[QuantityKind, _Dates]:
    """Choose point, cumulative or every_year, and drop a range start a point does not have."""
    first = period.first if period else None
    last = period.last if period else None
    month_window = (
        first is not None
        and last is not None
        and first.month is not None
        and last.month is not None
        and (last.year * 12 + last.month) - (first.year * 12 + first.month) < 12
    )
    ranged = first is not None and (last is None or first.fiscal_year != last.fiscal_year)
    ranged = ranged and not month_window
    fields = base if ranged else replace(base, from_fiscal_year=None)
    until = period is not None and period.until
    if "平均" in s and per != "月":
        return QuantityKind.POINT, fields  # an average over the years is a level, its window kept
    if _CUMULATIVE.search(s) or (_BY_HEAD.search(s) and (ranged or until or last is None)):
        return QuantityKind.CUMULATIVE, replace(fields, cumulative_from_plan_start=not ranged)
    if per is not None:
        if per == "月" and "平均" in s:
            return QuantityKind.POINT, fields
        if ranged or until or every_year or last is None:
            return QuantityKind.EVERY_YEAR, fields
        return QuantityKind.POINT, fields
    if ranged:
        if unit in _RATIO_UNITS:
            return QuantityKind.EVERY_YEAR, fields
        return QuantityKind.CUMULATIVE, fields
    return QuantityKind.POINT, fields


def _period_fields(period: Period | None) -> _Dates:
    """Return the Quantity fields a period sets."""
    if period is None:
        return _Dates()
    first, last = period.first, period.last
    return _Dates(
        fiscal_year=last.fiscal_year if last else None,
        from_fiscal_year=first.fiscal_year if first else None,
        from_month=f"{first.year:04d}-{first.month:02d}" if first and first.month else None,
        to_month=f"{last.year:04d}-{last.month:02d}" if last and last.month else None,
        calendar_year=last.calendar if last else False,
    )
def _split_parentheses(s: str) -> tuple[str, list[str]]:
    """Split text into what lies outside parentheses and the parenthesised parts."""
    head: list[str] = []
    groups: list[str] = []
    current: list[str] = []
    depth = 0
    for char in s:
        if char in "([【":
            if depth == 0:
                current = []
            else:
                current.append(char)
            depth += 1
        elif char in ")]】" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append("".join(current))
            else:
                current.append(char)
        elif depth > 0:
            current.append(char)
        elif char not in ")]】":
            head.append(char)
    if depth > 0:
        groups.append("".join(current))
    return "".join(head), groups


def _find_number(head: str) -> tuple[float, str | None, int, int] | None:
    """Find the value in the head text: (value, unit when fixed by the number, start, end)."""
    municipalities = _MUNICIPALITIES.search(head)
    if municipalities:
        parts = re.findall(r"(\d+)\s*([市町村])", municipalities.group())
        kinds = "".join(k for k in "市町村" if any(p[1] == k for p in parts))
        total = float(sum(int(n) for n, _ in parts))
        return total, kinds, municipalities.start(), municipalities.end()
    matches = list(_ARABIC.finditer(head))
    # 「5年間で10件」: a duration comes before the value it qualifies.
    while len(matches) > 1 and (_DURATION_BEFORE_VALUE.match(head, matches[0].end())
                                or _SCALE_BEFORE_VALUE.match(head, matches[0].end())):
        matches.pop(0)  # 5年間で10件, 5段階評価の平均3.8点: the first number is a duration or a scale
    arabic = matches[0] if matches else None
    if arabic:
        token, end = arabic.group(), arabic.end()
        token = token.rstrip(",.")
        end = arabic.start() + len(token)
        unit = None
        for accounting in ("百万", "千"):
            if token.endswith(accounting) and head[end : end + 1] == "円" and len(token) > len(accounting):
                token, unit = token[: -len(accounting)], accounting + "円"
                end += 1
                break
        value = read_number(token)
        if value is None:
            return None
        return value, unit, arabic.start(), end
    for kanji in _KANJI.finditer(head):
        value = read_number(kanji.group())
        unit, rest = read_unit(head[kanji.end() :])
        if value is not None and unit is not None and not _clean_note(_strip_bounds(rest)):
            return value, unit, kanji.start(), kanji.end() + len(head[kanji.end() :]) - len(rest)
    zero = _ZERO.search(head)
    if zero:
        return 0.0, None, zero.start(), zero.end()
    return None


def _strip_bounds(rest: str) -> str:
    """Remove a leading rate and qualifier (for checking that nothing else follows a kanji numeral)."""
    rest = _PER.sub("", rest, count=1)
    return _QUALIFIER.sub("", rest, count=1)


def _read_prefix(prefix: str) -> tuple[str, str | None, str]:
    """Split the words before the number into (words, rate's time unit, sign: ``-``, ``+``, ``±`` or ``""``)."""
    words = prefix.rstrip()
    sign = ""
    dash = words.endswith(tuple(_DASH_SIGNS)) and (len(words) == 1 or not words[-2].isalnum())
    if words.endswith(tuple(_SIGN)) or dash:
        sign, words = "-", words[:-1].rstrip()
    elif words.endswith("マイナス"):
        sign, words = "-", words[: -len("マイナス")].rstrip()
    elif words.endswith(("+", "プラス")):
        sign, words = "+", words.removesuffix("+").removesuffix("プラス").rstrip()
    elif words.endswith(("±", "+-")):
        sign, words = "±", words.removesuffix("±").removesuffix("+-").rstrip()
    per = None
    averaged = words.endswith("平均")
    rate = _RATE_PREFIX.search(words[:-2] if averaged else words)  # 年間平均4.1回: a yearly rate, averaged
    if rate:
        before = words[: rate.start()]
        if rate["rate"].startswith(("毎", "各")) or not before or not _is_word_char(before[-1]):
            per = _RATES.get(rate["rate"], rate["rate"])
            words = before + ("平均" if averaged else "")
    return words, per, sign


def _is_word_char(char: str) -> bool:
    """Tell whether a character is part of a Japanese word (kanji, kana) rather than a break."""
    return char.isalnum() and not char.isdigit()


def _clean_note(text: str) -> str:
    """Strip connectives that the kind and period already express (まで, の累計, 時点)."""
    cleaned = _CONNECTIVES.sub("", text.strip())
    return "" if _DASH_ONLY.fullmatch(cleaned) else cleaned


def _join(notes: list[str]) -> str | None:
    """Join note fragments, or return None when there are none."""
    unique = list(dict.fromkeys(n for n in notes if n))
    return "、".join(unique) if unique else None
