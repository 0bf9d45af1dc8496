"""The upload job table in-process on SQLite: claims under a lease, lost leases, retries.

Instants are passed explicitly (``now``), so lease expiry is decided without waiting.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from readiness.api.errors import failure_body
from readiness.api.services import uploads as uploads_module
from readiness.api.services.accounts import create_athlete, get_athlete
from readiness.api.services.jobs import TableWorker, interrupted_problem
from readiness.api.services.uploads import Outcome, Received, UploadService
from readiness.api.storage.blobs import BlobStore
from readiness.api.storage.engine import Database
from readiness.api.storage.jobs import claim_next, fail_expired, heartbeat, owns
from readiness.api.storage.models import Upload, utcnow
from readiness.api.storage.unit_of_work import unit_of_work

from tests.api.builders import daily_csv

LEASE = timedelta(seconds=30)


def _service(db: Database, tmp_path: Path, attempts: int = 3) -> UploadService:
    return UploadService(
        db.sessions, 1, failure=failure_body, blobs=BlobStore(tmp_path / "data"), attempts=attempts
    )


def _queued(db: Database, service: UploadService, tmp_path: Path, days: int = 10) -> str:
    """A queued upload of a ``days``-day CSV; returns its id."""
    with unit_of_work(db.sessions) as work:
        athlete, _ = create_athlete(work, name=f"j{days}", timezone="Europe/Oslo")
    path = tmp_path / f"d{days}.csv"
    path.write_bytes(daily_csv(date(2026, 3, 1), days=days))
    with unit_of_work(db.sessions) as work:
        a = get_athlete(work, athlete.id)
        assert a is not None
        upload, outcome = service.submit(work, a, Received.from_path(path))
    assert outcome is Outcome.ACCEPTED and upload.status == "queued"
    return upload.id


def _row(db: Database, upload_id: str) -> Upload:
    with db.sessions() as s:
        row = s.get(Upload, upload_id)
        assert row is not None
        return row


def test_a_queued_job_is_claimed_once(db: Database, tmp_path: Path) -> None:
    upload_id = _queued(db, _service(db, tmp_path), tmp_path)
    now = utcnow()
    with unit_of_work(db.sessions) as work:
        first = claim_next(work.session, now=now, lease=LEASE)
    with unit_of_work(db.sessions) as work:
        second = claim_next(work.session, now=now, lease=LEASE)
    assert first is not None and first.upload_id == upload_id and first.attempt == 1
    assert second is None  # processing, heartbeat fresh: nobody else takes it
    row = _row(db, upload_id)
    assert row.status == "processing" and row.started_at is not None


def test_an_expired_lease_is_taken_again_and_the_old_worker_loses_it(
    db: Database, tmp_path: Path
) -> None:
    service = _service(db, tmp_path)
    upload_id = _queued(db, service, tmp_path)
    now = utcnow()
    with unit_of_work(db.sessions) as work:
        dead = claim_next(work.session, now=now, lease=LEASE)
    later = now + LEASE + timedelta(seconds=1)
    with unit_of_work(db.sessions) as work:
        again = claim_next(work.session, now=later, lease=LEASE)
    assert dead is not None and again is not None and again.attempt == 2
    with unit_of_work(db.sessions) as work:
        assert not heartbeat(work.session, dead, now=later, progress_bytes=5)
        assert owns(work.session, dead) is None
    assert service.run_claimed(dead) == "lost"  # its write is refused
    assert _row(db, upload_id).status == "processing"
    assert service.run_claimed(again) == "done"
    row = _row(db, upload_id)
    assert row.status == "done" and row.attempts == 2 and row.days == 10


def test_the_last_attempt_expiring_fails_the_job(db: Database, tmp_path: Path) -> None:
    upload_id = _queued(db, _service(db, tmp_path), tmp_path)
    now = utcnow()
    for attempt in range(1, 4):
        with unit_of_work(db.sessions) as work:
            claim = claim_next(work.session, now=now, lease=LEASE)
        assert claim is not None and claim.attempt == attempt
        now += LEASE + timedelta(seconds=1)
    with unit_of_work(db.sessions) as work:
        failed = fail_expired(
            work.session, now=now, lease=LEASE, attempts=3, problem=interrupted_problem(3)
        )
        assert claim_next(work.session, now=now, lease=LEASE) is None
    row = _row(db, upload_id)
    assert failed == [upload_id] and row.status == "failed" and row.error == interrupted_problem(3)


def test_an_unexpected_error_is_retried_then_fails(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = _service(db, tmp_path, attempts=2)
    worker = TableWorker(service, lease=LEASE, attempts=2)
    upload_id = _queued(db, service, tmp_path)
    real = uploads_module.read_for
    calls = {"n": 0}

    def flaky(*args: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("the shared volume went away")
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(uploads_module, "read_for", flaky)
    assert worker.run_one() == "queued"
    row = _row(db, upload_id)
    assert row.status == "queued" and row.attempts == 1 and row.error is not None
    assert worker.run_one() == "done"
    row = _row(db, upload_id)
    assert row.status == "done" and row.attempts == 2 and row.error is None
    assert worker.run_one() is None

    other = _queued(db, service, tmp_path, days=12)
    monkeypatch.setattr(uploads_module, "read_for", lambda *a, **k: 1 / 0)
    assert worker.run_one() == "queued"
    assert worker.run_one() == "failed"
    row = _row(db, other)
    assert row.status == "failed" and row.attempts == 2 and row.error["status"] == 500
