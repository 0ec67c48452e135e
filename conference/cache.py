"""One thread-safe LRU cache for everything the app keeps in memory: rendered pages, calendars, events.

gunicorn's threads share a process: every read and write of a cache holds its lock. A key names
everything the value depends on (for pages and calendars: `store.versions(db, conf)`, which carries
the database file, the timetable's and the plan's change counters and the reminder setting), so a
kept value is never stale: a change makes new keys, and old entries fall out of the LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_MISSING = object()


class LRU(Generic[V]):
    """At most `maxsize` entries (and, with `max_weight`, at most that much total `weight(value)`)."""

    def __init__(self, maxsize: int, *, max_weight: int | None = None, weight: Callable[[V], int] = len):
        self.maxsize, self.max_weight, self._weight = maxsize, max_weight, weight
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._total = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, default=None):
        with self._lock:
            value = self._data.get(key, _MISSING)
            if value is _MISSING:
                self.misses += 1
                return default
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: V) -> None:
        cost = self._weight(value) if self.max_weight is not None else 0
        if self.max_weight is not None and cost > self.max_weight:
            return  # larger than the whole cache: not kept
        with self._lock:
            old = self._data.pop(key, _MISSING)
            if old is not _MISSING and self.max_weight is not None:
                self._total -= self._weight(old)
            self._data[key] = value
            self._total += cost
            while len(self._data) > self.maxsize or (self.max_weight is not None and self._total > self.max_weight):
                _key, dropped = self._data.popitem(last=False)
                if self.max_weight is not None:
                    self._total -= self._weight(dropped)

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        """The kept value for `key`, else `build()` kept and returned (built outside the lock:
        two threads may build the same value once each; both results are equal)."""
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = build()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._total = 0

    def __len__(self) -> int:
        return len(self._data)

    @property
    def weight(self) -> int:
        """The total weight of what is kept (0 without max_weight)."""
        return self._total

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data
