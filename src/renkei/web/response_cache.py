"""A cache of whole responses: a page or API answer is replayed while the stored data has not changed.

Pages only change when the data does (an import, an actual, an assessment), so a GET response can be kept and
replayed for the same path, query and cookies until the store's fingerprint moves. It sits outside the rest of
the application as plain ASGI, so a replayed response costs one small query and no rendering.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Responses kept at most, and the largest body kept (bigger ones are served but not kept).
MAX_ENTRIES = 2048
MAX_BODY = 4_000_000


class ResponseCache:
    """ASGI middleware replaying successful GET responses while ``fingerprint()`` returns the same value."""

    def __init__(self, app: ASGIApp, *, fingerprint: Callable[[], Hashable],
                 skip_prefixes: tuple[str, ...] = ("/static/",), max_entries: int = MAX_ENTRIES) -> None:
        self.app = app
        self.fingerprint = fingerprint
        self.skip_prefixes = skip_prefixes
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[Message, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return
        cookies = b";".join(v for k, v in scope.get("headers", []) if k == b"cookie")
        key = (scope["path"], scope.get("query_string", b""), cookies, self.fingerprint())
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
        if hit is not None:
            start, body = hit
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await self.app(scope, receive, self._recorder(key, send))

    def _recorder(self, key: Hashable, send: Send) -> Send:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def record(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and start is not None and start["status"] == 200:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if not message.get("more_body", False) and size <= MAX_BODY:
                    self._store(key, start, b"".join(chunks))
            await send(message)

        return record

    def _store(self, key: Hashable, start: Message, body: bytes) -> None:
        with self._lock:
            self._entries[key] = (start, body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
