"""HTTP caching of public pages: strong ETags with 304, and whole responses replayed while the data is unchanged.

Pages only change when the data does (an import, an approved actual, a published assessment, evaluation or text,
a reporting round) or when the calendar moves the default evaluation year. So every public GET is keyed by its
path, its query in one form, its cookies and the data version of the path's area (``fingerprint(area)``, read once per
request off the event loop and handed to the routes in ``request.state.fingerprint``; see ``data_version``):

- the key's digest is the response's strong ``ETag``; a browser, proxy or CDN that sends it back in
  ``If-None-Match`` gets ``304 Not Modified`` without any rendering; ``Cache-Control: public, no-cache`` lets a
  browser or proxy keep the page but makes it ask every time, so a figure published a second ago is never hidden
  behind a stale copy (the answer to that question is a 304 of a few hundred bytes);
- the response itself is kept and replayed in process while the key is the same (a page's first visit after a
  data change costs 15-60 ms at 10,000 projects, a replay about one small query; see benchmarks/README.md).

Memory is bounded in bytes (``max_bytes``, the setting ``RENKEI_RESPONSE_CACHE_MB``; 0 keeps nothing but still
answers 304), whatever the number of distinct queries; an area's answers of an earlier data version are dropped as
soon as one of the new version is kept (a version only moves forward, so they would never be replayed again), so
a busy area's staff writes do not fill the bound with dead pages; and query strings that cannot differ (the same
parameters in another order) share one entry. An empty value is kept in the key: for some parameters it means "not
given", for others (``as_of=``) it is refused, and a replay must answer what the request itself would. Private
answers (``no-store``, a cookie set, the staff pages) get no ETag and are never kept.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from urllib.parse import parse_qsl, urlencode

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from renkei import __version__
from renkei.web.urls import split_area

#: The largest body kept (bigger ones are served but not kept), and the default memory bound.
MAX_BODY = 4_000_000
MAX_BYTES = 64 * 1024 * 1024
#: What an entry costs beyond its body (key, headers, bookkeeping), counted towards the bound.
ENTRY_OVERHEAD = 1024
#: Keep, but ask before reuse: a browser or proxy revalidates with the ETag (a 304 when nothing changed).
CACHE_CONTROL = b"public, no-cache"


def entity_tag(key: Hashable) -> bytes:
    """Return the strong ETag of a response key (its digest, quoted).

    >>> entity_tag(("/projects", b"page=2", b"", (1, 2))) == entity_tag(("/projects", b"page=2", b"", (1, 2)))
    True
    >>> entity_tag(("/projects", b"page=2", b"", (1, 2))) == entity_tag(("/projects", b"page=2", b"", (1, 3)))
    False
    """
    digest = hashlib.blake2b(repr((__version__, key)).encode("utf-8"), digest_size=16).hexdigest()
    return f'"{digest}"'.encode("ascii")


def matches(if_none_match: bytes, etag: bytes) -> bool:
    """Tell whether an ``If-None-Match`` header names this ETag (weak comparison, as RFC 9110 asks).

    ``*`` is not honoured: whether a page is public is only known once it is rendered, and only public answers
    ever carried a tag.

    >>> matches(b'"a", W/"b"', b'"b"'), matches(b"*", b'"c"'), matches(b'"a"', b'"c"')
    (True, False, False)
    """
    return etag in [t.strip().removeprefix(b"W/") for t in if_none_match.split(b",")]


def normalise_query(query: bytes) -> bytes:
    """Return a query string in one form: parameters sorted by name, each name's values in their order, empty values
    kept (``as_of=`` is refused where no ``as_of`` is not: the two must never share an answer).

    >>> normalise_query(b"sort=name&q=&status=behind"), normalise_query(b"status=behind&q=&sort=name")
    (b'q=&sort=name&status=behind', b'q=&sort=name&status=behind')
    >>> normalise_query(b"as_of=2027&as_of="), normalise_query(b"as_of=&as_of=2027")
    (b'as_of=2027&as_of=', b'as_of=&as_of=2027')
    """
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    return urlencode(sorted(pairs, key=lambda pair: pair[0])).encode("latin-1")


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
    """ASGI middleware: ETags and 304 for public GETs, and replay while ``fingerprint()`` returns the same value."""

    def __init__(self, app: ASGIApp, *, fingerprint: Callable[[str | None], Hashable],
                 skip_prefixes: tuple[str, ...] = ("/static/",), max_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.fingerprint = fingerprint
        self.skip_prefixes = skip_prefixes
        self.max_bytes = max_bytes
        self.cache_control = CACHE_CONTROL
        self.size = 0
        self._entries: OrderedDict[Hashable, tuple[Message, bytes, str | None]] = OrderedDict()
        #: Per area (None: the pages of every area): the data version of its kept answers, and their keys.
        self._areas: dict[str | None, tuple[Hashable, set[Hashable]]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"].startswith(self.skip_prefixes):
            await self.app(scope, receive, send)
            return
        area, _ = split_area(scope["path"])
        fingerprint = await anyio.to_thread.run_sync(self.fingerprint, area)  # one query per request, off the loop
        scope.setdefault("state", {})["fingerprint"] = fingerprint
        headers = scope.get("headers", [])
        cookies = b";".join(v for k, v in headers if k == b"cookie")
        key = (scope["path"], normalise_query(scope.get("query_string", b"")), cookies, fingerprint)
        etag = entity_tag(key)
        if any(k == b"if-none-match" and matches(v, etag) for k, v in headers):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(b"etag", etag), (b"cache-control", self.cache_control), (b"vary", b"Cookie")]})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        hit = None
        if self.max_bytes > 0:
            with self._lock:
                hit = self._entries.get(key)
                if hit is not None:
                    self._entries.move_to_end(key)
        if hit is not None:
            start, body, _ = hit
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await self.app(scope, receive, self._recorder(key, etag, send, area))

    def _recorder(self, key: Hashable, etag: bytes, send: Send, area: str | None) -> Send:
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def record(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                if message["status"] == 200 and replayable(message):
                    message = self._public(message, etag)
                    start = message
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                if not message.get("more_body", False) and size <= MAX_BODY:
                    self._store(key, start, b"".join(chunks), area)
            await send(message)

        return record

    def _public(self, start: Message, etag: bytes) -> Message:
        """Return a public response's start with its ETag, Cache-Control (unless set) and ``Vary: Cookie``."""
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() not in (b"etag", b"vary")]
        if not any(k.lower() == b"cache-control" for k, _ in headers):
            headers.append((b"cache-control", self.cache_control))
        return {**start, "headers": [*headers, (b"etag", etag), (b"vary", b"Cookie")]}

    def _store(self, key: Hashable, start: Message, body: bytes, area: str | None) -> None:
        cost = len(body) + ENTRY_OVERHEAD
        if cost > self.max_bytes:
            return
        version = key[3] if isinstance(key, tuple) else None
        with self._lock:
            kept = self._areas.get(area)
            if kept is None or kept[0] != version:  # the area's data moved: its earlier answers are dead
                for dead in list(kept[1]) if kept is not None else []:
                    self._drop(dead)
                kept = (version, set())
                self._areas[area] = kept
            self._drop(key)
            self._entries[key] = (start, body, area)
            kept[1].add(key)
            self.size += cost
            while self.size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        """Forget one kept answer (the lock is held)."""
        old = self._entries.pop(key, None)
        if old is None:
            return
        self.size -= len(old[1]) + ENTRY_OVERHEAD
        kept = self._areas.get(old[2])
        if kept is not None:
            kept[1].discard(key)
