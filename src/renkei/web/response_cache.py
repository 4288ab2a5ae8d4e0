"""A cache of whole responses: a page or API answer is replayed while the stored data has not changed.

Pages only change when the data does (an import, an actual, an assessment), so a GET response can be kept and
replayed for the same path, query and cookies until the store's fingerprint moves. It sits outside the rest of
the application as plain ASGI, so a replayed response costs one small query and no rendering.

Memory is bounded in bytes (``max_bytes``, the setting ``RENKEI_RESPONSE_CACHE_MB``), whatever the number of
distinct queries, and query strings that cannot differ (the same parameters in another order, empty values) share
one entry.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The largest body kept (bigger ones are served but not kept), and the default memory bound.
MAX_BODY = 4_000_000
MAX_BYTES = 64 * 1024 * 1024
#: What an entry costs beyond its body (key, headers, bookkeeping), counted towards the bound.
ENTRY_OVERHEAD = 1024


def normalise_query(query: bytes) -> bytes:
    """Return a query string in one form: parameters sorted, empty values dropped.

    >>> normalise_query(b"sort=name&q=&status=behind"), normalise_query(b"status=behind&sort=name")
    (b'sort=name&status=behind', b'sort=name&status=behind')
    """
    pairs = [(k, v) for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=False) if v.strip()]
    return urlencode(sorted(pairs)).encode("latin-1")


def replayable(start: Message) -> bool:
    """Tell whether a response may be kept: not private or no-store, and setting no cookie.

    >>> replayable({"headers": [(b"cache-control", b"private, no-store")]}), replayable({"headers": []})
    (False, True)
    """
    for name, value in start.get("headers", []):
        if name.lower() == b"set-cookie":
            return False
        if name.lower() == b"cache-control" and (b"private" in value or b"no-store" in value):
            return False
    return True


class ResponseCache:
    """ASGI middleware replaying successful GET responses while ``fingerprint()`` returns the same value."""

    def __init__(self, app: ASGIApp, *, fingerprint: Callable[[], Hashable],
                 skip_prefixes: tuple[str, ...] = ("/static/",), max_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.fingerprint = fingerprint
        self.skip_prefixes = skip_prefixes
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[Hashable, tuple[Message, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(self.skip_prefixes)
                or self.max_bytes <= 0):
            await self.app(scope, receive, send)
            return
        cookies = b";".join(v for k, v in scope.get("headers", []) if k == b"cookie")
        key = (scope["path"], normalise_query(scope.get("query_string", b"")), cookies, self.fingerprint())
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
            elif message["type"] == "http.response.body" and start is not None and start["status"] == 200 \
                    and replayable(start):
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if not message.get("more_body", False) and size <= MAX_BODY:
                    self._store(key, start, b"".join(chunks))
            await send(message)

        return record

    def _store(self, key: Hashable, start: Message, body: bytes) -> None:
        cost = len(body) + ENTRY_OVERHEAD
        if cost > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old[1]) + ENTRY_OVERHEAD
            self._entries[key] = (start, body)
            self.size += cost
            while self.size > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.size -= len(dropped) + ENTRY_OVERHEAD
