"""Accounts: argon2id hashes, the password rules, roles, disabling and resets that end sessions, the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.services import accounts
from renkei.services.accounts import AccountError
from renkei.services.signin import resolve_session, sign_in
from renkei.settings import Settings
from renkei.store.audit import list_audit_events
from renkei.store.workspace_tables import StaffUserRow

KEY = b"k" * 32
SETTINGS = Settings(session_key="k" * 32)
PASSWORD = "correct horse battery staple"


def test_passwords_are_stored_as_argon2id_hashes(session: Session, staff: Any) -> None:
    row = session.scalars(select(StaffUserRow).where(StaffUserRow.username == "yukuhashi")).one()
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash
    assert accounts.verify_password(PASSWORD, row.password_hash)
    assert not accounts.verify_password(PASSWORD + "x", row.password_hash)
    assert not accounts.verify_password(PASSWORD, None) and not accounts.verify_password(PASSWORD, "garbage")


def test_production_hashes_are_argon2id_at_the_recommended_cost(session: Session, staff: Any,
                                                                 production_password_hashes: Any) -> None:
    """The other tests hash at argon2id's lowest cost (tests/conftest.py); this one runs what production runs."""
    created = accounts.create_user(session=session, username="tanaka", role="viewer", password=PASSWORD,
                                   actor="test")
    stored = session.scalars(select(StaffUserRow.password_hash).where(StaffUserRow.id == created.id)).one()
    # RFC 9106's second recommended option (argon2-cffi's default): 64 MiB, 3 passes, 4 lanes.
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.HASHER is production_password_hashes
    assert sign_in(session=session, username="tanaka", password=PASSWORD, address="127.0.0.1", key=KEY,
                   settings=SETTINGS).user.username == "tanaka"
    # A hash made at the tests' cost still verifies: the parameters travel in the hash, so a cost raised later
    # keeps every existing account working.
    assert accounts.verify_password(PASSWORD, session.scalars(
        select(StaffUserRow.password_hash).where(StaffUserRow.username == "yukuhashi")).one())
    assert accounts.dummy_hash().startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # an unknown name costs as much


@pytest.mark.parametrize(("username", "password", "field"), [
    ("tanaka", "short", "password"),
    ("tanaka", "Tanaka-is-my-password", "password"),
    ("tanaka", "ｔａｎａｋａ＿１２３４５６７", "password"),
    ("x", PASSWORD, "username"),
    ("名前", PASSWORD, "username"),
    ("admin", PASSWORD, "username"),  # already exists
])
def test_bad_accounts_are_refused(session: Session, staff: Any, username: str, password: str, field: str) -> None:
    with pytest.raises(AccountError) as caught:
        accounts.create_user(session=session, username=username, role="viewer", password=password, actor="admin")
    assert caught.value.field == field


@pytest.mark.parametrize(("role", "code", "field"), [
    ("municipality", None, "municipality_code"),
    ("municipality", "999999", "municipality_code"),
    ("municipality", "402131", "municipality_code"),  # check digit wrong
    ("editor", "402133", "municipality_code"),
    ("mayor", None, "role"),
])
def test_roles_and_municipality_codes_must_fit(session: Session, staff: Any, role: str, code: str | None,
                                                field: str) -> None:
    with pytest.raises(AccountError) as caught:
        accounts.create_user(session=session, username="tanaka", role=role, password=PASSWORD, actor="admin",
                             municipality_code=code)
    assert caught.value.field == field


@pytest.mark.parametrize("change", ["role", "disable", "reset"])
def test_role_change_disable_and_reset_end_sessions_at_once(session: Session, staff: Any, change: str) -> None:
    signed = sign_in(session=session, username="editor", password=PASSWORD, address="10.0.0.1", key=KEY,
                     settings=SETTINGS)
    other = sign_in(session=session, username="editor", password=PASSWORD, address="10.0.0.2", key=KEY,
                    settings=SETTINGS)
    assert resolve_session(session=session, token=signed.token, key=KEY, settings=SETTINGS) == staff.editor
    if change == "role":
        accounts.set_role(session=session, username="editor", role="viewer", actor="admin")
    elif change == "disable":
        accounts.set_disabled(session=session, username="editor", disabled=True, actor="admin")
    else:
        accounts.reset_password(session=session, username="editor", password="another long secret", actor="admin")
    for token in (signed.token, other.token):
        assert resolve_session(session=session, token=token, key=KEY, settings=SETTINGS) is None


def test_the_last_admin_stays(session: Session, staff: Any) -> None:
    with pytest.raises(AccountError):
        accounts.set_disabled(session=session, username="admin", disabled=True, actor="admin")
    with pytest.raises(AccountError):
        accounts.set_role(session=session, username="admin", role="viewer", actor="admin")
    accounts.create_user(session=session, username="admin2", role="admin", password=PASSWORD, actor="admin")
    assert accounts.set_disabled(session=session, username="admin", disabled=True, actor="admin2").disabled


def test_account_changes_are_audited_without_secrets(session: Session, staff: Any) -> None:
    accounts.set_role(session=session, username="ashiya", role="municipality", municipality_code="402133",
                      actor="admin")
    accounts.reset_password(session=session, username="ashiya", password="yet another secret", actor="admin")
    events = list_audit_events(session=session, entity="user", entity_key="ashiya")
    assert [(e.action, e.field, e.old_value, e.new_value) for e in events][-3:] == [
        ("user.role", "municipality_code", "403814", "402133"),
        ("user.role", "organisation", "芦屋町", "行橋市"),  # the public name follows the municipality
        ("user.password_reset", "password", None, None)]
    assert all("secret" not in (e.new_value or "") and "argon2" not in (e.new_value or "") for e in events)


def test_only_editors_are_assigned_projects(session: Session, staff: Any) -> None:
    with pytest.raises(AccountError):
        accounts.set_project_assignment(session=session, username="viewer", project_id=staff.story_id, assigned=True,
                                        actor="admin")
    assert accounts.assigned_project_ids(session=session, username="editor") == [staff.story_id]
    assert accounts.set_project_assignment(session=session, username="editor", project_id=staff.story_id,
                                           assigned=False, actor="admin")
    assert accounts.assigned_project_ids(session=session, username="editor") == []
