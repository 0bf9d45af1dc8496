"""Job workers over the upload table: claim a job under a lease, run it, beat its heartbeat.

:class:`TableWorker` is the worker of the embedded SQLite deployment (a thread inside
``readiness serve``; SQLite is one machine): it polls the ``uploads`` table (and wakes at once
when an upload is queued in the same process), claims the oldest job under a lease
(:mod:`readiness.api.storage.jobs`), and runs it with :meth:`UploadService.run_claimed` while a
heartbeat thread extends the lease and records how many bytes of the file were read. A job
whose worker died (its heartbeat older than ``READINESS_JOB_LEASE_S``) is taken again, also
after a restart; after ``READINESS_JOB_ATTEMPTS`` it is failed with the problem.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import BinaryIO, ClassVar

from readiness.api.services.uploads import UploadService, announce_failed
from readiness.api.storage.jobs import (
    Claim,
    claim_next,
    claim_upload,
    end_job,
    fail_expired,
    heartbeat,
)
from readiness.api.storage.models import utcnow
from readiness.api.storage.unit_of_work import unit_of_work

__all__ = ["Heartbeat", "PollingThread", "TableWorker", "interrupted_problem", "run_upload"]

_log = logging.getLogger("readiness.api")


def interrupted_problem(attempts: int) -> dict[str, object]:
    """The problem stored on a job whose worker stopped on every attempt."""
    return {
        "type": "tag:readiness.dev,2026:problems/job-interrupted",
        "title": "Interrupted",
        "status": 500,
        "detail": f"the worker reading this upload stopped {attempts} time(s); upload it again",
    }


@dataclass
class Heartbeat:
    """Extends a claim's lease every ``every`` seconds and records the file position read."""

    service: UploadService
    claim: Claim
    every: float
    _file: BinaryIO | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def watch(self, fh: BinaryIO) -> None:
        """Report progress from this open file's position."""
        self._file = fh

    def __enter__(self) -> Heartbeat:
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.claim.upload_id[:8]}", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _position(self) -> int:
        fh = self._file
        try:
            return 0 if fh is None or fh.closed else int(fh.tell())
        except (OSError, ValueError):
            return 0

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                with unit_of_work(self.service.sessions) as work:
                    now = utcnow()
                    if not heartbeat(
                        work.session, self.claim, now=now, progress_bytes=self._position()
                    ):
                        return
            except Exception:  # a missed beat only shortens the lease
                _log.warning("upload %s: heartbeat failed", self.claim.upload_id, exc_info=True)


def _run(service: UploadService, claim: Claim, lease: timedelta) -> str:
    every = max(lease.total_seconds() / 4, 0.05)
    with Heartbeat(service, claim, every) as beat:
        return service.run_claimed(claim, beat.watch)


def run_upload(service: UploadService, upload_id: str, lease: timedelta) -> str | None:
    """Run the job of ``upload_id`` (a queue's task): claim it, run it, end it.

    Returns the end state (``done``, ``failed``, ``queued`` to be tried again, ``lost``), or
    ``None`` when the job had ended already. A job whose workers died on every attempt is
    failed with :func:`interrupted_problem`.
    """
    with unit_of_work(service.sessions) as work:
        claim = claim_upload(work.session, upload_id, now=utcnow())
        if claim is not None and claim.attempt > service.attempts:
            done = service.attempts
            if end_job(work.session, claim, now=utcnow(), problem=interrupted_problem(done)):
                announce_failed(work, upload_id)
            return "failed"
    if claim is None:
        return None
    return _run(service, claim, lease)


@dataclass(kw_only=True)
class PollingThread:
    """A worker thread that runs :meth:`step` until stopped, waiting ``poll`` seconds (or what
    the step asks) between rounds; :meth:`wake` cuts a wait short."""

    poll: float = 1.0
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    #: The thread's name, and what its log says when a round fails.
    name: ClassVar[str] = "readiness-worker"
    failed: ClassVar[str] = "worker: a round failed"

    def wake(self, *_: object) -> None:
        """Work was queued: look now instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the work in hand (if any) is finished."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def step(self) -> float:
        """One round of work; the seconds to wait before the next (``0``: go on at once)."""
        raise NotImplementedError

    def _loop(self) -> None:
        while not self._stop.is_set():
            wait = self.poll
            try:
                wait = self.step()
            except Exception:
                _log.exception(self.failed)
            if wait > 0:
                self._wake.wait(wait)
                self._wake.clear()


@dataclass
class TableWorker(PollingThread):
    """One job worker thread serving the ``uploads`` table."""

    service: UploadService
    lease: timedelta
    attempts: int
    name: ClassVar[str] = "readiness-jobs"
    failed: ClassVar[str] = "job worker: claiming a job failed"

    def run_one(self) -> str | None:
        """Claim and run one job; its end state, or ``None`` when no job was waiting."""
        with unit_of_work(self.service.sessions) as work:
            now = utcnow()
            for upload_id in fail_expired(
                work.session,
                now=now,
                lease=self.lease,
                attempts=self.attempts,
                problem=interrupted_problem(self.attempts),
            ):
                announce_failed(work, upload_id)
            claim = claim_next(work.session, now=now, lease=self.lease)
        if claim is None:
            return None
        return _run(self.service, claim, self.lease)

    def step(self) -> float:
        return 0.0 if self.run_one() is not None else self.poll
