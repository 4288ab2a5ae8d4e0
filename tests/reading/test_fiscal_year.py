"""The one reader of written fiscal years (2026, 令和8年度, R8 …) every input uses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.reading.fiscal_year import read_fiscal_year


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2026", 2026),
        ("２０２６", 2026),
        ("2026年度", 2026),
        ("FY2027", 2027),
        ("fy2027", 2027),
        ("令和8年度", 2026),
        ("令和８年度", 2026),
        ("令和8年", 2026),
        ("R8", 2026),
        ("Ｒ８", 2026),
        ("r12", 2030),
        ("R.8", 2026),
        ("令和元年度", 2019),
        ("令和八年度", 2026),
        ("平成30年度", 2018),
        ("H31", 2019),
        ("令和8年度（2026）", 2026),
        (" 令和 8 年度 ", 2026),
    ],
)
def test_fiscal_years_read_in_every_written_style(text: str, year: int) -> None:
    assert read_fiscal_year(text) == year


@pytest.mark.parametrize(
    "text",
    ["", "来年度", "26", "0", "999", "令和0年度", "令和8年度（2027）", "R", "2026-04-01", "X8", "R8.5", "20266"],
)
def test_not_a_fiscal_year(text: str) -> None:
    assert read_fiscal_year(text) is None


@given(st.text(max_size=20))
def test_any_text_is_a_year_or_none(text: str) -> None:
    year = read_fiscal_year(text)
    assert year is None or 1000 <= year <= 9999
