"""The per-process cache of served readiness (``readiness.api.services.read_cache``)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from readiness.api.services.read_cache import (
    ReadCache,
    VerifiedKeys,
    VersionKey,
    WriteSequence,
    minute_of,
)


def _key(version: int = 1, athlete: int = 7) -> VersionKey:
    return VersionKey(athlete, version, "Europe/Oslo", 50.0, 190.0, None)


def test_an_entry_is_computed_once_per_version() -> None:
    cache = ReadCache()
    calls: list[int] = []

    def compute(n: int) -> bytes:
        calls.append(n)
        return f"v{n}".encode()

    assert (
        cache.get_or_compute(_key(1), "d", lambda: compute(1), still_current=lambda: True) == b"v1"
    )
    assert (
        cache.get_or_compute(_key(1), "d", lambda: compute(9), still_current=lambda: True) == b"v1"
    )
    # a write moved the version: the old entry is never served for it
    assert (
        cache.get_or_compute(_key(2), "d", lambda: compute(2), still_current=lambda: True) == b"v2"
    )
    # another athlete, or the same athlete with another profile, is another key
    assert cache.get_or_compute(_key(2, 8), "d", lambda: compute(3), still_current=lambda: True)
    other_tz = VersionKey(7, 2, "UTC", 50.0, 190.0, None)
    assert cache.get_or_compute(other_tz, "d", lambda: compute(4), still_current=lambda: True)
    assert calls == [1, 2, 3, 4]
    assert (cache.hits, cache.misses) == (1, 4)


def test_a_value_read_while_a_write_committed_is_not_kept() -> None:
    cache = ReadCache()
    first = cache.get_or_compute(_key(), "d", lambda: b"torn", still_current=lambda: False)
    assert first == b"torn"  # served to that request, which read what it read
    again = cache.get_or_compute(_key(), "d", lambda: b"fresh", still_current=lambda: True)
    assert again == b"fresh"


def test_concurrent_misses_compute_once() -> None:
    cache = ReadCache()
    calls = 0
    start = threading.Barrier(16)
    results: list[bytes] = []

    def compute() -> bytes:
        nonlocal calls
        calls += 1
        time.sleep(0.2)
        return b"scored"

    def ask() -> None:
        start.wait()
        results.append(cache.get_or_compute(_key(), "t", compute, still_current=lambda: True))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == 1
    assert results == [b"scored"] * 16


def test_the_cache_is_bounded() -> None:
    cache = ReadCache(entries=3)
    for day in range(10):
        cache.get_or_compute(_key(), day, lambda: b"x", still_current=lambda: True)
    computed: list[int] = []
    for day in range(10):
        cache.get_or_compute(
            _key(), day, lambda d=day: computed.append(d) or b"x", still_current=lambda: True
        )
    assert len(computed) >= 7  # only the last three days were still held


def test_today_is_evaluated_at_the_start_of_its_minute() -> None:
    at = datetime(2026, 6, 1, 18, 42, 59, 999_999, tzinfo=UTC)
    assert minute_of(at) == datetime(2026, 6, 1, 18, 42, tzinfo=UTC)


def test_a_verified_key_is_taken_for_its_ttl_unless_its_athlete_wrote() -> None:
    writes = WriteSequence()
    keys = VerifiedKeys(ttl_s=0.4, writes=writes)
    assert keys.recall("h") is None
    keys.remember("h", _key(3), keys.before_check())
    assert keys.recall("h") == _key(3)
    writes.bump(99)  # another athlete's write
    assert keys.recall("h") == _key(3)
    writes.bump(7)  # this athlete's write, committed in this process
    assert keys.recall("h") is None
    # a write that committed while the key's row was being read retires the entry too
    count = keys.before_check()
    writes.bump(7)
    keys.remember("h", _key(3), count)
    assert keys.recall("h") is None
    keys.remember("h", _key(4), keys.before_check())
    time.sleep(0.45)
    assert keys.recall("h") is None  # past its ttl: ask the database


def test_past_half_its_ttl_one_caller_renews_a_verified_key() -> None:
    keys = VerifiedKeys(ttl_s=0.4, writes=WriteSequence())
    keys.remember("h", _key(), keys.before_check())
    time.sleep(0.25)
    answers = [keys.recall("h") for _ in range(5)]
    assert answers.count(None) == 1  # that one checks the database and renews
    keys.remember("h", _key(), keys.before_check())
    assert all(keys.recall("h") == _key() for _ in range(5))


def test_no_ttl_keeps_nothing() -> None:
    keys = VerifiedKeys(ttl_s=0, writes=WriteSequence())
    keys.remember("h", _key(), keys.before_check())
    assert keys.recall("h") is None
