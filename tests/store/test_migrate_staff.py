"""The staff-workspace migration keeps every existing actual, share, assessment and audit event, and goes down."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from renkei.store.migrate import downgrade_database, upgrade_database

NOW = "2026-05-01 00:00:00"

ROWS = [  # after sql.plan_rows
    "INSERT INTO actual (id, kpi_id, fiscal_year, value, review_status, is_current, version, recorded_at) "
    f"VALUES (1, 1, 2026, 4, 'approved', false, 1, '{NOW}')",
    "INSERT INTO actual (id, kpi_id, fiscal_year, value, review_status, is_current, version, recorded_at) "
    f"VALUES (2, 1, 2026, 5, 'approved', true, 2, '{NOW}')",
    "INSERT INTO actual (id, kpi_id, fiscal_year, value, review_status, is_current, version, recorded_at) "
    f"VALUES (3, 1, 2027, 6, 'draft', true, 1, '{NOW}')",
    "INSERT INTO actual_value_by_municipality (id, actual_id, municipality_code, position, value) "
    "VALUES (1, 2, '401005', 0, 3), (2, 2, '402133', 1, 2)",
    "INSERT INTO assessment (id, kpi_id, fiscal_year, status, comment, review_status) "
    "VALUES (1, 1, 2026, '達成', 'よし', 'approved'), (2, 1, 2027, '遅れ', '', 'draft')",
    "INSERT INTO audit_event (id, at, actor, action, entity, entity_key) "
    f"VALUES (1, '{NOW}', 'cli', 'actual.create', 'actual', '1/2026/-')",
]


def test_upgrade_keeps_data_and_publishes_approved_rows(database_url: str, sql: Any) -> None:
    upgrade_database(database_url, "0001")
    for statement in (*sql.plan_rows, *ROWS):
        sql.run(database_url, statement)
    upgrade_database(database_url, "0004")
    published = sql.rows(database_url, "SELECT id, is_published FROM actual ORDER BY id")
    assert published == [(1, False), (2, True), (3, False)]
    assert sql.rows(database_url, "SELECT actual_id, municipality_code, value FROM actual_value_by_municipality "
                    "ORDER BY id") == [(2, "401005", 3.0), (2, "402133", 2.0)]
    assert sql.rows(database_url, "SELECT id, published_status, published_comment, version FROM assessment "
                    "ORDER BY id") == [(1, "達成", "よし", 1), (2, None, None, 1)]
    sql.run(database_url, "UPDATE actual SET review_status = 'returned' WHERE id = 3")
    with pytest.raises(DBAPIError):
        sql.run(database_url, "UPDATE actual SET review_status = 'lost' WHERE id = 3")
    with pytest.raises(DBAPIError):  # the current-period index survived the rebuild
        sql.run(database_url, "INSERT INTO actual (kpi_id, fiscal_year, value, review_status, is_current, version, "
             f"recorded_at, is_published) VALUES (1, 2027, 7, 'draft', true, 2, '{NOW}', false)")
    with pytest.raises(DBAPIError):  # and the published-period one exists
        sql.run(database_url, "INSERT INTO actual (kpi_id, fiscal_year, value, review_status, is_current, version, "
             f"recorded_at, is_published) VALUES (1, 2026, 7, 'approved', false, 3, '{NOW}', true)")
    with pytest.raises(DBAPIError):  # the audit trail is still append-only
        sql.run(database_url, "UPDATE audit_event SET actor = 'x'")
    sql.run(database_url, "DELETE FROM actual WHERE id = 1")  # an ordinary table stays writable
    assert sql.rows(database_url, "SELECT count(*) FROM actual_value_by_municipality") == [(2,)]


def test_downgrade_to_0001_keeps_shares_and_returns_to_draft(database_url: str, sql: Any) -> None:
    upgrade_database(database_url, "0001")
    for statement in (*sql.plan_rows, *ROWS):
        sql.run(database_url, statement)
    upgrade_database(database_url, "0004")
    sql.run(database_url, "UPDATE actual SET review_status = 'returned' WHERE id = 3")
    downgrade_database(database_url, "0001")
    assert sql.rows(database_url, "SELECT id, review_status FROM actual ORDER BY id") == [
        (1, "approved"), (2, "approved"), (3, "draft")]
    assert sql.rows(database_url, "SELECT count(*) FROM actual_value_by_municipality") == [(2,)]
    assert sql.rows(database_url, "SELECT count(*) FROM audit_event") == [(1,)]
    upgrade_database(database_url)
    assert sql.rows(database_url, "SELECT count(*) FROM staff_user") == [(0,)]
