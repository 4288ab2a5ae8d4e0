"""Who is asking: the session cookie, the signed-in user, CSRF tokens, and the checks every staff route runs.

Every state-changing route is declared with :func:`staff_post`, which records its action in
:data:`ROUTE_ACTIONS` (the permission-matrix test walks it) and runs, in order: a signed-in user (else 403), a
role that may take the action somewhere (else 403), and a CSRF token of the session with a same-origin request
(else 403). Whether the action is allowed on the record itself (which project, which municipality) is checked
by the services, from the same matrix.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from renkei.domain.permission import Action, may_ever
from renkei.reading.input_limits import format_size
from renkei.services.accounts import StaffUser
from renkei.services.signin import SessionKeySource, check_csrf, csrf_token, keyed_hash, resolve_session
from renkei.store.engine import WRITE
from renkei.web.rendering import SessionDep
from renkei.web.staff.refusals import FORBIDDEN

SESSION_COOKIE = "renkei_session"
LOGIN_COOKIE = "renkei_login"
COOKIE_PATH = "/staff"
#: Path template of every state-changing staff route → the action it takes (filled by :func:`staff_post`).
ROUTE_ACTIONS: dict[str, Action | None] = {}


class SignInRequired(Exception):
    """A staff page asked for without a session: the browser is sent to the sign-in page."""


def session_key(request: Request) -> bytes:
    """Return the application's session key (every worker and host on the database shares it)."""
    source: SessionKeySource = request.app.state.session_key
    return source.get()


def is_https(request: Request) -> bool:
    """Tell whether the request came over HTTPS (cookies are then marked Secure)."""
    return request.url.scheme == "https"


def current_user(request: Request, session: Session) -> StaffUser | None:
    """Return the signed-in user of the request, or None (resolved once per request).

    The look-up is a read of its own, ended before the route's work: even a POST's session (a writer, see
    ``rendering.get_session``) takes no write lock for it, and no connection is held while the request waits for
    its form or for a thread.
    """
    if hasattr(request.state, "staff_user"):
        found: StaffUser | None = request.state.staff_user
        return found
    if not session.in_transaction():
        session.connection(execution_options={WRITE: False})
    try:
        user = resolve_session(session=session, token=request.cookies.get(SESSION_COOKIE), key=session_key(request),
                               settings=request.app.state.settings)
    finally:
        session.rollback()
    request.state.staff_user = user
    return user


def require_user(request: Request, session: SessionDep) -> StaffUser:
    """Return the signed-in user; a page without one goes to sign-in, a write gets 403."""
    user = current_user(request, session)
    if user is None:
        if request.method in ("GET", "HEAD"):
            raise SignInRequired()
        raise HTTPException(status_code=403, detail="ログインしてください / sign in first")
    return user


UserDep = Annotated[StaffUser, Depends(require_user)]


def allow(action: Action) -> Callable[[StaffUser], StaffUser]:
    """Return a dependency refusing (403) a user whose role may never take the action."""

    def check(user: UserDep) -> StaffUser:
        if not may_ever(user.role, action):
            raise HTTPException(status_code=403, detail=FORBIDDEN)
        return user

    return check


def form_csrf(request: Request) -> str:
    """Return the CSRF token forms of this session carry."""
    return csrf_token(session_key(request), request.cookies.get(SESSION_COOKIE, ""))


def same_origin(request: Request) -> bool:
    """Tell whether the request's Origin (or Referer) header, when sent, names this site."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if not claimed or claimed == "null":
        return claimed is None
    parts = urlsplit(claimed)
    return (parts.scheme, parts.netloc) == (request.url.scheme, request.url.netloc)


async def read_form(request: Request) -> FormData:
    """Return the request's form, read on the event loop (a route is a plain ``def`` run in a thread)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


async def check_csrf_token(request: Request) -> None:
    """Refuse (403) a write whose CSRF token is not the session's, or that comes from another origin."""
    form = await request.form()
    offered = form.get("csrf_token")
    token = request.cookies.get(SESSION_COOKIE, "")
    if not same_origin(request) or not isinstance(offered, str) or not check_csrf(session_key(request), token,
                                                                                  offered):
        raise HTTPException(status_code=403, detail="フォームの有効期限が切れました。ページを開き直してください / "
                                                    "the form has expired (CSRF check); reload the page")


def limit_body(most: int) -> Callable[[Request], None]:
    """Return a dependency refusing a request body over ``most`` bytes (413) or of unstated length (411).

    It runs before the form is parsed (the CSRF check parses it), so an oversized upload is refused from its
    Content-Length header without being received.
    """

    def check(request: Request) -> None:
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            raise HTTPException(status_code=411, detail="送信の長さ（Content-Length）がありません / "
                                                        "the request must state its length (Content-Length)")
        if int(length) > most:
            raise HTTPException(status_code=413, detail=f"送信が大きすぎます（{format_size(most)} まで） / "
                                                        f"the request is too large (at most {format_size(most)})")

    return check


def staff_post(router: APIRouter, path: str, action: Action, *, max_body: int | None = None) -> Callable[[Any], Any]:
    """Declare a state-changing staff route: signed in, allowed by the matrix, CSRF-checked.

    With ``max_body``, the request body is first held to that many bytes (:func:`limit_body`).
    """
    ROUTE_ACTIONS[(router.prefix or "") + path] = action
    first = [Depends(limit_body(max_body))] if max_body is not None else []
    return router.post(path, include_in_schema=False,
                       dependencies=[*first, Depends(allow(action)), Depends(check_csrf_token)])


def login_csrf_pair(request: Request) -> tuple[str, str | None]:
    """Return the sign-in form's token and a new pre-session cookie value when the browser has none."""
    cookie = request.cookies.get(LOGIN_COOKIE)
    fresh = None
    if not cookie or len(cookie) > 100:
        cookie = fresh = secrets.token_urlsafe(24)
    return keyed_hash(session_key(request), "login", cookie), fresh


def check_login_csrf(request: Request, offered: str | None) -> bool:
    """Tell whether a sign-in form's token matches the browser's pre-session cookie."""
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not cookie or not offered or not same_origin(request):
        return False
    return secrets.compare_digest(keyed_hash(session_key(request), "login", cookie), offered)


def set_cookie(response: Response, request: Request, name: str, value: str, *, samesite: str = "lax",
               max_age: int | None = None) -> None:
    """Set a staff cookie: HttpOnly, SameSite, Secure over HTTPS, sent to /staff only."""
    response.set_cookie(name, value, max_age=max_age, path=COOKIE_PATH, httponly=True, secure=is_https(request),
                        samesite=samesite)  # type: ignore[arg-type]
