"""The PostgreSQL job queue: upload jobs as procrastinate tasks, and the workers that run them.

With a PostgreSQL ``DATABASE_URL`` an upload's job is deferred as the procrastinate task
:data:`TASK` on queue :data:`QUEUE` with ``lock="athlete-<id>"`` — procrastinate never runs two
jobs holding one lock at once, so one athlete's uploads are read one after the other while other
athletes' run in parallel on any worker. The ``uploads`` row keeps the user-visible state
(:mod:`readiness.api.services.jobs` claims it, beats its heartbeat, ends it).

Dead workers: every procrastinate worker beats its own heartbeat (``update_heartbeat_interval``
= lease / 4) and prunes workers silent for longer than the lease (``stalled_worker_timeout``);
each worker process also runs :func:`retry_stalled_jobs` every lease / 2, which asks
procrastinate's ``JobManager.get_stalled_jobs`` for jobs still ``doing`` on a worker without a
recent heartbeat and hands them back with ``JobManager.retry_job`` — another worker takes them,
the upload row counts the attempt, and after ``READINESS_JOB_ATTEMPTS`` the upload is failed.
A job that raised (a bug or an outage, not a bad file) is deferred again while the row has
attempts left.

:class:`UploadQueue` defers from request threads (a synchronous connector); :func:`run_workers`
runs the asynchronous worker (``readiness worker``, or the thread :class:`EmbeddedWorker` inside
``readiness serve``). The queue's schema is applied by :func:`ensure_queue_schema`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import procrastinate
from procrastinate.jobs import JobDeferrer
from readiness.api.services.jobs import run_upload
from readiness.api.services.uploads import UploadService
from readiness.api.storage.engine import Timeouts
from sqlalchemy import make_url

__all__ = [
    "QUEUE",
    "TASK",
    "EmbeddedWorker",
    "UploadQueue",
    "conninfo",
    "retry_stalled_jobs",
    "run_workers",
    "worker_app",
]

_log = logging.getLogger("readiness.api")
#: How long a worker that lost its database waits before it starts again.
RETRY_S = 2.0
TASK = "readiness.process_upload"
QUEUE = "uploads"


def conninfo(database_url: str, timeouts: Timeouts | None = None) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (the driver name dropped),
    with the ``connect_timeout``, keepalives and ``tcp_user_timeout`` of ``timeouts`` where the
    URL names none: an unreachable or silent database fails the attempt (procrastinate
    retries) instead of hanging it."""
    url = make_url(database_url).set(drivername="postgresql")
    params = (timeouts or Timeouts()).libpq()
    url = url.update_query_dict({k: str(v) for k, v in params.items() if k not in url.query})
    return url.render_as_string(hide_password=False)


@dataclass
class UploadQueue:
    """Defers upload jobs (synchronously: from the request's worker thread)."""

    database_url: str
    timeouts: Timeouts = field(default_factory=Timeouts)
    app: procrastinate.App = field(init=False)

    def __post_init__(self) -> None:
        connector = procrastinate.SyncPsycopgConnector(
            conninfo=conninfo(self.database_url, self.timeouts)
        )
        self.app = procrastinate.App(connector=connector)
        self.app.open()

    def defer(self, upload_id: str, athlete_id: int) -> int:
        """Queue the job of ``upload_id``; returns procrastinate's job id."""
        return _deferrer(self.app, athlete_id).defer(upload_id=upload_id, athlete_id=athlete_id)

    def close(self) -> None:
        self.app.close()


def _deferrer(app: procrastinate.App, athlete_id: int) -> JobDeferrer:
    return app.configure_task(TASK, queue=QUEUE, lock=f"athlete-{athlete_id}")


