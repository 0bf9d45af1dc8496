"""The PostgreSQL job queue with real processes: one API server (``--no-worker``) and two
``readiness worker`` processes sharing the database and the data folder.

* Several athletes upload at once: every job ends ``done``, no answer is a 5xx, and each
  athlete's stored days are exactly what was uploaded.
* kill -9 the worker running a job: procrastinate's stalled-job handling hands it back, the
  other worker finishes it (attempt 2).

Skipped, with the reason, when no PostgreSQL server answers (see ``tests/api/conftest.py``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.api.builders import upload
from tests.api.conftest import Launched, _postgres_url, launch, server_env
from tests.api.routes.test_jobs import many_csv_zip

pytestmark = pytest.mark.postgres
ENV = {"READINESS_JOB_LEASE_S": "2", "READINESS_BACKGROUND_MB": "0.01"}


@dataclass
class Cluster:
    api: Launched
    workers: list[tuple[subprocess.Popen[bytes], Path]]


def _worker(url: str, workdir: Path, n: int) -> tuple[subprocess.Popen[bytes], Path]:
    log = workdir / f"worker-{n}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "readiness.api.cli", "worker", "--concurrency", "1"],
            env=server_env(url, ENV),
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return proc, log


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    for url in _postgres_url():
        api = launch(url, "postgres-api", tmp_path, {**ENV, "READINESS_EMBEDDED_WORKER": "false"})
        workers = [_worker(url, tmp_path, n) for n in (1, 2)]
        try:
            yield Cluster(api, workers)
        finally:
            for proc, _ in workers:
                if proc.poll() is None:
                    proc.terminate()
            for proc, _ in workers:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            api.stop()


def _wait_done(c: httpx.Client, upload_id: str, timeout: float = 180) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        r = c.get(f"/v1/uploads/{upload_id}")
        assert r.status_code == 200, r.text
        body: dict = r.json()  # type: ignore[type-arg]
        if body["status"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def test_concurrent_uploads_on_two_workers_all_finish(cluster: Cluster) -> None:
    server = cluster.api.server
    athletes = [server.athlete(f"q{i}") for i in range(4)]
    files = [
        (a, many_csv_zip(120, seed=i * 10 + k), k) for i, a in enumerate(athletes) for k in (0, 1)
    ]

    def send(item: tuple[object, bytes, int]) -> tuple[str, int, str]:
        a, data, k = item
        with server.client(a.key) as c:  # type: ignore[attr-defined]
            r = upload(c, data, f"days-{k}.zip")
            return a.key, r.status_code, r.json().get("id", "")  # type: ignore[attr-defined]

    with ThreadPoolExecutor(8) as pool:
        sent = list(pool.map(send, files))
    assert all(code == 202 for _, code, _ in sent), sent
    for key, _, upload_id in sent:
        with server.client(key) as c:
            body = _wait_done(c, upload_id)
            assert body["status"] == "done" and body["days"] == 120, body
            assert c.get("/v1/readiness/today").status_code < 500
    for i, a in enumerate(athletes):
        with server.client(a.key) as c:
            params = {"start": "2020-01-01", "end": "2020-06-30", "limit": 366}
            days = c.get("/v1/days", params=params).json()
        assert days["count"] == 120
        # both files hold the same 120 days (steps 1000 + day + seed): each day from one of them
        for n, d in enumerate(days["data"]):
            assert d["steps"] in {1000 + n + i * 10, 1000 + n + i * 10 + 1}, d


def test_kill_9_a_worker_mid_job_the_other_finishes_it(cluster: Cluster) -> None:
    server = cluster.api.server
    a = server.athlete("crash")
    with server.client(a.key) as c:
        r = upload(c, many_csv_zip(1200), "days.zip")
        assert r.status_code == 202, r.text
        upload_id = r.json()["id"]
        deadline = time.monotonic() + 60
        victim = None
        while victim is None:
            assert time.monotonic() < deadline, "no worker started the job"
            for proc, log in cluster.workers:
                if upload_id in log.read_text(errors="replace"):
                    victim = proc
            time.sleep(0.05)
        while c.get(f"/v1/uploads/{upload_id}").json()["status"] != "processing":
            assert time.monotonic() < deadline, "the job was never claimed"
            time.sleep(0.02)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        body = _wait_done(c, upload_id, timeout=300)
    assert body["status"] == "done", body
    assert body["attempts"] == 2 and body["days"] == 1200
    survivor = next(log for proc, log in cluster.workers if proc is not victim)
    assert upload_id in survivor.read_text(errors="replace")
