"""`/healthz` (the process answers, no database) and `/readyz` (the database answers, its schema at head)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from renkei.settings import Settings
from renkei.store.migrate import read_head_revision, upgrade_database
from renkei.web.app import create_app

#: A PostgreSQL URL nobody answers on (port 1 is never a database).
NOBODY = "postgresql+psycopg://renkei@127.0.0.1:1/renkei?connect_timeout=2"


def test_healthz_and_readyz_answer_on_a_ready_portal(client: TestClient) -> None:
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "revision": read_head_revision(), "head": read_head_revision()}
    for answer in (alive, ready):
        assert answer.headers["cache-control"] == "no-store"
        assert "etag" not in answer.headers  # never kept or replayed by the response cache
        assert answer.headers["x-request-id"]


def test_health_checks_are_not_area_scoped(client: TestClient) -> None:
    assert client.get("/a/kitakyushu/healthz").status_code == 404
    assert client.get("/healthz", follow_redirects=False).status_code == 200  # no redirect to an area


def test_healthz_needs_no_database_and_readyz_says_it_does_not_answer() -> None:
    with TestClient(create_app(Settings(database_url=NOBODY))) as client:
        assert client.get("/healthz").status_code == 200
        answer = client.get("/readyz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "unavailable" and body["reason"] == "database_unavailable"
    assert "データベースに接続できません" in body["detail"] and body["error"] == "OperationalError"
    assert "127.0.0.1" not in answer.text  # the host stays in the log, not the public answer
    assert answer.headers["cache-control"] == "no-store"


def test_readyz_is_503_until_the_migrations_are_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'renkei.db'}"
    upgrade_database(url, "0004_staff_workspace")
    with TestClient(create_app(Settings(database_url=url))) as client:
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert behind.json()["reason"] == "migrations_pending"
        assert behind.json()["revision"] == "0004_staff_workspace"
        pending = behind.json()["pending"]  # every revision after 0004, oldest first, up to the head
        assert pending[0] == "0005_shares_as_records" and pending[-1] == read_head_revision()
        assert "renkei db upgrade" in behind.json()["detail"]
        upgrade_database(url)
        assert client.get("/readyz").status_code == 200  # no restart needed


def test_readyz_on_an_empty_database(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}"))) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["reason"] == "no_schema"
