"""Several workers on one database: what one worker changes, every other worker shows on its next request.

Each worker keeps replayable answers and plan snapshots in its own memory; both are keyed by the data version it
reads from the database on every request, so nothing another worker changed is ever hidden behind them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from tests.web.staff.conftest import KEY, PASSWORD, TARGET_SLUG, form_value

from renkei.settings import Settings
from renkei.web.app import create_app

PAGE = f"/a/kitakyushu/projects/{TARGET_SLUG}"


def test_an_approval_on_one_worker_shows_on_the_other_s_next_request(desk: Any, seeded: Any, tmp_path: Path) -> None:
    other = create_app(Settings(database_url=desk.url, session_key=KEY, data_dir=tmp_path))
    try:
        with TestClient(other) as worker_b:
            before = worker_b.get(PAGE)
            replayed = worker_b.get(PAGE)
            assert before.status_code == 200 and replayed.text == before.text  # kept in worker B's memory
            assert worker_b.get(PAGE, headers={"If-None-Match": before.headers["etag"]}).status_code == 304

            approved = desk.post("editor", f"/staff/kpis/{seeded.kpi_id}/2026/review",
                                 {"part": "total", "step": "approve", "version": "1", "review_comment": ""})
            assert approved.status_code == 303  # made through worker A (the desk's app)

            after = worker_b.get(PAGE, headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
            assert after.text != before.text
            with TestClient(create_app(Settings(database_url=desk.url, session_key=KEY))) as fresh:
                assert fresh.get(PAGE).text == after.text  # the same page a worker started afresh renders
    finally:
        other.state.engine.dispose()


def test_a_sign_in_on_one_worker_holds_on_another_without_a_configured_key(desk: Any, tmp_path: Path) -> None:
    """Without RENKEI_SESSION_KEY, each worker reads the key the database keeps; all of them read the same one."""
    workers = [create_app(Settings(database_url=desk.url, data_dir=tmp_path / name)) for name in ("a", "b")]
    try:
        with TestClient(workers[0]) as worker_a, TestClient(workers[1]) as worker_b:
            form = worker_a.get("/staff/login")
            signed = worker_a.post("/staff/login", data={"username": "admin", "password": PASSWORD,
                                                         "login_token": form_value(form.text, "login_token")},
                                   follow_redirects=False)
            assert signed.status_code == 303
            worker_b.cookies.set("renkei_session", signed.cookies["renkei_session"], path="/staff")
            page = worker_b.get("/staff", follow_redirects=False)
            assert page.status_code == 200 and 'action="/staff/logout"' in page.text
    finally:
        for app in workers:
            app.state.engine.dispose()
