"""One writer per athlete, reads that never write: on PostgreSQL with two API processes,
concurrent uploads of overlapping files and check-ins while ``GET /v1/readiness/today`` is
hammered give no 5xx, lose nothing, and leave tables and readiness identical to a sequential
import of the same data.

(Before: ``today`` upserted its evaluation while an upload re-scored, and the upload failed
with ``UniqueViolation readiness_pkey``; pairwise merging made the tables depend on order.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.api.builders import Athlete, checkins_csv, daily_csv, sessions_csv, upload
from tests.api.conftest import Server, _postgres_url, _start

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    """Two API processes on one PostgreSQL schema (as two workers behind a balancer)."""
    for url in _postgres_url():
        a = tmp_path_factory.mktemp("pg-a")
        b = tmp_path_factory.mktemp("pg-b")
        for first in _start(url, "postgres-a", a):
            for second in _start(url, "postgres-b", b):
                yield first, second


def _files(end: date) -> list[tuple[str, bytes]]:
    """Overlapping exports: nightly CSVs whose ranges overlap (same source, values differ),
    workouts, and check-ins."""
    files = [
        (f"daily-{k}.csv", daily_csv(end - timedelta(days=4 * k), days=24, seed=k))
        for k in range(6)
    ]
    files.append(("sessions.csv", sessions_csv(end, days=30)))
    files.append(("checkins.csv", checkins_csv(end, days=12)))
    return files


def _entries(end: date) -> list[tuple[date, dict[str, Any]]]:
    return [(end - timedelta(days=2 * i), {"soreness": 1 + i % 5, "pain": 1}) for i in range(6)]


def _tables(c: httpx.Client, start: date, end: date) -> dict[str, Any]:
    params = {"start": str(start), "end": str(end), "limit": 366}
    out = {}
    for path in ("/v1/days", "/v1/sessions", "/v1/checkins", "/v1/readiness"):
        r = c.get(path, params=params)
        assert r.status_code == 200, r.text
        out[path] = r.json()
    return out


@pytest.mark.parametrize("round_", range(2))
def test_concurrent_writes_with_hammered_reads(
    two_servers: tuple[Server, Server], round_: int
) -> None:
    servers = two_servers
    concurrent: Athlete = servers[0].athlete("concurrent")
    sequential: Athlete = servers[0].athlete("sequential")
    end = concurrent.today() - timedelta(days=1)
    files, entries = _files(end), _entries(end)

    statuses: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def note(what: str, r: httpx.Response) -> None:
        with lock:
            statuses.append((what, r.status_code, r.text[:300]))

    def send_upload(i: int) -> None:
        name, body = files[i]
        with servers[i % 2].client(concurrent.key) as c:
            note(f"upload {name}", upload(c, body, name))

    def send_checkin(i: int) -> None:
        day, values = entries[i]
        with servers[(i + 1) % 2].client(concurrent.key) as c:
            note(f"checkin {day}", c.post("/v1/checkins", json={"date": str(day), **values}))

    done = threading.Event()
    reads = [0]

    def hammer(k: int) -> None:
        with servers[k % 2].client(concurrent.key) as c:
            while not done.is_set():
                r = c.get("/v1/readiness/today")
                if r.status_code != 404:  # 404 until the first upload has landed
                    note("today", r)
                with lock:
                    reads[0] += 1

    readers = [threading.Thread(target=hammer, args=(k,)) for k in range(4)]
    for t in readers:
        t.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            jobs = [pool.submit(send_upload, i) for i in range(len(files))]
            jobs += [pool.submit(send_checkin, i) for i in range(len(entries))]
            for job in jobs:
                job.result()
    finally:
        done.set()
        for t in readers:
            t.join()

    failures = [s for s in statuses if s[1] >= 500]
    assert failures == []
    writes = [s for s in statuses if s[0] != "today"]
    assert [code for what, code, _ in writes if what.startswith("upload")] == [201] * len(files)
    assert all(code in (200, 201) for what, code, _ in writes if what.startswith("checkin"))
    assert reads[0] >= 8 and any(s[0] == "today" and s[1] == 200 for s in statuses)

    with servers[0].client(sequential.key) as c:
        for name, body in files:
            assert upload(c, body, name).status_code == 201
        for day, values in entries:
            r = c.post("/v1/checkins", json={"date": str(day), **values})
            assert r.status_code in (200, 201)
    start = end - timedelta(days=60)
    with servers[1].client(concurrent.key) as c:
        got = _tables(c, start, end)
    with servers[0].client(sequential.key) as c:
        expected = _tables(c, start, end)
    for path in expected:
        assert got[path] == expected[path], path
    assert got["/v1/readiness"]["count"] > 40 and len(got["/v1/checkins"]["data"]) >= 12
