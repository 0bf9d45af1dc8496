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

:class:`VerifiedKeys` goes one step further for the daily endpoints: an API key checked against
the database within the last ``READINESS_AUTH_CACHE_S`` (1 s) is taken, with the athlete's data
version read then, without asking the database again — a request whose entry is cached needs no
database and no worker thread. Writes made by this process (:data:`WRITES`, bumped when a
change of an athlete's data, keys or account commits) retire the athlete's verified keys at
once, so the process's own writes are seen by its next read; a write made by another process (a
job worker, another API process) is seen within that second, and so is a revoked key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cachetools import LRUCache

__all__ = [
    "DEFAULT_AUTH_CACHE_S",
    "DEFAULT_ENTRIES",
    "MISSING",
    "WRITES",
    "ReadCache",
    "VerifiedKeys",
    "VersionKey",
    "WriteSequence",
    "minute_of",
]

#: Entries kept per process (a day object's JSON is ≈ 4 KB: ≈ 16 MB at most).
DEFAULT_ENTRIES = 4096

#: How long a key verified against the database is taken without asking it again.
DEFAULT_AUTH_CACHE_S = 1.0

T = TypeVar("T")


class _Missing:
    """What :meth:`ReadCache.peek` answers for an entry it does not hold."""


MISSING = _Missing()


@dataclass(frozen=True, slots=True)
class VersionKey:
    """What a day object depends on besides the day: the athlete's data version and profile.

    ``created`` tells apart two athletes that got the same id: SQLite hands a deleted athlete's
    id to the next one created, whose data version can match, and that athlete must never be
    served the deleted one's cached objects.
    """

    athlete_id: int
    data_version: int
    timezone: str
    hr_rest: float | None
    hr_max: float | None
    sex: str | None
    created: datetime | None = None


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
        found = self.peek(key, item)
        if found is not MISSING:
            return found  # type: ignore[return-value]
        full = (key, item)
        with self._lock:
            flight = self._flights.setdefault(full, threading.Lock())
        with flight:
            found = self.peek(key, item)  # computed while this request waited
            if found is not MISSING:
                return found  # type: ignore[return-value]
            with self._lock:
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

    def peek(self, key: VersionKey, item: Hashable) -> object:
        """The cached value of ``item`` at ``key``, or :data:`MISSING` (nothing computed)."""
        full = (key, item)
        with self._lock:
            if full in self._entries:
                self.hits += 1
                return self._entries[full]
        return MISSING

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class WriteSequence:
    """A process-wide counter of committed writes, and the count at each athlete's last one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._last: dict[int, int] = {}

    def now(self) -> int:
        """The count so far (taken before a read, to tell whether a write came after it)."""
        return self._count

    def bump(self, athlete_id: int) -> None:
        """A change of ``athlete_id``'s data, keys or account committed in this process."""
        with self._lock:
            self._count += 1
            self._last[athlete_id] = self._count

    def written_after(self, athlete_id: int, count: int) -> bool:
        return self._last.get(athlete_id, 0) > count


#: This process's writes (bumped by ``readiness.api.services.readiness.changing`` and the
#: account changes on commit).
WRITES = WriteSequence()


@dataclass(frozen=True, slots=True)
class _Verified:
    key: VersionKey
    at: float
    count: int


class VerifiedKeys:
    """API keys (by hash) verified against the database in the last ``ttl_s``, with the
    athlete's version key as read then. ``ttl_s`` 0 keeps nothing."""

    def __init__(
        self,
        ttl_s: float = DEFAULT_AUTH_CACHE_S,
        writes: WriteSequence = WRITES,
        entries: int = DEFAULT_ENTRIES,
    ) -> None:
        self._ttl_s = ttl_s
        self._writes = writes
        self._by_hash: LRUCache[str, _Verified] = LRUCache(maxsize=max(1, entries))
        self._renewing: set[str] = set()
        self._lock = threading.Lock()

    def before_check(self) -> int:
        """Call before reading the key's row; pass the answer to :meth:`remember`."""
        return self._writes.now()

    def remember(self, key_hash: str, key: VersionKey, count: int) -> None:
        if self._ttl_s > 0:
            with self._lock:
                self._by_hash[key_hash] = _Verified(key, time.monotonic(), count)
                self._renewing.discard(key_hash)

    def recall(self, key_hash: str) -> VersionKey | None:
        """The version key of a key verified less than ``ttl_s`` ago with no write of its
        athlete by this process since, else ``None`` (check it against the database).

        Past half of ``ttl_s``, one caller is answered ``None`` (it checks the database and
        :meth:`remember` renews the entry) while the others still use the entry, so a busy key
        is renewed by one request instead of all of them at its expiry."""
        now = time.monotonic()
        with self._lock:
            found = self._by_hash.get(key_hash)
            if found is None or now - found.at >= self._ttl_s:
                self._renewing.discard(key_hash)
                return None
            if self._writes.written_after(found.key.athlete_id, found.count):
                return None
            if now - found.at >= self._ttl_s / 2 and key_hash not in self._renewing:
                self._renewing.add(key_hash)
                return None
        return found.key
