"""The sign-in throttle's address: X-Forwarded-For counts only from a peer listed in RENKEI_TRUSTED_PROXIES."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from renkei.cli import app as cli
from renkei.services.signin import ADDRESS_FAILURES
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.workspace_tables import LoginAttemptRow
from renkei.web.app import create_app
from renkei.web.client_address import TrustedProxyError

KEY = "staff-test-session-key-0123456789abcdef"
PROXY = "10.0.0.5"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def proxied(desk: Any, tmp_path: Path) -> Iterator[Any]:
    """Return a function making a client of an app that trusts 10.0.0.5 and 192.168.0.0/16, from a given peer."""
    app = create_app(Settings(database_url=desk.url, session_key=KEY, data_dir=tmp_path,
                              trusted_proxies=f"{PROXY}, 192.168.0.0/16"))
    clients: list[TestClient] = []

    def client(peer: str) -> TestClient:
        clients.append(TestClient(app, base_url="http://testserver", client=(peer, 50000)))
        return clients[-1]

    yield client
    for c in clients:
        c.close()
    app.state.engine.dispose()


def _sign_in(client: TestClient, username: str, password: str, forwarded: str | None) -> Any:
    page = client.get("/staff/login")
    token = re.search(r'name="login_token" value="([^"]*)"', page.text)
    assert token
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/staff/login", data={"username": username, "password": password,
                                             "login_token": token.group(1)}, headers=headers, follow_redirects=False)


def _addresses(url: str) -> list[str]:
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            return list(session.scalars(select(LoginAttemptRow.address)  # the seed's own sign-ins left out
                                        .where(LoginAttemptRow.username.startswith("nobody"))
                                        .order_by(LoginAttemptRow.id)))
    finally:
        engine.dispose()


def test_the_forwarded_address_counts_only_from_a_trusted_proxy(desk: Any, proxied: Any) -> None:
    _sign_in(proxied(PROXY), "nobody1", "wrong password!!", "198.51.100.1")
    _sign_in(proxied(PROXY), "nobody2", "wrong password!!", "6.6.6.6, 198.51.100.2, 192.168.3.4")
    _sign_in(proxied("203.0.113.9"), "nobody3", "wrong password!!", "198.51.100.3")  # anyone can send the header
    _sign_in(proxied(PROXY), "nobody4", "wrong password!!", "not-an-address")
    assert _addresses(desk.url) == ["198.51.100.1", "198.51.100.2", "203.0.113.9", PROXY]


def test_without_trusted_proxies_the_header_is_ignored(desk: Any) -> None:
    client = desk.as_user(None)
    _sign_in(client, "nobody", "wrong password!!", "198.51.100.1")
    assert _addresses(desk.url) == ["testclient"]


def test_a_client_behind_the_proxy_is_throttled_by_its_own_address(proxied: Any) -> None:
    for number in range(ADDRESS_FAILURES):
        assert _sign_in(proxied(PROXY), f"guess{number}", "wrong password!!", "198.51.100.1").status_code == 401
    assert _sign_in(proxied(PROXY), "editor", PASSWORD, "198.51.100.1").status_code == 429
    assert _sign_in(proxied(PROXY), "editor", PASSWORD, "198.51.100.2").status_code == 303  # another client


def test_a_guesser_cannot_dodge_the_throttle_with_made_up_headers(proxied: Any) -> None:
    for number in range(ADDRESS_FAILURES):
        _sign_in(proxied("203.0.113.9"), f"guess{number}", "wrong password!!", f"198.51.100.{number}")
    assert _sign_in(proxied("203.0.113.9"), "editor", PASSWORD, "198.51.100.250").status_code == 429


def test_a_bad_proxy_entry_stops_the_start_naming_it(tmp_path: Path) -> None:
    with pytest.raises(TrustedProxyError, match="RENKEI_TRUSTED_PROXIES の2番目「nginx」"):
        create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", trusted_proxies="127.0.0.1, nginx"))
    result = CliRunner().invoke(cli, ["serve", "--database-url", f"sqlite:///{tmp_path / 'x.db'}"],
                                env={"RENKEI_TRUSTED_PROXIES": "10.0.0.0/33"})
    assert result.exit_code == 2 and "「10.0.0.0/33」" in result.output and "not an IP address" in result.output
