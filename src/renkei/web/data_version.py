"""The data version of each area's pages: what the HTTP cache, the ETags and the page data are keyed by.

Every public request reads the store's fingerprint (one cheap query over every plan). An area's own fingerprint
follows its plans, projects and KPIs, so it costs more; it is read only after the store's fingerprint has moved, and
kept per area until it moves again. A change in one area therefore leaves every other area's version — and so its
ETags, cached pages and page data — as they were. The calendar's default year is part of the version: it moves on
1 April with no data change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import date

from sqlalchemy import Engine

from renkei.domain.fiscal import latest_ended_fiscal_year
from renkei.store.portal_queries import read_area_fingerprint, read_store_fingerprint

#: Areas whose version is kept (the least recently asked for is forgotten first; asking again reads it again).
MAX_AREAS = 4096


class DataVersions:
    """Read the data version of an area's pages (``None``: the pages of no area, such as the list of areas)."""

    def __init__(self, engine: Engine, *, max_areas: int = MAX_AREAS) -> None:
        self.engine = engine
        self.max_areas = max_areas
        self._areas: OrderedDict[str, tuple[Hashable, Hashable]] = OrderedDict()
        self._lock = threading.Lock()
        #: How many times an area's own fingerprint was read (the tests and benchmarks look at it).
        self.area_reads = 0

    def __call__(self, area: str | None = None) -> Hashable:
        today = date.today()
        default_year = latest_ended_fiscal_year(today.year, today.month, today.day)
        with self.engine.connect() as connection:
            store = read_store_fingerprint(connection=connection)
            if area is None:
                return store, default_year
            with self._lock:
                known = self._areas.get(area)
                if known is not None and known[0] == store:
                    self._areas.move_to_end(area)
                    return known[1], default_year
            version = read_area_fingerprint(connection=connection, area_slug=area)
        with self._lock:
            self.area_reads += 1
            self._areas[area] = (store, version)
            self._areas.move_to_end(area)
            while len(self._areas) > self.max_areas:
                self._areas.popitem(last=False)
        return version, default_year
