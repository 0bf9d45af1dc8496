"""The upload job table's queries: claim a job under a lease, beat its heartbeat, end it.

An upload row is its own job (``uploads.status``: ``queued`` → ``processing`` → ``done`` |
``failed``). A worker *claims* a job by moving it to ``processing`` and bumping ``attempts`` in
one conditional ``UPDATE`` (it wins only if the row is still as it saw it, so two workers never
both win — on SQLite and PostgreSQL alike); the new ``attempts`` value is the worker's token.
While it works it bumps ``heartbeat_at``; a ``processing`` job whose heartbeat is older than the
lease belonged to a worker that died and is claimed again, until ``attempts`` reaches the limit
and it is ``failed``. A worker's heartbeat and final write only count while its token is the
row's ``attempts`` (:func:`owns`), so a worker that lost its lease cannot overwrite the job.
A job is not claimed while another job of the same athlete is live (one job per athlete at once).
Callers own the transaction (the unit of work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from readiness.api.storage.models import Upload
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

__all__ = [
    "Claim",
    "claim_next",
    "claim_upload",
    "end_job",
    "fail_expired",
    "heartbeat",
    "owns",
    "requeue",
]


@dataclass(frozen=True, slots=True)
class Claim:
    """A job a worker holds: the upload, its athlete, file, and the worker's token."""

    upload_id: str
    athlete_id: int
    sha256: str
    filename: str
    size: int
    attempt: int


def _expired(cutoff: datetime) -> Any:
    return and_(
        Upload.status == "processing",
        or_(Upload.heartbeat_at.is_(None), Upload.heartbeat_at < cutoff),
    )


def fail_expired(
    session: Session, *, now: datetime, lease: timedelta, attempts: int, problem: dict[str, Any]
) -> list[str]:
    """Fail the jobs whose worker died on their last attempt; returns their upload ids."""
    dead = and_(_expired(now - lease), Upload.attempts >= attempts)
    failed: list[str] = []
    for upload_id in session.scalars(select(Upload.id).where(dead)).all():
        res = session.execute(
            update(Upload)
            .where(Upload.id == upload_id, dead)
            .values(status="failed", error=problem, finished=now)
        )
        if getattr(res, "rowcount", 0) == 1:
            failed.append(upload_id)
    return failed


def claim_next(session: Session, *, now: datetime, lease: timedelta) -> Claim | None:
    """Take the oldest queued (or expired) job of an athlete with no live job, if any."""
    cutoff = now - lease
    busy = select(Upload.athlete_id).where(
        Upload.status == "processing", Upload.heartbeat_at >= cutoff
    )
    candidates = session.execute(
        select(Upload.id, Upload.status, Upload.attempts)
        .where(or_(Upload.status == "queued", _expired(cutoff)))
        .where(Upload.athlete_id.not_in(busy))
        .order_by(Upload.created, Upload.id)
        .limit(8)
    ).all()
    for upload_id, status, attempts in candidates:
        claim = _take(session, upload_id, status, attempts, now)
        if claim is not None:
            return claim
    return None


def claim_upload(session: Session, upload_id: str, *, now: datetime) -> Claim | None:
    """Take the job of ``upload_id`` (a queue's task names it) unless it has ended.

    The queue decides that no other worker runs it (its lock and stalled-job handling); a
    ``processing`` row here belonged to a worker that died, and is taken again."""
    row = session.execute(
        select(Upload.status, Upload.attempts).where(Upload.id == upload_id)
    ).one_or_none()
    if row is None or row[0] not in ("queued", "processing"):
        return None
    return _take(session, upload_id, row[0], row[1], now)


def _take(
    session: Session, upload_id: str, status: str, attempts: int, now: datetime
) -> Claim | None:
    """Move the job to ``processing`` if it is still as seen (``status``, ``attempts``)."""
    res = session.execute(
        update(Upload)
        .where(Upload.id == upload_id, Upload.status == status, Upload.attempts == attempts)
        .values(
            status="processing",
            attempts=attempts + 1,
            started_at=now,
            heartbeat_at=now,
            progress_bytes=0,
        )
    )
    if getattr(res, "rowcount", 0) != 1:
        return None
    row = session.execute(
        select(Upload.athlete_id, Upload.sha256, Upload.filename, Upload.bytes).where(
            Upload.id == upload_id
        )
    ).one()
    return Claim(upload_id, row[0], row[1], row[2], row[3], attempts + 1)


def _mine(claim: Claim) -> Any:
    return and_(
        Upload.id == claim.upload_id,
        Upload.status == "processing",
        Upload.attempts == claim.attempt,
    )


def heartbeat(session: Session, claim: Claim, *, now: datetime, progress_bytes: int) -> bool:
    """Extend the claim's lease and record its progress; ``False`` when the job is no longer
    the caller's (taken again after its lease expired, or deleted)."""
    res = session.execute(
        update(Upload).where(_mine(claim)).values(heartbeat_at=now, progress_bytes=progress_bytes)
    )
    return getattr(res, "rowcount", 0) == 1


def owns(session: Session, claim: Claim) -> Upload | None:
    """The claim's upload row if the job is still the caller's, else ``None``."""
    return session.scalars(select(Upload).where(_mine(claim))).one_or_none()


def end_job(session: Session, claim: Claim, *, now: datetime, problem: dict[str, Any]) -> bool:
    """Mark the claim's job failed with ``problem`` (if it is still the caller's)."""
    res = session.execute(
        update(Upload).where(_mine(claim)).values(status="failed", error=problem, finished=now)
    )
    return getattr(res, "rowcount", 0) == 1


def requeue(session: Session, claim: Claim, *, problem: dict[str, Any]) -> bool:
    """Put the claim's job back in the queue (another attempt), keeping the last problem."""
    res = session.execute(
        update(Upload).where(_mine(claim)).values(status="queued", error=problem, heartbeat_at=None)
    )
    return getattr(res, "rowcount", 0) == 1
