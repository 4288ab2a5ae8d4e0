"""Tests for actuals (実績値), assessments and folding entries into one value per fiscal year."""

from __future__ import annotations

import math
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.actual import (
    MAX_ABS_VALUE,
    Actual,
    ActualError,
    Assessment,
    MonthMerge,
    fiscal_month_order,
    value_by_fiscal_year,
)
from renkei.domain.status import Rating, Status, read_status

KITAKYUSHU, NAKAMA, YUKUHASHI = "401005", "402125", "402133"


@pytest.mark.parametrize(
    ("actual", "total"),
    [
        (Actual(2026, 4), 4.0),
        (Actual(2026, 84.9), 84.9),
        (Actual(2026, None), None),
        (Actual(2026, None, by_municipality=((KITAKYUSHU, 3), (NAKAMA, 1.5))), 4.5),
        (Actual(2026, 10, by_municipality=((KITAKYUSHU, 3),)), 10.0),  # the stated total wins
        (Actual(2026, 0), 0.0),
    ],
)
def test_total(actual: Actual, total: float | None) -> None:
    assert actual.total == total


def test_from_parts_accepts_a_mapping_and_a_matching_total() -> None:
    actual = Actual.from_parts(
        2026, 17, by_municipality={KITAKYUSHU: 10, NAKAMA: 4, YUKUHASHI: 3}, evidence="事業報告書",
        entered_by="企画課", entered_at=datetime(2027, 5, 1, 9, 30),
    )
    assert actual.total == 17
    assert actual.by_municipality == ((KITAKYUSHU, 10), (NAKAMA, 4), (YUKUHASHI, 3))
    assert actual.to_dict()["by_municipality"] == {KITAKYUSHU: 10, NAKAMA: 4, YUKUHASHI: 3}
    assert actual.to_dict()["entered_at"] == "2027-05-01T09:30:00"


def test_from_parts_tolerates_float_rounding_in_the_sum() -> None:
    actual = Actual.from_parts(2026, 0.3, by_municipality=[(KITAKYUSHU, 0.1), (NAKAMA, 0.2)])
    assert actual.total == 0.3


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Actual.from_parts(2026, 5, by_municipality={KITAKYUSHU: 3, NAKAMA: 1}), "value"),
        (lambda: Actual(2026, 1, month=0), "month"),
        (lambda: Actual(2026, 1, month=13), "month"),
        (lambda: Actual(2026, math.nan), "value"),
        (lambda: Actual(2026, math.inf), "value"),
        (lambda: Actual(2026, MAX_ABS_VALUE * 10), "value"),
        (lambda: Actual(0, 1), "fiscal_year"),
        (
            lambda: Actual(2026, None, by_municipality=((KITAKYUSHU, 1), (KITAKYUSHU, 2))),
            f"by_municipality[{KITAKYUSHU}]",
        ),
        (lambda: Actual(2026, None, by_municipality=(("", 1),)), "by_municipality"),
        (lambda: Actual(2026, None, by_municipality=((NAKAMA, math.nan),)), f"by_municipality[{NAKAMA}]"),
        (lambda: Assessment(2026, "達成"), "status"),  # type: ignore[arg-type]
    ],
)
def test_bad_entries_raise_actual_error_naming_the_field(build: object, field: str) -> None:
    with pytest.raises(ActualError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("actuals", "months", "expected"),
    [
        # a later entry for the same year corrects an earlier one
        ([Actual(2026, 4), Actual(2027, 6), Actual(2026, 5)], MonthMerge.SUM, {2026: 5.0, 2027: 6.0}),
        # entries without a value are notes, not zeros
        ([Actual(2026, None, note="集計中")], MonthMerge.SUM, {}),
        # monthly visitors (人/月): the fiscal year is the mean of its months
        ([Actual(2026, 14000, month=4), Actual(2026, 16000, month=5)], MonthMerge.AVERAGE, {2026: 15000.0}),
        # monthly counts of an annual amount add up
        ([Actual(2026, 1, month=6), Actual(2026, 2, month=11)], MonthMerge.SUM, {2026: 3.0}),
        # a level: the last month in fiscal order (March after December)
        ([Actual(2026, 85.0, month=3), Actual(2026, 84.0, month=12)], MonthMerge.LATEST, {2026: 85.0}),
        # a whole-year entry wins over the months of that year
        ([Actual(2026, 1, month=4), Actual(2026, 9)], MonthMerge.SUM, {2026: 9.0}),
        # a month entered twice: the later entry wins
        ([Actual(2026, 100, month=4), Actual(2026, 200, month=4)], MonthMerge.AVERAGE, {2026: 200.0}),
        # per-municipality entries count through their total
        ([Actual(2026, None, by_municipality=((KITAKYUSHU, 2), (NAKAMA, 3)))], MonthMerge.SUM, {2026: 5.0}),
    ],
)
def test_value_by_fiscal_year(actuals: list[Actual], months: MonthMerge, expected: dict[int, float]) -> None:
    assert value_by_fiscal_year(actuals, months=months) == expected


def test_fiscal_month_order_runs_april_to_march() -> None:
    assert sorted(range(1, 13), key=fiscal_month_order) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def test_assessment_to_dict() -> None:
    assessment = Assessment(2026, Status.ON_TRACK, "新たに2町が参加を表明", entered_by="企画課", rating=Rating.B)
    assert assessment.to_dict() == {
        "fiscal_year": 2026, "status": "on_track", "rating": "B", "word": "", "comment": "新たに2町が参加を表明",
        "entered_by": "企画課", "entered_at": None,
    }


@pytest.mark.parametrize(
    ("text", "status"),
    [("achieved", Status.ACHIEVED), ("順調", Status.ON_TRACK), ("遅れ", Status.BEHIND),
     ("on track", Status.ON_TRACK), ("測定不能", Status.NOT_MEASURABLE)],
)
def test_read_status(text: str, status: Status) -> None:
    assert read_status(text) is status


values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
entries = st.builds(
    Actual,
    fiscal_year=st.integers(2020, 2035),
    value=st.none() | values,
    month=st.none() | st.integers(1, 12),
    by_municipality=st.lists(st.tuples(st.sampled_from([KITAKYUSHU, NAKAMA, YUKUHASHI]), values),
                             max_size=3, unique_by=lambda pair: pair[0]).map(tuple),
)


@given(st.lists(entries, max_size=20), st.sampled_from(list(MonthMerge)))
def test_folding_gives_one_finite_value_per_year_with_a_valued_entry(
    actuals: list[Actual], months: MonthMerge
) -> None:
    folded = value_by_fiscal_year(actuals, months=months)
    assert set(folded) == {a.fiscal_year for a in actuals if a.total is not None}
    assert all(math.isfinite(v) for v in folded.values())


@given(st.lists(st.tuples(st.integers(1, 12), values), min_size=1, max_size=12, unique_by=lambda p: p[0]))
def test_average_of_months_lies_between_their_extremes(months: list[tuple[int, float]]) -> None:
    actuals = [Actual(2026, v, month=m) for m, v in months]
    year = value_by_fiscal_year(actuals, months=MonthMerge.AVERAGE)[2026]
    low, high = min(v for _, v in months), max(v for _, v in months)
    assert low - 1e-6 <= year <= high + 1e-6
