"""A listing's matching projects and facets, computed once per (plan snapshot, filter) and reused for every page.

A list of 10,000 projects asked page by page (``?limit=50&offset=N``) used to filter every project and count every
facet value again for each page, although neither depends on the page. Both depend only on the snapshot
(``Portal``: one plan, data version and year, never changed once built) and on the filter, so they are kept here,
keyed by the snapshot *object* and the filter: a new data version is a new snapshot, which no kept entry matches.
An entry holds the snapshot weakly, so a snapshot the portal's cache let go is not kept alive by its listings.
The least recently used entries are forgotten first (``size``).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from renkei.web.readmodel import Portal

V = TypeVar("V")

#: Listings kept (one per filter, language and snapshot): a few hundred kB each at 10,000 projects.
MAX_LISTINGS = 32


class ListingMemo(Generic[V]):
    """A bounded store of values keyed by (snapshot, key).

    >>> class Snapshot: ...  # stands in for a Portal
    >>> memo: ListingMemo[str] = ListingMemo(size=2)
    >>> snapshot = Snapshot()
    >>> memo.get(snapshot, "all", lambda: "counted"), memo.get(snapshot, "all", lambda: "again"), memo.computed
    ('counted', 'counted', 1)
    >>> memo.get(Snapshot(), "all", lambda: "another snapshot"), memo.computed
    ('another snapshot', 2)
    >>> memo.peek(snapshot, "all"), memo.peek(snapshot, "some"), memo.peek(Snapshot(), "all")
    (('counted',), None, None)
    """

    def __init__(self, size: int = MAX_LISTINGS) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[int, Hashable], tuple[weakref.ref[Portal], V]] = OrderedDict()
        self._lock = threading.Lock()
        #: How many values were computed (the tests look at it).
        self.computed = 0

    def peek(self, portal: Portal, key: Hashable) -> tuple[V] | None:
        """Return the value kept for this snapshot and key in a 1-tuple, or None when there is none (nothing is
        computed: a caller on the event loop computes it in a thread with :meth:`get`)."""
        with self._lock:
            found = self._entries.get((id(portal), key))
            if found is not None and found[0]() is portal:
                self._entries.move_to_end((id(portal), key))
                return (found[1],)
        return None

    def get(self, portal: Portal, key: Hashable, compute: Callable[[], V]) -> V:
        """Return the value kept for this snapshot and key, computing it with ``compute()`` the first time."""
        entry = (id(portal), key)
        with self._lock:
            found = self._entries.get(entry)
            # the snapshot itself, not another that reuses a freed one's id
            if found is not None and found[0]() is portal:
                self._entries.move_to_end(entry)
                return found[1]
        value = compute()
        with self._lock:
            self.computed += 1
            self._entries[entry] = (weakref.ref(portal), value)
            self._entries.move_to_end(entry)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value
