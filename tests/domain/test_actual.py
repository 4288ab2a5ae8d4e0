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
    text_too_long,
    value_by_fiscal_year,
)
from renkei.domain.status import Rating, Status, read_status

KITAKYUSHU, NAKAMA, YUKUHASHI = "401005", "402125", "402133"


@pytest.mark.parametrize(
    ("actual", "is_share"),
    [
        (Actual(2026, 4), False),
        (Actual(2026, None), False),
        (Actual(2026, 5, municipality=YUKUHASHI), True),
    ],
)
def test_a_record_is_the_kpis_own_figure_or_one_municipalitys_share(actual: Actual, is_share: bool) -> None:
    assert actual.is_share is is_share


def test_the_public_form_has_no_note_and_no_login_name() -> None:
    actual = Actual(2026, 5, municipality=YUKUHASHI, note="電話で確認中", comment="5施設に設置", evidence="施設台帳",
                    entered_by="yukuhashi1", entered_at=datetime(2027, 5, 1, 9, 30), reported_by="行橋市")
    shown = actual.public_dict()
    assert shown == {"fiscal_year": 2026, "month": None, "municipality": YUKUHASHI, "value": 5,
                     "comment": "5施設に設置", "evidence": "施設台帳", "reported_by": "行橋市"}
    assert "電話で確認中" not in str(shown) and "yukuhashi1" not in str(shown)


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Actual(2026, 1, month=0), "month"),
        (lambda: Actual(2026, 1, month=13), "month"),
        (lambda: Actual(2026, math.nan), "value"),
        (lambda: Actual(2026, math.inf), "value"),
        (lambda: Actual(2026, MAX_ABS_VALUE * 10), "value"),
        (lambda: Actual(0, 1), "fiscal_year"),
        (lambda: Actual(2026, 1, municipality=" "), "municipality"),
        (lambda: Assessment(2026, "達成"), "status"),  # type: ignore[arg-type]
    ],
)
def test_bad_entries_raise_actual_error_naming_the_field(build: object, field: str) -> None:
    with pytest.raises(ActualError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("field", "text", "too_long"),
    [("note", "あ" * 1000, False), ("note", "あ" * 1001, True), ("comment", "x" * 100_000, True),
     ("evidence", "https://example.jp/" + "a" * 480, False), ("evidence", "a" * 501, True), ("note", None, False)],
)
def test_text_limits_say_which_field_and_how_long(field: str, text: str | None, too_long: bool) -> None:
    problem = text_too_long(field, text)
    assert (problem is not None) is too_long
    if problem is not None and text is not None:
        assert f"{len(text):,}" in problem[0] and f"{len(text):,}" in problem[1]


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
        # a municipality's share is never the KPI's figure, by default
        ([Actual(2026, 2, municipality=KITAKYUSHU), Actual(2026, 3, municipality=NAKAMA)], MonthMerge.SUM, {}),
        # ... and the KPI's own figure is taken beside its shares
        ([Actual(2026, 2, municipality=KITAKYUSHU), Actual(2026, 40)], MonthMerge.SUM, {2026: 40.0}),
    ],
)
def test_value_by_fiscal_year(actuals: list[Actual], months: MonthMerge, expected: dict[int, float]) -> None:
    assert value_by_fiscal_year(actuals, months=months) == expected


def test_fiscal_month_order_runs_april_to_march() -> None:
    assert sorted(range(1, 13), key=fiscal_month_order) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


def test_assessment_to_dict_is_public_and_names_the_organisation_not_the_login() -> None:
    assessment = Assessment(2026, Status.ON_TRACK, "新たに2町が参加を表明", entered_by="kikaku1", rating=Rating.B,
                            evidence="参加申込書", reported_by="企画課")
    assert assessment.to_dict() == {
        "fiscal_year": 2026, "status": "on_track", "rating": "B", "word": "", "comment": "新たに2町が参加を表明",
        "evidence": "参加申込書", "reported_by": "企画課",
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
    municipality=st.none() | st.sampled_from([KITAKYUSHU, NAKAMA, YUKUHASHI]),
)


@given(st.lists(entries, max_size=20), st.sampled_from(list(MonthMerge)))
def test_folding_gives_one_finite_value_per_year_with_a_valued_entry(
    actuals: list[Actual], months: MonthMerge
) -> None:
    folded = value_by_fiscal_year(actuals, months=months)
    assert set(folded) == {a.fiscal_year for a in actuals if a.value is not None and a.municipality is None}
    assert all(math.isfinite(v) for v in folded.values())


@given(st.lists(st.tuples(st.integers(1, 12), values), min_size=1, max_size=12, unique_by=lambda p: p[0]))
def test_average_of_months_lies_between_their_extremes(months: list[tuple[int, float]]) -> None:
    actuals = [Actual(2026, v, month=m) for m, v in months]
    year = value_by_fiscal_year(actuals, months=MonthMerge.AVERAGE)[2026]
    low, high = min(v for _, v in months), max(v for _, v in months)
    assert low - 1e-6 <= year <= high + 1e-6
