"""Revision dates as areas write them: both styles read, anything else None, never an exception."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.reading.calendar_date import read_date


@pytest.mark.parametrize(("text", "expected"), [
    ("2027-10-01", date(2027, 10, 1)),
    ("2027/10/1", date(2027, 10, 1)),
    ("2027.10", date(2027, 10, 1)),
    ("2027年10月", date(2027, 10, 1)),
    ("令和9年10月", date(2027, 10, 1)),
    ("令和９年１０月１日", date(2027, 10, 1)),
    (" 令和9年 10月 ", date(2027, 10, 1)),
    ("R9.10.1", date(2027, 10, 1)),
    ("Ｒ９．１０", date(2027, 10, 1)),
    ("平成30年3月31日", date(2018, 3, 31)),
    ("H30.3", date(2018, 3, 1)),
    ("令和元年5月", date(2019, 5, 1)),
    ("令和9年", None),  # a year alone names no date
    ("2027", None),
    ("令和9年13月", None),
    ("2027-02-30", None),
    ("令和0年4月", None),
    ("来年10月", None),
    ("", None),
])
def test_dates_as_written(text: str, expected: date | None) -> None:
    assert read_date(text) == expected


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_none(text: str) -> None:
    assert read_date(text) is None or isinstance(read_date(text), date)
