"""The PostgreSQL tier as deployed: ``readiness serve --workers 2 --no-worker`` (two API
processes) and two ``readiness worker`` processes, all real subprocesses on one fresh schema
and one data folder, with every upload a queued job (``READINESS_BACKGROUND_MB`` tiny), so the
job workers do all the reading.

* 10 rounds, each with a fresh athlete: 8 concurrent uploads of overlapping files (generated
  nightly CSVs whose ranges overlap, workouts, check-ins, and sample FIT files — HRV status,
  wellness, sleep and a run — of days the CSVs also hold) and concurrent check-ins, while
  threads hammer ``GET /v1/readiness/today``. No answer is a 5xx; every job ends ``done``; no
  row is lost or doubled; ``/v1/days``, ``/v1/sessions``, ``/v1/checkins`` and
  ``/v1/readiness`` equal a sequential import of the same files into another athlete.
* kill -9 the worker running a long job of such a round: procrastinate's stalled-job check hands
  it back, the other worker finishes it (attempt 2), and the round's tables still equal the
  sequential import.

(Before: ``today`` upserted its evaluation while an upload re-scored, and the upload failed
with ``UniqueViolation readiness_pkey``; pairwise merging made the tables depend on order.)
Skipped, with the reason, when no PostgreSQL server answers (see ``tests/api/conftest.py``).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.builders import Athlete, checkins_csv, daily_csv, sessions_csv, upload
from tests.api.conftest import PINNED_NOW, Launched, _postgres_url, launch, server_env

pytestmark = pytest.mark.postgres
FIT = Path(__file__).resolve().parents[3] / "sample_data" / "fit"
#: Every upload is a job (the smallest sample FIT file has 319 bytes); a 2 s lease finds a
#: dead worker fast; the clock pinned after the sample FIT files' dates.
ENV = {
    "READINESS_JOB_LEASE_S": "2",
    "READINESS_BACKGROUND_MB": "0.0002",
    "READINESS_MAX_UPLOAD_MB": "16",
    "READINESS_NOW": PINNED_NOW,
}
END = date(2026, 3, 9)  # the day before the pinned today
START = END - timedelta(days=60)
ROUNDS = 10
#: Members of the long job's zip (a few seconds of reading: time to kill its worker).
LONG = 400
#: The sample's evening runs (no workout of sessions.csv overlaps them).
RUNS = sorted(FIT.glob("activity/*T18-00_running.fit"))
Files = list[tuple[str, bytes]]
Entries = list[tuple[date, dict[str, Any]]]


@dataclass
class Cluster:
    api: Launched
    workers: list[tuple[subprocess.Popen[bytes], Path]]
    workdir: Path
    url: str

    def start_worker(self) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.workdir / f"worker-{len(self.workers) + 1}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "readiness.api.cli", "worker", "--concurrency", "1"],
                env=server_env(self.url, ENV),
                cwd=self.workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.workers.append((proc, log))
        return proc, log


def _serving_children(pid: int) -> list[int]:
    """The uvicorn server processes the ``readiness serve`` supervisor ``pid`` spawned."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    out = []
    for child in map(int, children):
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        if b"resource_tracker" not in cmdline:
            out.append(child)
    return out


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    workdir = tmp_path_factory.mktemp("pg-cluster")
    for url in _postgres_url():
        serve = [sys.executable, "-m", "readiness.api.cli", "serve", "--port", "{port}"]
        api = launch(
            url, "postgres-cluster", workdir, ENV, [*serve, "--workers", "2", "--no-worker"]
        )
        cluster = Cluster(api, [], workdir, url)
        try:
            deadline = time.monotonic() + 30
            while len(_serving_children(api.proc.pid)) < 2:
                assert time.monotonic() < deadline, "serve --workers 2 runs fewer than 2 servers"
                time.sleep(0.1)
            cluster.start_worker()
            cluster.start_worker()
            yield cluster
        finally:
            for proc, _ in cluster.workers:
                if proc.poll() is None:
                    proc.terminate()
            for proc, _ in cluster.workers:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            api.stop()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _files(round_: int) -> Files:
    """8 overlapping exports: three nightly CSVs whose ranges overlap (same source, values
    differ), workouts, check-ins, and one day's HRV status, wellness and (zipped) sleep FIT
    files plus an evening run from the sample — days the CSVs also hold."""
    files = [
        (f"daily-{k}.csv", daily_csv(END - timedelta(days=4 * k), days=24, seed=round_ * 10 + k))
        for k in range(3)
    ]
    files.append(("sessions.csv", sessions_csv(END, days=30, seed=round_)))
    files.append(("checkins.csv", checkins_csv(END, days=12)))
    day = END - timedelta(days=2 + 2 * round_)
    files.append((f"{day}_HRV_STATUS.fit", (FIT / f"hrv/{day}_HRV_STATUS.fit").read_bytes()))
    files.append((f"{day}_WELLNESS.fit", (FIT / f"monitoring/{day}_WELLNESS.fit").read_bytes()))
    run = RUNS[round_ % len(RUNS)]
    sleep = FIT / f"sleep/{day}_SLEEP_DATA.fit"
    files.append(("garmin.zip", _zip({sleep.name: sleep.read_bytes(), run.name: run.read_bytes()})))
    return files


