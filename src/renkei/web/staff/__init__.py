"""The staff workspace in the web application: routes per area under /staff, installed by :func:`install`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from starlette.responses import Response

from renkei.services.accounts import dummy_hash
from renkei.services.signin import SessionKeySource
from renkei.settings import Settings
from renkei.web.staff import admin, board, mapping, partner_evaluations, projects, reports, revision, signin, upload
from renkei.web.staff.auth import ROUTE_ACTIONS, SignInRequired
from renkei.web.staff.capacity import StaffCapacity

__all__ = ["ROUTE_ACTIONS", "install", "walk_routes"]


def install(app: FastAPI, settings: Settings) -> None:
    """Add the staff routes to the app, with the session key and the sign-in redirect."""
    app.state.session_key = SessionKeySource(settings, app.state.engine)  # read at the first staff request
    dummy_hash()  # made now, so that the first sign-in of an unknown name takes no longer than any other
    app.add_middleware(StaffCapacity)  # part of the worker's threads stays free for the public portal
    for module in (signin, reports, board, projects, partner_evaluations, upload, mapping, admin, revision):
        app.include_router(module.router)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _exc: SignInRequired) -> Response:
        return signin.login_redirect(request)


def walk_routes(routes: list[Any]) -> list[APIRoute]:
    """Return every API route of an app's route list, looking inside included routers (kept differently by
    FastAPI versions); the permission-matrix test walks it to find routes missing from the matrix."""
    found: list[APIRoute] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found.extend(walk_routes(list(inner.routes)))
        elif isinstance(route, APIRoute):
            found.append(route)
    return found
