"""Quantities: read a KPI cell (現状値 baseline, 目標値 target) into number, unit, rate and period.

The reader accepts the way KPI cells are written in vision documents, not a fixed list of strings.
Text is first folded with NFKC (full-width digits, ％, （）, ～ and Ｒ become their ASCII forms).
A cell is::

    [words] [rate] [sign] NUMBER [unit] [/per] [qualifier] [words] [(period and notes)]

- **NUMBER**: Arabic numerals with thousands separators and decimals (``100,000``, ``84.5``), kanji
  numerals (``三``, ``百二十``) and 万/億/千 multipliers folded into the value (``2,430万人`` is
  24,300,000 人, ``1.5千人`` 1,500 人). 千円 and 百万円 are accounting units and stay units
  (``3,000千円`` is 3,000 千円); 万円 folds (``5万円`` is 50,000 円). Municipality counts add up:
  ``6市10町`` is 16 市町. なし/無し/ゼロ/未実施 mean zero.
- **sign**: ``▲`` and ``△`` (Japanese minus), ``−``, ``-``, ``‐``, and ``ー`` before a digit.
- **rate**: ``年1回``, ``年間1,200人``, ``月2回``, ``週1回``, ``毎年3件``, ``各年度1回`` in front,
  or ``/年``, ``/年度``, ``/月``, ``/週``, ``/日`` behind; ``1日あたり`` is ``日``. The rate's time
  unit becomes ``per``.
- **qualifier**: 以上 (at least), 以下/以内 (at most), 未満 (less than), 超/超え (more than).
- **words**: anything else (``検討会``, ``延べ``, ``約``, ``月平均``, ``毎年度実施``) is kept in ``note``;
  a qualitative text that ends with an aim (``参加自治体の増``) gets a ``direction``.
- **period**, in or out of parentheses: an era year ``令和8年度``/``R8``/``Ｒ８年度``/``H30年度``/
  ``令和元年度``/``昭和63年度``, a western year ``2030年度`` (``2025年`` is a calendar year and sets
  ``calendar_year``), a month ``令和7年4月``/``R7.2月``, ``年度末``; a range joined by ``～ 〜 ~ ー -
  から`` (the second year may drop the era: ``令和5～12年度``); then ``まで`` (up to), ``までの累計``
  (cumulative), ``から``/``以降`` (open end), ``毎年度`` (every year), ``月平均`` (average).

The kind follows from the pieces:

- 累計, 通算 or a duration (``5年間で10件``) -> ``cumulative`` (without a start year,
  ``cumulative_from_plan_start``);
- a rate over a range, a rate up to a year (``0件/年（令和7年度まで）``), a rate with no year
  (``年1回``) or 毎年度 -> ``every_year``; a rate at one year (``1回/年（令和7年度）``) or a monthly
  average -> ``point``;
- a count over a range of fiscal years (``30件（令和5～12年度）``) -> ``cumulative``; a ratio (%,
  割, ポイント, 倍) over a range -> ``every_year``; a window of up to twelve months -> ``point``;
- anything else with a number -> ``point``; words only -> ``qualitative``; blank, a dash, 未定,
  調査中 -> ``none``.

``read_quantity`` never raises: text it cannot read becomes ``qualitative`` with the text kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from renkei.domain.direction import direction_of_wording
from renkei.domain.fiscal import FiscalYearError, era_to_western, fiscal_year_of
from renkei.domain.quantity import Direction, Qualifier, Quantity, QuantityKind
from renkei.reading.numeral import read_number

_YEAR = re.compile(
    r"(?:(?<![A-Za-z])(?P<era>令和|平成|昭和|大正|[RHST])\.?\s*(?P<era_year>元|\d{1,2})(?!\d)"
    r"|(?<![\d.,])(?P<western>(?:19|20)\d{2})(?=\s*(?:年|\.\s*\d{1,2}\s*月))"
    r"|(?<![A-Za-z])FY\s*(?P<fy>(?:19|20)\d{2})(?!\d)"
    r"|(?<![\d.,])(?P<bare>元|\d{1,2})(?=\s*年度))"
    r"\s*(?:(?P<fiscal>年度)(?P<end>末)?"
    r"|年\s*(?P<month>\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?"
    r"|\.\s*(?P<dot_month>\d{1,2})(?!\d)(?:\s*月|\.\s*\d{1,2}(?!\d)(?:\s*日)?)?"
    r"|(?P<calendar>年)(?!間|\s*\d))?"
)
_RANGE_SEPARATOR = re.compile(r"\s*(?:~|〜|ー|-|‐|‑|‒|–|—|―|−|から)\s*")
_BARE_RANGE_END = re.compile(r"\s*(?:~|〜|ー|-|‐|‑|‒|–|—|―|−|から)\s*(元|\d{1,2})(?!\d)(?=\s*(?:\)|まで|の|$))")
_REFERENCE = re.compile(r"\s*(?:比|対比|と比べ|と比較)")
_OPEN_END = re.compile(r"\s*(?:~|〜|から|以降)(?!\s*\d)")
_UNTIL = re.compile(r"\s*(?:まで|迄)")
_PER_DAY = re.compile(r"(?:1|一)\s*(日|週|月|年)\s*(?:あたり|当たり|につき)")
_DASH_ONLY = re.compile(r"[\s\-‐‑‒–—―−ー─━/・.…_]*")
_NOT_STATED = ("未定", "調査中", "集計中", "算出中", "未集計", "不明", "該当なし", "新規", "未把握", "非公表")
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
# Counters read before the generic rule, longest first, so that 人日 is not 人 + 日.
_COUNTERS = (
    "人日", "人泊", "事業者", "事業所", "事業", "市町村", "市町", "町村", "自治体", "団体", "箇所", "か所",
    "カ所", "ヶ所", "ケ所", "ヵ所", "施設", "ポイント", "ルート", "機能", "世帯", "企業", "千円", "百万円",
    "円", "件", "回", "人", "名", "社", "校", "泊", "倍", "割", "トン", "台", "本", "冊", "部", "戸", "店",
    "店舗", "種類", "品目", "日", "週", "か月", "ヶ月", "ヵ月", "カ月", "年", "時間", "分", "基", "棟",
    "区画", "路線", "便", "隻",
)  # fmt: skip
_KNOWN_UNITS = sorted(_COUNTERS, key=len, reverse=True)
_LATIN_UNIT = re.compile(r"[A-Za-zμ][A-Za-z0-9\-]*|[%‰]")
_WORD_UNIT = re.compile(r"[\u4e00-\u9fff\u3005\u30a1-\u30ff]+")
_UNIT_STOPS = (
    "以上", "以下", "以内", "未満", "超", "程度", "前後", "実施", "開催", "達成", "増", "減", "削減", "相当",
)  # fmt: skip
_CONNECTIVES = re.compile(
    r"^(?:までの累計|までに|までの|まで|迄|の累計|累計|通算|時点|現在|以降|から|末|の|に|で|は|[\s:：、,。・~〜])+"
    r"|(?:の|に|で|[\s:：、,。・])+$"
)
_CUMULATIVE = re.compile(r"累計|通算|\d+\s*(?:年間|か年|ヵ年|カ年|ヶ年)\s*で")
_DURATION = re.compile(r"\s*(?:年間|か年|ヵ年|カ年|ヶ年)\s*(?:で|に|の)")
_EVERY_YEAR = re.compile(r"毎年|各年度|年度毎|年度ごと|毎年度")
_RATIO_UNITS = {"%", "割", "ポイント", "pt", "倍", "‰"}


@dataclass(frozen=True, slots=True)
class _YearMention:
    """A year (and maybe a month) found in the text."""

    start: int
    end: int
    year: int  # western year as written (calendar year when a month is given)
    fiscal_year: int
    month: int | None
    calendar: bool
    year_end: bool
    era: str | None  # None for a western year


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
class _Period:
    """The period a cell names: a single year, a range, or an open start."""

    start: int
    end: int
    first: _YearMention | None  # range start
    last: _YearMention | None  # range end or the only year
    until: bool


@lru_cache(maxsize=16384)  # pure, and documents repeat the same cells many times
def read_quantity(text: str | None) -> Quantity:
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
    """
    original = "" if text is None else text
    s = _PER_DAY.sub(r"\1", unicodedata.normalize("NFKC", original)).strip()
    s, references = _take_reference_years(s)
    period = _find_period(s)
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
    return _read_value(original, s, head, period, notes, base)


