"""The staff workspace in the web application: routes per area under /staff, installed by :func:`install`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.responses import Response

from renkei.services.signin import load_session_key
from renkei.settings import Settings
from renkei.web.staff import admin, board, projects, reports, signin, upload
from renkei.web.staff.auth import ROUTE_ACTIONS, SignInRequired

__all__ = ["ROUTE_ACTIONS", "install"]


def install(app: FastAPI, settings: Settings) -> None:
    """Add the staff routes to the app, with the session key and the sign-in redirect."""
    app.state.session_key = load_session_key(settings)
    for module in (signin, reports, board, projects, upload, admin):
        app.include_router(module.router)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _exc: SignInRequired) -> Response:
        return signin.login_redirect(request)
