"""How many staff requests a worker serves at once: the rest wait their turn on the event loop, cheaply.

Staff routes run in the worker's threads (``store/engine.py``: ``WORKER_THREADS``), as do the public pages. Without
a bound, fifty staff saving at once take every thread, and a visitor's page waits behind them; with one, part of the
threads stay free for the public portal, and fewer threads compete for the interpreter while a writer holds the
database's write lock.
"""

from __future__ import annotations

import asyncio
import weakref

from starlette.types import ASGIApp, Receive, Scope, Send

from renkei.store.engine import WORKER_THREADS

#: Staff requests served at once by one worker (the others wait, in order of arrival).
STAFF_AT_ONCE = WORKER_THREADS // 2


class StaffCapacity:
    """ASGI middleware: at most ``limit`` requests under ``prefix`` are in progress at once."""

    def __init__(self, app: ASGIApp, prefix: str = "/staff", limit: int = STAFF_AT_ONCE) -> None:
        self.app = app
        self.prefix = prefix
        self.limit = limit
        # One semaphore per event loop (a test client may run the app on several loops in turn).
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns[loop] = asyncio.Semaphore(self.limit)
        async with turns:
            await self.app(scope, receive, send)