def _read_value(
    original: str,
    s: str,
    head: str,
    period: _Period | None,
    notes: list[str],
    base: _Dates,
) -> Quantity:
    """Read the number and its surroundings out of the head text."""
    found = _find_number(head)
    if found is None:
        return _build(original, QuantityKind.QUALITATIVE, base, direction=direction_of_wording(head), note=_join(notes))
    value, unit, start, end = found
    prefix, per, negative = _read_prefix(head[:start])
    suffix = head[end:]
    if unit is None:
        unit, suffix = _read_unit(suffix)
    qualifier = None
    while True:
        if per is None and (m := _PER.match(suffix)):
            per, suffix = _RATES.get(m["per"], m["per"]), suffix[m.end() :]
        elif qualifier is None and (m := _QUALIFIER.match(suffix)):
            qualifier, suffix = _QUALIFIERS[m["q"]], suffix[m.end() :]
        elif unit is not None and (m := _PER_OTHER.match(suffix)):
            unit, suffix = f"{unit}/{m['other']}", suffix[m.end() :]
        else:
            break
    every_year = bool(_EVERY_YEAR.search(s))
    if per is None and every_year:
        per = "年"
    trailing = _clean_note(suffix)
    note_parts = [p for p in (_clean_note(prefix), trailing) if p] + notes
    kind, dates = _decide_kind(s, period, per, unit, every_year, base)
    return Quantity(
        text=original,
        kind=kind,
        value=-value if negative and value else value,
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
    )


