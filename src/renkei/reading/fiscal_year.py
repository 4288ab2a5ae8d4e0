"""Fiscal years as people write them (2026, 令和8年度, R8, FY2027, 令和8年度（2026）): one reader for every input.

Actuals sheets, plan workbooks, staff forms, every year option of the command line and the portal's ``as_of`` read
years with :func:`read_fiscal_year`, so a year that one of them takes every other takes too.
"""

from __future__ import annotations

import re

from renkei.domain.fiscal import FiscalYearError, era_to_western
from renkei.domain.text import fold
from renkei.reading.numeral import read_number

#: How a year may be written, for messages: Japanese first, then English.
FISCAL_YEAR_EXAMPLES = ("2026、令和8年度、R8", "2026, 令和8年度 or R8")

_WESTERN_YEAR = re.compile(r"^(?:FY)?(?P<year>\d{4})(?:年度?)?$")
_ERA_YEAR = re.compile(
    r"^(?P<era>令和|平成|昭和|大正|[RHST])\.?(?P<year>元|\d{1,2}|[〇一二三四五六七八九十]{1,3})(?:年度?)?"
    r"(?:[(（](?:FY)?(?P<western>\d{4})(?:年度?)?[)）])?$"
)


def read_fiscal_year(text: str) -> int | None:
    """Read a fiscal year written in the western or the Japanese era style; None when it is not one.

    >>> [read_fiscal_year(t) for t in ("2026", "令和8年度", "R8", "Ｒ８", "令和元年度", "FY2027", "令和8年度（2026）")]
    [2026, 2026, 2026, 2026, 2019, 2027, 2026]
    >>> read_fiscal_year("令和8年度（2027）") is None, read_fiscal_year("来年") is None
    (True, True)
    """
    folded = fold(text).upper()
    western = _WESTERN_YEAR.match(folded)
    if western:
        year = int(western["year"])
        return year if year >= 1000 else None
    era = _ERA_YEAR.match(folded)
    if era is None:
        return None
    written = era["year"]
    number = 1.0 if written == "元" else read_number(written)
    if number is None or not number.is_integer():
        return None
    try:
        year = era_to_western(era["era"], int(number))
    except FiscalYearError:
        return None
    if era["western"] is not None and int(era["western"]) != year:
        return None
    return year
