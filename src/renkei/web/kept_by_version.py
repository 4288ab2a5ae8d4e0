"""Values kept per data version: read from the database once per (key, version), then answered from memory.

What a page needs besides its plan's snapshot — an area's members, an area's list of plans — changes only with the
area's data, and the data version (``web/data_version.py``, the one the HTTP cache and the ETags read) moves with any
such change. So it is read once per (key, version) and kept; a moved version replaces the key's earlier one (a
version only moves forward: the earlier one is never asked for again), and beyond the size the least recently used
keys are forgotten first. Every worker reads the same versions, so they agree on what they answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class KeptByVersion(Generic[V]):
    """A bounded store of values keyed by (key, data version), one version per key.

    >>> kept: KeptByVersion[str] = KeptByVersion(size=2)
    >>> kept.get("a", 1, lambda: "read"), kept.get("a", 1, lambda: "read again"), kept.reads
    ('read', 'read', 1)
    >>> kept.get("a", 2, lambda: "version 2"), kept.reads, len(kept)
    ('version 2', 2, 1)
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[Hashable, Hashable], V] = OrderedDict()
        #: The version kept for each key.
        self._versions: dict[Hashable, Hashable] = {}
        self._lock = threading.Lock()
        #: How many times a value was read (the tests and benchmarks look at it).
        self.reads = 0

    def peek(self, key: Hashable, version: Hashable) -> tuple[V] | None:
        """Return the value kept for (key, version) in a 1-tuple, or None when it was not read yet (nothing is read).

        >>> kept: KeptByVersion[str | None] = KeptByVersion(size=2)
        >>> kept.peek("a", 1), kept.get("a", 1, lambda: None), kept.peek("a", 1), kept.peek("a", 2)
        (None, None, (None,), None)
        """
        entry = (key, version)
        with self._lock:
            if entry in self._entries:
                self._entries.move_to_end(entry)
                return (self._entries[entry],)
        return None

    def get(self, key: Hashable, version: Hashable, read: Callable[[], V]) -> V:
        """Return the value kept for (key, version), reading it with ``read()`` the first time."""
        entry = (key, version)
        with self._lock:
            if entry in self._entries:
                self._entries.move_to_end(entry)
                return self._entries[entry]
        value = read()
        with self._lock:
            self.reads += 1
            earlier = self._versions.get(key)
            if earlier is not None and earlier != version:
                self._entries.pop((key, earlier), None)
            self._versions[key] = version
            self._entries[entry] = value
            self._entries.move_to_end(entry)
            while len(self._entries) > self._size:
                (dropped, _), _ = self._entries.popitem(last=False)
                self._versions.pop(dropped, None)
        return value

    def __len__(self) -> int:
        return len(self._entries)
