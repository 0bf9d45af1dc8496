"""Accept an upload: deduplicate by content, read it with ingest, store it in one transaction.

An upload arrives as a file in the blob store (the route streams the body into a spool file
that is counted and hashed, never held in memory) or, for the CLI, as a file on disk: a
:class:`Received` names the file, never its bytes. An archive is first checked against the zip
caps from its central directories (ingest's ``check_archive``), so a refused one answers 422 at
once and leaves no blob, job or row. Small files are read and stored at once
(:attr:`Outcome.CREATED`). Files larger than ``READINESS_BACKGROUND_MB`` become a job: the
upload row is ``queued`` (:attr:`Outcome.ACCEPTED`) and a job worker
(:mod:`readiness.api.services.jobs`) takes it to ``processing`` and then ``done`` or ``failed``
(with the problem) through :meth:`UploadService.run_claimed`. The same bytes again give the
same upload (:attr:`Outcome.EXISTING`) unless it failed: then a new job starts.
Reading never writes to the database, and the rows of one upload land in one unit of work with
the readiness re-score, so a failure leaves nothing behind.

The upload's ``format`` is the one ingest read it as (``IngestResult.format``); a queued
upload has none until its job has read it.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, auto
from pathlib import Path
from typing import BinaryIO, Literal
from zoneinfo import ZoneInfo

from readiness.api.services.errors import MissingError
from readiness.api.services.readiness import changed_since, changing
from readiness.api.services.webhooks.events import emit, upload_data
from readiness.api.settings import Settings
from readiness.api.storage.blobs import Blob, BlobStore, Spool
from readiness.api.storage.erasure import forget_jobs, unreferenced
from readiness.api.storage.jobs import Claim, end_job, owns, requeue
from readiness.api.storage.models import Athlete, Upload, utcnow
from readiness.api.storage.repositories import apply_result, page_rows, remove_upload
from readiness.api.storage.unit_of_work import UnitOfWork, unit_of_work
from readiness.ingest import (
    AthleteProfile,
    IngestError,
    IngestResult,
    ReadOptions,
    check_archive,
    read_stream,
)
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "Outcome",
    "Received",
    "UploadService",
    "announce_failed",
    "forget_blobs",
    "read_for",
    "upload_of",
    "uploads_page",
]

_log = logging.getLogger("readiness.api")
#: Warnings kept per upload; the rest are summarised in one last entry.
MAX_WARNINGS = 200
HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Received:
    """An upload: the file holding it, the name it was sent as, its content hash and size."""

    path: Path
    filename: str
    sha256: str
    size: int

    @classmethod
    def from_path(cls, path: Path, filename: str | None = None) -> Received:
        """A file on disk, hashed as it is read in chunks."""
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return cls(path, filename or path.name, digest.hexdigest(), size)

    @classmethod
    def from_blob(cls, blob: Blob, filename: str) -> Received:
        """A file just stored in the blob store."""
        return cls(blob.path, filename, blob.sha256, blob.size)


class Outcome(Enum):
    """What happened to an upload: stored now, queued as a job, or stored before."""

    CREATED = auto()
    ACCEPTED = auto()
    EXISTING = auto()


def _options(athlete: Athlete) -> ReadOptions:
    sex: Literal["male", "female"] | None = (
        "male" if athlete.sex == "male" else "female" if athlete.sex == "female" else None
    )
    return ReadOptions(
        tz=ZoneInfo(athlete.timezone),
        profile=AthleteProfile(hr_rest=athlete.hr_rest, hr_max=athlete.hr_max, sex=sex),
    )


def read_for(
    athlete: Athlete, received: Received, opened: Callable[[BinaryIO], None] | None = None
) -> IngestResult:
    """Read an upload's file with the athlete's timezone and heart-rate profile (may raise).

    ``opened(fh)`` is called with the open file before it is read (a job watches its position
    to report progress)."""
    with received.path.open("rb") as fh:
        if opened is not None:
            opened(fh)
        return read_stream(fh, received.filename, _options(athlete))


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
    upload.error = None
    upload.progress_bytes = upload.bytes
    upload.days = len(result.daily)
    upload.sessions = len(result.sessions)
    upload.checkins = len(result.checkins)
    warnings = [w.to_dict() for w in result.warnings[:MAX_WARNINGS]]
    if len(result.warnings) > MAX_WARNINGS:
        more = len(result.warnings) - MAX_WARNINGS
        warnings.append({"file": upload.filename, "message": f"... and {more} more warning(s)"})
    upload.warnings = warnings
    upload.finished = utcnow()


def _no_notice(upload_id: str, athlete_id: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class UploadService:
    """Upload handling bound to a size threshold, a blob store and a job queue.

    Uploads are stored in the caller's unit of work; a job opens its own from ``sessions``.
    ``blobs`` holds the files of jobs (required to queue one). ``notify(upload_id,
    athlete_id)`` is called once a queued job is committed (it wakes the embedded worker, or
    defers the job on the PostgreSQL queue).
    ``attempts`` is how often a job is tried. ``failure`` words the problem stored on a job that
    failed (the API's problem body of the exception). ``clock`` is the service's "now"
    (``Settings.current_time``): it decides the athlete's today when the readiness is re-scored
    after an upload. Row timestamps use the real clock.
    """

    sessions: sessionmaker[Session]
    background_bytes: int
    failure: Callable[[Exception], dict[str, object]]
    clock: Callable[[], datetime] = utcnow
    blobs: BlobStore | None = None
    notify: Callable[[str, int], object] = _no_notice
    attempts: int = 3

    @classmethod
    def configured(
        cls,
        sessions: sessionmaker[Session],
        settings: Settings,
        failure: Callable[[Exception], dict[str, object]],
    ) -> UploadService:
        """The service as ``settings`` configure it (threshold, blob store, attempts, clock);
        ``notify`` is set by whoever runs the queue."""
        return cls(
            sessions,
            settings.background_bytes,
            failure=failure,
            clock=settings.current_time,
            blobs=BlobStore(settings.data_dir.resolve()),
            attempts=settings.job_attempts,
        )

    def spool(self) -> Spool:
        """A spool file in the blob store for a body being received."""
        assert self.blobs is not None, "no blob store configured"
        return self.blobs.spool()

    def receive(self, spool: Spool, filename: str) -> Received:
        """Move a received body into the blob store (blocking: call it from a worker thread).

        An archive is first checked against the zip caps from its central directories
        (``ArchiveError``, a 422 at once, before anything is stored or queued as a job)."""
        with spool.read_back() as fh:
            check_archive(fh, filename)
        return Received.from_blob(spool.commit(), filename)

    def submit(
        self, work: UnitOfWork, athlete: Athlete, received: Received
    ) -> tuple[Upload, Outcome]:
        """Handle one upload (blocking: call it from a worker thread)."""
        sha = received.sha256
        existing = _find(work.session, athlete.id, sha)
        if existing is not None and existing.status != "failed":
            return existing, Outcome.EXISTING
        if self.background_bytes and received.size > self.background_bytes:
            return self._queue(work, athlete.id, received)
        try:
            result = read_for(athlete, received)  # an IngestError propagates: nothing written
        except IngestError:
            self._drop_refused(work, received)
            raise
        athlete_id = athlete.id
        with changing(work, athlete_id, now=self.clock()) as s:
            existing = _live_or_clear(work, athlete_id, sha)
            if existing is not None:
                return existing, Outcome.EXISTING
            upload = _new(athlete_id, received)
            _fill(upload, result)
            s.add(upload)
            s.flush()
            emit(work, athlete_id, "upload.done", upload_data(upload))
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
            for _item, stored, how in out:
                if how is Outcome.CREATED and isinstance(stored, Upload):
                    emit(work, athlete_id, "upload.done", upload_data(stored))
            changed_since(s, apply_result(s, athlete_id, pairs, tz=athlete.timezone))
        return out

    def delete(self, work: UnitOfWork, athlete_id: int, upload_id: str) -> None:
        """Delete the athlete's upload ``upload_id``: its rows go, the athlete's tables are
        re-derived from the remaining uploads and re-scored in the same transaction, and its
        blob is removed once that is committed (unless another upload has the same content).

        An upload still ``queued`` or ``processing`` is cancelled: its waiting job is dropped,
        and a worker already reading it finds the upload gone and stores nothing.
        ``MissingError`` when the athlete has no such upload (also when it was just deleted).
        """
        upload_of(work, athlete_id, upload_id)  # 404 before taking the write lock
        with changing(work, athlete_id, now=self.clock()) as s:
            sha = s.scalar(
                select(Upload.sha256).where(Upload.id == upload_id, Upload.athlete_id == athlete_id)
            )
            if sha is None:  # deleted by a concurrent request meanwhile
                raise _missing(upload_id)
            forget_jobs(s, athlete_id, upload_id)
            changed_since(s, remove_upload(s, athlete_id, upload_id))
        forget_blobs(work, self.blobs, [sha])

    def _drop_refused(self, work: UnitOfWork, received: Received) -> None:
        """A file refused at once leaves nothing behind: its blob goes unless an upload (of
        any athlete) already holds the same bytes."""
        if self.blobs is None or received.path != self.blobs.path_of(received.sha256):
            return  # a file of the CLI's, not the service's
        if unreferenced(work.session, [received.sha256]):
            try:
                self.blobs.remove(received.sha256)
            except OSError:
                _log.warning("could not remove the blob %s", received.sha256, exc_info=True)

    def _queue(
        self, work: UnitOfWork, athlete_id: int, received: Received
    ) -> tuple[Upload, Outcome]:
        assert self.blobs is not None, "a job needs the blob store"
        if received.path != self.blobs.path_of(received.sha256):
            received = Received.from_blob(self.blobs.put_file(received.path), received.filename)
        work.lock_athlete(athlete_id)
        existing = _live_or_clear(work, athlete_id, received.sha256)
        if existing is not None:
            return existing, Outcome.EXISTING
        upload = _new(athlete_id, received)
        work.session.add(upload)
        work.session.flush()
        upload_id = upload.id
        work.after_commit(lambda: self._announce(upload_id, athlete_id))
        return upload, Outcome.ACCEPTED

    def _announce(self, upload_id: str, athlete_id: int) -> None:
        """Tell the queue about a committed job; if that fails, fail the job (never leave it
        queued with no worker told)."""
        try:
            self.notify(upload_id, athlete_id)
        except Exception as exc:
            _log.exception("upload %s: could not be queued", upload_id)
            with unit_of_work(self.sessions) as work:
                res = work.session.execute(
                    update(Upload)
                    .where(Upload.id == upload_id, Upload.status == "queued")
                    .values(status="failed", error=self.failure(exc), finished=utcnow())
                )
                if getattr(res, "rowcount", 0) == 1:
                    announce_failed(work, upload_id)

    def run_claimed(self, claim: Claim, watch: Callable[[BinaryIO], None] | None = None) -> str:
        """Read and store a claimed job in its own unit of work; returns its end state.

        A file that cannot be read fails the job with its problem (trying again would not
        help). Any other error puts the job back in the queue until its last attempt, then
        fails it. When the job is no longer the caller's (its lease expired and another worker
        took it), nothing is written and ``"lost"`` is returned. ``watch(fh)`` receives the open
        file (progress).
        """
        assert self.blobs is not None, "a job needs the blob store"
        step = "reading"
        try:
            with unit_of_work(self.sessions) as work:
                athlete = work.session.get(Athlete, claim.athlete_id)
                if athlete is None:
                    return "lost"
                path = self.blobs.path_of(claim.sha256)
                received = Received(path, claim.filename, claim.sha256, claim.size)
                result = read_for(athlete, received, watch)
                step = "storing"
                with changing(work, claim.athlete_id, now=self.clock()) as s:
                    upload = owns(s, claim)
                    if upload is None:
                        work.discard()
                        return "lost"
                    _fill(upload, result)
                    emit(work, claim.athlete_id, "upload.done", upload_data(upload))
                    first = apply_result(
                        s, claim.athlete_id, [(claim.upload_id, result)], tz=athlete.timezone
                    )
                    changed_since(s, first)
            return "done"
        except IngestError as exc:
            return self._end(claim, self.failure(exc), retry=False)
        except Exception as exc:  # a bug or an outage must not leave the job "processing"
            _log.exception(
                "upload %s: %s failed (attempt %d)", claim.upload_id, step, claim.attempt
            )
            return self._end(claim, self.failure(exc), retry=claim.attempt < self.attempts)

    def _end(self, claim: Claim, problem: dict[str, object], *, retry: bool) -> str:
        with unit_of_work(self.sessions) as work:
            if retry:
                mine = requeue(work.session, claim, problem=problem)
            else:
                mine = end_job(work.session, claim, now=utcnow(), problem=problem)
                if mine:
                    announce_failed(work, claim.upload_id)
        if not mine:
            return "lost"
        return "queued" if retry else "failed"


def announce_failed(work: UnitOfWork, upload_id: str) -> None:
    """In the unit that failed the upload's job: its ``upload.failed`` webhook event."""
    upload = work.session.get(Upload, upload_id, populate_existing=True)
    if upload is not None:
        emit(work, upload.athlete_id, "upload.failed", upload_data(upload))


