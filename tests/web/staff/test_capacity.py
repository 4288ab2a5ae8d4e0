"""At most so many staff requests at once per worker; the public pages are never held back by them."""

from __future__ import annotations

import asyncio

from benchmarks.staff_load import run_in_own_loop
from starlette.types import Receive, Scope, Send

from renkei.web.staff.capacity import StaffCapacity


def test_staff_requests_take_turns_and_public_ones_do_not_wait() -> None:
    running: list[str] = []
    most = {"staff": 0}
    release = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        running.append(scope["path"])
        most["staff"] = max(most["staff"], sum(p.startswith("/staff") for p in running))
        if scope["path"].startswith("/staff"):
            await release.wait()
        running.remove(scope["path"])

    limited = StaffCapacity(app, limit=2)

    async def call(path: str) -> None:
        await limited({"type": "http", "path": path}, _receive, _send)

    async def scenario() -> list[str]:
        staff = [asyncio.create_task(call(f"/staff/kpis/{n}/2026")) for n in range(5)]
        await asyncio.sleep(0.05)
        in_progress = list(running)
        await asyncio.wait_for(call("/a/kitakyushu/projects"), timeout=5)  # answered while the staff wait
        release.set()
        await asyncio.wait_for(asyncio.gather(*staff), timeout=5)
        return in_progress

    in_progress = run_in_own_loop(scenario())
    assert len(in_progress) == 2  # two staff requests at once; three waited their turn
    assert most["staff"] == 2 and running == []


async def _receive() -> dict[str, object]:
    return {"type": "http.disconnect"}


async def _send(_message: object) -> None:
    return None
