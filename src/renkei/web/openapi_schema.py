"""The OpenAPI document (/openapi.json): FastAPI's, with the evaluation year bounded by the stored plans' periods.

``as_of`` must lie within the chosen plan's period; a year outside it is answered 422 naming the nearest year of
the period (web/parameters.py::check_year). The route's own bounds (1900–2200) are what any reader could mean, so
the document narrows them, on every request for it, to the years the stored plans cover together: a client that
keeps to the schema is then refused only where areas' periods differ, which the parameter's description says.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from renkei.store.portal_queries import plan_year_span


def bound_years(document: dict[str, Any], first: int, last: int) -> dict[str, Any]:
    """Set every ``as_of`` parameter's minimum and maximum to a span of fiscal years (the document is changed).

    >>> doc = {"paths": {"/x": {"get": {"parameters": [{"name": "as_of", "description": "year", "schema": {
    ...     "anyOf": [{"type": "integer", "minimum": 1900, "maximum": 2200}, {"type": "null"}]}}]}}}}
    >>> bound_years(doc, 2026, 2030)["paths"]["/x"]["get"]["parameters"][0]["schema"]["anyOf"][0]
    {'type': 'integer', 'minimum': 2026, 'maximum': 2030}
    """
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("name") != "as_of":
                    continue
                schema = parameter.get("schema", {})
                for option in [schema, *schema.get("anyOf", [])]:
                    if option.get("type") == "integer":
                        option["minimum"], option["maximum"] = first, last
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve FastAPI's document with ``as_of`` bounded by the stored plans' periods, read on each request for it."""
    build: Callable[[], dict[str, Any]] = app.openapi  # FastAPI's, which keeps what it builds

    def openapi() -> dict[str, Any]:
        document = copy.deepcopy(build())
        with app.state.session_factory() as session:
            span = plan_year_span(session=session)
        return bound_years(document, *span) if span else document

    app.openapi = openapi  # type: ignore[method-assign]
