"""Accept an upload: deduplicate by content, read it with ingest, store it in one transaction.

Small files are read and stored before the response (201). Files larger than
``READINESS_BACKGROUND_MB`` are recorded as ``processing`` and answered with 202; a worker thread
reads and stores them and the upload's ``status`` becomes ``done`` or ``failed`` (with the
problem) — ``GET /v1/uploads/{id}`` reports it. The same bytes again give the same upload (200).
Reading never touches the database, and the rows of one upload land in one transaction with the
readiness re-score, so a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Literal
from zoneinfo import ZoneInfo

from readiness.api.errors import from_ingest_error
from readiness.api.services.readiness import refresh
from readiness.api.storage.engine import lock_athlete
from readiness.api.storage.models import Athlete, Upload, utcnow
from readiness.api.storage.repositories import apply_result
from readiness.ingest import (
    AthleteProfile,
    IngestError,
    IngestResult,
    ReadOptions,
    read_bytes,
)
from readiness.ingest.registry import HEAD_BYTES, detect
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Outcome", "Received", "UploadService", "read_for"]

_log = logging.getLogger("readiness.api")
#: Warnings kept per upload; the rest are summarised in one last entry.
MAX_WARNINGS = 200


@dataclass(frozen=True, slots=True)
class Received:
    """An upload's bytes (as counted while streaming), its name and content hash."""

    data: bytes
    filename: str
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())


class Outcome(Enum):
    """What happened to an upload request; the value is the HTTP status."""

    CREATED = 201
    ACCEPTED = 202
    EXISTING = 200


def read_for(athlete: Athlete, received: Received) -> IngestResult:
    """Read an upload with the athlete's timezone and heart-rate profile (may raise)."""
    sex: Literal["male", "female"] | None = (
        "male" if athlete.sex == "male" else "female" if athlete.sex == "female" else None
    )
    options = ReadOptions(
        tz=ZoneInfo(athlete.timezone),
        profile=AthleteProfile(hr_rest=athlete.hr_rest, hr_max=athlete.hr_max, sex=sex),
    )
    return read_bytes(received.data, received.filename, options)


def _format_name(data: bytes) -> str | None:
    fmt = detect(data[:HEAD_BYTES])
    return fmt.name if fmt is not None else None


def _find(session: Session, athlete_id: int, sha: str) -> Upload | None:
    return session.scalars(
        select(Upload).where(Upload.athlete_id == athlete_id, Upload.sha256 == sha)
    ).one_or_none()


def _live_or_clear(session: Session, athlete_id: int, sha: str) -> Upload | None:
    """In a locked write: the stored upload of this content, unless it failed.

    A live one is returned with the write rolled back (nothing to store); a failed one is
    deleted so the content can be stored again, and ``None`` is returned.
    """
    existing = _find(session, athlete_id, sha)
    if existing is None:
        return None
    if existing.status != "failed":
        session.expunge(existing)  # keep its loaded state past the rollback
        session.rollback()
        return existing
    session.delete(existing)
    session.flush()
    return None


def _find_many(session: Session, athlete_id: int, shas: list[str]) -> list[Upload]:
    found: list[Upload] = []
    for i in range(0, len(shas), 500):
        found.extend(
            session.scalars(
                select(Upload).where(
                    Upload.athlete_id == athlete_id, Upload.sha256.in_(shas[i : i + 500])
                )
            )
        )
    return found


def _fill(upload: Upload, result: IngestResult) -> None:
    upload.status = "done"
    upload.days = len(result.daily)
    upload.sessions = len(result.sessions)
    upload.checkins = len(result.checkins)
    warnings = [w.to_dict() for w in result.warnings[:MAX_WARNINGS]]
    if len(result.warnings) > MAX_WARNINGS:
        more = len(result.warnings) - MAX_WARNINGS
        warnings.append({"file": upload.filename, "message": f"... and {more} more warning(s)"})
    upload.warnings = warnings
    upload.finished = utcnow()


