"""Request ids: one id per request, taken from ``X-Request-ID`` when well-formed, on every log line and answer.

The outermost middleware (:class:`RequestContext`) decides the id, keeps it where the logs (``current_request_id``),
the templates and the routes (``request.state.request_id``) find it, echoes it in the ``X-Request-ID`` response
header, writes one access line per request (method, path, status, duration, id), adds the id to every JSON error
body, and answers an unhandled exception itself: logged once with its traceback and the id, then a 500 the visitor
can quote.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
#: What a client's id may be: letters, digits and ``-_.:``, at most 128 characters (a UUID, a trace id…).
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
#: JSON error bodies larger than this are passed on untouched (an error body is a few hundred bytes).
MAX_ERROR_BODY = 65_536

#: The id of the request being served, None outside a request (start-up, shutdown).
current_request_id: ContextVar[str | None] = ContextVar("renkei_request_id", default=None)

access_log = logging.getLogger("renkei.access")
error_log = logging.getLogger("renkei.error")


def accept_request_id(given: str | None) -> str:
    """Return the client's id when it is well-formed, else a new one (32 hex digits).

    >>> accept_request_id("req-42.a:b")
    'req-42.a:b'
    >>> len(accept_request_id("bad id\\r\\nSet-Cookie: x")), len(accept_request_id(None)), len(accept_request_id(""))
    (32, 32, 32)
    >>> accept_request_id("x" * 129) == "x" * 129
    False
    """
    if given is not None and WELL_FORMED.fullmatch(given):
        return given
    return uuid.uuid4().hex


def with_request_id(body: bytes, request_id: str) -> bytes | None:
    """Return a JSON object body with ``request_id`` added, or None when the body is not a JSON object.

    >>> with_request_id(b'{"detail": "Not Found"}', "r1")
    b'{"detail": "Not Found", "request_id": "r1"}'
    >>> with_request_id(b'[1]', "r1") is None, with_request_id(b'\\xff', "r1") is None
    (True, True)
    """
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    document.setdefault("request_id", request_id)
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


class RequestContext:
    """Give each request its id; log its access line; add the id to JSON errors; answer an unhandled error.

    ``on_error(request, exc)`` makes the answer to an exception no handler inside took (the id is in
    ``request.state.request_id``); only a 500 is logged with its traceback here (a friendlier answer, such as "busy,
    try again", logs its own line).
    """

    def __init__(self, app: ASGIApp, *, on_error: Callable[[Request, Exception], Response]) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
        request_id = accept_request_id(given)
        scope.setdefault("state", {})["request_id"] = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        sent: dict[str, int] = {}
        held: list[Message] = []  # a JSON error's start, kept until its body has the id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, (b"x-request-id", request_id.encode("ascii"))]}
                if message["status"] >= 400 and _is_json(headers):
                    held.append(message)
                    return
            elif message["type"] == "http.response.body" and held:
                held.append(message)
                if message.get("more_body", False) and sum(len(m.get("body", b"")) for m in held) < MAX_ERROR_BODY:
                    return
                await _send_error_with_id(held, request_id, send)
                held.clear()
                return
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if "status" in sent:
                _log_unhandled(scope, request_id)
                raise  # the answer has begun: nothing better to say than closing the connection
            held.clear()
            answer = self.on_error(Request(scope), exc)
            if answer.status_code >= 500 and answer.status_code != 503:
                _log_unhandled(scope, request_id)
            sent["status"] = answer.status_code
            await answer(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %s", scope["method"], scope["path"], sent.get("status", 0),
                extra={"method": scope["method"], "path": scope["path"], "status": sent.get("status", 0),
                       "duration_ms": round((time.perf_counter() - started) * 1000, 1), "request_id": request_id},
            )
            current_request_id.reset(token)


def _log_unhandled(scope: Scope, request_id: str) -> None:
    """Log the exception being handled, with its traceback and the request id."""
    error_log.exception("処理できないエラー / unhandled error: %s %s", scope["method"], scope["path"],
                        extra={"request_id": request_id})


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"content-type" and v.split(b";")[0].strip() == b"application/json" for k, v in headers)


async def _send_error_with_id(held: list[Message], request_id: str, send: Send) -> None:
    """Send a held JSON error with the id in its body (as it was when the body is no JSON object or too long)."""
    start, parts = held[0], held[1:]
    body = b"".join(m.get("body", b"") for m in parts)
    more = parts[-1].get("more_body", False)
    changed = None if more else with_request_id(body, request_id)
    if changed is None:
        await send(start)
        for part in parts:
            await send(part)
        return
    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
    await send({**start, "headers": [*headers, (b"content-length", str(len(changed)).encode("ascii"))]})
    await send({"type": "http.response.body", "body": changed, "more_body": False})
