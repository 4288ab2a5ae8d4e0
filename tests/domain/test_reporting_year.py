"""Which fiscal years take actuals: an open round's year, never one that has not begun (domain/reporting_year.py)."""

from __future__ import annotations

import pytest

from renkei.domain.reporting_year import ReportingYears


@pytest.mark.parametrize(
    ("years", "year", "refused", "reason"),
    [
        (ReportingYears(2026, frozenset({2026})), 2026, False, ""),
        (ReportingYears(2026, frozenset({2026})), 2025, True, "受け付けていません"),  # a closed (or never opened) round
        (ReportingYears(2026, frozenset({2025, 2026})), 2025, False, ""),  # reopened by an admin
        (ReportingYears(2026, frozenset({2026})), 2030, True, "まだ始まっていません"),  # the future, even in the period
        (ReportingYears(2026, frozenset({2030})), 2030, True, "まだ始まっていません"),  # a round cannot make it a year
        (ReportingYears(2026, frozenset()), 2026, True, "受付中: なし"),
        (ReportingYears(2026), 2019, False, ""),  # no rounds to ask (a file beside a document): the past is fine
        (ReportingYears(2026), 2027, True, "見込み値"),
    ],
)
def test_a_year_takes_actuals_only_with_an_open_round_and_never_ahead(
        years: ReportingYears, year: int, refused: bool, reason: str) -> None:
    problem = years.refusal(year)
    assert (problem is not None) is refused
    if problem is not None:
        ja, en = problem
        assert reason in ja and f"FY{year}" in en
