"""Budget charts (事業費): a bar for each stated amount, and for every other year a gap that says what the cell says.

A blank year is 「記載なし」, never a zero bar; a cell stated as none (「—」「-」) is 「なし」, and 未定 and 「→」
(continues, no amount given) say so too. The bars, the words in the gaps and the description a screen reader
reads all come from the same :class:`BudgetYear` rows, one per fiscal year, for a project's sheet
(:func:`project_budget_years`) and for the plan's totals (:func:`total_budget_years`); the portal's pages and the
PDF report draw them with :func:`draw_budget_chart`, so no channel can say 0 where the document says nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from renkei.domain.plan import Budget, BudgetCell, BudgetCellStatus
from renkei.domain.totals import YearTotal
from renkei.presentation.chart import render_bar_chart
from renkei.presentation.i18n import format_thousand_yen, format_year, translate

#: The word in a chart's gap for each cell that states no amount.
GAP_KEYS = {BudgetCellStatus.NOT_STATED: "budget.not_stated", BudgetCellStatus.NONE: "budget.gap.none",
            BudgetCellStatus.UNCLEAR: "budget.gap.unclear", BudgetCellStatus.UNDETERMINED: "budget.gap.undetermined",
            BudgetCellStatus.INVALID: "budget.gap.invalid"}


@dataclass(frozen=True, slots=True)
class BudgetYear:
    """One fiscal year of a budget chart: the bar (an amount, 0 included, or None for none) and its words.

    ``gap`` is the short word drawn where there is no bar; ``words`` what the description says for the year.
    """

    fiscal_year: int
    amount: int | None
    gap: str
    words: str


def _paren(text: str, lang: str) -> str:
    return f" ({text})" if lang == "en" else f"（{text}）"


def _quoted(text: str, lang: str) -> str:
    return f"“{text}”" if lang == "en" else f"「{text}」"


def cell_words(cell: BudgetCell, lang: str) -> str:
    """Say what a budget cell states: its amount in 千円, 記載なし, or its words with what they mean.

    >>> from renkei.domain.plan import BudgetCell as C, BudgetCellStatus as S
    >>> [cell_words(c, "ja") for c in (C(2026, "2,420", S.AMOUNT, 2420), C(2027, "", S.NOT_STATED),
    ...                                C(2028, "—", S.NONE), C(2029, "→", S.UNCLEAR))]
    ['2,420千円', '記載なし', '「—」（なしと記載）', '「→」（継続、額の記載なし）']
    >>> cell_words(C(2030, "未定", S.UNDETERMINED), "en")
    '“未定” (stated as undetermined)'
    """
    if cell.status is BudgetCellStatus.AMOUNT and cell.amount is not None:
        return format_thousand_yen(cell.amount, lang)
    if cell.status is BudgetCellStatus.NOT_STATED or not cell.text:
        return translate("budget.not_stated", lang)
    meaning = translate(f"budget.cell.{cell.status.value}", lang)
    return _quoted(cell.text, lang) + _paren(meaning, lang)


def project_budget_years(budget: Budget, lang: str) -> tuple[BudgetYear, ...]:
    """Return a sheet's budget chart rows: a bar for each stated amount, a gap that says why for every other year.

    >>> from renkei.domain.plan import BudgetCell as C, BudgetCellStatus as S
    >>> rows = project_budget_years(Budget("千円", (C(2026, "2,420", S.AMOUNT, 2420), C(2027, "", S.NOT_STATED),
    ...                                                  C(2028, "—", S.NONE))), "ja")
    >>> [(r.amount, r.gap) for r in rows]
    [(2420, ''), (None, '記載なし'), (None, 'なし')]
    """
    rows = []
    for cell in budget.cells:
        amount = cell.amount if cell.status is BudgetCellStatus.AMOUNT else None
        gap = "" if amount is not None else translate(GAP_KEYS.get(cell.status, "budget.not_stated"), lang)
        rows.append(BudgetYear(cell.fiscal_year, amount, gap, cell_words(cell, lang)))
    return tuple(rows)


def total_budget_years(years: Sequence[YearTotal], lang: str) -> tuple[BudgetYear, ...]:
    """Return the plan total's chart rows: a year's sum of stated amounts, or 記載なし with what the sheets say.

    >>> rows = total_budget_years([YearTotal(2026, 2420, 1, 0, 0, True), YearTotal(2027, None, 0, 3, 1, True)], "ja")
    >>> [(r.amount, r.gap, r.words) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
    [(2420, '', '2,420千円（記載のある1事業の合計）'),
     (None, '記載なし', '金額の記載なし（「—」3事業、未定1事業）')]
    """
    rows = []
    comma = ", " if lang == "en" else "、"
    for year in years:
        if year.amount is not None:
            words = format_thousand_yen(year.amount, lang) + _paren(
                translate("budget.stated_by", lang, count=year.stated), lang)
            rows.append(BudgetYear(year.fiscal_year, year.amount, "", words))
            continue
        said = [translate("budget.none_count", lang, count=year.none)] if year.none else []
        if year.undetermined:
            said.append(translate("budget.undetermined_count", lang, count=year.undetermined))
        words = translate("budget.no_amount", lang) + (_paren(comma.join(said), lang) if said else "")
        rows.append(BudgetYear(year.fiscal_year, None, translate("budget.not_stated", lang), words))
    return tuple(rows)


def describe_budget(years: Sequence[BudgetYear], lang: str) -> str:
    """Return a budget chart's description: every year with what it states (the chart's text alternative).

    >>> describe_budget([BudgetYear(2026, 2420, "", "2,420千円"), BudgetYear(2027, None, "記載なし", "記載なし")], "ja")
    '令和8年度（2026）: 2,420千円。令和9年度（2027）: 記載なし'
    """
    return ("; " if lang == "en" else "。").join(f"{format_year(y.fiscal_year, lang)}: {y.words}" for y in years)


def draw_budget_chart(years: Sequence[BudgetYear], *, title: str, highlight: range, year_label: dict[int, str],
                      lang: str) -> Markup:
    """Draw budget bars with their gaps labelled and the description of every year."""
    return render_bar_chart(
        {y.fiscal_year: y.amount for y in years}, title=title, description=describe_budget(years, lang),
        highlight=highlight, year_label=year_label, unit=translate("budget.unit", lang),
        gap_labels={y.fiscal_year: y.gap for y in years if y.amount is None},
    )
