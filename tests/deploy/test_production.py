"""The production setup, for real: nginx in front of two renkei workers on PostgreSQL (deploy/serve_prod.py).

One test starts the setup on free ports and checks what an operator relies on: a staff sign-in made on one worker
holds on the other (the session key is shared through the database), public pages come from nginx's cache and are
revalidated with the portal's ETags, static files never reach the portal, a data change shows through nginx, and
the setup stops cleanly. Which worker answered is read from /proc: the server side of the test's connection
belongs to exactly one worker process.
"""

from __future__ import annotations

import doctest
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

import pytest
from tests.deploy.conftest import LAUNCHER, REPOSITORY

from renkei.services.accounts import create_user
from renkei.store.engine import create_engine_from_url, create_session_factory

pytestmark = [pytest.mark.deploy, pytest.mark.postgres, pytest.mark.heavy]

PASSWORD = "correct horse battery staple"
AREA = "/a/kitakyushu"
OLD_NAME = "自分らしく歩む女性たちのストーリー発信事業"
NEW_NAME = "自分らしく歩む女性たちの物語発信事業"


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def descendants(pid: int) -> list[int]:
    """Return the processes below ``pid`` (children, their children, …)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def server_inode(app_port: int, client_port: int) -> str:
    """Return the inode of the portal's end of the test's TCP connection (from /proc/net/tcp)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        remote_port = int(fields[2].split(":")[1], 16)
        if (local_port, remote_port) == (app_port, client_port):
            return fields[9]
    raise AssertionError(f"no server socket for the connection from port {client_port}")


def worker_of(connection: http.client.HTTPConnection, launcher: int, app_port: int) -> int:
    """Return the pid of the worker process holding the portal's end of an open keep-alive connection."""
    assert connection.sock is not None
    target = f"socket:[{server_inode(app_port, connection.sock.getsockname()[1])}]"
    for pid in descendants(launcher):
        try:
            handles = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for handle in handles:
            try:
                if os.readlink(handle) == target:
                    return pid
            except OSError:
                continue
    raise AssertionError("no worker holds the connection")


