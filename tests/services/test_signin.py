"""Signing in: generic errors, throttling per account and per address, sessions that end, the session key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from renkei.services import signin
from renkei.services.signin import SignInError, resolve_session, sign_in, sign_out
from renkei.settings import Settings
from renkei.store.audit import list_audit_events
from renkei.store.engine import create_engine_from_url, writer
from renkei.store.rows import as_utc
from renkei.store.workspace_tables import AppSecretRow, LoginAttemptRow, StaffSessionRow

KEY = b"k" * 32
SETTINGS = Settings(session_key="k" * 32, session_idle_minutes=30, session_max_hours=8)
PASSWORD = "correct horse battery staple"


def attempt(session: Session, username: str, password: str, address: str = "192.0.2.1") -> signin.SignedIn:
    return sign_in(session=session, username=username, password=password, address=address, key=KEY,
                   settings=SETTINGS)


def test_a_session_token_is_random_and_only_its_keyed_hash_is_stored(session: Session, staff: Any) -> None:
    first, second = attempt(session, "admin", PASSWORD), attempt(session, "ADMIN ", PASSWORD)
    assert first.token != second.token and len(first.token) >= 43
    stored = set(session.scalars(select(StaffSessionRow.token_hash)))
    assert first.token not in stored and signin.keyed_hash(KEY, "session", first.token) in stored
    assert resolve_session(session=session, token=first.token, key=KEY, settings=SETTINGS) == staff.admin
    assert resolve_session(session=session, token=first.token, key=b"x" * 32, settings=SETTINGS) is None
    assert resolve_session(session=session, token="forged", key=KEY, settings=SETTINGS) is None


@pytest.mark.parametrize(("username", "password"), [
    ("admin", "wrong password here"), ("nobody", PASSWORD), ("", ""), ("admin", ""),
])
def test_every_refusal_says_the_same(session: Session, staff: Any, username: str, password: str) -> None:
    with pytest.raises(SignInError) as caught:
        attempt(session, username, password)
    assert caught.value.code == "invalid"
    assert caught.value.message_ja == "ユーザー名またはパスワードが正しくありません。"


def test_a_disabled_account_cannot_sign_in_and_says_nothing_more(session: Session, staff: Any) -> None:
    from renkei.services.accounts import set_disabled

    set_disabled(session=session, username="viewer", disabled=True, actor="admin")
    with pytest.raises(SignInError) as caught:
        attempt(session, "viewer", PASSWORD)
    assert caught.value.code == "invalid"


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(session: Session,
                                                                                staff: Any) -> None:
    for number in range(signin.ACCOUNT_FAILURES):
        with pytest.raises(SignInError) as caught:
            attempt(session, "editor", f"wrong password {number}", address=f"198.51.100.{number}")
        assert caught.value.code == "invalid"
    with pytest.raises(SignInError) as caught:
        attempt(session, "editor", PASSWORD, address="198.51.100.99")
    assert caught.value.code == "throttled"
    attempt(session, "viewer", PASSWORD)  # other accounts are not affected
    # Once the lockout has passed, the right password works again.
    session.execute(update(LoginAttemptRow).values(at=LoginAttemptRow.at - signin.LOCKOUT - timedelta(minutes=1)))
    session.commit()
    assert attempt(session, "editor", PASSWORD).user == staff.editor


def test_unknown_names_are_throttled_like_real_ones(session: Session, staff: Any) -> None:
    for number in range(signin.ACCOUNT_FAILURES):
        with pytest.raises(SignInError):
            attempt(session, "ghost", "whatever password", address=f"203.0.113.{number}")
    with pytest.raises(SignInError) as caught:
        attempt(session, "ghost", "whatever password", address="203.0.113.99")
    assert caught.value.code == "throttled"


def test_an_address_is_throttled_after_twenty_failures(session: Session, staff: Any) -> None:
    for number in range(signin.ADDRESS_FAILURES):
        with pytest.raises(SignInError):
            attempt(session, f"guess{number}", "whatever password", address="203.0.113.7")
    with pytest.raises(SignInError) as caught:
        attempt(session, "admin", PASSWORD, address="203.0.113.7")
    assert caught.value.code == "throttled"
    assert attempt(session, "admin", PASSWORD, address="203.0.113.8").user == staff.admin


def test_sign_ins_and_failures_are_audited(session: Session, staff: Any) -> None:
    with pytest.raises(SignInError):
        attempt(session, "admin", "not the password")
    attempt(session, "admin", PASSWORD)
    actions = [(e.action, e.actor) for e in list_audit_events(session=session, entity="signin")]
    assert actions == [("signin.failed", "admin"), ("signin", "admin")]


@pytest.mark.parametrize(("created", "seen", "alive"), [
    (timedelta(hours=1), timedelta(minutes=29), True),
    (timedelta(hours=1), timedelta(minutes=31), False),  # idle
    (timedelta(hours=8, minutes=1), timedelta(minutes=1), False),  # absolute
])
def test_sessions_end_when_idle_or_old(session: Session, staff: Any, created: timedelta, seen: timedelta,
                                       alive: bool) -> None:
    signed = attempt(session, "admin", PASSWORD)
    now = datetime.now(UTC)
    session.execute(update(StaffSessionRow).values(created_at=now - created, last_seen_at=now - seen,
                                                   expires_at=now - created + timedelta(hours=8)))
    session.commit()
    found = resolve_session(session=session, token=signed.token, key=KEY, settings=SETTINGS)
    assert (found is not None) is alive


def test_sign_out_ends_the_session_at_once(session: Session, staff: Any) -> None:
    signed = attempt(session, "admin", PASSWORD)
    sign_out(session=session, token=signed.token, key=KEY, actor="admin")
    assert resolve_session(session=session, token=signed.token, key=KEY, settings=SETTINGS) is None


def test_the_session_key_is_generated_once_into_the_database(migrated_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=migrated_url, data_dir=tmp_path / "data")
    engine = create_engine_from_url(migrated_url)
    try:
        key = signin.load_session_key(settings, engine=engine)
        assert len(key) == 64 and signin.load_session_key(settings, engine=engine) == key
        with engine.connect() as connection:
            stored = connection.execute(select(AppSecretRow.name, AppSecretRow.value)).all()
        assert stored == [("session_key", key.decode())]
        assert not (tmp_path / "data").exists()  # nothing is written beside the database any more
        from_settings = settings.model_copy(update={"session_key": "from-settings"})
        assert signin.load_session_key(from_settings, engine=engine) == b"from-settings"
    finally:
        engine.dispose()


def test_a_key_file_of_an_earlier_version_is_adopted_so_sessions_survive(migrated_url: str, tmp_path: Path) -> None:
    (tmp_path / "session.key").write_text("a" * 64 + "\n", encoding="ascii")
    engine = create_engine_from_url(migrated_url)
    try:
        assert signin.load_session_key(Settings(data_dir=tmp_path), engine=engine) == b"a" * 64
        (tmp_path / "session.key").unlink()  # the database keeps it from now on
        assert signin.load_session_key(Settings(data_dir=tmp_path), engine=engine) == b"a" * 64
    finally:
        engine.dispose()


def test_a_key_file_that_is_no_key_is_not_adopted(migrated_url: str, tmp_path: Path) -> None:
    (tmp_path / "session.key").write_bytes(b"\xff\xfe not a key")
    engine = create_engine_from_url(migrated_url)
    try:
        key = signin.load_session_key(Settings(data_dir=tmp_path), engine=engine)
    finally:
        engine.dispose()
    assert len(key) == 64 and b"not a key" not in key


def test_csrf_tokens_belong_to_their_session() -> None:
    token = signin.csrf_token(KEY, "session-a")
    assert signin.check_csrf(KEY, "session-a", token)
    assert not signin.check_csrf(KEY, "session-b", token)
    assert not signin.check_csrf(KEY, "session-a", None) and not signin.check_csrf(KEY, "session-a", "")


def test_old_attempts_and_ended_sessions_are_forgotten(session: Session, staff: Any) -> None:
    old = attempt(session, "admin", PASSWORD)
    with pytest.raises(SignInError):
        attempt(session, "viewer", "wrong password here")
    past = datetime.now(UTC) - timedelta(days=40)
    session.execute(update(LoginAttemptRow).values(at=past))
    session.execute(update(StaffSessionRow).values(expires_at=past))
    session.commit()
    fresh = attempt(session, "admin", PASSWORD)
    hashes = set(session.scalars(select(StaffSessionRow.token_hash)))
    assert hashes == {signin.keyed_hash(KEY, "session", fresh.token)}
    assert signin.keyed_hash(KEY, "session", old.token) not in hashes
    assert len(session.scalars(select(LoginAttemptRow)).all()) == 1


def _last_seen(session: Session) -> datetime:
    session.rollback()
    seen = as_utc(session.scalars(select(StaffSessionRow.last_seen_at)).one())
    assert seen is not None
    return seen


def _seen_ago(session: Session, ago: timedelta) -> datetime:
    session.execute(update(StaffSessionRow).values(last_seen_at=datetime.now(UTC) - ago))
    session.commit()
    return _last_seen(session)


def test_a_page_view_writes_the_last_use_only_every_few_minutes(session: Session, staff: Any) -> None:
    signed = attempt(session, "admin", PASSWORD)
    recent = _seen_ago(session, signin.TOUCH_EVERY - timedelta(seconds=30))
    assert resolve_session(session=session, token=signed.token, key=KEY, settings=SETTINGS) == staff.admin
    assert _last_seen(session) == recent  # read only
    earlier = _seen_ago(session, signin.TOUCH_EVERY + timedelta(seconds=30))
    assert resolve_session(session=session, token=signed.token, key=KEY, settings=SETTINGS) == staff.admin
    assert _last_seen(session) - earlier >= signin.TOUCH_EVERY  # written, and committed


def test_a_busy_database_never_fails_a_page_view(session: Session, staff: Any, migrated_url: str) -> None:
    signed = attempt(session, "admin", PASSWORD)
    earlier = _seen_ago(session, signin.TOUCH_EVERY + timedelta(minutes=1))
    other = create_engine_from_url(migrated_url)  # another server process, in the middle of a write
    with Session(writer(other)) as busy:
        busy.execute(select(StaffSessionRow).with_for_update())  # SQLite: the write lock; PostgreSQL: the row
        user = resolve_session(session=session, token=signed.token, key=KEY, settings=SETTINGS)
        busy.rollback()
    other.dispose()
    assert user == staff.admin  # the page goes on …
    assert _last_seen(session) == earlier  # … and the last use is left for the next page view
    session_id = session.scalars(select(StaffSessionRow.id)).one()
    assert signin.touch_session(session=session, session_id=session_id, now=datetime.now(UTC))  # once free
    assert _last_seen(session) > earlier