def _new(athlete_id: int, received: Received) -> Upload:
    """A new upload row, ``queued`` until it is filled from what was read."""
    return Upload(
        id=uuid.uuid4().hex,
        athlete_id=athlete_id,
        sha256=received.sha256,
        filename=received.filename[:255],
        bytes=received.size,
        format=None,
        status="queued",
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


def _missing(upload_id: str) -> MissingError:
    return MissingError(f"no upload {upload_id} in your account", upload_id=upload_id)


def upload_of(work: UnitOfWork, athlete_id: int, upload_id: str) -> Upload:
    """The athlete's upload ``upload_id`` (``MissingError`` when they have none of that id)."""
    upload = work.session.scalars(
        select(Upload).where(Upload.id == upload_id, Upload.athlete_id == athlete_id)
    ).one_or_none()
    if upload is None:
        raise _missing(upload_id)
    return upload


def forget_blobs(work: UnitOfWork, blobs: BlobStore | None, shas: Sequence[str]) -> None:
    """Once the unit of work commits, remove the blobs among ``shas`` that no upload (of any
    athlete: equal files share one blob) names any more; nothing when there is no blob store
    (the CLI's imports keep none)."""
    if blobs is None or not shas:
        return
    gone = unreferenced(work.session, shas)

    def remove() -> None:
        for sha in gone:
            try:
                blobs.remove(sha)
            except OSError:  # the rows are gone already; a stray file only costs space
                _log.warning("could not remove the blob %s", sha, exc_info=True)

    work.after_commit(remove)
