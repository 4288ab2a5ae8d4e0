"""Two areas' plans, read from two documents, served by one ``renkei serve --workers 2`` on PostgreSQL (issue 19).

Everything goes through the command line and HTTP, as an operator and the staff would: each document is imported
with ``renkei import`` (the second with its own area file), the accounts are made with ``renkei user add`` (those
commands run in this process), and the server is the real ``renkei serve --workers 2``. Which worker answered is
read from /proc, so every check that must hold "on both workers" is made on each. The test shows:

- each area's pages and API list its own projects only;
- a change in one area (a reporting round opened) changes that area's ETags on both workers and leaves the other
  area's as they were;
- an admin of one area can neither open nor write a KPI of the other area (403, nothing stored), while the same
  form on its own area's KPI is taken;
- a sign-in made on one worker holds on the other.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from tests.deploy.conftest import REPOSITORY
from tests.deploy.test_production import cookie, descendants, free_port, request, worker_of
from typer.testing import CliRunner

from renkei.cli import app
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import choose_plan
from renkei.store.rounds import kpi_rows
from renkei.store.tables import ActualRow

pytestmark = [pytest.mark.deploy, pytest.mark.postgres]

FIRST, SECOND = "kitakyushu", "second"
PASSWORD = "correct horse battery staple"
#: The sheet the second area's document renames: each area then has one project the other lacks.
RENAMED = "消防指令業務の共同運用に係る調査研究事業"
SECOND_ONLY = "第二圏域だけの試験事業"
YEAR = 2026
T = TypeVar("T")


def renkei(url: str, *args: str, stdin: str | None = None) -> str:
    """Run one ``renkei`` command on the database; fail the test, with its output, when it does not succeed.

    The command line's own parser and commands, in this process (a new Python for each of them took seconds of
    start-up; the server under test is still its own process).
    """
    done = CliRunner().invoke(app, list(args), input=stdin, env={"RENKEI_DATABASE_URL": url})
    assert done.exit_code == 0, f"renkei {' '.join(args)}:\n{done.output}\n{done.exception!r}"
    return done.stdout


@dataclass
class Server:
    """The running ``renkei serve --workers 2`` and what the test made for it."""

    process: subprocess.Popen[bytes]
    port: int
    url: str
    log: Path

    def on_each_worker(self, ask: Callable[[http.client.HTTPConnection], T]) -> dict[int, T]:
        """Ask the same thing on new connections until both workers answered; return each worker's answer."""
        answers: dict[int, T] = {}
        for _ in range(200):  # the kernel spreads new connections over the workers; the outcome is asserted
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                answer = ask(connection)
                answers.setdefault(worker_of(connection, self.process.pid, self.port), answer)
            finally:
                connection.close()
            if len(answers) == 2:
                return answers
        raise AssertionError(f"only {len(answers)} worker answered; is the server running two?")


def wait_until_ready(server: Server) -> None:
    """Wait until /readyz answers 200 (the database answers, migrations are current); fail if the server ends."""
    for _ in range(1200):
        if server.process.poll() is not None:
            pytest.fail(f"renkei serve exited with {server.process.returncode}:\n"
                        + server.log.read_text(errors="replace")[-4000:])
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            status, _, _ = request(connection, "GET", "/readyz")
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail("renkei serve never became ready:\n" + server.log.read_text(errors="replace")[-4000:])


@pytest.fixture
def server(production_database: str, tmp_path: Path) -> Iterator[Server]:
    """Import two documents for two areas, make one area admin, and run ``renkei serve --workers 2``."""
    url = production_database
    example = (REPOSITORY / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")
    first_document, second_document = tmp_path / "kitakyushu.txt", tmp_path / "second.txt"
    first_document.write_text(example, encoding="utf-8")
    second_document.write_text(example.replace(RENAMED, SECOND_ONLY, 1), encoding="utf-8")
    area = json.loads((REPOSITORY / "src" / "renkei" / "data" / "areas" / "kitakyushu.json").read_text("utf-8"))
    area.update(slug=SECOND, name="第二圏域（試験）", name_en="Second (test)")
    second_area = tmp_path / "second.json"
    second_area.write_text(json.dumps(area, ensure_ascii=False), encoding="utf-8")
    renkei(url, "import", str(first_document))
    renkei(url, "import", str(second_document), "--area", str(second_area))
    renkei(url, "user", "add", "k_admin", "--role", "admin", "--area", FIRST, "--password-stdin", stdin=PASSWORD)
    renkei(url, "round", "open", "--year", str(YEAR), "--due", "2027-05-31", "--plan", str(plan_id(url, FIRST)))

    port, log = free_port(), tmp_path / "serve.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RENKEI_DATABASE_URL": url}
    env.pop("RENKEI_SESSION_KEY", None)  # the workers must agree on a key of their own making
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-c", "from renkei.cli import main; main()", "serve",
                                    "--port", str(port), "--workers", "2"], stdout=output, stderr=subprocess.STDOUT,
                                   cwd=REPOSITORY, env=env)
    running = Server(process, port, url, log)
    try:
        wait_until_ready(running)
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)


def plan_id(url: str, area: str) -> int:
    """Return the id of an area's current plan."""
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            plan = choose_plan(session=session, area_slug=area)
            assert plan is not None, area
            return plan.id
    finally:
        engine.dispose()


