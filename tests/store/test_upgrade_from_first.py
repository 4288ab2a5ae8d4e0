"""A database filled at the FIRST migration (0001) and upgraded with `renkei db upgrade` shows what was stored.

The plan and its actuals are written in the 0001 schema with plain SQL (``tests/data/schema_0001_plan.sql``, frozen),
the database is upgraded through every migration by the command an operator runs, and the portal's project list,
project pages and API are compared with the rows as stored: names, budgets, approved values and their breakdown;
a value that was only submitted stays unpublished.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from renkei.cli import app
from renkei.settings import Settings
from renkei.store.migrate import read_head_revision, upgrade_database
from renkei.web.app import create_app

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "schema_0001_plan.sql"
TABLES_WITH_IDS = ("area", "municipality", "plan", "policy_area", "category", "project", "budget_line",
                   "project_partner", "role", "kpi", "actual", "actual_value_by_municipality")


def statements() -> list[str]:
    """Return the fixture's statements (comments left out)."""
    body = "\n".join(line for line in FIXTURE.read_text(encoding="utf-8").splitlines() if not line.startswith("--"))
    return [s.strip() for s in re.split(r";\s*$", body, flags=re.MULTILINE) if s.strip()]


def fill_at_first_migration(url: str, sql: Any) -> None:
    """Migrate to 0001 and write the plan as renkei 0001 did (its sequences moved on, as a real database's are)."""
    upgrade_database(url, "0001")
    assert sql.rows(url, "SELECT version_num FROM alembic_version") == [("0001",)]
    for statement in statements():
        sql.run(url, statement)
    if url.startswith("postgresql"):
        for table in TABLES_WITH_IDS:
            sql.run(url, f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def test_a_plan_stored_at_0001_shows_the_same_after_db_upgrade(database_url: str, sql: Any) -> None:
    fill_at_first_migration(database_url, sql)
    projects = dict(sql.rows(database_url, "SELECT slug, name FROM project ORDER BY position"))
    budget_rows = sql.rows(database_url, "SELECT p.slug, b.fiscal_year, b.amount, b.status FROM budget_line b "
                                         "JOIN project p ON p.id = b.project_id")
    # 「—」 (status none) states no cost: a zero; 未定 (undetermined) states no amount
    budgets = {(slug, year): 0 if status == "none" else amount for slug, year, amount, status in budget_rows}
    statuses = {(slug, year): status for slug, year, _, status in budget_rows}
    approved = {(slug, year): value for slug, year, value in sql.rows(
        database_url, "SELECT p.slug, a.fiscal_year, a.value FROM actual a JOIN kpi k ON k.id = a.kpi_id "
        "JOIN project p ON p.id = k.project_id WHERE a.is_current AND a.review_status = 'approved'")}
    breakdown = dict(sql.rows(database_url, "SELECT municipality_code, value FROM actual_value_by_municipality"))

    upgraded = CliRunner().invoke(app, ["db", "upgrade", "--database-url", database_url])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"0001 → {read_head_revision()}" in upgraded.output

    with TestClient(create_app(Settings(database_url=database_url))) as client:
        assert client.get("/readyz").status_code == 200
        listed = client.get("/api/a/kitakyushu/projects").json()
        assert {p["slug"]: p["name"] for p in listed["projects"]} == projects
        page = client.get("/a/kitakyushu/projects")
        assert page.status_code == 200 and all(name in page.text for name in projects.values())
        for slug in projects:
            detail = client.get(f"/api/a/kitakyushu/projects/{slug}").json()
            shown_budget = {(slug, int(y)): v for y, v in detail["sheet"]["budget"]["by_fiscal_year"].items()}
            assert shown_budget == {k: v for k, v in budgets.items() if k[0] == slug}
            shown_status = {(slug, int(y)): v for y, v in detail["sheet"]["budget"]["status_by_fiscal_year"].items()}
            assert shown_status == {k: v for k, v in statuses.items() if k[0] == slug}
            (kpi,) = detail["kpis"]
            shown = {(slug, int(y)): v for y, v in kpi["actual_by_year"].items()}
            assert shown == {k: v for k, v in approved.items() if k[0] == slug}
            html = client.get(f"/a/kitakyushu/projects/{slug}").text
            assert projects[slug] in html
            for (owner, _), value in approved.items():
                if owner == slug:
                    assert f"{value:,.0f}" in html
        fire = client.get("/api/a/kitakyushu/projects/8a5d0d0ac6").json()["kpis"][0]
        assert {a["municipality"]: a["value"] for a in fire["actuals"] if a["municipality"]} == breakdown
        story = client.get("/a/kitakyushu/projects/496e4c64a9").text
        assert "18,500" in story and "31,234" not in story  # FY2027 was only submitted: never published
