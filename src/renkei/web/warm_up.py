"""A worker's warm-up: the current plans' page data loaded (or built) in the background before it takes traffic.

``renkei serve`` gives each worker a :class:`WarmUp`; the app's lifespan starts it in a thread of its own, so the
worker listens at once (``/healthz`` answers) while ``/readyz`` answers 503 ``warming_up`` until the warm-up has
ended, and a load balancer (or an orchestrator's readiness probe) sends visitors only to warm workers.

The warm-up is bounded: at most ``limit`` plans (``RENKEI_WARM_PLANS``, default 20), each area's current plan as of
its default year, those whose snapshot is kept on disk first (reading one is a fraction of a build), then the most
recently imported. A hundred areas therefore cost twenty loads, not a hundred builds; the others are built by their
first request, as before. Nothing here holds up a request: each plan is loaded through
:func:`renkei.web.snapshot.load_portal` under its own plan's lock, so a request for a plan being warmed waits for
that one load (instead of starting its own), and a request for any other plan is answered meanwhile. A warm-up that
fails ends too (the reason is logged): the worker then builds on demand, as without one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from renkei.store import repository
from renkei.store.portal_queries import current_plan
from renkei.store.repository import PlanSummary
from renkei.web.snapshot import load_portal

__all__ = ["WarmUp", "choose_plans"]

log = logging.getLogger("renkei.warm_up")

def choose_plans(plans: Sequence[PlanSummary], *, kept: Collection[int], limit: int) -> list[PlanSummary]:
    """Return the plans to warm: each area's current plan, those with a kept snapshot first, then the most
    recently imported, at most ``limit``."""
    by_area: dict[str, list[PlanSummary]] = {}
    for plan in plans:
        by_area.setdefault(plan.area_slug, []).append(plan)
    current = [chosen for editions in by_area.values() if (chosen := current_plan(editions)) is not None]
    current.sort(key=lambda p: (p.id not in kept, -p.updated_at.timestamp(), p.area_slug))
    return current[:max(0, limit)]


@dataclass
class WarmUp:
    """One worker's warm-up: which plans it loads, how far it got, and whether it has ended."""

    #: The most plans loaded before the worker says it is ready (``RENKEI_WARM_PLANS``).
    limit: int
    done: threading.Event = field(default_factory=threading.Event)
    #: The areas whose current plan was chosen, and those loaded so far, in order.
    planned: list[str] = field(default_factory=list)
    loaded: list[str] = field(default_factory=list)
    seconds: float | None = None
    failed: str | None = None

    @property
    def ready(self) -> bool:
        """Tell whether the warm-up has ended (loaded everything chosen, or failed and left it to the requests)."""
        return self.done.is_set()

    def facts(self) -> dict[str, object]:
        """Return how far the warm-up got, for ``/readyz``."""
        return {"warmed": len(self.loaded), "planned": len(self.planned)}

    def start(self, app: Any) -> threading.Thread:
        """Start loading the chosen plans in a background thread (the app's lifespan calls this).

        With a limit of 0 there is nothing to load: the worker is ready at once, before it takes its first request.
        """
        if self.limit <= 0:
            self.seconds = 0.0
            self.done.set()
        thread = threading.Thread(target=self.run, args=(app,), name="renkei-warm-up", daemon=True)
        thread.start()
        return thread

    def run(self, app: Any) -> None:
        """Load each chosen plan's default snapshot into the app's cache, then mark the warm-up done."""
        started = time.perf_counter()
        cache = app.state.portal_cache
        try:
            with app.state.session_factory() as session:
                plans = repository.list_plans(session=session)
            kept = cache.files.kept_plans() if cache.files is not None else frozenset()
            chosen = choose_plans(plans, kept=kept, limit=self.limit)
            self.planned = [p.area_slug for p in chosen]
            for plan in chosen:
                with app.state.session_factory() as session:  # one read per plan: no transaction held throughout
                    load_portal(session=session, cache=cache, fingerprint=app.state.read_version(plan.area_slug),
                                area_slug=plan.area_slug)
                self.loaded.append(plan.area_slug)
        except Exception as exc:  # the requests build what is missing instead; say why here
            self.failed = exc.__class__.__name__
            log.exception("ページデータの事前準備に失敗しました / the warm-up failed")
        finally:
            self.seconds = time.perf_counter() - started
            self.done.set()
            log.info("warm-up done: %d of %d plans in %.2f s", len(self.loaded), len(self.planned), self.seconds)
