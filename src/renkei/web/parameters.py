"""Query parameters a person or a program can get wrong, and what the portal answers instead of a crash.

Every page and API call checks its query before any work (:func:`guard_parameters`, an application-wide
dependency). A value with an obvious nearest valid one (``page=-1``, ``sort=xyz``, ``as_of=1990`` outside the plan
period, ``as_of=R8`` for 2026, a page past the end) sends a page to that address (303); a value nobody can guess at
(``as_of=abc``, a keyword over 200 characters) gets a page saying what is wrong, in the visitor's language, with a
link to the corrected address (400). The API never redirects: it answers 422 with a readable message per
parameter. A query string too long to be a real request is refused with 414 before anything else runs
(:class:`QueryLengthLimit`).
The answers themselves are made in :mod:`renkei.web.parameter_errors`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from pydantic import BaseModel, Field
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.status import Status
from renkei.reading.fiscal_year import read_fiscal_year
from renkei.web.listing import SORTS
from renkei.web.pagination import Page

#: The longest search keyword, in characters.
MAX_QUERY_CHARS = 200
#: The longest query string served, in bytes as sent (percent-encoded); longer ones get 414.
MAX_QUERY_STRING_BYTES = 4096
#: Fiscal years anyone could mean (a stored plan's period lies within them).
PLAUSIBLE_YEARS = (1900, 2200)

#: What each checked parameter is called in messages (ja, en).
NAMES: dict[str, tuple[str, str]] = {
    "as_of": ("評価年度", "evaluation year"),
    "page": ("ページ", "page"),
    "sort": ("並べ替え", "sort order"),
    "q": ("キーワード", "keyword"),
    "status": ("進捗", "progress"),
    "budget": ("事業費", "budget"),
    "relisted": ("再掲", "relisted"),
    "limit": ("件数", "limit"),
    "offset": ("開始位置", "offset"),
    "plan": ("計画", "plan"),
    "code": ("団体コード", "code"),
}


@dataclass(frozen=True, slots=True)
class ParameterProblem:
    """A query parameter that cannot be used as given.

    ``fix`` is the value to use instead (None: leave the parameter out); ``redirect`` tells a page to go to the
    fixed address at once rather than explain.
    """

    name: str
    value: str
    message_ja: str
    message_en: str
    fix: str | None = None
    redirect: bool = False

    def message(self, lang: str) -> str:
        """Return the message in the language."""
        return self.message_en if lang == "en" else self.message_ja


class BadParameters(Exception):
    """Raised by a check: the request's parameters cannot be served as they are."""

    def __init__(self, problems: Sequence[ParameterProblem]) -> None:
        super().__init__("; ".join(p.message_en for p in problems))
        self.problems = tuple(problems)


def _label(name: str) -> tuple[str, str]:
    return NAMES.get(name, (name, name))


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def _number(text: str) -> int | None:
    """Read a whole number written with ASCII or full-width digits and an optional minus sign.

    >>> _number("２０２６"), _number("-1"), _number("abc"), _number("")
    (2026, -1, None, None)
    """
    normal = unicodedata.normalize("NFKC", text).strip()
    digits = normal[1:] if normal.startswith("-") else normal
    if not digits.isdigit() or not digits.isascii() or len(digits) > 9:
        return None
    return int(normal)


def _dropped(name: str, value: str, allowed: Iterable[str]) -> ParameterProblem:
    ja, en = _label(name)
    choices = ", ".join(allowed)
    return ParameterProblem(name, value, f"{ja}（{name}）に「{_short(value)}」は使えません（{choices}）。",
                            f"“{_short(value)}” is not a {en} ({name}: {choices}).", None, True)


