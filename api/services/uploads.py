"""Accept an upload: deduplicate by content, read it with ingest, store it in one transaction.

Small files are read and stored at once (:attr:`Outcome.CREATED`). Files larger than
``READINESS_BACKGROUND_MB`` are recorded as ``processing`` (:attr:`Outcome.ACCEPTED`); a worker
thread reads and stores them and the upload's ``status`` becomes ``done`` or ``failed`` (with the
problem). The same bytes again give the same upload (:attr:`Outcome.EXISTING`).
Reading never writes to the database, and the rows of one upload land in the caller's unit of
work with the readiness re-score, so a failure leaves nothing behind. A background job opens its
own unit of work; it is started once the request's unit has committed the upload's row.

The upload's ``format`` is the one ingest read it as (``IngestResult.format``); a background
upload has none until its job has read it.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum, auto
from typing import Literal
from zoneinfo import ZoneInfo

from readiness.api.services.errors import MissingError
from readiness.api.services.readiness import changed_since, changing
from readiness.api.storage.models import Athlete, Upload, utcnow
from readiness.api.storage.repositories import apply_result, page_rows
from readiness.api.storage.unit_of_work import UnitOfWork, unit_of_work
from readiness.ingest import (
    AthleteProfile,
    IngestError,
    IngestResult,
    ReadOptions,
    read_bytes,
)
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "Outcome",
    "Received",
    "UploadService",
    "fail_interrupted",
    "read_for",
    "upload_of",
    "uploads_page",
]

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
    """What happened to an upload: stored now, accepted for a background job, or stored before."""

    CREATED = auto()
    ACCEPTED = auto()
    EXISTING = auto()


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


def _find(session: Session, athlete_id: int, sha: str) -> Upload | None:
    return session.scalars(
        select(Upload).where(Upload.athlete_id == athlete_id, Upload.sha256 == sha)
    ).one_or_none()


def _live_or_clear(work: UnitOfWork, athlete_id: int, sha: str) -> Upload | None:
    """In a locked write: the stored upload of this content, unless it failed.

    A live one is returned with the write discarded (nothing to store); a failed one is
    deleted so the content can be stored again, and ``None`` is returned.
    """
    session = work.session
    existing = _find(session, athlete_id, sha)
    if existing is None:
        return None
    if existing.status != "failed":
        session.expunge(existing)  # keep its loaded state past the rollback
        work.discard()
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
    upload.format = result.format
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
    """Upload handling bound to a size threshold and a job executor.

    Uploads are stored in the caller's unit of work; a background job opens its own from
    ``sessions``. ``failure`` words the problem stored on a job that failed (the API's problem
    body of the exception). ``clock`` is the service's "now" (``Settings.current_time``): it
    decides the athlete's today when the readiness is re-scored after an upload. Row timestamps
    use the real clock.
    """

    sessions: sessionmaker[Session]
    background_bytes: int
    jobs: Executor
    failure: Callable[[Exception], dict[str, object]]
    clock: Callable[[], datetime] = utcnow

    def submit(
        self, work: UnitOfWork, athlete: Athlete, received: Received
    ) -> tuple[Upload, Outcome]:
        """Handle one upload (blocking: call it from a worker thread)."""
        sha = received.sha256
        existing = _find(work.session, athlete.id, sha)
        if existing is not None and existing.status != "failed":
            return existing, Outcome.EXISTING
        if self.background_bytes and len(received.data) > self.background_bytes:
            return self._start_job(work, athlete.id, received)
        result = read_for(athlete, received)  # an IngestError propagates: nothing written
        athlete_id = athlete.id
        with changing(work, athlete_id, now=self.clock()) as s:
            existing = _live_or_clear(work, athlete_id, sha)
            if existing is not None:
                return existing, Outcome.EXISTING
            upload = _new(athlete_id, received)
            _fill(upload, result)
            s.add(upload)
            s.flush()
            changed_since(
                s, apply_result(s, athlete_id, [(upload.id, result)], tz=athlete.timezone)
            )
        return upload, Outcome.CREATED

    def submit_many(
        self,
        work: UnitOfWork,
        athlete_id: int,
        items: Sequence[Received],
        on_read: Callable[[Received], None],
    ) -> list[tuple[Received, Upload | IngestError, Outcome | None]]:
        """Import many files in one unit of work (CLI import, demo): read each (a bad file is
        reported and skipped), then store every new upload and re-score once.

        ``on_read(item)`` is called after each file is read, for progress bars.
        """
        shas = [r.sha256 for r in items]
        athlete = work.session.get(Athlete, athlete_id)
        assert athlete is not None
        known = {
            u.sha256: u for u in _find_many(work.session, athlete_id, shas) if u.status != "failed"
        }
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
        with changing(work, athlete_id, now=self.clock()) as s:
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
                upload = _new(athlete_id, item)
                _fill(upload, result)
                s.add(upload)
                pairs.append((upload.id, result))
                out.append((item, upload, Outcome.CREATED))
            s.flush()
            changed_since(s, apply_result(s, athlete_id, pairs, tz=athlete.timezone))
        return out

    def _start_job(
        self, work: UnitOfWork, athlete_id: int, received: Received
    ) -> tuple[Upload, Outcome]:
        work.lock_athlete(athlete_id)
        existing = _live_or_clear(work, athlete_id, received.sha256)
        if existing is not None:
            return existing, Outcome.EXISTING
        upload = _new(athlete_id, received)
        work.session.add(upload)
        work.session.flush()
        upload_id = upload.id
        work.after_commit(lambda: self._submit_job(athlete_id, upload_id, received))
        return upload, Outcome.ACCEPTED

    def _submit_job(self, athlete_id: int, upload_id: str, received: Received) -> None:
        self.jobs.submit(self._run_job, athlete_id, upload_id, received)

    def _run_job(self, athlete_id: int, upload_id: str, received: Received) -> None:
        """Read and store a background upload in its own unit of work; on any failure the
        upload is marked failed with its problem."""
        step = "reading"
        try:
            with unit_of_work(self.sessions) as work:
                athlete = work.session.get(Athlete, athlete_id)
                assert athlete is not None
                result = read_for(athlete, received)
                step = "storing"
                with changing(work, athlete_id, now=self.clock()) as s:
                    upload = s.get(Upload, upload_id)
                    if upload is None:
                        work.discard()
                        return
                    _fill(upload, result)
                    first = apply_result(s, athlete_id, [(upload_id, result)], tz=athlete.timezone)
                    changed_since(s, first)
        except Exception as exc:  # a bug must not leave the upload "processing" forever
            if not isinstance(exc, IngestError):
                _log.exception("upload %s: %s failed", upload_id, step)
            self._fail(upload_id, self.failure(exc))

    def _fail(self, upload_id: str, problem: dict[str, object]) -> None:
        with unit_of_work(self.sessions) as work:
            work.session.execute(
                update(Upload)
                .where(Upload.id == upload_id)
                .values(status="failed", error=problem, finished=utcnow())
            )


def _new(athlete_id: int, received: Received) -> Upload:
    """A new upload row, ``processing`` until it is filled from what was read."""
    return Upload(
        id=uuid.uuid4().hex,
        athlete_id=athlete_id,
        sha256=received.sha256,
        filename=received.filename[:255],
        bytes=len(received.data),
        format=None,
        status="processing",
        days=0,
        sessions=0,
        checkins=0,
        warnings=[],
        created=utcnow(),
    )


def uploads_page(
    work: UnitOfWork, athlete_id: int, *, limit: int, offset: int
) -> tuple[list[Upload], int]:
    """One page of the athlete's uploads, newest first, and their count."""
    return page_rows(
        work.session,
        Upload,
        (Upload.athlete_id == athlete_id,),
        (Upload.created.desc(), Upload.id),
        limit=limit,
        offset=offset,
    )


def upload_of(work: UnitOfWork, athlete_id: int, upload_id: str) -> Upload:
    """The athlete's upload ``upload_id`` (``MissingError`` when they have none of that id)."""
    upload = work.session.scalars(
        select(Upload).where(Upload.id == upload_id, Upload.athlete_id == athlete_id)
    ).one_or_none()
    if upload is None:
        raise MissingError(f"no upload {upload_id!r}")
    return upload


def fail_interrupted(sessions: sessionmaker[Session], older_than: timedelta) -> int:
    """Mark uploads still ``processing`` after ``older_than`` as failed (the process died)."""
    cutoff = utcnow() - older_than
    with unit_of_work(sessions) as work:
        res = work.session.execute(
            update(Upload)
            .where(Upload.status == "processing", Upload.created < cutoff)
            .values(
                status="failed",
                error={"title": "Interrupted", "detail": "the server stopped; upload again"},
                finished=utcnow(),
            )
        )
        return int(getattr(res, "rowcount", 0) or 0)
