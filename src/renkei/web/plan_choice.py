"""The plan a page shows, chosen without counting projects on every request: each area's plans kept per data version.

Listing an area's plans counts the active projects of each (``store.repository.list_plans``), which costs time in
proportion to the plan's size: at 10,000 projects it was most of a project page's fixed cost. Which plan a request
shows, and what the listing says, change only with the area's data (an import, a new edition, a renamed area), so
the listing is kept per (area, data version) and read again only when the version moves. The version is the one
the HTTP cache and the ETags read (``web/data_version.py``), so every worker agrees on it.
"""

from __future__ import annotations

from collections.abc import Hashable

from sqlalchemy.orm import Session

from renkei.store.portal_queries import current_plan
from renkei.store.repository import PlanSummary, list_plans
from renkei.web.kept_by_version import KeptByVersion

#: Listings kept (one per area and data version; an area's older versions are never asked for again).
MAX_LISTINGS = 1024


class PlanChoices:
    """Each area's plans as listed, keyed by the area's data version: any change to the data is a new key."""

    def __init__(self, size: int = MAX_LISTINGS) -> None:
        self._kept: KeptByVersion[tuple[PlanSummary, ...]] = KeptByVersion(size)

    @property
    def reads(self) -> int:
        """Return how many times the plans were listed from the database (the tests and benchmarks look at it)."""
        return self._kept.reads

    def plans(self, *, session: Session, area_slug: str | None, version: Hashable) -> tuple[PlanSummary, ...]:
        """Return the area's plans (every plan without an area) as of this data version, listing them once."""
        return self._kept.get(area_slug, version, lambda: tuple(list_plans(session=session, area_slug=area_slug)))

    def choose(self, *, session: Session, area_slug: str | None, version: Hashable,
               plan_key: str | None = None) -> PlanSummary | None:
        """Return the plan with this key, or the area's current plan; None when there is none
        (what :func:`renkei.store.portal_queries.choose_plan` answers, without listing the plans again)."""
        return _choose(self.plans(session=session, area_slug=area_slug, version=version), plan_key)

    def choose_kept(self, *, area_slug: str | None, version: Hashable, plan_key: str | None = None
                    ) -> tuple[PlanSummary | None] | None:
        """Return what :meth:`choose` would in a 1-tuple when the plans of this version are kept; else None (the
        database is not read: call :meth:`choose` off the event loop)."""
        kept = self._kept.peek(area_slug, version)
        return (_choose(kept[0], plan_key),) if kept is not None else None


def _choose(plans: tuple[PlanSummary, ...], plan_key: str | None) -> PlanSummary | None:
    if plan_key is not None:
        return next((p for p in plans if p.plan_key == plan_key), None)
    return current_plan(plans)
