"""What a visitor does in the browser: filter and search projects, read a KPI chart, switch language, use the keyboard.

Expected figures are computed from the bundled example as renkei.reading.sheet.read_plan reads it, never
copied from the pages.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from renkei.domain.plan import Plan, Project
from renkei.domain.totals import budget_in_period
from renkei.reading.area import load_area

pytestmark = pytest.mark.browser


def shown_count(visit: Any) -> int:
    """Return the number in the results heading (「12件の事業」 / "12 projects")."""
    heading: str = visit.page.locator("#h-results").inner_text()
    match = re.search(r"\d+", heading)
    assert match, f"no count in the results heading {heading!r}"
    return int(match.group())


def listed_names(visit: Any) -> list[str]:
    """Return the project names in the result cards, in order."""
    names: list[str] = visit.page.locator("ol.cards .card-title a").all_inner_texts()
    return [name.strip() for name in names]


def apply_filters(visit: Any, **choices: str) -> None:
    """Choose facet values in the filter form (select name -> value) and submit it like a visitor."""
    form = visit.page.locator("form.filters")
    for name, value in choices.items():
        form.locator(f"select[name={name}]").select_option(value)
    with visit.page.expect_navigation(wait_until="load"):
        form.locator("button[type=submit]").click()


def takes_part(project: Project, code: str, name: str) -> bool:
    """Tell whether a member municipality is among a project's partners (as read from the sheet)."""
    return code in project.partners.codes or name in project.partners.municipalities


def least_involved_member(plan: Plan) -> tuple[str, str, int]:
    """Return (code, name, project count) of the member taking part in the fewest projects (at least one)."""
    counts = [(sum(takes_part(p, m.code, m.name) for p in plan.projects), m.code, m.name)
              for m in load_area(plan.area_slug).members]
    count, code, name = min(c for c in counts if c[0] > 0)
    return code, name, count


def has_budget(project: Project, plan: Plan) -> bool:
    """Tell whether a positive amount is stated within the plan period (what 事業費あり means)."""
    return (budget_in_period(project, plan) or 0) > 0


def test_unfiltered_list_shows_every_sheet(visit: Any, example_plan: Plan) -> None:
    visit.open("/a/kitakyushu/projects")
    assert shown_count(visit) == len(example_plan.projects)
    assert Counter(listed_names(visit)) == Counter(p.name for p in example_plan.projects)


def test_municipality_filter_counts(visit: Any, example_plan: Plan) -> None:
    code, name, expected = least_involved_member(example_plan)
    assert expected < len(example_plan.projects), "the example must let the filter remove something"
    visit.open("/a/kitakyushu/projects")
    option = visit.page.locator(f"select[name=municipality] option[value='{code}']").inner_text()
    assert f"({expected})" in option, f"facet option for {name}: {option!r}"
    apply_filters(visit, municipality=code)
    assert f"municipality={code}" in visit.page.url
    assert shown_count(visit) == expected
    assert Counter(listed_names(visit)) == Counter(
        p.name for p in example_plan.projects if takes_part(p, code, name))


def test_combined_filters_count_the_intersection(visit: Any, example_plan: Plan) -> None:
    code, name, _ = least_involved_member(example_plan)
    expected = [p.name for p in example_plan.projects if takes_part(p, code, name) and not has_budget(p, example_plan)]
    visit.open("/a/kitakyushu/projects")
    apply_filters(visit, municipality=code, budget="no")
    assert shown_count(visit) == len(expected)
    assert Counter(listed_names(visit)) == Counter(expected)
    with_budget = sum(takes_part(p, code, name) and has_budget(p, example_plan) for p in example_plan.projects)
    assert f"({with_budget})" in visit.page.locator("select[name=budget] option[value=yes]").inner_text()


def test_policy_area_filter(visit: Any, example_plan: Plan) -> None:
    numbers = Counter(p.policy_area.number for p in example_plan.projects if p.policy_area)
    number, expected = min(numbers.items())
    visit.open("/a/kitakyushu/projects")
    apply_filters(visit, policy_area=str(number))
    assert shown_count(visit) == expected


def test_search_finds_every_sheet_mentioning_training(visit: Any, example_plan: Plan) -> None:
    expected = [p.name for p in example_plan.projects
                if "研修" in p.name or "研修" in (p.description or "") or any("研修" in k.indicator for k in p.kpis)]
    assert 0 < len(expected) < len(example_plan.projects)
    visit.open("/a/kitakyushu/projects")
    visit.page.get_by_role("searchbox").fill("研修")
    with visit.page.expect_navigation(wait_until="load"):
        visit.page.get_by_role("searchbox").press("Enter")
    assert shown_count(visit) == len(expected)
    assert Counter(listed_names(visit)) == Counter(expected)


def test_project_page_shows_kpi_chart_with_a_table_alternative(visit: Any, example_plan: Plan) -> None:
    project = next(p for p in example_plan.projects if p.kpis and not p.relisted)
    visit.open(f"/a/kitakyushu/projects/{project.slug}")
    assert visit.page.locator("h1").inner_text().strip() == project.name
    articles = visit.page.locator("article.kpi")
    assert articles.count() == len(project.kpis)
    first = articles.first
    assert first.locator("h3").inner_text().strip() == project.kpis[0].indicator
    chart = first.locator("figure.chart-figure").locator("svg, canvas").first
    assert chart.count() == 1 and chart.is_visible(), "no drawn KPI chart (svg or canvas)"
    box = chart.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 50
    table = first.locator("details.chart-table table")
    assert table.count() == 1, "the chart's text alternative (a data table) is missing"
    first.locator("details.chart-table summary").click()
    assert table.is_visible()
    assert table.locator("tbody tr").count() >= 1


def test_language_switch_to_english_sticks(visit: Any, example_plan: Plan) -> None:
    visit.open("/a/kitakyushu/")
    assert visit.page.locator("html").get_attribute("lang") == "ja"
    switch = visit.page.locator("a[hreflang=en]")
    with visit.page.expect_navigation(wait_until="load"):
        switch.click()
    assert visit.page.locator("html").get_attribute("lang") == "en"
    assert visit.page.locator(".skip-link").inner_text().strip() == "Skip to main content"
    visit.open("/a/kitakyushu/projects")  # the choice is remembered without ?lang=
    assert visit.page.locator("html").get_attribute("lang") == "en"
    assert visit.page.locator("#h-results").inner_text().strip() == f"{len(example_plan.projects)} projects"
    with visit.page.expect_navigation(wait_until="load"):
        visit.page.locator("a[hreflang=ja]").click()
    assert visit.page.locator("html").get_attribute("lang") == "ja"


@pytest.mark.parametrize("path", ["/a/kitakyushu/", "/a/kitakyushu/projects", "/a/kitakyushu/map"])
def test_tab_reaches_skip_link_first_and_it_moves_focus_to_main(visit: Any, path: str) -> None:
    visit.open(path)
    visit.page.keyboard.press("Tab")
    focused = visit.page.evaluate(
        "() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip-link", "#main"], f"first Tab stop on {path}: {focused}"
    skip = visit.page.locator(".skip-link")
    box = skip.bounding_box()
    assert skip.is_visible() and box is not None and box["y"] >= 0 and box["x"] >= 0, "skip link not visible on focus"
    visit.page.keyboard.press("Enter")
    assert visit.page.evaluate("() => document.activeElement.id") == "main"
    visit.page.keyboard.press("Tab")
    assert visit.page.evaluate("() => document.getElementById('main').contains(document.activeElement)"), (
        "the Tab after the skip link leaves main")
