"""Signing in and out of the staff workspace."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from renkei.domain.permission import Action
from renkei.services.signin import SignInError, sign_in, sign_out
from renkei.web.client_address import client_address
from renkei.web.rendering import SessionDep, get_language
from renkei.web.staff.auth import (
    COOKIE_PATH,
    LOGIN_COOKIE,
    ROUTE_ACTIONS,
    SESSION_COOKIE,
    UserDep,
    check_login_csrf,
    current_user,
    login_csrf_pair,
    session_key,
    set_cookie,
    staff_post,
)
from renkei.web.staff.pages import render_staff

router = APIRouter(prefix="/staff")
ROUTE_ACTIONS["/staff/login"] = None  # anyone may try; throttled and CSRF-checked below


def safe_next(target: str | None) -> str:
    """Return a local staff path to go to after sign-in (never another site).

    >>> safe_next("/staff/board?status=returned"), safe_next("https://evil.example/"), safe_next("//evil")
    ('/staff/board?status=returned', '/staff', '/staff')
    """
    if target and target.startswith("/staff") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff"


def _login_page(request: Request, *, error: str | None = None, username: str = "", status: int = 200) -> Response:
    token, fresh = login_csrf_pair(request)
    response = render_staff(request, "staff/login.html", {
        "login_token": token, "error": error, "username": username,
        "next": safe_next(request.query_params.get("next") or None),
    }, None, status_code=status)
    if fresh is not None:
        set_cookie(response, request, LOGIN_COOKIE, fresh, samesite="strict")
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request, session: SessionDep) -> Response:
    """Show the sign-in form (or go on when already signed in)."""
    if current_user(request, session) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _login_page(request)


@router.post("/login", include_in_schema=False)
def login(request: Request, session: SessionDep, username: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          login_token: Annotated[str, Form(max_length=200)] = "",
          next: Annotated[str, Form(max_length=500)] = "/staff") -> Response:
    """Check the user name and password; start a session in a fresh cookie."""
    if not check_login_csrf(request, login_token):
        return _login_page(request, error="フォームの有効期限が切れました。もう一度入力してください。 / "
                                          "The form expired; please try again.", username=username, status=403)
    address = client_address(request.client.host if request.client else None,
                             request.headers.getlist("x-forwarded-for"), request.app.state.trusted_proxies)
    try:
        signed = sign_in(session=session, username=username, password=password, address=address,
                         key=session_key(request), settings=request.app.state.settings)
    except SignInError as exc:
        english = get_language(request) == "en"
        return _login_page(request, error=exc.message_en if english else exc.message_ja, username=username,
                           status=429 if exc.code == "throttled" else 401)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, signed.token)
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)
    return response


@staff_post(router, "/logout", Action.VIEW_WORKSPACE)
def logout(request: Request, session: SessionDep, user: UserDep) -> Response:
    """End the session at once and forget the cookie."""
    sign_out(session=session, token=request.cookies.get(SESSION_COOKIE), key=session_key(request),
             actor=user.username)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)
    return response


def login_redirect(request: Request) -> Response:
    """Send a browser without a session to the sign-in page, coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/login?next={quote(target, safe='/')}", status_code=303)
