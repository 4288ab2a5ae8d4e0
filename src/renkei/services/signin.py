"""Signing in and out: throttled password checks, server-side sessions, the session key and CSRF tokens.

- A session is a random token (256 bits) in the browser; the database keeps only its HMAC under the session
  key, so a copy of the database lets nobody in. Sessions end after ``session_idle_minutes`` without a
  request, ``session_max_hours`` after sign-in, on sign-out, and when the account is disabled, changes role
  or gets a new password.
- Throttling: after :data:`ACCOUNT_FAILURES` failures for one user name, or :data:`ADDRESS_FAILURES` from one
  address, within :data:`WINDOW`, sign-in is refused for :data:`LOCKOUT` (names that do not exist are
  throttled the same way). The messages never say whether a user name exists.
- The session key comes from ``RENKEI_SESSION_KEY`` or is generated once into ``<data_dir>/session.key``
  with file mode 600.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from renkei.services.accounts import StaffUser, fold_username, verify_password
from renkei.settings import Settings
from renkei.store import accounts as store
from renkei.store.audit import record_audit_event
from renkei.store.engine import WRITE, WRITE_WAIT_MS
from renkei.store.rows import as_utc

ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
#: A session's last-seen time is written at most this often (not on every request): a page view reads only.
#: The idle limit is therefore kept to within this much.
TOUCH_EVERY = timedelta(minutes=3)
#: How long (ms) that write waits for the write lock of a busy SQLite database before it is left for later.
TOUCH_WAIT_MS = 200
KEY_FILE = "session.key"
#: Sign-in attempts are kept this long (longer than any throttling window), ended sessions this long.
KEEP_ATTEMPTS = timedelta(days=1)
KEEP_ENDED_SESSIONS = timedelta(days=30)

INVALID_JA = "ユーザー名またはパスワードが正しくありません。"
INVALID_EN = "The user name or password is not correct."
THROTTLED_JA = "ログインの失敗が続いたため、しばらくログインできません。15分ほど後にお試しください。"
THROTTLED_EN = "Too many failed sign-ins. Please try again in about 15 minutes."

logger = logging.getLogger(__name__)


class SignInError(ValueError):
    """A refused sign-in: ``code`` is ``invalid`` or ``throttled``; the message never names the cause."""

    def __init__(self, code: str) -> None:
        ja, en = (INVALID_JA, INVALID_EN) if code == "invalid" else (THROTTLED_JA, THROTTLED_EN)
        super().__init__(f"{ja} / {en}")
        self.code = code
        self.message_ja = ja
        self.message_en = en


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the user and the token to put in the cookie (never stored)."""

    user: StaffUser
    token: str


def load_session_key(settings: Settings) -> bytes:
    """Return the session key: from the settings, or read from (or generated into) the data folder, mode 600."""
    if settings.session_key:
        return settings.session_key.encode("utf-8")
    path = Path(settings.data_dir) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)  # a key others can read is tightened, not used as it was found
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(descriptor, "w", encoding="ascii") as stream:
        stream.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="ascii").strip().encode("ascii")


