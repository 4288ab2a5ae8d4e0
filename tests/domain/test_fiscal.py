"""Tests for fiscal years (年度) and era years (和暦)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.fiscal import (
    FiscalYearError,
    era_to_western,
    fiscal_year_of,
    format_fiscal_year,
    normalise_era,
    wareki_fiscal_year,
    western_to_era,
)


@pytest.mark.parametrize(
    ("era", "year", "western"),
    [
        ("令和", 8, 2026),
        ("令和", 1, 2019),
        ("R", 12, 2030),
        ("Ｒ", 7, 2025),
        ("r", 5, 2023),
        ("平成", 30, 2018),
        ("H", 31, 2019),
        ("平成", 32, 2020),  # written before the era changed
        ("平成", 1, 1989),
        ("昭和", 64, 1989),
        ("S", 60, 1985),
        ("大正", 15, 1926),
    ],
)
def test_era_to_western(era: str, year: int, western: int) -> None:
    assert era_to_western(era, year) == western


@pytest.mark.parametrize(("era", "year"), [("令和", 0), ("令和", -1), ("明治", 5), ("X", 3), ("", 1)])
def test_era_to_western_rejects(era: str, year: int) -> None:
    with pytest.raises(FiscalYearError):
        era_to_western(era, year)


def test_fiscal_year_error_is_value_error() -> None:
    assert issubclass(FiscalYearError, ValueError)


@pytest.mark.parametrize(
    ("year", "month", "fiscal"),
    [(2026, 4, 2026), (2026, 12, 2026), (2027, 1, 2026), (2027, 3, 2026), (2026, 3, 2025), (2025, 2, 2024)],
)
def test_fiscal_year_of(year: int, month: int, fiscal: int) -> None:
    assert fiscal_year_of(year, month) == fiscal


@pytest.mark.parametrize("month", [0, 13, -1])
def test_fiscal_year_of_rejects_bad_month(month: int) -> None:
    with pytest.raises(FiscalYearError, match="month"):
        fiscal_year_of(2026, month)


@pytest.mark.parametrize(
    ("fiscal", "ja", "en", "wareki"),
    [
        (2026, "令和8年度（2026）", "FY2026", "令和8年度"),
        (2030, "令和12年度（2030）", "FY2030", "令和12年度"),
        (2019, "令和元年度（2019）", "FY2019", "令和元年度"),
        (2018, "平成30年度（2018）", "FY2018", "平成30年度"),
        (1989, "平成元年度（1989）", "FY1989", "平成元年度"),
        (1988, "昭和63年度（1988）", "FY1988", "昭和63年度"),
    ],
)
def test_format_fiscal_year(fiscal: int, ja: str, en: str, wareki: str) -> None:
    assert format_fiscal_year(fiscal) == ja
    assert format_fiscal_year(fiscal, lang="ja") == ja
    assert format_fiscal_year(fiscal, lang="en") == en
    assert wareki_fiscal_year(fiscal) == wareki


def test_format_fiscal_year_before_eras_and_bad_language() -> None:
    assert format_fiscal_year(1900) == "1900年度"
    with pytest.raises(FiscalYearError):
        wareki_fiscal_year(1900)
    with pytest.raises(FiscalYearError, match="language"):
        format_fiscal_year(2026, lang="fr")


@pytest.mark.parametrize(
    ("era", "name"), [("R", "令和"), ("Ｈ", "平成"), ("s", "昭和"), ("R.", "令和"), ("令和", "令和")]
)
def test_normalise_era(era: str, name: str) -> None:
    assert normalise_era(era) == name


@given(st.integers(min_value=1912, max_value=3000))
def test_era_round_trip(fiscal: int) -> None:
    era, year = western_to_era(fiscal)
    assert era_to_western(era, year) == fiscal
    assert year >= 1


@given(st.integers(min_value=1, max_value=9998), st.integers(min_value=1, max_value=12))
def test_every_month_falls_in_the_fiscal_year_spanning_it(year: int, month: int) -> None:
    fiscal = fiscal_year_of(year, month)  # April to March: January to March belong to the year before
    assert fiscal == (year if month >= 4 else year - 1)