def request(connection: http.client.HTTPConnection, method: str, path: str, *, body: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """Send one request on a connection and read the whole answer (status, lower-case headers, text)."""
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    text = response.read().decode("utf-8", errors="replace")
    found: dict[str, str] = {}
    for name, value in response.getheaders():  # several Set-Cookie lines are joined, as the cookies are read alike
        found[name.lower()] = f"{found[name.lower()]}\n{value}" if name.lower() in found else value
    return response.status, found, text


def cookie(headers: dict[str, str], name: str) -> str:
    """Return a cookie's value from Set-Cookie headers."""
    found = re.search(rf"{name}=([^;\s]+)", headers.get("set-cookie", ""))
    assert found, f"no {name} cookie in {headers.get('set-cookie')!r}"
    return found.group(1)


def logged(log: Path, pattern: str) -> bool:
    """Say whether a line matching ``pattern`` reaches the log within 10 s.

    nginx writes an access-log line after the response has gone out, so a client that has read the answer may
    look before the line is there.
    """
    for _ in range(100):
        if log.exists() and re.search(pattern, log.read_text(encoding="utf-8")):
            return True
        time.sleep(0.1)
    return False


def wait_until_running(process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the launcher says the setup runs (the first run imports the example); fail if it ends first."""
    for _ in range(3000):  # the outcome, not the time, is asserted
        if process.poll() is not None:
            pytest.fail(f"the setup exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        if "Production setup running at" in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    pytest.fail("the setup never said it was running:\n" + log.read_text(errors="replace")[-4000:])


@pytest.fixture
def production(nginx: str, production_database: str, tmp_path: Path) -> Iterator[dict[str, object]]:
    """Start deploy/serve_prod.py with two workers on free ports; stop it afterwards whatever happened."""
    listen, app = free_port(), free_port()
    log = tmp_path / "serve-prod.log"
    run_dir = tmp_path / "run"
    command = [sys.executable, str(LAUNCHER), "--listen", f"127.0.0.1:{listen}", "--app", f"127.0.0.1:{app}",
               "--workers", "2", "--database-url", production_database, "--run-dir", str(run_dir),
               "--nginx", nginx]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("RENKEI_SESSION_KEY", None)  # the workers must agree on a key of their own making
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=REPOSITORY, env=env)
    try:
        wait_until_running(process, log)
        yield {"process": process, "listen": listen, "app": app, "run_dir": run_dir, "log": log,
               "url": production_database}
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=180)


def sign_in_on_any_worker(app: int, launcher: int) -> tuple[str, int]:
    """Sign in as the admin straight on the workers' port; return the session cookie and the worker's pid."""
    connection = http.client.HTTPConnection("127.0.0.1", app, timeout=60)
    status, headers, page = request(connection, "GET", "/staff/login")
    assert status == 200
    login_cookie = cookie(headers, "renkei_login")
    token = re.search(r'name="login_token" value="([^"]+)"', page)
    assert token, "no login token on the sign-in page"
    form = urlencode({"username": "admin", "password": PASSWORD, "login_token": token.group(1), "next": "/staff"})
    status, headers, _ = request(connection, "POST", "/staff/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"renkei_login={login_cookie}",
        "Origin": f"http://127.0.0.1:{app}"})
    assert status == 303, headers
    signed_on = worker_of(connection, launcher, app)
    connection.close()
    return cookie(headers, "renkei_session"), signed_on


def staff_page_on_another_worker(app: int, launcher: int, session: str, other_than: int) -> tuple[int, str]:
    """Ask for /staff with the session on connections until a worker other than ``other_than`` answers."""
    for _ in range(200):
        connection = http.client.HTTPConnection("127.0.0.1", app, timeout=60)
        status, _, page = request(connection, "GET", "/staff", headers={"Cookie": f"renkei_session={session}"})
        worker = worker_of(connection, launcher, app)
        connection.close()
        if worker != other_than:
            return status, page
    raise AssertionError("every connection went to the worker that signed in; is there only one worker?")


def test_the_production_setup_shares_sign_ins_caches_pages_and_stops_cleanly(
        production: dict[str, object], serve_prod: ModuleType) -> None:
    process = production["process"]
    assert isinstance(process, subprocess.Popen)
    listen, app, url = int(str(production["listen"])), int(str(production["app"])), str(production["url"])
    run_dir, log = Path(str(production["run_dir"])), Path(str(production["log"]))
    assert (run_dir / serve_prod.PID_FILE).read_text().strip() == str(process.pid)

    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            create_user(session=session, username="admin", role="admin", password=PASSWORD, actor="test")
    finally:
        engine.dispose()

    # A sign-in made on one worker holds on the other.
    session_cookie, signed_on = sign_in_on_any_worker(app, process.pid)
    status, page = staff_page_on_another_worker(app, process.pid, session_cookie, signed_on)
    assert status == 200 and 'action="/staff/logout"' in page  # signed in: not sent to the sign-in page

    # A public page through nginx: kept, answered by nginx itself, then revalidated with the portal's ETag.
    front = http.client.HTTPConnection("127.0.0.1", listen, timeout=60)
    status, first, before = request(front, "GET", f"{AREA}/projects")
    assert status == 200 and OLD_NAME in before and first["etag"]
    status, again, _ = request(front, "GET", f"{AREA}/projects", headers={"If-None-Match": first["etag"]})
    assert status == 304 and again["x-cache-status"] in ("HIT", "REVALIDATED")
    statuses = set()
    for _ in range(100):  # once the page is no longer fresh, nginx asks the portal, which answers 304
        status, headers, body = request(front, "GET", f"{AREA}/projects")
        assert status == 200 and body == before
        statuses.add(headers["x-cache-status"])
        if "REVALIDATED" in statuses:
            break
        time.sleep(0.2)
    assert {"HIT", "REVALIDATED"} <= statuses

    # A static file comes from disk: the same bytes as the package's, and the portal never saw the request.
    status, headers, css = request(front, "GET", "/static/css/portal.css")
    assert status == 200 and css == (serve_prod.static_dir() / "css" / "portal.css").read_text(encoding="utf-8")
    assert headers["cache-control"] == "public, max-age=3600"
    access_log = run_dir / "logs" / "access.log"
    assert logged(access_log, r'"GET /static/css/portal\.css HTTP/1\.1" 200 \d+ upstream=- ')
    assert logged(access_log, rf'"GET {AREA}/projects HTTP/1\.1" 200 \d+ upstream=127\.0\.0\.1:{app} cache=REVALIDATED')

    # The staff workspace is never cached by nginx.
    status, headers, _ = request(front, "GET", "/staff/login")
    assert status == 200 and headers["cache-control"] == "private, no-store" and "x-cache-status" not in headers

    # A data change (a corrected plan imported) shows through nginx.
    corrected = Path(str(production["run_dir"])).parent / "corrected.txt"
    example = (REPOSITORY / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")
    corrected.write_text(example.replace(OLD_NAME, NEW_NAME), encoding="utf-8")
    imported = subprocess.run([sys.executable, "-c", "from renkei.cli import main; main()", "import", str(corrected)],
                              env={**os.environ, "RENKEI_DATABASE_URL": url}, capture_output=True, text=True,
                              check=False)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    after = before
    for _ in range(100):  # nginx keeps a page at most a second or two before asking the portal again
        status, _, after = request(front, "GET", f"{AREA}/projects")
        if NEW_NAME in after:
            break
        time.sleep(0.2)
    assert NEW_NAME in after and OLD_NAME not in after
    front.close()

    # It stops cleanly: the launcher ends with 0, takes nginx and the workers with it, and frees both ports.
    workers = descendants(process.pid)
    assert len(workers) >= 4  # renkei serve, its two workers, nginx's master (and nginx's own workers)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=180) == 0, log.read_text(errors="replace")[-4000:]
    assert not (run_dir / serve_prod.PID_FILE).exists()
    for pid in workers:
        for _ in range(100):
            if not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(")")[1][:3]:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"process {pid} still runs after the setup stopped")
    for port in (listen, app):
        with socket.socket() as probe, pytest.raises(ConnectionRefusedError):
            probe.connect(("127.0.0.1", port))


def test_the_configuration_is_one_nginx_accepts(nginx: str, serve_prod: ModuleType, tmp_path: Path) -> None:
    layout = serve_prod.Layout("127.0.0.1:18080", "127.0.0.1:18001", tmp_path, serve_prod.static_dir())
    for folder in ("logs", "tmp", "cache"):
        (tmp_path / folder).mkdir()
    user = "root" if os.geteuid() == 0 else None
    layout.config.write_text(serve_prod.render_config(layout, user=user), encoding="utf-8")
    checked = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(layout.config)], capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
    text = layout.config.read_text(encoding="utf-8")
    assert not re.search(r"@[A-Z_]+@", text)  # every placeholder filled
    assert "location /staff" in text and "proxy_cache off;" in text and "proxy_cache_revalidate on;" in text


def test_the_launcher_refuses_a_port_in_use(serve_prod: ModuleType) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        with pytest.raises(serve_prod.SetupError, match="is in use"):
            serve_prod.check_free(address)
    with pytest.raises(serve_prod.SetupError, match="host:port"):
        serve_prod.split_address("8080")


def test_the_launcher_refuses_a_database_url_it_cannot_use(serve_prod: ModuleType, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    status = serve_prod.main(["--database-url", "mysql://x@y/z", "--run-dir", str(tmp_path), "--nginx", sys.executable,
                              "--listen", f"127.0.0.1:{free_port()}", "--app", f"127.0.0.1:{free_port()}"])
    assert status == 2 and "unsupported database URL" in capsys.readouterr().err
    assert not (tmp_path / "nginx.conf").exists()  # refused before anything was written or started


def test_the_launcher_s_examples_hold(serve_prod: ModuleType) -> None:
    result = doctest.testmod(serve_prod)
    assert result.attempted >= 3 and result.failed == 0
