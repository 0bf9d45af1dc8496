"""Streamed uploads and the upload job state machine through real servers on SQLite.

* A ~50 MB upload streams to disk: the server's peak RSS (``VmHWM``) grows by far less than the
  file, and the file lands in the blob store under its SHA-256.
* An upload over the limit is refused with 413 and leaves no spool file or blob behind.
* Jobs go ``queued`` → ``processing`` (with progress) → ``done`` | ``failed``; re-uploading
  bytes whose job failed starts a new job.
* kill -9 while a job is processing: after the restart the job's lease expires, it is taken
  again (attempt 2) and finishes.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import time
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from tests.api.builders import assert_problem, daily_csv, upload
from tests.api.conftest import Launched, Server, launch

MB = 1024 * 1024
#: Peak RSS growth allowed for a 50 MB upload (it would be > 50 MB if the body were held).
RSS_BOUND = 40 * MB


def _vm_hwm(pid: int) -> int:
    """The process's peak resident set size in bytes (``VmHWM`` in ``/proc/<pid>/status``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _wait(c: httpx.Client, upload_id: str, until: set[str], timeout: float = 120) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        body: dict = c.get(f"/v1/uploads/{upload_id}").json()  # type: ignore[type-arg]
        if body["status"] in until:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def many_csv_zip(members: int, *, seed: int = 0) -> bytes:
    """A zip of ``members`` one-day generic CSVs: slow to read (each member is a file)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in range(members):
            d = date(2020, 1, 1) + timedelta(days=i)
            z.writestr(f"days/{i:05d}.csv", f"date,steps\n{d},{1000 + i + seed}\n")
    return buf.getvalue()


@pytest.fixture
def big_server(tmp_path: Path) -> Iterator[Launched]:
    """A SQLite server taking uploads up to 100 MB (jobs above 0.25 MB)."""
    launched = launch(
        f"sqlite:///{tmp_path / 'r.db'}", "sqlite-big", tmp_path, {"READINESS_MAX_UPLOAD_MB": "100"}
    )
    yield launched
    launched.stop()


def test_a_50_mb_upload_streams_with_bounded_memory(big_server: Launched, tmp_path: Path) -> None:
    server, pid = big_server.server, big_server.proc.pid
    a = server.athlete("stream")
    payload = tmp_path / "big.bin"
    chunk = hashlib.sha256(b"seed").digest() * (MB // 32)
    digest = hashlib.sha256()
    with payload.open("wb") as fh:
        fh.write(b"not an export\n")
        digest.update(b"not an export\n")
        for _ in range(50):
            fh.write(chunk)
            digest.update(chunk)
    with server.client(a.key) as c:
        warm = upload(c, daily_csv(a.today(), days=600, pad=500), "warm.csv")  # a job, warmed up
        assert warm.status_code == 202, warm.text
        assert _wait(c, warm.json()["id"], {"done", "failed"})["status"] == "done"
        baseline = _vm_hwm(pid)
        with payload.open("rb") as fh:
            r = c.post("/v1/uploads", files={"file": ("big.bin", fh, "application/octet-stream")})
        assert r.status_code == 202, r.text
        body = r.json()
        assert body["sha256"] == digest.hexdigest() and body["bytes"] == payload.stat().st_size
        # not an export: its job fails on the first bytes it reads, with the problem
        done = _wait(c, body["id"], {"done", "failed"})
    grown = _vm_hwm(pid) - baseline
    print(
        f"peak RSS growth for a 50 MB upload: {grown / MB:.1f} MB (baseline {baseline / MB:.0f} MB)"
    )
    assert grown < RSS_BOUND, f"peak RSS grew by {grown / MB:.1f} MB for a 50 MB upload"
    assert done["status"] == "failed" and done["error"]["status"] == 415, done
    data_dir = tmp_path / "readiness-data"
    sha = digest.hexdigest()
    blob = data_dir / "blobs" / sha[:2] / sha[2:]
    assert blob.stat().st_size == payload.stat().st_size
    assert _files_under(data_dir / "spool") == []


def test_over_the_limit_is_413_and_leaves_nothing(sqlite_server: Server) -> None:
    a = sqlite_server.athlete("limit")
    data_dir = sqlite_server.log.parent / "readiness-data"
    before = _files_under(data_dir / "blobs")
    big = b"date,steps\n" + b"2026-01-01,1\n" * (3 * MB // 13)  # 3 MB, the limit is 1 MB
    with sqlite_server.client(a.key) as c:
        body = assert_problem(upload(c, big, "big.csv"), 413)
        assert body["max_bytes"] == MB
        assert c.get("/v1/uploads").json()["count"] == 0
    assert _files_under(data_dir / "spool") == []
    assert _files_under(data_dir / "blobs") == before


def test_job_states_and_a_failed_job_uploaded_again(sqlite_server: Server) -> None:
    a = sqlite_server.athlete("states")
    with sqlite_server.client(a.key) as c:
        pad = daily_csv(a.today(), days=40, pad=8000)
        r = upload(c, pad, "padded.csv")
        assert r.status_code == 202, r.text
        first = r.json()
        assert first["status"] == "queued" and first["started_at"] is None
        assert r.headers["location"] == f"/v1/uploads/{first['id']}"
        seen = {first["status"]}
        deadline = time.monotonic() + 120
        while True:
            body = c.get(f"/v1/uploads/{first['id']}").json()
            seen.add(body["status"])
            if body["status"] in ("done", "failed"):
                break
            assert time.monotonic() < deadline, body
            time.sleep(0.02)
        assert body["status"] == "done" and body["days"] == 40, body
        assert seen <= {"queued", "processing", "done"}
        assert body["progress_bytes"] == len(pad) and body["attempts"] == 1
        assert body["queued_at"] <= body["started_at"] <= body["finished_at"]

        # a file that cannot be read: the job fails with the problem; the same bytes again
        # start a new job (not the failed upload)
        broken = daily_csv(a.today(), days=40, pad=8000).replace(b"nocturnal", b"nocturnal,x", 1)
        r = upload(c, broken, "broken.csv")
        assert r.status_code == 202, r.text
        failed = _wait(c, r.json()["id"], {"done", "failed"})
        assert failed["status"] == "failed" and failed["error"]["status"] == 422, failed
        assert failed["finished_at"] and failed["attempts"] == 1
        again = upload(c, broken, "broken.csv")
        assert again.status_code == 202 and again.json()["id"] != failed["id"]
        assert again.json()["status"] == "queued"
        assert _wait(c, again.json()["id"], {"done", "failed"})["status"] == "failed"
        ids = [u["id"] for u in c.get("/v1/uploads").json()["data"]]
        assert failed["id"] not in ids and again.json()["id"] in ids


def test_kill_9_while_processing_then_restart_finishes_the_job(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    env = {"READINESS_JOB_LEASE_S": "1", "READINESS_BACKGROUND_MB": "0.05"}
    first = launch(url, "sqlite-crash", tmp_path, env)
    data = many_csv_zip(1200)
    try:
        a = first.server.athlete("crash")
        with first.server.client(a.key) as c:
            r = upload(c, data, "days.zip")
            assert r.status_code == 202, r.text
            upload_id = r.json()["id"]
            body = _wait(c, upload_id, {"processing", "done", "failed"})
            assert body["status"] == "processing", body
            os.kill(first.proc.pid, signal.SIGKILL)
            first.proc.wait()
    finally:
        first.stop()
    second = launch(url, "sqlite-crash", tmp_path, env)
    try:
        with second.server.client(a.key) as c:
            body = _wait(c, upload_id, {"done", "failed"}, timeout=300)
            assert body["status"] == "done", body
            assert body["attempts"] == 2 and body["days"] == 1200
            assert (
                c.get("/v1/days", params={"start": "2020-01-01", "end": "2020-12-31"}).json()[
                    "count"
                ]
                == 366
            )
    finally:
        second.stop()