def check_query(params: Mapping[str, str]) -> list[ParameterProblem]:
    """Return what is wrong with the portal's query parameters (empty when nothing is).

    >>> [(p.name, p.fix, p.redirect) for p in check_query({"page": "-1", "sort": "xyz", "as_of": "abc"})]
    [('as_of', None, False), ('page', None, True), ('sort', None, True)]
    >>> check_query({"as_of": "2026", "page": "2", "sort": "name", "q": "研修"})
    []
    >>> [(p.fix, p.redirect) for p in check_query({"as_of": "２０２６"})]
    [('2026', True)]
    >>> [p.fix for p in check_query({"as_of": "R8"}) + check_query({"as_of": "令和9年度"})]
    ['2026', '2027']
    """
    problems: list[ParameterProblem] = []
    as_of = params.get("as_of")
    if as_of is not None and as_of.strip():
        year = read_fiscal_year(as_of)  # the command line's reader: 2026, ２０２６, 令和8年度, R8, FY2026
        low, high = PLAUSIBLE_YEARS
        if year is not None and low <= year <= high and str(year) != as_of:
            problems.append(ParameterProblem(  # R8 or ２０２６: the same year, written the one way the URLs use
                "as_of", as_of, f"評価年度（as_of）は西暦の半角数字で {year} と指定してください。",
                f"Write the evaluation year (as_of) as a western year in plain digits: {year}.", str(year), True))
        elif year is None or not low <= year <= high:
            problems.append(ParameterProblem(
                "as_of", as_of,
                f"評価年度（as_of）の「{_short(as_of)}」は年度として読めません。"
                "西暦の年度（例: 2026）か和暦（令和8年度、R8）で指定してください。",
                f"The evaluation year (as_of) “{_short(as_of)}” is not a fiscal year. "
                "Give a year such as 2026, 令和8年度 or R8.",
            ))
    page = params.get("page")
    if page is not None and page.strip():
        number = _number(page)
        if number is None or number < 1:
            problems.append(ParameterProblem(
                "page", page, f"ページ（page）の「{_short(page)}」はページ番号ではありません。1ページ目を表示します。",
                f"Page “{_short(page)}” is not a page number; showing page 1.", None, True))
    sort = params.get("sort")
    if sort and sort.strip() not in SORTS:
        problems.append(_dropped("sort", sort, SORTS))
    status = params.get("status")
    statuses = [s.value for s in Status]
    if status and status.strip() not in statuses:
        problems.append(_dropped("status", status, statuses))
    for name in ("budget", "relisted"):
        value = params.get(name)
        if value and value.strip() not in ("yes", "no"):
            problems.append(_dropped(name, value, ("yes", "no")))
    q = params.get("q") or ""
    if len(q) > MAX_QUERY_CHARS:
        problems.append(ParameterProblem(
            "q", q, f"キーワードは{MAX_QUERY_CHARS}文字以内で入力してください（{len(q)}文字あります）。",
            f"A keyword can be at most {MAX_QUERY_CHARS} characters long (this one has {len(q)}).",
            q[:MAX_QUERY_CHARS]))
    return problems


class ParameterError(BaseModel):
    """One parameter the API cannot use, in words."""

    parameter: str
    value: str
    message: str
    nearest: str | None = Field(description="the nearest usable value, when there is one")


class ParameterErrors(BaseModel):
    """The API's answer (422) to parameters it cannot use: every problem in words, never a validator's dump."""

    detail: str = Field(description="every problem in one sentence each (Japanese, or English with lang=en)")
    errors: list[ParameterError]
    request_id: str | None = Field(default=None, description="the request's id (X-Request-ID), to quote when asking")


#: What every API endpoint may answer besides 200 (documented in /openapi.json and /docs).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ParameterErrors, "description": "A parameter cannot be used; the body says which and why."},
    414: {"description": f"The query string is longer than {MAX_QUERY_STRING_BYTES} bytes."},
}


async def guard_parameters(request: Request) -> None:
    """Check the request's query before the route runs (an application-wide dependency; it reads nothing, so it
    runs on the event loop)."""
    problems = check_query(request.query_params)
    if problems:
        raise BadParameters(problems)


