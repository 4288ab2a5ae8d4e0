"""Calendar dates as people write them on a vision's revision (2027-10-01, 令和9年10月, R9.10.1): one reader.

A revision is often dated by its month alone (一部改正 令和9年10月); such a date is read as the month's first day.
"""

from __future__ import annotations

import re
from datetime import date

from renkei.domain.fiscal import FiscalYearError, era_to_western
from renkei.domain.text import fold

#: How a date may be written, for messages: Japanese first, then English.
DATE_EXAMPLES = ("2027-10-01、令和9年10月、令和9年10月1日、R9.10.1",
                 "2027-10-01, 令和9年10月, 令和9年10月1日 or R9.10.1")

_WESTERN = re.compile(r"^(?P<year>\d{4})(?:[-/.](?P<month>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?"
                      r"|年(?P<month_ja>\d{1,2})月(?:(?P<day_ja>\d{1,2})日)?)$")
_ERA = re.compile(r"^(?P<era>令和|平成|昭和|大正|[RHST])\.?(?P<year>元|\d{1,2})"
                  r"(?:年(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?"
                  r"|[./](?P<month_d>\d{1,2})(?:[./](?P<day_d>\d{1,2}))?)$")


def read_date(text: str) -> date | None:
    """Read a calendar date in the western or the Japanese era style; None when it is not one.

    A date without its day is the month's first day.

    >>> [read_date(t).isoformat() for t in ("2027-10-01", "2027/10/1", "令和9年10月", "令和9年10月15日", "R9.10.1",
    ...                                       "Ｒ９．１０", "令和元年5月", "2027年10月")]
    ['2027-10-01', '2027-10-01', '2027-10-01', '2027-10-15', '2027-10-01', '2027-10-01', '2019-05-01', '2027-10-01']
    >>> [read_date(t) for t in ("令和9年13月", "2027-02-30", "来年", "")]
    [None, None, None, None]
    """
    folded = fold(text).upper().replace(" ", "")
    western = _WESTERN.match(folded)
    era = _ERA.match(folded) if western is None else None
    try:
        if western is not None:
            year = int(western["year"])
            month = western["month"] or western["month_ja"]
            day = western["day"] or western["day_ja"]
        elif era is not None:
            year = era_to_western(era["era"], 1 if era["year"] == "元" else int(era["year"]))
            month = era["month"] or era["month_d"]
            day = era["day"] or era["day_d"]
        else:
            return None
        if month is None:
            return None
        return date(year, int(month), int(day) if day else 1)
    except (ValueError, FiscalYearError):
        return None
