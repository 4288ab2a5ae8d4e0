"""A database too busy to answer now: a friendly "try again" (409 for a write, 503 for a read), never a 500.

Writers queue for the write lock (``store/engine.py``) and a stale form meets the version check (a 409 page with
the other person's values), so these answers are the last resort: a lock or a free connection not found in time,
or two writes that met in the database itself. Nothing was saved (the request's transaction is rolled back when
its session closes), and the person can simply send the form again.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from renkei.web.rendering import render_page

logger = logging.getLogger(__name__)

#: PostgreSQL's SQLSTATEs of a transaction that met another one: serialization failure, deadlock, lock not available.
_CONTENDED_STATES = frozenset({"40001", "40P01", "55P03"})
#: SQLite's words for a lock not obtained within the busy timeout.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")

WRITE_JA = "ほかの人の保存と重なったため、保存できませんでした。何も変更していません。もう一度送信してください。"
WRITE_EN = "Someone else was saving at the same moment, so nothing was saved. Please send the form again."
READ_JA = "ただいま混み合っています。少し待ってから、もう一度お試しください。"
READ_EN = "The server is busy. Please try again in a moment."
#: Seconds a client is asked to wait before trying a read again.
RETRY_AFTER = 5


def is_contention(error: BaseException) -> bool:
    """Tell whether a database error means "another transaction was in the way", not a fault of the request.

    >>> is_contention(PoolTimeout("QueuePool limit of size 40 overflow 10 reached"))
    True
    >>> is_contention(OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked")))
    True
    >>> is_contention(OperationalError("SELECT", {}, Exception("no such table: plan")))
    False
    """
    if isinstance(error, PoolTimeout | IntegrityError):
        return True  # an IntegrityError here is two writes of one record that met: the later one is refused
    if not isinstance(error, DBAPIError):
        return False
    state = getattr(error.orig, "sqlstate", None)
    if state in _CONTENDED_STATES:
        return True
    return isinstance(error, OperationalError) and any(word in str(error.orig).lower() for word in _SQLITE_BUSY)


def answer_busy(request: Request, error: SQLAlchemyError) -> Response | None:
    """Return the friendly answer to a contended database error, or None for any other error (a real fault)."""
    if not is_contention(error):
        return None
    writing = request.method not in ("GET", "HEAD", "OPTIONS")
    status, ja, en = (409, WRITE_JA, WRITE_EN) if writing else (503, READ_JA, READ_EN)
    logger.warning("%s %s: database busy, answered %d (%s: %s)", request.method, request.url.path, status,
                   type(error).__name__, str(error).splitlines()[0][:300])
    headers = {} if writing else {"Retry-After": str(RETRY_AFTER)}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": f"{ja} / {en}"}, status_code=status, headers=headers)
    response = render_page(request, "errors/error.html", {"status": status, "message": f"{ja} / {en}"},
                           status_code=status)
    response.headers.update(headers)
    return response
