"""Budget charts: a blank year is a gap saying 記載なし, never a zero, in every chart, its description and its table.

The walk covers each project page with a chart (both languages), the home page's totals, and the report's HTML
(what WeasyPrint prints): for every year a sheet leaves blank there is no bar, the gap says what the cell says,
the description names the year with those words, and no figure 0 stands for it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from fastapi.testclient import TestClient

from renkei.domain.plan import Budget, BudgetCell, BudgetCellStatus, Plan, Project
from renkei.domain.totals import total_budget
from renkei.export.report import render_report_html
from renkei.export.report_view import ReportInput
from renkei.presentation.budget_chart import cell_words, draw_budget_chart, project_budget_years, total_budget_years
from renkei.presentation.i18n import format_year, translate
from renkei.reading.area import load_area
from renkei.services.progress import evaluate_loaded_plan

SVG = "{http://www.w3.org/2000/svg}"
#: What a chart writes where it draws no bar, by cell status and language.
GAPS = {(BudgetCellStatus.NOT_STATED, "ja"): "記載なし", (BudgetCellStatus.NOT_STATED, "en"): "not stated",
        (BudgetCellStatus.NONE, "ja"): "なし", (BudgetCellStatus.NONE, "en"): "none",
        (BudgetCellStatus.UNDETERMINED, "ja"): "未定", (BudgetCellStatus.UNCLEAR, "ja"): "継続",
        (BudgetCellStatus.INVALID, "ja"): "読めない記載"}


def chart_of(html: str, section: str | None = None) -> ET.Element:
    """Return the bar chart of a page (after a section's heading id, when given) as an SVG element."""
    start = html.index(f'id="{section}"') if section else 0
    found = re.search(r'<svg class="chart bars".*?</svg>', html[start:], re.S)
    assert found, f"no budget chart after {section}"
    return ET.fromstring(found.group(0))


def drawn(svg: ET.Element) -> tuple[dict[int, str], list[str], str]:
    """Return the bars (year → tooltip), the gap words, and the description of a bar chart."""
    bars = {}
    for rect in svg.iter(f"{SVG}rect"):
        tip = rect.findtext(f"{SVG}title") or ""
        bars[int(tip.split(":")[0])] = tip
    gaps = [t.text or "" for t in svg.iter(f"{SVG}text") if t.get("class") == "gap-label"]
    return bars, gaps, svg.findtext(f"{SVG}desc") or ""


def year_words(description: str, year: int, lang: str) -> str:
    """Return what a description says for one fiscal year."""
    label = f"{format_year(year, lang)}: "
    assert description.count(label) == 1, (label, description)
    rest = description.split(label, 1)[1]
    following = re.search(r"(; |。)(令和|平成|FY)\S*: ", rest)
    return rest[:following.start()] if following else rest


def sheets_with_blank_years(plan: Plan) -> list[Project]:
    return [p for p in plan.projects if p.budget and p.budget.has_amount
            and any(c.status is BudgetCellStatus.NOT_STATED for c in p.budget.cells)]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_project_chart_draws_no_zero_for_a_blank_year(client: TestClient, example_plan: Plan, lang: str) -> None:
    sheets = sheets_with_blank_years(example_plan)
    assert len(sheets) >= 5  # the example states R8 alone on most sheets
    for project in sheets:
        assert project.budget is not None
        html = client.get(f"/a/kitakyushu/projects/{project.slug}", params={"lang": lang}).text
        bars, gaps, description = drawn(chart_of(html, "h-budget"))
        table = html[html.index('id="h-budget"'):html.index('id="h-roles"')]
        for cell in project.budget.cells:
            said = year_words(description, cell.fiscal_year, lang)
            if cell.status is BudgetCellStatus.AMOUNT:
                assert cell.fiscal_year in bars and f"{cell.amount:,}" in said
                continue
            assert cell.fiscal_year not in bars, (project.name, cell)
            assert not re.match(r"[¥\s]*0\b", said), (project.name, said)
            if cell.status is BudgetCellStatus.NOT_STATED:
                assert said == translate("budget.not_stated", lang)
                assert re.search(rf"{re.escape(format_year(cell.fiscal_year, lang))}</th>\s*<td class=\"num\">"
                                 rf"{re.escape(translate('budget.not_stated', lang))}</td>", table), project.name
        blanks = [c for c in project.budget.cells if c.status is not BudgetCellStatus.AMOUNT]
        assert gaps == [GAPS[c.status, lang] for c in blanks]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_home_chart_leaves_years_no_sheet_states_as_gaps(client: TestClient, example_plan: Plan,
                                                             lang: str) -> None:
    from renkei.domain.relisting import Relisting

    totals = total_budget(example_plan, Relisting.of(example_plan))
    assert any(y.amount is None for y in totals.years)  # the case this test is about
    bars, gaps, description = drawn(chart_of(client.get("/a/kitakyushu/", params={"lang": lang}).text, "h-budget"))
    for year in totals.years:
        said = year_words(description, year.fiscal_year, lang)
        if year.amount is None:
            assert year.fiscal_year not in bars and said.startswith(translate("budget.no_amount", lang))
        else:
            assert bars[year.fiscal_year].endswith(f"{year.amount:,}{translate('budget.unit', lang)}")
            assert said.startswith(f"{year.amount:,}" if lang == "ja" else f"¥{year.amount:,}")
    assert gaps == [translate("budget.not_stated", lang)] * sum(1 for y in totals.years if y.amount is None)


def test_the_report_chart_and_tables_keep_blank_years_blank(example_plan: Plan) -> None:
    area = load_area("kitakyushu")
    progress = evaluate_loaded_plan(example_plan, {}, as_of=2027)
    html = render_report_html(ReportInput(progress, [], area.members, area.lead_code, date(2027, 6, 1)))
    bars, gaps, description = drawn(chart_of(html))
    for year in (*progress.totals.outside, *progress.totals.years):
        said = year_words(description, year.fiscal_year, "ja")
        if year.amount is None:
            assert year.fiscal_year not in bars and said.startswith("金額の記載なし") and not said.startswith("0")
        else:
            assert said.startswith(f"{year.amount:,}千円")
    assert gaps and set(gaps) == {"記載なし"}
    for project in sheets_with_blank_years(example_plan):
        section = html[html.index(f'id="p-{project.slug}"'):]
        row = re.search(r'<table class="grid cells">.*?</table>', section, re.S)
        assert row, project.name
        cells = re.findall(r'<td class="money">([^<]*)</td>', row.group(0))
        assert project.budget is not None
        assert cells == [f"{c.amount:,}" if c.status is BudgetCellStatus.AMOUNT else cell_words(c, "ja")
                         for c in project.budget.cells]
        assert "0" not in [cells[i] for i, c in enumerate(project.budget.cells) if c.status is not
                           BudgetCellStatus.AMOUNT]


CELLS = [
    (BudgetCell(2026, "2,420", BudgetCellStatus.AMOUNT, 2420), 2420, "", "2,420千円"),
    (BudgetCell(2027, "0", BudgetCellStatus.AMOUNT, 0), 0, "", "0千円"),  # an explicit 0 is a figure
    (BudgetCell(2028, "", BudgetCellStatus.NOT_STATED), None, "記載なし", "記載なし"),
    (BudgetCell(2029, "—", BudgetCellStatus.NONE), None, "なし", "「—」（なしと記載）"),
    (BudgetCell(2030, "-", BudgetCellStatus.NONE), None, "なし", "「-」（なしと記載）"),
    (BudgetCell(2031, "未定", BudgetCellStatus.UNDETERMINED), None, "未定", "「未定」（未定と記載）"),
    (BudgetCell(2032, "→", BudgetCellStatus.UNCLEAR), None, "継続", "「→」（継続、額の記載なし）"),
    (BudgetCell(2033, "約1億", BudgetCellStatus.INVALID), None, "読めない記載", "「約1億」（金額として読めません）"),
]


@pytest.mark.parametrize(("cell", "amount", "gap", "words"), CELLS, ids=[c[0].status.value + c[0].text for c in CELLS])
def test_each_kind_of_cell_is_a_bar_or_a_gap_that_says_so(cell: BudgetCell, amount: int | None, gap: str,
                                                         words: str) -> None:
    (year,) = project_budget_years(Budget("千円", (cell,)), "ja")
    assert (year.amount, year.gap, year.words) == (amount, gap, words)


def test_a_chart_of_every_kind_of_cell_draws_the_stated_figures_only() -> None:
    budget = Budget("千円", tuple(c for c, *_ in CELLS))
    years = project_budget_years(budget, "ja")
    svg = draw_budget_chart(years, title="事業費", highlight=range(2026, 2031), year_label={}, lang="ja")
    bars, gaps, description = drawn(chart_of(str(svg)))
    assert sorted(bars) == [2026, 2027] and bars[2027] == "2027: 0千円"
    assert gaps == [gap for _, amount, gap, _ in CELLS if amount is None]
    assert [year_words(description, c.fiscal_year, "ja") for c, *_ in CELLS] == [w for *_, w in CELLS]


def test_plan_totals_say_why_a_year_has_no_figure() -> None:
    from renkei.domain.totals import YearTotal

    years = total_budget_years([YearTotal(2027, None, 0, 2, 1, True), YearTotal(2028, None, 0, 0, 0, True)], "en")
    assert [(y.amount, y.gap, y.words) for y in years] == [
        (None, "not stated", "no amount stated (“—” in 2 projects, 未定 in 1 projects)"),
        (None, "not stated", "no amount stated")]