def _entries() -> Entries:
    return [(END - timedelta(days=2 * i), {"soreness": 1 + i % 5, "pain": 1}) for i in range(6)]


def _tables(c: httpx.Client, start: date = START, end: date = END) -> dict[str, Any]:
    params: dict[str, str | int] = {"start": str(start), "end": str(end), "limit": 366}
    out = {}
    for path in ("/v1/days", "/v1/sessions", "/v1/checkins", "/v1/readiness"):
        r = c.get(path, params=params)
        assert r.status_code == 200, r.text
        out[path] = r.json()
    return out


def _wait_done(c: httpx.Client, upload_id: str, timeout: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = c.get(f"/v1/uploads/{upload_id}")
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        if body["status"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def _sequential(cluster: Cluster, files: Files, entries: Entries) -> Athlete:
    """The reference: the same files one after the other (each job done before the next
    upload), then the check-ins, into a new athlete."""
    a = cluster.api.server.athlete("sequential")
    with cluster.api.server.client(a.key) as c:
        for name, body in files:
            r = upload(c, body, name)
            assert r.status_code == 202, r.text
            assert _wait_done(c, r.json()["id"])["status"] == "done"
        for day, values in entries:
            r = c.post("/v1/checkins", json={"date": str(day), **values})
            assert r.status_code in (200, 201), r.text
    return a


@dataclass
class Round:
    """What one concurrent round saw."""

    athlete: Athlete
    statuses: list[tuple[str, int, str]]
    uploads: dict[str, str]  # file name → upload id
    reads: int
    reference: Athlete


def _concurrent_round(
    cluster: Cluster,
    files: Files,
    entries: Entries,
    during: Callable[[Athlete, dict[str, str]], None] | None = None,
) -> Round:
    """Upload ``files`` and post ``entries`` at once (8 threads) while 2 threads read
    ``today``, and import the same into a reference athlete meanwhile; wait until every job
    ended. ``during(athlete, uploads)`` runs once the uploads are accepted."""
    server = cluster.api.server
    concurrent = server.athlete("concurrent")
    statuses: list[tuple[str, int, str]] = []
    uploads: dict[str, str] = {}
    lock = threading.Lock()

    def note(what: str, r: httpx.Response) -> None:
        with lock:
            statuses.append((what, r.status_code, r.text[:300]))

    def send_upload(i: int) -> None:
        name, body = files[i]
        with server.client(concurrent.key) as c:
            r = upload(c, body, name)
            note(f"upload {name}", r)
            if r.status_code < 300:
                with lock:
                    uploads[name] = r.json()["id"]

    def send_checkin(i: int) -> None:
        day, values = entries[i]
        with server.client(concurrent.key) as c:
            note(f"checkin {day}", c.post("/v1/checkins", json={"date": str(day), **values}))

    done = threading.Event()
    reads = [0]

    def hammer() -> None:
        while not done.is_set():
            with server.client(concurrent.key) as c:  # a new connection: either API process
                for _ in range(10):
                    r = c.get("/v1/readiness/today")
                    if r.status_code != 404:  # 404 until the first upload has landed
                        note("today", r)
                    with lock:
                        reads[0] += 1
                    time.sleep(0.02)

    readers = [threading.Thread(target=hammer) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        with ThreadPoolExecutor(9) as pool:
            reference = pool.submit(_sequential, cluster, files, entries)
            jobs = [pool.submit(send_upload, i) for i in range(len(files))]
            jobs += [pool.submit(send_checkin, i) for i in range(len(entries))]
            for job in jobs:
                job.result()
            if during is not None:
                during(concurrent, uploads)
            with server.client(concurrent.key) as c:
                for name, upload_id in uploads.items():
                    body = _wait_done(c, upload_id)
                    assert body["status"] == "done", (name, body)
            ref = reference.result()
    finally:
        done.set()
        for t in readers:
            t.join()
    return Round(concurrent, statuses, uploads, reads[0], ref)


def _assert_round(
    cluster: Cluster,
    r: Round,
    files: Files,
    n_days: int = 32,
    retried: frozenset[str] = frozenset(),
) -> None:
    """No 5xx, every write accepted, every job done at its first attempt (but ``retried``: the
    file names of jobs whose worker was killed), nothing lost or doubled, tables equal the
    reference, and both API processes still serving."""
    assert [s for s in r.statuses if s[1] >= 500] == []
    writes = [s for s in r.statuses if s[0] != "today"]
    assert [code for what, code, _ in writes if what.startswith("upload")] == [202] * len(files)
    assert all(code in (200, 201) for what, code, _ in writes if what.startswith("checkin"))
    assert r.reads >= 8 and any(s[0] == "today" and s[1] == 200 for s in r.statuses)
    server = cluster.api.server
    with server.client(r.athlete.key) as c:
        listed = c.get("/v1/uploads", params={"limit": 100}).json()["data"]
        got = _tables(c)
    assert sorted(u["id"] for u in listed) == sorted(r.uploads.values())
    assert all(u["status"] == "done" for u in listed), listed
    first_try = {r.uploads[name] for name, _ in files if name not in retried}
    assert all(u["attempts"] == 1 for u in listed if u["id"] in first_try), listed
    with server.client(r.reference.key) as c:
        expected = _tables(c)
    for path in expected:
        assert got[path] == expected[path], path
    days = [d["date"] for d in got["/v1/days"]["data"]]
    assert days == sorted(set(days)) and len(days) == n_days  # the CSVs' END-31..END, once
    sessions = [s["start"] for s in got["/v1/sessions"]["data"]]
    assert len(sessions) == len(set(sessions)) == 15 + 1  # sessions.csv + the FIT run
    checkins = [c["date"] for c in got["/v1/checkins"]["data"]]
    assert checkins == sorted(set(checkins)) and len(checkins) >= 12
    assert got["/v1/readiness"]["count"] > 25
    assert cluster.api.proc.poll() is None and len(_serving_children(cluster.api.proc.pid)) == 2


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_uploads_on_two_api_and_two_job_workers(cluster: Cluster, round_: int) -> None:
    files = _files(round_)
    r = _concurrent_round(cluster, files, _entries())
    _assert_round(cluster, r, files)


def _long_zip(days: int) -> bytes:
    """A zip of ``days`` one-day CSVs ending at :data:`END` (slow to read: each member is a
    file), overlapping the round's nightly CSVs."""
    return _zip(
        {
            f"days/{i:05d}.csv": f"date,steps\n{END - timedelta(days=i)},{1000 + i}\n".encode()
            for i in range(days)
        }
    )


def test_kill_9_a_worker_mid_job_the_other_finishes_it(cluster: Cluster) -> None:
    # still 8 uploads: the long zip in place of a nightly CSV (the others span the same days)
    files = [f for f in _files(0) if f[0] != "daily-1.csv"] + [("long.zip", _long_zip(LONG))]
    victims: list[subprocess.Popen[bytes]] = []

    def kill_the_long_job(athlete: Athlete, uploads: dict[str, str]) -> None:
        upload_id = uploads["long.zip"]
        deadline = time.monotonic() + 60
        while not victims:
            assert time.monotonic() < deadline, "no worker started the long job"
            for proc, log in cluster.workers:
                if upload_id in log.read_text(errors="replace"):
                    victims.append(proc)
            time.sleep(0.02)
        with cluster.api.server.client(athlete.key) as c:
            while c.get(f"/v1/uploads/{upload_id}").json()["status"] != "processing":
                assert time.monotonic() < deadline, "the long job was never claimed"
                time.sleep(0.02)
        os.kill(victims[0].pid, signal.SIGKILL)
        victims[0].wait()

    r = _concurrent_round(cluster, files, _entries(), during=kill_the_long_job)
    _assert_round(
        cluster, r, files, n_days=61, retried=frozenset({"long.zip"})
    )  # the long zip fills START..END
    with cluster.api.server.client(r.athlete.key) as c:
        body = c.get(f"/v1/uploads/{r.uploads['long.zip']}").json()
    assert body["status"] == "done" and body["attempts"] == 2 and body["days"] == LONG, body
    survivor = next(log for proc, log in cluster.workers if proc is not victims[0])
    assert r.uploads["long.zip"] in survivor.read_text(errors="replace")
