"""Budget rows in other areas' layouts: year headers, 計, explicit 0 against —/-/―/→ and blanks, vertical years."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.domain.plan import BudgetCellStatus
from renkei.reading.budget import (
    is_total_header,
    read_budget_block,
    read_budget_cell,
    read_header_year,
    read_simple_budget,
)
from renkei.reading.layout import Row, split_rows

HEADERS = [
    ("R9", 2027), ("Ｒ１０", 2028), ("令和9年度", 2027), ("令和元年度", 2019), ("2027", 2027), ("2027年度", 2027),
    ("2017(H29)", 2017), ("2017（平成29年度）", 2017), ("H29(2017)", 2017), ("H29", 2017), ("平成29年度", 2017),
    ("平成３１年度", 2019), ("FY2028", 2028), ("2019年度（令和元年度）", 2019), ("備考", None), ("計", None),
    ("合計", None), ("10,000", None), ("", None),
]


@pytest.mark.parametrize(("cell", "year"), HEADERS)
def test_year_headers_in_every_form(cell: str, year: int | None) -> None:
    assert read_header_year(cell) == year


@pytest.mark.parametrize("cell", ["計", "合計", "総計", "計（千円）", "5か年計", "総額"])
def test_total_headers(cell: str) -> None:
    assert is_total_header(cell)


CELLS = [
    ("0", BudgetCellStatus.AMOUNT, 0), ("０", BudgetCellStatus.AMOUNT, 0), ("12,500", BudgetCellStatus.AMOUNT, 12500),
    ("—", BudgetCellStatus.NONE, None), ("-", BudgetCellStatus.NONE, None), ("―", BudgetCellStatus.NONE, None),
    ("－", BudgetCellStatus.NONE, None), ("→", BudgetCellStatus.UNCLEAR, None), ("⇒", BudgetCellStatus.UNCLEAR, None),
    ("", BudgetCellStatus.NOT_STATED, None), ("未定", BudgetCellStatus.UNDETERMINED, None),
    ("検討中", BudgetCellStatus.UNDETERMINED, None), ("約3,000", BudgetCellStatus.AMOUNT, 3000),
    ("2.5億円", BudgetCellStatus.AMOUNT, 250_000), ("300万円", BudgetCellStatus.AMOUNT, 3000),
    ("未計上予定", BudgetCellStatus.INVALID, None),
]


@pytest.mark.parametrize(("text", "status", "amount"), CELLS)
def test_amount_cells(text: str, status: BudgetCellStatus, amount: int | None) -> None:
    reading = read_budget_cell(text)
    assert (reading.status, reading.amount if status is BudgetCellStatus.AMOUNT else None) == (status, amount)


def _block(text: str) -> list[Row]:
    return [r for r in split_rows(text) if r.cells]


def test_years_with_a_total_column_keep_the_stated_total() -> None:
    rows = _block("事業費（千円）\t2016(H28)\t2017(H29)\t2018(H30)\t計\n\t100\t0\t→\t1,100")
    budget, findings = read_budget_block(rows, range(2016, 2021))
    assert budget.by_fiscal_year == {2016: 100, 2017: 0, 2018: None}
    assert [c.status.value for c in budget.cells] == ["amount", "amount", "unclear"]
    assert (budget.total_text, budget.total_amount) == ("1,100", 1100)
    assert findings == []


def test_years_on_their_own_row_above_the_amounts() -> None:
    rows = _block("年度\tH28\tH29\tH30\n事業費見込額（千円）\t500\t―\t")
    budget, _ = read_budget_block(rows, range(2016, 2021))
    assert budget.unit == "千円"
    assert [(c.fiscal_year, c.status.value, c.amount) for c in budget.cells] == [
        (2016, "amount", 500), (2017, "none", None), (2018, "not_stated", None)]


def test_years_down_the_rows() -> None:
    rows = _block("概算事業費（千円）\tR8\t2,000\n\tR9\t2,500\n\t計\t4,500")
    budget, _ = read_budget_block(rows, range(2026, 2031))
    assert budget.by_fiscal_year == {2026: 2000, 2027: 2500}
    assert budget.total_amount == 4500


def test_same_as_left_repeats_the_amount() -> None:
    rows = _block("事業費（千円）\tR8\tR9\tR10\n\t1,000\t同左\t同左")
    budget, _ = read_budget_block(rows, range(2026, 2031))
    assert budget.by_fiscal_year == {2026: 1000, 2027: 1000, 2028: 1000}


def test_other_units_are_converted_to_thousand_yen() -> None:
    rows = _block("事業費（百万円）\tR8\tR9\n\t1.5\t2")
    budget, findings = read_budget_block(rows, range(2026, 2031))
    assert budget.by_fiscal_year == {2026: 1500, 2027: 2000}
    assert findings == []


AMOUNT_CELLS = st.sampled_from(["", "0", "1,200", "35", "—", "→", "未定", "2.5", "abc", "同左", "1,000千円", "-"])


@given(cells=st.lists(AMOUNT_CELLS, max_size=8), total=st.booleans(), shift=st.booleans())
@settings(max_examples=300)
def test_the_common_layout_shortcut_reads_as_the_general_reader(cells: list[str], total: bool, shift: bool) -> None:
    header = Row(10, ("事業費（千円）", "R8", "R9", "R10", "R11", "R12", *(("計",) if total else ()), "備考"))
    values = Row(11, ("", *([""] if shift else []), *cells))
    quick = read_simple_budget(header, values)
    general, findings = read_budget_block([header, values], range(2026, 2031))
    if quick is not None:
        assert quick == general and findings == []


def test_amounts_that_carry_their_unit_need_none_in_the_header() -> None:
    rows = _block("事業費\tR8\tR9\n\t1,000千円\t0.5百万円")
    budget, findings = read_budget_block(rows, range(2026, 2031))
    assert budget.by_fiscal_year == {2026: 1000, 2027: 500}
    assert "budget.no_unit" not in {f.rule for f in findings}
    _, findings = read_budget_block(_block("事業費\tR8\tR9\n\t1,000\t500"), range(2026, 2031))
    assert "budget.no_unit" in {f.rule for f in findings}


@pytest.mark.parametrize("cell", ["令和8年度：500千円、令和9年度：―、令和10年度：未定", "R8:500千円,R9:―,R10:未定"])
def test_years_and_amounts_written_in_one_cell(cell: str) -> None:
    budget, findings = read_budget_block(_block(f"事業費見込額\t{cell}"), range(2026, 2031))
    assert budget.by_fiscal_year == {2026: 500, 2027: 0, 2028: None}
    assert [c.status for c in budget.cells] == [BudgetCellStatus.AMOUNT, BudgetCellStatus.NONE,
                                                BudgetCellStatus.UNDETERMINED]
    assert not {f.rule for f in findings} & {"budget.no_years", "budget.no_unit"}


def test_one_amount_for_a_range_of_years_is_a_stated_total_not_a_yearly_amount() -> None:
    budget, findings = read_budget_block(_block("事業費（千円）\tR8～R12\n\t5,000（5年間）"), range(2026, 2031))
    assert budget.by_fiscal_year == dict.fromkeys(range(2026, 2031))
    assert (budget.total_text, budget.total_amount) == ("5,000（5年間）", 5000)
    assert [f.rule for f in findings] == ["budget.period_total"]
