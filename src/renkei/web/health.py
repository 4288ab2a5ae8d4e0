"""Health checks: ``/healthz`` (the process answers) and ``/readyz`` (the database answers, its schema at head, and
the worker's warm-up has ended).

Neither is cached nor area-scoped. ``/healthz`` touches no database, so a slow or absent database never makes a
process look dead; ``/readyz`` answers 503 with a JSON reason while the database does not answer or its schema is
not at the newest migration (run ``renkei db upgrade``), and under ``renkei serve`` while the worker is still
loading the current plans' page data (``warming_up``, ``web/warm_up.py``).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from renkei.store.migrate import read_migration_state

PATHS = ("/healthz", "/readyz")
log = logging.getLogger("renkei.health")
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """Answer that the process is alive (no database involved)."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Answer 200 when the worker has warmed up, the database answers and its schema is at head, else 503 with the
    reason."""
    warm_up = getattr(request.app.state, "warm_up", None)
    if warm_up is not None and not warm_up.ready:  # first, and without the database: probes do not slow the warm-up
        return _unready("warming_up", "ページデータを準備中です / loading the current plans' page data",
                        **warm_up.facts())
    try:
        with request.app.state.engine.connect() as connection:
            state = read_migration_state(connection)
    except SQLAlchemyError as exc:  # the message may name hosts: it goes to the log, the answer names the kind
        log.warning("readyz: データベースに接続できません / the database does not answer: %s", exc)
        return _unready("database_unavailable", "データベースに接続できません / the database does not answer",
                        error=exc.__class__.__name__)
    revisions = {"revision": state.current, "head": state.head}
    if state.at_head:
        return JSONResponse({"status": "ready", **revisions}, headers=NO_STORE)
    if state.current is None:
        return _unready("no_schema", "データベースに renkei の表がありません / the database holds no renkei tables",
                        **revisions)
    if not state.known:
        return _unready("schema_newer", "データベースはこの版より新しい renkei で更新されています / the database was "
                        "migrated by a newer renkei", **revisions)
    return _unready("migrations_pending", "マイグレーションが未適用です（renkei db upgrade） / migrations are "
                    "pending (renkei db upgrade)", pending=list(state.pending), **revisions)


def _unready(reason: str, detail: str, **facts: object) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason, "detail": detail, **facts}, status_code=503,
                        headers=NO_STORE)
