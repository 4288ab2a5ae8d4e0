"""Japanese fiscal years (年度, April to March) and era years (和暦: 令和, 平成, 昭和)."""

from __future__ import annotations

import unicodedata


class FiscalYearError(ValueError):
    """An era, year or month that names no date."""


# First western year of each era minus one: 令和1 = 2019, 平成1 = 1989, 昭和1 = 1926, 大正1 = 1912.
_ERA_OFFSETS: dict[str, int] = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911}
_ERA_ALIASES: dict[str, str] = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正"}

# The fiscal year an era is named for: FY2019 (April 2019-) is 令和元年度 although 令和 began on 1 May
# 2019, FY1989 is 平成元年度, FY1926 is 昭和元年度.
_ERA_FIRST_FISCAL_YEARS: tuple[tuple[str, int], ...] = (
    ("令和", 2019),
    ("平成", 1989),
    ("昭和", 1926),
    ("大正", 1912),
)


def normalise_era(era: str) -> str:
    """Return the era's kanji name for a name or its initial (R, H, S, T; full-width too).

    >>> normalise_era("Ｒ")
    '令和'
    >>> normalise_era("h")
    '平成'
    >>> normalise_era("昭和")
    '昭和'
    """
    folded = unicodedata.normalize("NFKC", era).strip().rstrip(".")
    name = _ERA_ALIASES.get(folded.upper(), folded)
    if name not in _ERA_OFFSETS:
        raise FiscalYearError(f"unknown era {era!r}")
    return name


def era_to_western(era: str, year: int) -> int:
    """Convert an era year to its western year (令和8 -> 2026).

    Years past an era's end are converted as written (平成32 -> 2020), as documents written before
    an era change do.

    >>> era_to_western("令和", 8)
    2026
    >>> era_to_western("R", 1)
    2019
    >>> era_to_western("Ｈ", 30)
    2018
    >>> era_to_western("昭和", 64)
    1989
    >>> era_to_western("令和", 0)
    Traceback (most recent call last):
    ...
    renkei.domain.fiscal.FiscalYearError: era year must be 1 or more, not 0
    """
    if year < 1:
        raise FiscalYearError(f"era year must be 1 or more, not {year}")
    return _ERA_OFFSETS[normalise_era(era)] + year


def western_to_era(fiscal_year: int) -> tuple[str, int]:
    """Return the era and era year a fiscal year is named with (2026 -> 令和, 8).

    >>> western_to_era(2026)
    ('令和', 8)
    >>> western_to_era(2019)
    ('令和', 1)
    >>> western_to_era(2018)
    ('平成', 30)
    """
    for era, first in _ERA_FIRST_FISCAL_YEARS:
        if fiscal_year >= first:
            return era, fiscal_year - first + 1
    raise FiscalYearError(f"no era name for fiscal year {fiscal_year}")


def fiscal_year_of(year: int, month: int) -> int:
    """Return the fiscal year a calendar month falls in (January-March belong to the year before).

    >>> fiscal_year_of(2026, 4)
    2026
    >>> fiscal_year_of(2027, 3)
    2026
    >>> fiscal_year_of(2026, 13)
    Traceback (most recent call last):
    ...
    renkei.domain.fiscal.FiscalYearError: month must be 1-12, not 13
    """
    if not 1 <= month <= 12:
        raise FiscalYearError(f"month must be 1-12, not {month}")
    return year if month >= 4 else year - 1


def latest_ended_fiscal_year(year: int, month: int, day: int = 1) -> int:
    """Return the latest fiscal year that has ended on a date (a fiscal year ends on 31 March).

    >>> latest_ended_fiscal_year(2026, 12, 2), latest_ended_fiscal_year(2027, 3, 31)
    (2025, 2025)
    >>> latest_ended_fiscal_year(2027, 4, 1)
    2026
    """
    return fiscal_year_of(year, month) - 1


def wareki_fiscal_year(fiscal_year: int) -> str:
    """Name a fiscal year in the Japanese era (2026 -> 令和8年度; the first year is 元年度).

    >>> wareki_fiscal_year(2026)
    '令和8年度'
    >>> wareki_fiscal_year(2019)
    '令和元年度'
    >>> wareki_fiscal_year(1988)
    '昭和63年度'
    """
    era, year = western_to_era(fiscal_year)
    return f"{era}{'元' if year == 1 else year}年度"


def format_fiscal_year(fiscal_year: int, lang: str = "ja") -> str:
    """Format a fiscal year for people: 令和8年度（2026） in Japanese, FY2026 in English.

    >>> format_fiscal_year(2026)
    '令和8年度（2026）'
    >>> format_fiscal_year(2026, lang="en")
    'FY2026'
    >>> format_fiscal_year(1900)
    '1900年度'
    """
    if lang == "en":
        return f"FY{fiscal_year}"
    if lang != "ja":
        raise FiscalYearError(f"unsupported language {lang!r} (ja or en)")
    try:
        return f"{wareki_fiscal_year(fiscal_year)}（{fiscal_year}）"
    except FiscalYearError:
        return f"{fiscal_year}年度"


class OutsidePeriodError(FiscalYearError):
    """A fiscal year asked for that lies outside a plan period (it is refused, never moved into the period)."""


def check_within_period(fiscal_year: int, first_year: int, last_year: int) -> int:
    """Return the fiscal year when it lies within the period; raise OutsidePeriodError, Japanese first, otherwise.

    >>> check_within_period(2027, 2026, 2030)
    2027
    >>> try:
    ...     check_within_period(2040, 2026, 2030)
    ... except OutsidePeriodError as exc:
    ...     for words in str(exc).split(" / "):
    ...         print(words)
    令和22年度（2040）は計画期間（令和8年度（2026）〜令和12年度（2030））の外です
    FY2040 is outside the plan period FY2026–FY2030
    """
    if not first_year <= fiscal_year <= last_year:
        raise OutsidePeriodError(
            f"{format_fiscal_year(fiscal_year)}は計画期間（{format_fiscal_year(first_year)}〜"
            f"{format_fiscal_year(last_year)}）の外です / FY{fiscal_year} is outside the plan period "
            f"FY{first_year}–FY{last_year}"
        )
    return fiscal_year


# The day each era began: a calendar date belongs to the era in force that day.
_ERA_START_DATES: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ("令和", (2019, 5, 1)),
    ("平成", (1989, 1, 8)),
    ("昭和", (1926, 12, 25)),
    ("大正", (1912, 7, 30)),
)


def format_wareki_date(year: int, month: int, day: int) -> str:
    """Write a calendar date in the Japanese era, as an official document dates itself (令和8年12月3日).

    >>> format_wareki_date(2026, 12, 3), format_wareki_date(2019, 5, 1), format_wareki_date(2019, 4, 30)
    ('令和8年12月3日', '令和元年5月1日', '平成31年4月30日')
    """
    for era, start in _ERA_START_DATES:
        if (year, month, day) >= start:
            number = year - start[0] + 1
            return f"{era}{'元' if number == 1 else number}年{month}月{day}日"
    raise FiscalYearError(f"no era name for {year}-{month:02d}-{day:02d}")
