"""The process's cache of served readiness: the JSON of a day object, kept per data version.

A day's object is a pure function of the athlete's data (``data_version`` moves with every write
of it, in the write's own transaction), the athlete's profile (timezone and heart) and the day —
and, for today, the instant of the evaluation. So an entry's key holds all of them, and an entry
is never invalidated: a write makes a new version, whose key misses, and old entries age out of
the LRU. Every request still reads the athlete's row (its key is checked anyway), which gives
the current version, so several API processes and job workers need no shared cache or message.

An entry is stored only when the athlete's version is the same after the read as before it: a
write that committed in between (READ COMMITTED on PostgreSQL) cannot put its rows under the
older version's key.

Today is evaluated at the start of the current minute (warmth counts whole minutes since the
last bout), so one athlete's today is scored at most once a minute per process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cachetools import LRUCache

__all__ = ["DEFAULT_ENTRIES", "ReadCache", "VersionKey", "minute_of"]

#: Entries kept per process (a day object's JSON is ≈ 4 KB: ≈ 16 MB at most).
DEFAULT_ENTRIES = 4096

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class VersionKey:
    """What a day object depends on besides the day: the athlete's data version and profile."""

    athlete_id: int
    data_version: int
    timezone: str
    hr_rest: float | None
    hr_max: float | None
    sex: str | None


def minute_of(instant: datetime) -> datetime:
    """``instant`` truncated to its minute (the instant today's warmth is evaluated at)."""
    return instant.replace(second=0, microsecond=0)


class ReadCache:
    """A thread-safe LRU of computed values, each under its athlete's :class:`VersionKey`."""

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        self._entries: LRUCache[Hashable, object] = LRUCache(maxsize=max(1, entries))
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get_or_compute(
        self,
        key: VersionKey,
        item: Hashable,
        compute: Callable[[], T],
        *,
        still_current: Callable[[], bool],
    ) -> T:
        """The value of ``item`` at ``key``: cached, or ``compute()``-d and kept when
        ``still_current()`` says the athlete's version did not move meanwhile.

        Concurrent misses of one entry compute it once: the others wait for that computation
        (after a write, every open dashboard asks again at once)."""
        full = (key, item)
        with self._lock:
            if full in self._entries:
                self.hits += 1
                return self._entries[full]  # type: ignore[return-value]
            flight = self._flights.setdefault(full, threading.Lock())
        with flight:
            with self._lock:
                if full in self._entries:  # computed while this request waited
                    self.hits += 1
                    return self._entries[full]  # type: ignore[return-value]
                self.misses += 1
            try:
                value = compute()
                if still_current():
                    with self._lock:
                        self._entries[full] = value
            finally:
                with self._lock:
                    self._flights.pop(full, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
