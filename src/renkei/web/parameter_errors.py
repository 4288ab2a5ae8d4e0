"""Answers to requests whose parameters cannot be served: a redirect, a page that explains, or a JSON 422."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from fastapi import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from renkei.presentation.i18n import translate
from renkei.web.parameters import ParameterProblem
from renkei.web.rendering import get_language, render_page


def fixed_url(request: Request, problems: Sequence[ParameterProblem]) -> str:
    """Return this page's address with every problem fixed (bad values replaced or left out)."""
    params = dict(request.query_params)
    for problem in problems:
        if problem.fix is None:
            params.pop(problem.name, None)
        else:
            params[problem.name] = problem.fix
    if params.get("page") == "1":
        params.pop("page")
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def is_api(request: Request) -> bool:
    """Tell whether a request is for the JSON API (answered in JSON, never redirected)."""
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def answer_bad_parameters(request: Request, problems: Sequence[ParameterProblem]) -> Response:
    """Answer a request whose parameters cannot be served: redirect, explain (400) or, for the API, 422."""
    lang = get_language(request)
    if is_api(request):
        return JSONResponse({
            "detail": " ".join(p.message(lang) for p in problems),
            "errors": [{"parameter": p.name, "value": p.value, "message": p.message(lang), "nearest": p.fix}
                       for p in problems],
        }, status_code=422)
    target = fixed_url(request, problems)
    if all(p.redirect for p in problems):
        return RedirectResponse(target, status_code=303)
    return render_page(request, "errors/error.html", {
        "status": 400, "message": translate("error.bad_parameters", lang),
        "problems": [p.message(lang) for p in problems], "fixed_url": target,
    }, status_code=400)
