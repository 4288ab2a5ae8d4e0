"""Migration 0006 puts accounts in their area, keeping every session and project assignment."""

from __future__ import annotations

from typing import Any

from renkei.store.migrate import downgrade_database, upgrade_database

NOW = "2026-05-01 00:00:00"
LATER = "2099-01-01 00:00:00"
USER = ("INSERT INTO staff_user (id, username, display_name, organisation, role, municipality_code, password_hash, "
        "disabled, version, created_at, updated_at, password_changed_at) VALUES ")
ACCOUNTS = [  # after sql.plan_rows (area 1 'a' with its plan and project 1)
    "INSERT INTO municipality (id, code, name, prefecture, kana) VALUES (1, '401005', '北九州市', '福岡県', ''), "
    "(2, '402133', '行橋市', '福岡県', '')",
    "INSERT INTO area_member (area_id, municipality_id, is_lead, position) VALUES (1, 1, true, 0), (1, 2, false, 1)",
    USER + f"(1, 'admin', '', '', 'admin', NULL, 'h', false, 1, '{NOW}', '{NOW}', '{NOW}')",
    USER + f"(2, 'editor', '', '', 'editor', NULL, 'h', false, 1, '{NOW}', '{NOW}', '{NOW}')",
    USER + f"(3, 'yukuhashi', '', '行橋市', 'municipality', '402133', 'h', false, 1, '{NOW}', '{NOW}', '{NOW}')",
    "INSERT INTO staff_session (id, token_hash, user_id, created_at, last_seen_at, expires_at, address) VALUES "
    f"(1, 't1', 2, '{NOW}', '{NOW}', '{LATER}', ''), (2, 't2', 3, '{NOW}', '{NOW}', '{LATER}', '')",
    f"INSERT INTO project_assignment (project_id, user_id, assigned_at, assigned_by) VALUES (1, 2, '{NOW}', 'seed')",
]


def _populated(url: str, sql: Any) -> None:
    upgrade_database(url, "0005")
    for statement in (*sql.plan_rows, *ACCOUNTS):
        sql.run(url, statement)


def test_one_area_takes_every_account_but_the_admin(database_url: str, sql: Any) -> None:
    _populated(database_url, sql)
    upgrade_database(database_url)
    assert sql.rows(database_url, "SELECT username, area_id FROM staff_user ORDER BY id") == [
        ("admin", None), ("editor", 1), ("yukuhashi", 1)]
    # Nothing that cascades from an account was lost on the way (SQLite rebuilds the table).
    assert sql.rows(database_url, "SELECT token_hash, user_id FROM staff_session ORDER BY id") == [
        ("t1", 2), ("t2", 3)]
    assert sql.rows(database_url, "SELECT project_id, user_id FROM project_assignment") == [(1, 2)]


def test_with_two_areas_a_town_goes_to_its_own_and_others_wait(database_url: str, sql: Any) -> None:
    _populated(database_url, sql)
    sql.run(database_url, "INSERT INTO area (id, slug, name, name_en, lead_code, plan_first_year, plan_last_year, "
                          f"extra_parties, created_at, updated_at) VALUES (2, 'b', 'B', '', '401005', 2026, 2030, "
                          f"'[]', '{NOW}', '{NOW}')")
    upgrade_database(database_url)
    assert sql.rows(database_url, "SELECT username, area_id FROM staff_user ORDER BY id") == [
        ("admin", None), ("editor", None), ("yukuhashi", 1)]


def test_downgrade_and_up_again_keep_the_accounts(database_url: str, sql: Any) -> None:
    _populated(database_url, sql)
    upgrade_database(database_url)
    downgrade_database(database_url, "0005")
    assert sql.rows(database_url, "SELECT count(*) FROM staff_session") == [(2,)]
    assert sql.rows(database_url, "SELECT count(*) FROM project_assignment") == [(1,)]
    upgrade_database(database_url)
    assert sql.rows(database_url, "SELECT area_id FROM staff_user WHERE username = 'editor'") == [(1,)]