def keyed_hash(key: bytes, purpose: str, value: str) -> str:
    """Return the HMAC-SHA256 of a value for one purpose, in hex.

    >>> len(keyed_hash(b"k", "session", "token")), keyed_hash(b"k", "a", "x") == keyed_hash(b"k", "b", "x")
    (64, False)
    """
    return hmac.new(key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


def csrf_token(key: bytes, session_token: str) -> str:
    """Return the CSRF token of a session (derived, so nothing more is stored)."""
    return keyed_hash(key, "csrf", session_token)


def check_csrf(key: bytes, session_token: str, offered: str | None) -> bool:
    """Tell whether a form's CSRF token belongs to the session (compared in constant time)."""
    return bool(offered) and hmac.compare_digest(csrf_token(key, session_token), offered or "")


def _now() -> datetime:
    return datetime.now(UTC)


def _throttled(session: Session, name: str, address: str, now: datetime) -> bool:
    for limit, kwargs in ((ACCOUNT_FAILURES, {"username": name}), (ADDRESS_FAILURES, {"address": address})):
        count, latest = store.count_failures(session=session, since=now - WINDOW, **kwargs)
        latest_at = as_utc(latest)
        if count >= limit and latest_at is not None and now - latest_at < LOCKOUT:
            return True
    return False


def sign_in(*, session: Session, username: str, password: str, address: str, key: bytes,
            settings: Settings) -> SignedIn:
    """Check a user name and password and start a session (committed); raise SignInError otherwise.

    The password is checked (deliberately slow) between two transactions, so no lock is held meanwhile; what is
    written afterwards (the attempt, the session, the audit event) is one short transaction.
    """
    name = fold_username(username)[:200]
    now = _now()
    if not session.in_transaction():
        session.connection(execution_options={WRITE: False})  # the checks read: no write lock for them (SQLite)
    throttled = _throttled(session, name, address, now)
    row = store.find_user(session=session, username=name) if name and not throttled else None
    user = StaffUser.of(row) if row is not None else None
    password_hash, disabled = (row.password_hash, row.disabled) if row is not None else (None, True)
    session.rollback()  # end the read before the slow check
    if throttled:
        store.add_login_attempt(session=session, username=name, address=address, succeeded=False)
        record_audit_event(session=session, actor=name or "-", action="signin.throttled", entity="signin",
                           entity_key=address[:64], before=None, after=None)
        session.commit()
        raise SignInError("throttled")
    good = verify_password(password, password_hash)
    if user is None or not good or disabled:
        store.add_login_attempt(session=session, username=name, address=address, succeeded=False)
        record_audit_event(session=session, actor=name or "-", action="signin.failed", entity="signin",
                           entity_key=address[:64], before=None, after=None)
        session.commit()
        raise SignInError("invalid")
    token = secrets.token_urlsafe(32)
    store.prune(session=session, attempts_before=now - KEEP_ATTEMPTS, sessions_before=now - KEEP_ENDED_SESSIONS)
    store.add_login_attempt(session=session, username=name, address=address, succeeded=True)
    store.add_session(session=session, user_id=user.id, token_hash=keyed_hash(key, "session", token),
                      expires_at=now + timedelta(hours=settings.session_max_hours), address=address)
    record_audit_event(session=session, actor=user.username, action="signin", entity="signin",
                       entity_key=address[:64], before=None, after=None)
    session.commit()
    return SignedIn(user, token)


def resolve_session(*, session: Session, token: str | None, key: bytes, settings: Settings) -> StaffUser | None:
    """Return the user of a live session token, or None (unknown, revoked, idle, expired or disabled).

    Call it before the request's own work: it only reads, except that at most every :data:`TOUCH_EVERY` it ends
    that read and records the session's use in a transaction of its own (:func:`touch_session`).
    """
    if not token or len(token) > 200:
        return None
    found = store.find_session(session=session, token_hash=keyed_hash(key, "session", token))
    if found is None:
        return None
    row, user = found
    now = _now()
    last_seen, expires = as_utc(row.last_seen_at), as_utc(row.expires_at)
    idle = timedelta(minutes=settings.session_idle_minutes)
    if user.disabled or expires is None or now >= expires or last_seen is None or now - last_seen >= idle:
        return None
    staff = StaffUser.of(user)
    if now - last_seen >= TOUCH_EVERY:
        touch_session(session=session, session_id=row.id, now=now)
    return staff


def touch_session(*, session: Session, session_id: int, now: datetime) -> bool:
    """Record that a session was used, in a short transaction of its own; False when it could not be written.

    The read before it is ended first: on SQLite a read may not turn into a write once another writer has
    committed, and this write takes the write lock at once, waiting at most :data:`TOUCH_WAIT_MS`. A busy
    database leaves it for the next page view; it never fails the page.
    """
    session.rollback()
    try:
        session.connection(execution_options={WRITE: True, WRITE_WAIT_MS: TOUCH_WAIT_MS})
        store.touch_session(session=session, session_id=session_id, at=now, wait_ms=TOUCH_WAIT_MS)
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        logger.warning("セッションの最終利用時刻を記録できませんでした（次の操作で記録します） / "
                       "could not record a session's last use (left for the next request): %s",
                       str(exc).splitlines()[0])
        return False
    return True


def sign_out(*, session: Session, token: str | None, key: bytes, actor: str) -> None:
    """End a session at once (committed)."""
    if token:
        store.revoke_sessions(session=session, token_hash=keyed_hash(key, "session", token))
        record_audit_event(session=session, actor=actor, action="signout", entity="signin", entity_key="-",
                           before=None, after=None)
        session.commit()