def check_year(requested: int | None, served: int, first: int, last: int) -> None:
    """Send a request for a year outside the plan period to the nearest year of it (the year served)."""
    if requested is None or requested == served:
        return
    raise BadParameters([ParameterProblem(
        "as_of", str(requested),
        f"評価年度{requested}は計画期間（{format_fiscal_year(first, 'ja')}〜{format_fiscal_year(last, 'ja')}）"
        f"の外です。最も近い{served}を指定してください。",
        f"The evaluation year {requested} is outside the plan period (FY{first}–FY{last}); the nearest is {served}.",
        str(served), True)])


def check_page(request: Request, page: Page[Any]) -> None:
    """Send a request for a page past the end of a list to its last page."""
    asked = _number(request.query_params.get("page") or "")
    if asked is not None and asked != page.number:
        raise BadParameters([ParameterProblem(
            "page", str(asked), f"{asked}ページ目はありません（全{page.pages}ページ）。",
            f"There is no page {asked} (there are {page.pages}).", str(page.number), True)])


def problems_from_validation(errors: Sequence[Mapping[str, Any]]) -> list[ParameterProblem]:
    """Turn FastAPI's validation errors into readable problems (what a parameter must be, in words)."""
    problems = []
    for error in errors:
        location = error.get("loc") or ()
        name = str(location[-1]) if location else "?"
        value = "" if error.get("input") is None else str(error.get("input"))
        ja_name, en_name = _label(name)
        context = error.get("ctx") or {}
        kind = str(error.get("type", ""))
        bound = next((context[k] for k in ("ge", "gt", "le", "lt", "max_length", "min_length") if k in context), "")
        ja, en = {
            "int_parsing": ("整数で指定してください", "must be a whole number"),
            "greater_than_equal": (f"{bound}以上で指定してください", f"must be at least {bound}"),
            "greater_than": (f"{bound}より大きい値で指定してください", f"must be more than {bound}"),
            "less_than_equal": (f"{bound}以下で指定してください", f"must be at most {bound}"),
            "less_than": (f"{bound}未満で指定してください", f"must be less than {bound}"),
            "string_too_long": (f"{bound}文字以内で指定してください", f"must be at most {bound} characters"),
            "string_pattern_mismatch": ("の形式が正しくありません", "is not in the expected form"),
            "missing": ("を指定してください", "is required"),
        }.get(kind, ("は使えない値です", "is not a usable value"))
        joiner = "" if ja.startswith(("の", "を", "は")) else "は"
        problems.append(ParameterProblem(
            name, value, f"{ja_name}（{name}）{joiner}{ja}（「{_short(value)}」）。",
            f"The {en_name} ({name}) {en} (got “{_short(value)}”)."))
    return problems


class QueryLengthLimit:
    """ASGI middleware answering 414 to a query string longer than ``limit`` bytes, before anything else runs."""

    def __init__(self, app: ASGIApp, limit: int = MAX_QUERY_STRING_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or len(scope.get("query_string", b"")) <= self.limit:
            await self.app(scope, receive, send)
            return
        ja = f"URLの検索条件が長すぎます（{self.limit}バイトまで）。キーワードを短くしてください。"
        en = f"The query string is too long (at most {self.limit} bytes). Use a shorter keyword."
        if scope["path"].startswith("/api/"):
            body = json.dumps({"detail": f"{ja} {en}"}, ensure_ascii=False).encode("utf-8")
            media = "application/json"
        else:
            body = (f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>414</title></head><body>'
                    f'<main><h1>414</h1><p>{ja}</p><p lang="en">{en}</p><p><a href="/">トップへ / Home</a></p>'
                    f"</main></body></html>").encode()
            media = "text/html; charset=utf-8"
        response = Response(body, status_code=414, media_type=media)
        await response(scope, receive, send)