def worker_app(
    service: UploadService,
    database_url: str,
    lease: timedelta,
    timeouts: Timeouts | None = None,
) -> procrastinate.App:
    """A procrastinate app whose task :data:`TASK` runs an upload's job with ``service``.

    The job runs on a thread (the event loop keeps the worker's heartbeat going). When the row
    says the job is to be tried again (an unexpected error with attempts left), the task defers
    a new job under the same lock and ends: the row, not procrastinate's attempt count, decides.
    An error outside the job (the database down while claiming) is retried by procrastinate.
    """
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url, timeouts))
    )
    retry = procrastinate.RetryStrategy(max_attempts=service.attempts, wait=1)

    @app.task(name=TASK, queue=QUEUE, retry=retry)
    async def process_upload(upload_id: str, athlete_id: int) -> str | None:
        state = await asyncio.to_thread(run_upload, service, upload_id, lease)
        if state == "queued":
            await _deferrer(app, athlete_id).defer_async(upload_id=upload_id, athlete_id=athlete_id)
        return state

    return app


async def retry_stalled_jobs(app: procrastinate.App, lease: timedelta) -> int:
    """Hand back the jobs of workers silent for longer than ``lease``; returns how many."""
    stalled = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, seconds_since_heartbeat=lease.total_seconds()
    )
    retried = 0
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
            retried += 1
        except Exception:  # another worker handed it back first
            _log.info("job %s: already handed back", job.id, exc_info=True)
    return retried


async def _sweep(app: procrastinate.App, lease: timedelta) -> None:
    while True:
        await asyncio.sleep(lease.total_seconds() / 2)
        try:
            n = await retry_stalled_jobs(app, lease)
            if n:
                _log.warning("handed back %d job(s) of stopped workers", n)
        except Exception:
            _log.warning("checking for stalled jobs failed", exc_info=True)


async def run_workers(
    service: UploadService,
    database_url: str,
    *,
    lease: timedelta,
    concurrency: int = 1,
    install_signal_handlers: bool = True,
    timeouts: Timeouts | None = None,
) -> None:
    """Run ``concurrency`` job workers (and the stalled-job check) until cancelled or, with
    signal handlers, until SIGINT/SIGTERM (the job in hand is finished first). A database
    outage that stops procrastinate's worker is waited out (:data:`RETRY_S`), never fatal."""
    app = worker_app(service, database_url, lease, timeouts)
    options: dict[str, Any] = {
        "queues": [QUEUE],
        "concurrency": concurrency,
        "install_signal_handlers": install_signal_handlers,
        "update_heartbeat_interval": max(lease.total_seconds() / 4, 0.5),
        "stalled_worker_timeout": lease.total_seconds(),
        "fetch_job_polling_interval": 1.0,
        "delete_jobs": "successful",
    }
    while True:
        try:
            async with app.open_async():
                sweeper = asyncio.create_task(_sweep(app, lease))
                try:
                    await app.run_worker_async(**options)
                finally:
                    sweeper.cancel()
            return
        except procrastinate.exceptions.ConnectorException:
            # the database went away under the worker: wait and start again, never die
            _log.warning("job worker: the database is unavailable; retrying", exc_info=True)
            await asyncio.sleep(RETRY_S)


@dataclass
class EmbeddedWorker:
    """One queue worker on its own thread and event loop, inside the API process."""

    service: UploadService
    database_url: str
    lease: timedelta
    timeouts: Timeouts = field(default_factory=Timeouts)
    _loop: asyncio.AbstractEventLoop | None = None
    _task: asyncio.Task[None] | None = None
    _thread: threading.Thread | None = None
    _ready: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._main, name="readiness-queue", daemon=True)
        self._thread.start()
        self._ready.wait(30)

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._task = loop.create_task(
            run_workers(
                self.service,
                self.database_url,
                lease=self.lease,
                install_signal_handlers=False,
                timeouts=self.timeouts,
            )
        )
        loop.call_soon(self._ready.set)
        try:
            loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        except Exception:
            _log.exception("the embedded job worker stopped")
        finally:
            loop.close()

    def stop(self, timeout: float | None = None) -> None:
        """Stop the worker (procrastinate finishes or abandons the job in hand)."""
        if self._loop is not None and self._task is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._task.cancel)
        if self._thread is not None:
            self._thread.join(timeout)
