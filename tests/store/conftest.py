"""Fixtures of the store tests: plain SQL against a database URL, as a migration test writes and reads rows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from renkei.store.engine import create_engine_from_url

NOW = "2026-05-01 00:00:00"
#: An area, a plan, a project and one KPI, written as a migration test writes them (ids 1).
PLAN_ROWS = (
    "INSERT INTO area (id, slug, name, name_en, lead_code, plan_first_year, plan_last_year, extra_parties, "
    f"created_at, updated_at) VALUES (1, 'a', 'A', '', '401005', 2026, 2030, '[]', '{NOW}', '{NOW}')",
    "INSERT INTO plan (id, area_id, plan_key, area_name, first_year, last_year, source_sha256, version, created_at, "
    f"updated_at) VALUES (1, 1, 'a-2026', 'A', 2026, 2030, 'x', 1, '{NOW}', '{NOW}')",
    "INSERT INTO project (id, plan_id, key, slug, name, relisted, status, effects, partners_all_members, has_budget, "
    "cost_principles, extra, source_line, position, version, created_at, updated_at) VALUES (1, 1, 'p', 'p', 'P', "
    f"false, 'active', '[]', false, false, '[]', '[]', 1, 0, 1, '{NOW}', '{NOW}')",
    "INSERT INTO kpi (id, project_id, indicator, indicator_key, status, position, baseline_text, baseline_kind, "
    "baseline_extra, target_text, target_kind, target_extra, created_at, updated_at) VALUES (1, 1, 'K', 'K', "
    f"'active', 0, '', 'none', '{{}}', '', 'none', '{{}}', '{NOW}', '{NOW}')",
)


class Sql:
    """Runs SQL text against a database URL, one connection a call (migrations run between the calls)."""

    plan_rows = PLAN_ROWS

    def rows(self, url: str, query: str) -> list[tuple[object, ...]]:
        """Return the rows a query reads."""
        engine = create_engine_from_url(url)
        try:
            with engine.connect() as connection:
                return [tuple(r) for r in connection.execute(text(query)).all()]
        finally:
            engine.dispose()

    def run(self, url: str, statement: str) -> None:
        """Run a statement in its own transaction."""
        engine = create_engine_from_url(url)
        try:
            with engine.begin() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


@pytest.fixture
def sql() -> Sql:
    """Return the plain-SQL helper."""
    return Sql()