def first_kpi(url: str, area: str) -> int:
    """Return the id of the first KPI of an area's current plan."""
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            return min(k.id for k in kpi_rows(session=session, plan_id=plan_id(url, area)).values())
    finally:
        engine.dispose()


def actuals_of(url: str, kpi_id: int) -> int:
    """Return how many actual rows a KPI has."""
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            return session.scalar(select(func.count(ActualRow.id)).where(ActualRow.kpi_id == kpi_id)) or 0
    finally:
        engine.dispose()


def project_names(connection: http.client.HTTPConnection, area: str) -> set[str]:
    """Return the names of every project the area's API lists (page after page)."""
    names: set[str] = set()
    path: str | None = f"/api/a/{area}/projects?limit=100"
    while path:
        status, _, body = request(connection, "GET", path)
        assert status == 200, body[:300]
        listing = json.loads(body)
        names |= {p["name"] for p in listing["projects"]}
        path = listing.get("next")
    return names


def etag_of(path: str) -> Callable[[http.client.HTTPConnection], str]:
    def ask(connection: http.client.HTTPConnection) -> str:
        status, headers, _ = request(connection, "GET", path)
        assert status == 200
        return headers["etag"]
    return ask


def sign_in(server: Server) -> tuple[str, int]:
    """Sign in as the first area's admin through the form; return the session cookie and the worker that did it."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    status, headers, page = request(connection, "GET", "/staff/login")
    assert status == 200
    token = re.search(r'name="login_token" value="([^"]+)"', page)
    assert token, "no login token on the sign-in page"
    form = urlencode({"username": "k_admin", "password": PASSWORD, "login_token": token.group(1), "next": "/staff"})
    status, answer, _ = request(connection, "POST", "/staff/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{server.port}",
        "Cookie": f"renkei_login={cookie(headers, 'renkei_login')}"})
    assert status == 303, answer
    worker = worker_of(connection, server.process.pid, server.port)
    connection.close()
    return cookie(answer, "renkei_session"), worker


def test_two_areas_on_two_workers(server: Server) -> None:
    url = server.url
    assert len(descendants(server.process.pid)) >= 2

    # Each area's pages and API list its own projects only, whichever worker answers.
    lists = server.on_each_worker(lambda c: (project_names(c, FIRST), project_names(c, SECOND)))
    for first, second in lists.values():
        assert RENAMED in first and SECOND_ONLY not in first
        assert SECOND_ONLY in second and RENAMED not in second
        assert len(first) == len(second) >= 25
    pages = server.on_each_worker(lambda c: (request(c, "GET", f"/a/{FIRST}/projects")[2],
                                             request(c, "GET", f"/a/{SECOND}/projects")[2]))
    for first_page, second_page in pages.values():
        assert RENAMED in first_page and SECOND_ONLY not in first_page
        assert SECOND_ONLY in second_page and RENAMED not in second_page

    # A change in the second area moves its ETags on both workers and leaves the first area's as they were.
    first_before = server.on_each_worker(etag_of(f"/a/{FIRST}/"))
    second_before = server.on_each_worker(etag_of(f"/a/{SECOND}/"))
    assert len(set(first_before.values())) == 1 and len(set(second_before.values())) == 1  # the workers agree
    renkei(url, "round", "open", "--year", str(YEAR), "--due", "2027-05-31", "--plan", str(plan_id(url, SECOND)))
    second_after = server.on_each_worker(etag_of(f"/a/{SECOND}/"))
    assert set(second_after.values()).isdisjoint(second_before.values())
    assert len(set(second_after.values())) == 1
    assert server.on_each_worker(etag_of(f"/a/{FIRST}/")) == first_before

    # A sign-in made on one worker holds on the other.
    session, signed_on = sign_in(server)
    staff = {"Cookie": f"renkei_session={session}"}
    workspace = server.on_each_worker(lambda c: request(c, "GET", "/staff", headers=staff))
    assert set(workspace) - {signed_on}, "both workers answered"
    for status, _, page in workspace.values():
        assert status == 200 and 'action="/staff/logout"' in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', workspace[signed_on][2])
    assert csrf

    # The first area's admin can neither open nor write the second area's KPI, on either worker.
    own, other = first_kpi(url, FIRST), first_kpi(url, SECOND)
    opened = server.on_each_worker(lambda c: request(c, "GET", f"/staff/kpis/{other}/{YEAR}", headers=staff)[0])
    assert set(opened.values()) == {403}
    assert server.on_each_worker(lambda c: request(c, "GET", f"/staff/kpis/{own}/{YEAR}", headers=staff)[0]) \
        == dict.fromkeys(opened, 200)
    form = {"csrf_token": csrf.group(1), "part": "total", "value": "3", "version": "0", "step": "save"}
    write = {**staff, "Content-Type": "application/x-www-form-urlencoded",
             "Origin": f"http://127.0.0.1:{server.port}"}
    written = server.on_each_worker(lambda c: request(c, "POST", f"/staff/kpis/{other}/{YEAR}/enter",
                                                      body=urlencode(form), headers=write)[0])
    assert set(written.values()) == {403}
    assert actuals_of(url, other) == 0
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    status, _, body = request(connection, "POST", f"/staff/kpis/{own}/{YEAR}/enter", body=urlencode(form),
                              headers=write)
    connection.close()
    assert status == 303, body[:500]  # the same form on its own area's KPI is taken
    assert actuals_of(url, own) == 1
