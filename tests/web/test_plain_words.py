"""Public pages and downloads speak to people: no internal codes, readings marked as readings, English in English."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from renkei.domain.plan import BudgetCellStatus, Plan
from renkei.domain.status import Status

JA = {"lang": "ja"}  # the client keeps the language cookie an English request set
CODES = {s.value for s in Status} | {"point", "cumulative", "every_year", "maintain", "qualitative", "True", "False"}


def rows(client: TestClient, path: str) -> list[dict[str, str]]:
    text = client.get(path).content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_downloads_carry_words_not_codes(client: TestClient) -> None:
    for path in ("/api/a/kitakyushu/projects.csv", "/api/a/kitakyushu/kpis.csv"):
        found = {value for row in rows(client, path) for value in row.values()}
        assert not found & CODES, f"{path}: {sorted(found & CODES)}"
    projects = rows(client, "/api/a/kitakyushu/projects.csv")
    assert {r["再掲"] for r in projects} == {"はい", "いいえ"}
    assert {r["進捗"] for r in projects} <= {s.label_ja for s in Status} | {""}
    assert "到達目標" in {r["形式"] for r in rows(client, "/api/a/kitakyushu/kpis.csv")}


def test_a_baseline_written_in_words_is_shown_as_read_not_as_stated(client: TestClient, example_plan: Plan) -> None:
    project = next(p for p in example_plan.projects if any(k.baseline.text.startswith("なし") for k in p.kpis))
    page = client.get(f"/a/kitakyushu/projects/{project.slug}", params=JA).text
    assert "現状値 0（令和7年度、文書では「なし」）" in page
    english = client.get(f"/a/kitakyushu/projects/{project.slug}", params={"lang": "en"}).text
    assert "the document says 「なし」" in english or "the document says <span lang=\"ja\">「なし」" in english


def test_a_budget_cell_in_words_says_what_it_means(client: TestClient, example_plan: Plan) -> None:
    project = next(p for p in example_plan.projects
                   if p.budget and any(c.status is BudgetCellStatus.NONE for c in p.budget.cells))
    page = client.get(f"/a/kitakyushu/projects/{project.slug}", params=JA).text
    assert "（なしと記載）" in page
    assert "(stated as none)" in client.get(f"/a/kitakyushu/projects/{project.slug}", params={"lang": "en"}).text


def test_english_pages_translate_the_groups_the_reader_makes_up(client: TestClient) -> None:
    home = client.get("/a/kitakyushu/", params={"lang": "en"}).text
    assert "(no policy area)" in home and "（政策分野なし）" not in home
    assert "（政策分野なし）" in client.get("/a/kitakyushu/", params=JA).text
    heading = client.get("/a/kitakyushu/municipalities/402133", params={"lang": "en"}).text
    assert "Projects it takes part in (" in heading


def test_categories_carry_their_policy_area_number_everywhere(client: TestClient) -> None:
    home = client.get("/a/kitakyushu/", params=JA).text
    assert "(2) a 地域公共交通" in home
    facets = client.get("/a/kitakyushu/projects", params=JA).text
    assert "(2) a 地域公共交通" in facets


def test_a_kpi_sparkline_never_draws_a_baseline_as_an_actual(client: TestClient) -> None:
    page = client.get("/a/kitakyushu/kpis", params=JA).text
    # The example has no actuals: every mini chart shows its baseline as a hollow dot and no actual dot.
    assert page.count('class="baseline-dot"') > 10
    assert 'class="actual-dot"' not in page


def test_a_budget_without_a_stated_unit_says_the_unit_is_assumed(client: TestClient, example_plan: Plan) -> None:
    unstated = [p for p in example_plan.projects if p.budget and p.budget.unit is None]
    stated = next(p for p in example_plan.projects if p.budget and p.budget.unit == "千円")
    assert unstated, "the example has one sheet whose header is 「事業費」 alone"
    for project in unstated:
        assert "千円とみなしています" in client.get(f"/a/kitakyushu/projects/{project.slug}", params=JA).text
    assert "千円とみなしています" not in client.get(f"/a/kitakyushu/projects/{stated.slug}", params=JA).text
