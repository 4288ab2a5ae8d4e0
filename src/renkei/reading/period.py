"""Periods in KPI cells: era and western years, fiscal 年度 and calendar 年, months, ranges and reference years.

A year is ``令和8年度`` / ``R8`` / ``Ｒ８年度`` / ``H26`` / ``令和元年度`` / ``昭和63年度``, ``2030年度`` (fiscal),
``2025年`` (calendar), ``FY2030``, a year written both ways (``2019(H31)年``, ``2016(H28)``,
``令和2(2020)年度``), a bare western year alone in brackets (``（2020）``), a month (``令和7年4月``,
``R7.2月``) and ``年度末``. A range joins two years with ``～ 〜 ~ ー - から`` (the second may drop the era:
``令和5～12年度``, ``平成21～25年``). ``まで`` closes a range at its year, ``から`` / ``以降`` opens it.
A year followed by 比 (``令和3年度比``, ``対26年度比``) is a reference year, not the cell's period. A year
written without its era (``26年度``) is 平成 from 16 up (as documents of the 平成 years write them) and 令和
below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from renkei.domain.fiscal import FiscalYearError, era_to_western, fiscal_year_of

_YEAR = re.compile(
    r"(?:(?<![A-Za-z])(?P<era>令和|平成|昭和|大正|[RHST])\.?\s*(?P<era_year>元|\d{1,2})(?!\d)"
    r"|(?<![\d.,])(?P<western>(?:19|20)\d{2})(?=\s*(?:年|\.\s*\d{1,2}\s*月))"
    r"|(?<![A-Za-z])FY\s*(?P<fy>(?:19|20)\d{2})(?!\d)"
    r"|(?<=\()(?P<paren>(?:19|20)\d{2})(?=\))"
    r"|(?<![\d.,])(?P<bare>元|\d{1,2})(?=\s*年度?(?:末|比|の|\)|$|\s|まで|～|〜|~|-|から)))"
    r"\s*(?:(?P<fiscal>年度)(?P<end>末)?"
    r"|年\s*(?P<month>\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?"
    r"|\.\s*(?P<dot_month>\d{1,2})(?!\d)(?:\s*月|\.\s*\d{1,2}(?!\d)(?:\s*日)?)?"
    r"|(?P<calendar>年)(?!間|\s*\d))?"
)
# 2019(H31)年, 2016(H28), 2020年度(R2年度), H28(2016), 令和2(2020)年度: one year written twice.
_ALIAS_WESTERN_FIRST = re.compile(
    r"(?<![\d.,])((?:19|20)\d{2})\s*(年度|年)?\s*\(\s*(?:令和|平成|昭和|[RHS])\.?\s*(?:元|\d{1,2})\s*(?:年度|年)?\s*\)"
    r"\s*(年度|年)?")
_ALIAS_ERA_FIRST = re.compile(
    r"(?<![A-Za-z])((?:令和|平成|昭和|[RHS])\.?\s*(?:元|\d{1,2}))\s*(年度|年)?\s*\(\s*(?:19|20)\d{2}\s*(?:年度|年)?\s*\)"
    r"\s*(年度|年)?")
_RANGE_SEPARATOR = re.compile(r"\s*(?:~|〜|ー|-|‐|‑|‒|–|—|―|−|から)\s*")
_BARE_RANGE_END = re.compile(r"\s*(?:~|〜|ー|-|‐|‑|‒|–|—|―|−|から)\s*(元|\d{1,2})(?!\d)(?=\s*(?:\)|まで|の|年|$))")
_REFERENCE = re.compile(r"\s*(?:比|対比|と比べ|と比較)")
_OPEN_END = re.compile(r"\s*(?:~|〜|から|以降)(?!\s*\d)")
_UNTIL = re.compile(r"\s*(?:まで|迄)")


@dataclass(frozen=True, slots=True)
class YearMention:
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
class Period:
    """The period a cell names: a single year, a range, or an open start."""

    start: int
    end: int
    first: YearMention | None  # range start
    last: YearMention | None  # range end or the only year
    until: bool


def fold_aliases(s: str) -> str:
    """Write a year given both ways once: ``2019(H31)年`` -> ``2019年``, ``H28(2016)`` -> ``H28``.

    >>> fold_aliases("現状維持以上(2019(H31)年)")
    '現状維持以上(2019年)'
    >>> fold_aliases("100人(令和2(2020)年度)")
    '100人(令和2年度)'
    """
    if "(" not in s:
        return s
    s = _ALIAS_WESTERN_FIRST.sub(lambda m: m.group(1) + (m.group(2) or m.group(3) or ""), s)
    return _ALIAS_ERA_FIRST.sub(lambda m: m.group(1) + (m.group(2) or m.group(3) or ""), s)


def find_years(s: str) -> list[YearMention]:
    """Return every year mention; a year without its era takes the era before it (令和5～12年度).

    >>> [(m.year, m.calendar) for m in find_years("平成21～25年の平均")]
    [(2009, False), (2013, True)]
    """
    mentions: list[YearMention] = []
    era: str | None = None
    for m in _YEAR.finditer(s):
        try:
            if m["era"]:
                era = m["era"]
                year = era_to_western(era, 1 if m["era_year"] == "元" else int(m["era_year"]))
            elif m["western"] or m["fy"] or m["paren"]:
                year = int(m["western"] or m["fy"] or m["paren"])
            else:
                number = 1 if m["bare"] == "元" else int(m["bare"])
                # Without an era, 16-99 are 平成 (H16 = 2004 … H32 = 2020, as documents of 2016 write
                # 「32年度」) and 1-15 are 令和.
                era = era or ("平成" if number >= 16 else "令和")
                year = era_to_western(era, number)
            month_text = m["month"] or m["dot_month"]
            month = int(month_text) if month_text else None
            fiscal = year if month is None else fiscal_year_of(year, month)
        except FiscalYearError:
            continue
        mentions.append(YearMention(
            start=m.start(), end=m.end(), year=year, fiscal_year=fiscal, month=month, calendar=bool(m["calendar"]),
            year_end=bool(m["end"]), era=None if m["western"] or m["fy"] or m["paren"] else era,
        ))
    return mentions


def find_period(s: str) -> Period | None:
    """Find the first year, or range of years, named in the text."""
    mentions = find_years(s)
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
        try:
            year = era_to_western(first.era, 1 if number == "元" else int(number))
        except FiscalYearError:
            year = first.year
        calendar = s[bare_end.end() : bare_end.end() + 2] not in ("年度",) and s[bare_end.end():].startswith("年")
        last = YearMention(first.start, bare_end.end(), year, year, None, calendar, False, first.era)
        end = last.end
    if last is first:
        open_end = _OPEN_END.match(s, end)
        if open_end:
            return Period(first.start, open_end.end(), first, None, until=False)
        return Period(first.start, end, None, first, until=bool(_UNTIL.match(s, end)))
    return Period(first.start, end, first, last, until=bool(_UNTIL.match(s, end)))


def take_reference_years(s: str) -> tuple[str, list[str], int | None]:
    """Take out years a value is compared with (令和3年度比), returning the text, those phrases and the year.

    >>> take_reference_years("令和3年度比10%減")
    ('10%減', ['令和3年度比'], 2021)
    >>> take_reference_years("対26年度比5%増")
    ('5%増', ['対26年度比'], 2014)
    """
    phrases: list[str] = []
    year: int | None = None
    if "比" not in s and "比較" not in s:
        return s, phrases, year
    for mention in reversed(find_years(s)):
        reference = _REFERENCE.match(s, mention.end)
        if reference:
            start = mention.start - 1 if mention.start > 0 and s[mention.start - 1] == "対" else mention.start
            phrases.insert(0, s[start : reference.end()].strip())
            s = s[:start] + s[reference.end() :]
            year = mention.fiscal_year
    return s, phrases, year
