"""Migration 0005 turns stored shares into share records and back, keeping every value, version and publication."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError

from renkei.store.migrate import downgrade_database, upgrade_database

NOW = "2026-05-01 00:00:00"

ACTUAL = ("INSERT INTO actual (id, kpi_id, fiscal_year, value, note, evidence, review_status, is_current, version, "
          "recorded_at, is_published) VALUES ")
#: A plan with one KPI: FY2026 recorded as a total with a breakdown (an older version kept, the current one
#: published); FY2027 as shares only, submitted and not published.
ROWS = [  # after sql.plan_rows
    ACTUAL + f"(1, 1, 2026, 4, NULL, NULL, 'approved', false, 1, '{NOW}', false)",
    ACTUAL + f"(2, 1, 2026, 5, '確認済み', '台帳', 'approved', true, 2, '{NOW}', true)",
    ACTUAL + f"(3, 1, 2027, NULL, '集計中', NULL, 'submitted', true, 1, '{NOW}', false)",
    "INSERT INTO actual_value_by_municipality (id, actual_id, municipality_code, position, value) "
    "VALUES (1, 2, '401005', 0, 3), (2, 2, '402133', 1, 2), (3, 3, '402133', 0, 6)",
]


def _populated(url: str, sql: Any) -> None:
    upgrade_database(url, "0004")
    for statement in (*sql.plan_rows, *ROWS):
        sql.run(url, statement)


def test_upgrade_makes_each_share_a_record_of_its_own(database_url: str, sql: Any) -> None:
    _populated(database_url, sql)
    upgrade_database(database_url)
    rows = sql.rows(database_url, "SELECT fiscal_year, municipality_code, value, note, evidence, review_status, "
                               "is_current, is_published, version FROM actual ORDER BY fiscal_year, id")
    assert [tuple(bool(v) if i in (6, 7) else v for i, v in enumerate(r)) for r in rows] == [
        (2026, None, 4.0, None, None, "approved", False, False, 1),  # the older version stays, unpublished
        (2026, None, 5.0, "確認済み", "台帳", "approved", True, True, 2),  # the total stays the total
        (2026, "401005", 3.0, None, "台帳", "approved", True, True, 2),  # its shares: same status and version
        (2026, "402133", 2.0, None, "台帳", "approved", True, True, 2),
        (2027, "402133", 6.0, "集計中", None, "submitted", True, False, 1),  # shares only: no total, the note kept
    ]
    with pytest.raises(DBAPIError):  # one current record per KPI, period and part
        sql.run(database_url, "INSERT INTO actual (kpi_id, fiscal_year, municipality_code, value, review_status, "
                f"is_current, version, recorded_at, is_published) VALUES (1, 2026, '402133', 9, 'draft', true, 3, "
                f"'{NOW}', false)")
    sql.run(database_url, "INSERT INTO actual (kpi_id, fiscal_year, municipality_code, value, review_status, "
            f"is_current, version, recorded_at, is_published) VALUES (1, 2027, '401005', 9, 'draft', true, 1, "
            f"'{NOW}', false)")
    assert sql.rows(database_url, "SELECT share_mode FROM kpi") == [("total",)]
    with pytest.raises(DBAPIError):
        sql.run(database_url, "UPDATE kpi SET share_mode = 'average'")
    assert sql.rows(database_url, "SELECT count(*) FROM staff_user WHERE organisation <> ''") == [(0,)]


def test_downgrade_puts_the_shares_back_under_their_totals(database_url: str, sql: Any) -> None:
    _populated(database_url, sql)
    upgrade_database(database_url)
    downgrade_database(database_url, "0004")
    assert sql.rows(database_url, "SELECT a.fiscal_year, a.value, s.municipality_code, s.value FROM actual a "
                               "JOIN actual_value_by_municipality s ON s.actual_id = a.id "
                               "ORDER BY a.fiscal_year, s.municipality_code") == [
        (2026, 5.0, "401005", 3.0), (2026, 5.0, "402133", 2.0), (2027, None, "402133", 6.0)]
    assert sql.rows(database_url, "SELECT count(*) FROM actual WHERE is_current") == [(2,)]
    upgrade_database(database_url)  # and up again
    assert sql.rows(database_url, "SELECT count(*) FROM actual WHERE municipality_code IS NOT NULL") == [(3,)]