def _build(
    original: str,
    kind: QuantityKind,
    dates: _Dates,
    direction: Direction | None = None,
    note: str | None = None,
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
    )


def _decide_kind(
    s: str,
    period: _Period | None,
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
    if _CUMULATIVE.search(s):
        return QuantityKind.CUMULATIVE, replace(fields, cumulative_from_plan_start=not ranged)
    if per is not None:
        until = period is not None and period.until
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


def _find_period(s: str) -> _Period | None:
    """Find the first year, or range of years, named in the text."""
    mentions = _find_years(s)
    if not mentions:
        return None
    first = mentions[0]
    last = first
    for following in mentions[1:]:
        if not _RANGE_SEPARATOR.fullmatch(s[last.end : following.start]):
            break
        last = following
    end = last.end
    bare_end = _BARE_RANGE_END.match(s, end)
    if last is first and bare_end and first.era is not None:
        number = bare_end.group(1)
        year = era_to_western(first.era, 1 if number == "元" else int(number))
        last = _YearMention(first.start, bare_end.end(), year, year, None, False, False, first.era)
        end = last.end
    if last is first:
        open_end = _OPEN_END.match(s, end)
        if open_end:
            return _Period(first.start, open_end.end(), first, None, until=False)
        return _Period(first.start, end, None, first, until=bool(_UNTIL.match(s, end)))
    return _Period(first.start, end, first, last, until=bool(_UNTIL.match(s, end)))


def _take_reference_years(s: str) -> tuple[str, list[str]]:
    """Take out years a value is compared with (令和3年度比), returning the text and those phrases."""
    phrases: list[str] = []
    for mention in reversed(_find_years(s)):
        reference = _REFERENCE.match(s, mention.end)
        if reference:
            phrases.insert(0, s[mention.start : reference.end()].strip())
            s = s[: mention.start] + s[reference.end() :]
    return s, phrases


def _find_years(s: str) -> list[_YearMention]:
    """Return every year mention; a year without its era takes the era before it (令和5～12年度)."""
    mentions: list[_YearMention] = []
    era = "令和"
    for m in _YEAR.finditer(s):
        try:
            if m["era"]:
                era = m["era"]
                year = era_to_western(era, 1 if m["era_year"] == "元" else int(m["era_year"]))
            elif m["western"] or m["fy"]:
                year = int(m["western"] or m["fy"])
            else:
                year = era_to_western(era, 1 if m["bare"] == "元" else int(m["bare"]))
            month_text = m["month"] or m["dot_month"]
            month = int(month_text) if month_text else None
            fiscal = year if month is None else fiscal_year_of(year, month)
        except FiscalYearError:
            continue
        mentions.append(
            _YearMention(
                start=m.start(),
                end=m.end(),
                year=year,
                fiscal_year=fiscal,
                month=month,
                calendar=bool(m["calendar"]),
                year_end=bool(m["end"]),
                era=None if m["western"] or m["fy"] else era,
            )
        )
    return mentions


def _period_fields(period: _Period | None) -> _Dates:
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
    while len(matches) > 1 and _DURATION.match(head, matches[0].end()):
        matches.pop(0)
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
        unit, rest = _read_unit(head[kanji.end() :])
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


def _read_prefix(prefix: str) -> tuple[str, str | None, bool]:
    """Split the words before the number into (words, rate's time unit, negative sign)."""
    words = prefix.rstrip()
    negative = False
    dash = words.endswith(tuple(_DASH_SIGNS)) and (len(words) == 1 or not words[-2].isalnum())
    if words.endswith(tuple(_SIGN)) or dash:
        negative, words = True, words[:-1].rstrip()
    elif words.endswith("マイナス"):
        negative, words = True, words[: -len("マイナス")].rstrip()
    elif words.endswith(("+", "プラス")):
        words = words.removesuffix("+").removesuffix("プラス").rstrip()
    per = None
    rate = _RATE_PREFIX.search(words)
    if rate:
        before = words[: rate.start()]
        if rate["rate"].startswith(("毎", "各")) or not before or not _is_word_char(before[-1]):
            per = _RATES.get(rate["rate"], rate["rate"])
            words = before
    return words, per, negative


def _is_word_char(char: str) -> bool:
    """Tell whether a character is part of a Japanese word (kanji, kana) rather than a break."""
    return char.isalnum() and not char.isdigit()


def _read_unit(suffix: str) -> tuple[str | None, str]:
    """Take the unit off the start of the text after the number."""
    body = suffix.lstrip()
    for unit in _KNOWN_UNITS:
        if body.startswith(unit):
            return unit, body[len(unit) :]
    latin = _LATIN_UNIT.match(body)
    if latin:
        return latin.group(), body[latin.end() :]
    word = _WORD_UNIT.match(body)
    if word:
        run = word.group()
        cut = min((i for i in (run.find(stop) for stop in _UNIT_STOPS) if i > 0), default=len(run))
        if any(run.startswith(stop) for stop in _UNIT_STOPS):
            return None, suffix
        return run[:cut], body[cut:]
    return None, suffix


def _clean_note(text: str) -> str:
    """Strip connectives that the kind and period already express (まで, の累計, 時点)."""
    cleaned = _CONNECTIVES.sub("", text.strip())
    return "" if _DASH_ONLY.fullmatch(cleaned) else cleaned


def _join(notes: list[str]) -> str | None:
    """Join note fragments, or return None when there are none."""
    unique = list(dict.fromkeys(n for n in notes if n))
    return "、".join(unique) if unique else None
