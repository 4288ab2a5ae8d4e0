"""Browser-test fixtures: a real `renkei serve` process on a free port and Debian's chromium via Playwright.

The server imports the bundled example into an empty SQLite database, exactly as a user's first
``renkei serve`` does. Chromium is never downloaded: the tests drive ``/usr/bin/chromium`` (installed by
scripts/install-system-deps.sh; ``RENKEI_CHROMIUM`` points elsewhere). Without it the tests fail in CI
(``CI`` set) and skip loudly elsewhere. Screenshots of every page type go to test-output/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from renkei.domain.plan import Plan
from renkei.reading.sheet import read_plan

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "kitakyushu_vision_r8.txt"
CHROMIUM = Path(os.environ.get("RENKEI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-gpu"]
SCREENSHOTS = REPO / "test-output" / "screenshots"
STARTUP_SECONDS = 90.0
# Records Content-Security-Policy violations the page reports (before any of its own scripts run).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def in_ci() -> bool:
    """Tell whether we run in CI, where a missing browser is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    """A running portal server process."""

    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on this server."""
        return self.base_url + path

    def log_text(self) -> str:
        """Return what the server printed so far (for failure messages)."""
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]


def _wait_until_answering(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"renkei serve exited with {server.process.returncode} before answering:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.url("/"), timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"renkei serve did not answer on {server.base_url} within {STARTUP_SECONDS:.0f} s:\n"
                f"{server.log_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start `renkei serve` on a free port with a fresh SQLite database; stop it after the session."""
    folder = tmp_path_factory.mktemp("portal")
    port = free_port()
    log = folder / "server.log"
    command = [sys.executable, "-c", "from renkei.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--database-url", f"sqlite:///{folder / 'renkei.db'}"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "RENKEI_DATA_DIR": str(folder)}
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=folder)
    running = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_answering(running)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Launch Debian's chromium headless through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        message = (f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing. Install it with "
                   "`sudo bash scripts/install-system-deps.sh` (Debian package chromium).")
        if in_ci():
            pytest.fail(message)
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # the dev extra is not installed
        message = f"BROWSER TESTS NOT RUN: playwright is not installed ({exc}); pip install -e '.[dev]'"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    """A browser tab with what went wrong in it: console errors, uncaught exceptions, CSP violations."""

    page: Any
    server: Server
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> Any:
        """Load a page of the portal, check it answered 200 and wait for its load event.

        The portal's pages fetch nothing after loading (charts and maps are drawn on the server; the scripts are
        deferred, so they have run by then): waiting for the network to be idle only added half a second each.
        """
        response = self.page.goto(self.server.url(path), wait_until="load")
        assert response is not None and response.status == 200, (
            f"GET {path} answered {response.status if response else 'nothing'}")
        return response

    def forget(self) -> None:
        """Forget what the tab recorded and its cookies, for the next test."""
        self.console_errors.clear()
        self.page_errors.clear()
        self.page.context.clear_cookies()

    def csp_violations(self) -> list[str]:
        """Return the CSP violations the current page reported."""
        found: list[str] = self.page.evaluate("() => window.__cspViolations || []")
        return found

    def problems(self) -> list[str]:
        """Return every console error, page error and CSP violation seen so far."""
        return ([f"console: {m}" for m in self.console_errors] + [f"pageerror: {m}" for m in self.page_errors]
                + [f"CSP: {m}" for m in self.csp_violations()])


@contextmanager
def _tab(browser: Any, server: Server, *, bypass_csp: bool) -> Iterator[Visit]:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    tab = Visit(page, server)
    page.on("console", lambda message: tab.console_errors.append(f"{message.text} ({message.location})")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture(scope="session")
def portal_tab(browser: Any, server: Server) -> Iterator[Visit]:
    """Return this worker's tab on the portal (Japanese, desktop size), recording console errors and CSP violations."""
    with _tab(browser, server, bypass_csp=False) as tab:
        yield tab


@pytest.fixture
def visit(portal_tab: Visit) -> Visit:
    """Return the portal tab as a new visitor finds it: nothing recorded, no cookie (each test loads its pages afresh;
    the portal keeps nothing in the browser but its language cookie)."""
    portal_tab.forget()
    return portal_tab


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Return where full-page screenshots go for a person to look at (git-ignored)."""
    return SCREENSHOTS


@pytest.fixture(scope="session")
def example_plan() -> Plan:
    """Return the bundled example as the reader reads it: what the server imported."""
    plan, _findings = read_plan(EXAMPLE.read_text(encoding="utf-8"))
    return plan


@pytest.fixture(scope="session")
def page_paths(example_plan: Plan) -> dict[str, str]:
    """Return one path of every page type, by name."""
    project = next(p for p in example_plan.projects if p.kpis and not p.relisted)
    return {
        "home": "/a/kitakyushu/",
        "projects": "/a/kitakyushu/projects",
        "project": f"/a/kitakyushu/projects/{project.slug}",
        "municipality": "/a/kitakyushu/municipalities/402044",  # 直方市
        "map": "/a/kitakyushu/map",
        "kpis": "/a/kitakyushu/kpis",
        "home-en": "/a/kitakyushu/?lang=en",
        "projects-search": "/a/kitakyushu/projects?q=研修&sort=name",
        "projects-empty": "/a/kitakyushu/projects?q=こども文化パスポト&status=behind",
        "municipalities": "/a/kitakyushu/municipalities",
        "method": "/a/kitakyushu/method",
        "docs": "/a/kitakyushu/docs",
        "downloads": "/a/kitakyushu/downloads",
        "projects-en": "/a/kitakyushu/projects?lang=en",
        "project-en": f"/a/kitakyushu/projects/{project.slug}?lang=en",
        "kpis-en": "/a/kitakyushu/kpis?lang=en",
    }
