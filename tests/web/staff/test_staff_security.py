"""Security of the staff workspace, one test (or more) per point of issue 8 §5 (see docs/security.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from renkei.domain.permission import Action, Role, may_ever
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import read_store_fingerprint
from renkei.store.tables import ActualRow
from renkei.web.app import create_app
from renkei.web.staff import walk_routes

PASSWORD = "correct horse battery staple"


def login_page_token(client: Any) -> str:
    page = client.get("/staff/login")
    found = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def sign_in(client: Any, username: str, password: str = PASSWORD, **extra: str) -> Any:
    token = login_page_token(client)
    return client.post("/staff/login", data={"username": username, "password": password, "login_token": token,
                                             **extra}, follow_redirects=False)


# --- sessions: cookie flags, timeouts, sign-out and revocation -----------------------------------------------------

def test_the_session_cookie_is_httponly_lax_and_only_for_staff_pages(desk: Any) -> None:
    client = desk.as_user(None)
    response = sign_in(client, "admin")
    assert response.status_code == 303 and response.headers["location"] == "/staff"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "renkei_session=" in v)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/staff" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back


def test_the_session_cookie_is_secure_over_https(desk: Any) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(desk.app, base_url="https://testserver")
    response = sign_in(client, "admin")
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "renkei_session=" in v)
    assert "Secure" in cookie and "HttpOnly" in cookie
    client.close()


def test_sign_out_and_disabling_end_sessions_at_once(desk: Any) -> None:
    client = desk.as_user("viewer")
    assert client.get("/staff/board").status_code == 200
    assert desk.post("admin", "/staff/admin/users/viewer/disabled", {"disabled": "1"}).status_code == 303
    client = desk.as_user("viewer")
    response = client.get("/staff/board", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/staff/login")
    assert desk.post("editor", "/staff/logout").status_code == 303
    assert desk.post("editor", "/staff/logout").status_code == 403  # the session is gone


def test_a_password_reset_and_a_role_change_end_sessions(desk: Any) -> None:
    desk.post("admin", "/staff/admin/users/editor/password", {"password": "a brand new secret"})
    desk.post("admin", "/staff/admin/users/yukuhashi/role", {"role": "viewer"})
    for name in ("editor", "yukuhashi"):
        assert desk.as_user(name).get("/staff", follow_redirects=False).status_code == 303


# --- CSRF ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("forgery", ["missing", "other session", "other origin", "garbage"])
def test_a_write_without_the_session_s_csrf_token_is_refused(desk: Any, seeded: Any, forgery: str) -> None:
    client = desk.as_user("admin")
    data = {"fiscal_year": "R7", "due_date": "2027-05-31"}
    headers = {}
    if forgery == "other session":
        data["csrf_token"] = desk.csrf("viewer")
    elif forgery == "other origin":
        data["csrf_token"] = desk.csrf("admin")
        headers["origin"] = "https://evil.example"
    elif forgery == "garbage":
        data["csrf_token"] = "0" * 64
    before = desk.snapshot()
    response = client.post("/staff/admin/rounds", data=data, headers=headers, follow_redirects=False)
    assert response.status_code == 403 and desk.snapshot() == before
    data["csrf_token"] = desk.csrf("admin")
    assert client.post("/staff/admin/rounds", data=data, follow_redirects=False).status_code == 303


def test_the_sign_in_form_has_its_own_csrf_token(desk: Any) -> None:
    client = desk.as_user(None)
    login_page_token(client)
    response = client.post("/staff/login", data={"username": "admin", "password": PASSWORD, "login_token": "x"},
                           follow_redirects=False)
    assert response.status_code == 403 and "renkei_session" not in response.headers.get("set-cookie", "")


# --- throttling and generic messages --------------------------------------------------------------------------------

def test_failed_sign_ins_are_throttled_with_one_generic_message(desk: Any) -> None:
    client = desk.as_user(None)
    wrong_password = sign_in(client, "editor", "not the password at all")
    no_such_user = sign_in(client, "nobody-here", "not the password at all")
    assert wrong_password.status_code == no_such_user.status_code == 401
    message = "ユーザー名またはパスワードが正しくありません。"
    assert message in wrong_password.text and message in no_such_user.text
    for _ in range(4):
        sign_in(client, "editor", "not the password at all")
    locked = sign_in(client, "editor")  # the right password, too late
    assert locked.status_code == 429 and "しばらくログインできません" in locked.text
    assert "renkei_session" not in locked.headers.get("set-cookie", "")


def test_after_sign_in_only_local_pages_are_followed(desk: Any) -> None:
    client = desk.as_user(None)
    response = sign_in(client, "admin", next="https://evil.example/steal")
    assert response.headers["location"] == "/staff"


# --- headers, caching ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/staff/login", "/staff", "/staff/board", "/staff/board.csv", "/staff/nothing"])
def test_staff_responses_carry_security_headers_and_are_never_stored(shared_desk: Any, path: str) -> None:
    headers = shared_desk.as_user("admin").get(path).headers
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["cache-control"] == "private, no-store"


def test_staff_pages_are_never_replayed_by_the_response_cache(desk: Any, seeded: Any) -> None:
    client = desk.as_user("editor")
    page = f"/staff/projects/{seeded.project_id}"
    engine = create_engine_from_url(desk.url)
    with engine.connect() as connection:
        fingerprint = read_store_fingerprint(connection=connection)
    assert "下書きの説明" in client.get(page).text
    desk.post("editor", f"/staff/projects/{seeded.project_id}/text", {
        "version": "1", "role_count": "1", "description": "書き直した説明", "effects": "", "party_0": "北九州市",
        "duties_0": "推進"})
    with engine.connect() as connection:  # a draft is not public: the public fingerprint does not move …
        assert read_store_fingerprint(connection=connection) == fingerprint
    assert "書き直した説明" in desk.as_user("editor").get(page).text  # … and yet the staff page is fresh
    desk.post("admin", f"/staff/projects/{seeded.project_id}/publish", {"version": "2"})
    with engine.connect() as connection:  # publishing moves it, so public pages are rebuilt
        assert read_store_fingerprint(connection=connection) != fingerprint
    engine.dispose()
    assert "書き直した説明" in desk.as_user(None).get(f"/a/kitakyushu/projects/{'8a5d0d0ac6'}").text


def test_approving_an_evaluation_moves_the_public_fingerprint_and_shows_on_the_project_page(desk: Any,
                                                                                        seeded: Any) -> None:
    engine = create_engine_from_url(desk.url)
    with engine.connect() as connection:
        fingerprint = read_store_fingerprint(connection=connection)
    public = desk.as_user(None).get("/a/kitakyushu/projects/8a5d0d0ac6").text
    assert "事業評価" not in public
    desk.post("admin", f"/staff/projects/{seeded.project_id}/evaluation/review", {"year": "2026", "version": "1",
                                                                                  "step": "approve"})
    with engine.connect() as connection:
        assert read_store_fingerprint(connection=connection) != fingerprint
    engine.dispose()
    public = desk.as_user(None).get("/a/kitakyushu/projects/8a5d0d0ac6").text
    assert "事業評価" in public and "継続" in public


# --- authorisation of every page ------------------------------------------------------------------------------------

#: Every staff page → the action it needs and whether it is about the target project.
PAGES: dict[str, tuple[str, Action, bool]] = {
    "/staff": ("/staff", Action.VIEW_WORKSPACE, False),
    "/staff/login": ("/staff/login", Action.VIEW_WORKSPACE, False),
    "/staff/board": ("/staff/board", Action.VIEW_BOARD, False),
    "/staff/board.csv": ("/staff/board.csv", Action.VIEW_BOARD, False),
    "/staff/kpis/{kpi_id}/{year}": ("/staff/kpis/{kpi}/2026", Action.VIEW_BOARD, True),
    "/staff/projects": ("/staff/projects", Action.VIEW_DRAFTS, False),
    "/staff/projects/{project_id}": ("/staff/projects/{project}", Action.VIEW_DRAFTS, True),
    "/staff/projects/{project_id}/evaluation": ("/staff/projects/{project}/evaluation", Action.VIEW_DRAFTS, True),
    "/staff/projects/{project_id}/history": ("/staff/projects/{project}/history", Action.VIEW_HISTORY, True),
    "/staff/projects/{project_id}/partners": ("/staff/projects/{project}/partners", Action.VIEW_DRAFTS, True),
    "/staff/upload": ("/staff/upload", Action.UPLOAD_ACTUALS, False),
    "/staff/mapping": ("/staff/mapping", Action.UPLOAD_ACTUALS, False),
    "/staff/preview": ("/staff/preview", Action.VIEW_DRAFTS, False),
    "/staff/admin/users": ("/staff/admin/users", Action.MANAGE_USERS, False),
    "/staff/admin/rounds": ("/staff/admin/rounds", Action.MANAGE_ROUNDS, False),
    "/staff/admin/revision": ("/staff/admin/revision", Action.IMPORT_REVISION, False),
    "/staff/admin/audit.csv": ("/staff/admin/audit.csv", Action.EXPORT_AUDIT, False),
}
ROLES = {"admin": Role.ADMIN, "editor": Role.EDITOR, "yukuhashi": Role.MUNICIPALITY, "ashiya": Role.MUNICIPALITY,
         "viewer": Role.VIEWER}


def test_every_staff_page_is_listed() -> None:
    routes = walk_routes(list(create_app().routes))
    assert {r.path for r in routes if r.path.startswith("/staff") and "GET" in (r.methods or set())} == set(PAGES)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_asks_the_matrix(shared_desk: Any, seeded: Any, page: str,
                                    active_markup: Callable[[str], list[str]]) -> None:
    desk = shared_desk  # page views change nothing; they share one clone
    template, action, on_project = PAGES[page]
    path = template.format(kpi=seeded.kpi_id, project=seeded.project_id)
    anonymous = desk.as_user(None).get(path, follow_redirects=False)
    if page != "/staff/login":
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/staff/login")
    for name, role in ROLES.items():
        response = desk.as_user(name).get(path, follow_redirects=False)
        allowed = may_ever(role, action) and not (on_project and name == "ashiya")
        if page == "/staff/login":
            assert response.status_code == 303, name  # already signed in
        elif allowed:
            assert response.status_code == 200, (name, response.text[-500:])
            if response.headers["content-type"].startswith("text/html"):
                assert active_markup(response.text) == [], (name, page)
        else:
            assert response.status_code == 403, name


def test_user_text_is_sanitised_and_escaped(desk: Any, seeded: Any) -> None:
    path = f"/staff/kpis/{seeded.kpi_id}/2026"
    desk.post("yukuhashi", path + "/enter", {"part": "402133", "value": "1", "version": "0", "step": "save",
                                             "note": "<script>alert(1)</script><b>速報</b> 1 < 2"})
    engine = create_engine_from_url(desk.url)
    with create_session_factory(engine)() as session:
        notes = set(session.scalars(select(ActualRow.note)))
    engine.dispose()
    assert "速報 1 < 2" in notes
    html = desk.as_user("yukuhashi").get(path).text
    assert "<script>alert" not in html and "速報 1 &lt; 2" in html


def test_no_secret_is_shipped() -> None:
    import subprocess
    from pathlib import Path

    from renkei.settings import Settings

    root = Path(__file__).resolve().parents[3]
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=True).stdout.split()
    assert not [name for name in tracked if name.endswith((".key", ".pem")) or name.endswith("session.key")]
    assert Settings.model_fields["session_key"].default == ""


def test_the_security_document_names_only_tests_that_exist() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    text = (root / "docs" / "security.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text))
    assert len(named) > 25
    for path, test in named:
        source = (root / path).read_text(encoding="utf-8")
        assert not test or f"def {test}(" in source, f"{path}::{test}"
    for anchor in re.findall(r"`::(\w+)`", text):
        assert any(f"def {anchor}(" in (root / p).read_text(encoding="utf-8") for p, _ in named), anchor


def test_every_page_has_an_english_version(shared_desk: Any, seeded: Any) -> None:
    client = shared_desk.as_user("admin")
    for template, _, _ in PAGES.values():
        path = template.format(kpi=seeded.kpi_id, project=seeded.project_id)
        if path.endswith(".csv") or path == "/staff/login":
            continue
        response = client.get(path + "?lang=en")
        assert response.status_code == 200, path
        assert '<html lang="en">' in response.text and "Sign out" in response.text, path