@dataclass(frozen=True, slots=True)
class UploadService:
    """Upload handling bound to a session factory, a size threshold and a job executor.

    ``clock`` is the service's "now" (``Settings.current_time``): it decides the athlete's today
    when the readiness is re-scored after an upload. Row timestamps use the real clock.
    """

    sessions: sessionmaker[Session]
    background_bytes: int
    jobs: Executor
    clock: Callable[[], datetime] = utcnow

    def submit(self, athlete_id: int, received: Received) -> tuple[Upload, Outcome]:
        """Handle one upload (blocking: call it from a worker thread)."""
        sha = received.sha256
        with self.sessions() as s:
            existing = _find(s, athlete_id, sha)
            if existing is not None and existing.status != "failed":
                return existing, Outcome.EXISTING
            athlete = s.get(Athlete, athlete_id)
            assert athlete is not None
        if self.background_bytes and len(received.data) > self.background_bytes:
            return self._start_job(athlete, received)
        result = read_for(athlete, received)  # IngestError → 415/422, nothing written
        with self.sessions() as s, s.begin():
            lock_athlete(s, athlete_id)
            existing = _live_or_clear(s, athlete_id, sha)
            if existing is not None:
                return existing, Outcome.EXISTING
            upload = self._new(athlete_id, received, sha)
            _fill(upload, result)
            s.add(upload)
            s.flush()
            apply_result(s, athlete_id, [(upload.id, result)], tz=athlete.timezone)
            refresh(s, athlete_id, now=self.clock())
        return upload, Outcome.CREATED

    def submit_many(
        self, athlete_id: int, items: Sequence[Received], on_read: Callable[[Received], None]
    ) -> list[tuple[Received, Upload | IngestError, Outcome | None]]:
        """Import many files in one transaction (CLI import, demo): read each (a bad file is
        reported and skipped), then store every new upload and re-score once.

        ``on_read(item)`` is called after each file is read, for progress bars.
        """
        shas = [r.sha256 for r in items]
        with self.sessions() as s:
            athlete = s.get(Athlete, athlete_id)
            assert athlete is not None
            known = {u.sha256: u for u in _find_many(s, athlete_id, shas) if u.status != "failed"}
        out: list[tuple[Received, Upload | IngestError, Outcome | None]] = []
        fresh_items: list[tuple[Received, IngestResult]] = []
        seen: set[str] = set()
        for item, sha in zip(items, shas, strict=True):
            if sha in known or sha in seen:
                if sha in known:
                    out.append((item, known[sha], Outcome.EXISTING))
                on_read(item)
                continue
            seen.add(sha)
            try:
                fresh_items.append((item, read_for(athlete, item)))
            except IngestError as exc:
                out.append((item, exc, None))
            on_read(item)
        if not fresh_items:
            return out
        with self.sessions() as s, s.begin():
            lock_athlete(s, athlete_id)
            current = {u.sha256: u for u in _find_many(s, athlete_id, list(seen))}
            pairs: list[tuple[str, IngestResult]] = []
            for item, result in fresh_items:
                prior = current.get(item.sha256)
                if prior is not None and prior.status != "failed":
                    out.append((item, prior, Outcome.EXISTING))
                    continue
                if prior is not None:
                    s.delete(prior)
                    s.flush()
                upload = self._new(athlete_id, item, item.sha256)
                _fill(upload, result)
                s.add(upload)
                pairs.append((upload.id, result))
                out.append((item, upload, Outcome.CREATED))
            s.flush()
            apply_result(s, athlete_id, pairs, tz=athlete.timezone)
            refresh(s, athlete_id, now=self.clock())
        return out

    def _new(self, athlete_id: int, received: Received, sha: str) -> Upload:
        return Upload(
            id=uuid.uuid4().hex,
            athlete_id=athlete_id,
            sha256=sha,
            filename=received.filename[:255],
            bytes=len(received.data),
            format=_format_name(received.data),
            status="processing",
            days=0,
            sessions=0,
            checkins=0,
            warnings=[],
            created=utcnow(),
        )

    def _start_job(self, athlete: Athlete, received: Received) -> tuple[Upload, Outcome]:
        sha = received.sha256
        with self.sessions() as s, s.begin():
            lock_athlete(s, athlete.id)
            existing = _live_or_clear(s, athlete.id, sha)
            if existing is not None:
                return existing, Outcome.EXISTING
            upload = self._new(athlete.id, received, sha)
            s.add(upload)
        self.jobs.submit(self._run_job, athlete, upload.id, received)
        return upload, Outcome.ACCEPTED

    def _run_job(self, athlete: Athlete, upload_id: str, received: Received) -> None:
        try:
            result = read_for(athlete, received)
        except IngestError as exc:
            self._fail(upload_id, from_ingest_error(exc).body())
            return
        except Exception:  # a bug must not leave the upload "processing" forever
            _log.exception("upload %s: reading failed", upload_id)
            self._fail(upload_id, {"title": "Internal Server Error", "status": 500})
            return
        try:
            with self.sessions() as s, s.begin():
                lock_athlete(s, athlete.id)
                upload = s.get(Upload, upload_id)
                if upload is None:
                    return
                _fill(upload, result)
                apply_result(s, athlete.id, [(upload_id, result)], tz=athlete.timezone)
                refresh(s, athlete.id, now=self.clock())
        except Exception:
            _log.exception("upload %s: storing failed", upload_id)
            self._fail(upload_id, {"title": "Internal Server Error", "status": 500})

    def _fail(self, upload_id: str, problem: dict[str, object]) -> None:
        with self.sessions() as s, s.begin():
            s.execute(
                update(Upload)
                .where(Upload.id == upload_id)
                .values(status="failed", error=problem, finished=utcnow())
            )


def fail_interrupted(sessions: sessionmaker[Session], older_than: timedelta) -> int:
    """Mark uploads still ``processing`` after ``older_than`` as failed (the process died)."""
    cutoff = utcnow() - older_than
    with sessions() as s, s.begin():
        res = s.execute(
            update(Upload)
            .where(Upload.status == "processing", Upload.created < cutoff)
            .values(
                status="failed",
                error={"title": "Interrupted", "detail": "the server stopped; upload again"},
                finished=utcnow(),
            )
        )
        return int(getattr(res, "rowcount", 0) or 0)
