"""Fixtures for the portal: a migrated SQLite database with the example plan imported, and a client on it.

The example is imported once per session (per xdist worker); each test module gets a copy of that file, so a module
that changes its database leaves the others' alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from renkei.cli.portal import import_example
from renkei.settings import Settings
from renkei.web.app import create_app


@pytest.fixture(scope="session")
def example_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite file holding the imported example, made once per session: never open it, copy it."""
    path = tmp_path_factory.mktemp("portal-template") / "renkei.db"
    import_example(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module")
def example_url(example_database: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Return the URL of a SQLite database holding the imported example (a copy of its own per test module)."""
    path = tmp_path_factory.mktemp("portal") / "renkei.db"
    shutil.copy(example_database, path)
    return f"sqlite:///{path}"


@pytest.fixture
def example_copy(example_database: Path, tmp_path: Path) -> str:
    """Return the URL of a fresh copy of the imported example, for one test that changes it."""
    path = tmp_path / "example.db"
    shutil.copy(example_database, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def client(example_url: str) -> Iterator[TestClient]:
    """Yield a client of the portal on the example database (Japanese unless a test asks otherwise)."""
    with TestClient(create_app(Settings(database_url=example_url))) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def example_path() -> Path:
    """Return the repository's example document."""
    return Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"


class _ActiveMarkup(HTMLParser):
    """Collect what a strict CSP would block or a browser would run: scripts, handlers, inline styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value for name, value in attrs}
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>: event handler attribute")
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>: inline style attribute")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>: javascript: URL")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            if names.get("type") == "application/json":
                pass  # data, never run
            elif not names.get("src"):
                self.problems.append("inline <script> without src")
            elif not str(names.get("src")).startswith("/static/"):
                self.problems.append(f"script from elsewhere: {names.get('src')}")
        if tag in ("iframe", "object", "embed"):
            self.problems.append(f"<{tag}> element")


def find_active_markup(html: str) -> list[str]:
    """Return every piece of markup that would execute or break the CSP (empty when the page is inert)."""
    parser = _ActiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.problems


@pytest.fixture(scope="session")
def active_markup() -> Callable[[str], list[str]]:
    """Return the checker of executable or CSP-breaking markup."""
    return find_active_markup
