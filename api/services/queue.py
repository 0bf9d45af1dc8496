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

Webhook deliveries: each attempt is the task :data:`DELIVERY_TASK` on queue
:data:`DELIVERY_QUEUE` (``queueing_lock="delivery-<id>"``: one waiting job per delivery). A
failed attempt defers the next one at its back-off time (``schedule_at``); the delivery row
(:mod:`readiness.api.services.webhooks.deliveries`) holds the state and the log. The sweep that
hands back stalled jobs also defers deliveries that are overdue with no job (announced while
the queue was unreachable, or written by the CLI). Each worker process also runs the sweep of
today's calls (:class:`~.webhooks.sweep.TodaySweep`) every ``READINESS_WEBHOOK_SWEEP_S``
(:func:`_sweep_today`); workers sweeping at once write each event once (the sweep moves the
athlete's mark by a conditional update).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import JobDeferrer
from readiness.api.services.jobs import run_upload
from readiness.api.services.uploads import UploadService
from readiness.api.services.webhooks.deliveries import DeliveryService
from readiness.api.services.webhooks.sweep import TodaySweep
from readiness.api.storage.engine import Timeouts
from readiness.api.storage.models import utcnow
from sqlalchemy import make_url

__all__ = [
    "DELIVERY_QUEUE",
    "DELIVERY_TASK",
    "QUEUE",
    "TASK",
    "EmbeddedWorker",
    "UploadQueue",
    "conninfo",
    "defer_overdue",
    "retry_stalled_jobs",
    "run_workers",
    "worker_app",
]

_log = logging.getLogger("readiness.api")
#: How long a worker that lost its database waits before it starts again.
RETRY_S = 2.0
TASK = "readiness.process_upload"
QUEUE = "uploads"
DELIVERY_TASK = "readiness.deliver_webhook"
DELIVERY_QUEUE = "webhooks"


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

    def defer_deliveries(self, delivery_ids: Sequence[str]) -> None:
        """Queue the first attempt of each webhook delivery (one waiting job per delivery)."""
        for delivery_id in delivery_ids:
            with contextlib.suppress(AlreadyEnqueued):
                _delivery_deferrer(self.app, delivery_id).defer(delivery_id=delivery_id)

    def close(self) -> None:
        self.app.close()


def _deferrer(app: procrastinate.App, athlete_id: int) -> JobDeferrer:
    return app.configure_task(TASK, queue=QUEUE, lock=f"athlete-{athlete_id}")


def _delivery_deferrer(
    app: procrastinate.App, delivery_id: str, at: datetime | None = None
) -> JobDeferrer:
    return app.configure_task(
        DELIVERY_TASK,
        queue=DELIVERY_QUEUE,
        queueing_lock=f"delivery-{delivery_id}",
        schedule_at=at,
    )


async def _defer_delivery(
    app: procrastinate.App, delivery_id: str, at: datetime | None = None
) -> bool:
    """Queue an attempt of the delivery; ``False`` when one is waiting already."""
    try:
        await _delivery_deferrer(app, delivery_id, at).defer_async(delivery_id=delivery_id)
    except AlreadyEnqueued:
        return False
    return True


def worker_app(
    service: UploadService,
    database_url: str,
    lease: timedelta,
    timeouts: Timeouts | None = None,
    deliveries: DeliveryService | None = None,
) -> procrastinate.App:
    """A procrastinate app whose task :data:`TASK` runs an upload's job with ``service`` (and,
    with ``deliveries``, whose task :data:`DELIVERY_TASK` makes one webhook delivery attempt).

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

    if deliveries is not None:
        sender = deliveries

        @app.task(name=DELIVERY_TASK, queue=DELIVERY_QUEUE)
        async def deliver_webhook(delivery_id: str) -> str | None:
            done = await asyncio.to_thread(sender.attempt, delivery_id)
            if done is None:
                return None
            if done.next_attempt_at is not None:
                await _defer_delivery(app, delivery_id, done.next_attempt_at)
            return done.status

    return app


async def retry_stalled_jobs(app: procrastinate.App, lease: timedelta) -> int:
    """Hand back the jobs of workers silent for longer than ``lease``; returns how many."""
    stalled: list[Any] = []
    for queue in (QUEUE, DELIVERY_QUEUE):
        stalled.extend(
            await app.job_manager.get_stalled_jobs(
                queue=queue, seconds_since_heartbeat=lease.total_seconds()
            )
        )
    retried = 0
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
            retried += 1
        except Exception:  # another worker handed it back first
            _log.info("job %s: already handed back", job.id, exc_info=True)
    return retried


async def defer_overdue(
    app: procrastinate.App, deliveries: DeliveryService, *, grace: timedelta
) -> int:
    """Queue the deliveries overdue by more than ``grace`` that have no waiting job (their
    announcement was lost, or the CLI wrote them); returns how many were queued."""
    overdue = await asyncio.to_thread(deliveries.due, before=utcnow() - grace)
    queued = 0
    for delivery_id in overdue:
        queued += await _defer_delivery(app, delivery_id)
    return queued


async def _sweep(
    app: procrastinate.App, lease: timedelta, deliveries: DeliveryService | None
) -> None:
    while True:
        await asyncio.sleep(lease.total_seconds() / 2)
        try:
            n = await retry_stalled_jobs(app, lease)
            if n:
                _log.warning("handed back %d job(s) of stopped workers", n)
            if deliveries is not None:
                await defer_overdue(app, deliveries, grace=lease)
        except Exception:
            _log.warning("checking for stalled jobs failed", exc_info=True)


async def _sweep_today(sweep: TodaySweep, every_s: float) -> None:
    while True:
        try:
            await asyncio.to_thread(sweep.run)
        except Exception:
            _log.warning("webhook sweep failed", exc_info=True)
        await asyncio.sleep(every_s)


async def run_workers(
    service: UploadService,
    database_url: str,
    *,
    lease: timedelta,
    concurrency: int = 1,
    install_signal_handlers: bool = True,
    timeouts: Timeouts | None = None,
    deliveries: DeliveryService | None = None,
    sweep: TodaySweep | None = None,
    sweep_s: float = 300.0,
) -> None:
    """Run ``concurrency`` job workers (and the stalled-job check) until cancelled or, with
    signal handlers, until SIGINT/SIGTERM (the job in hand is finished first). A database
    outage that stops procrastinate's worker is waited out (:data:`RETRY_S`), never fatal.
    With ``deliveries`` the workers also send webhook deliveries; with ``sweep`` they sweep
    today's calls every ``sweep_s`` seconds."""
    app = worker_app(service, database_url, lease, timeouts, deliveries)
    options: dict[str, Any] = {
        "queues": [QUEUE] if deliveries is None else [QUEUE, DELIVERY_QUEUE],
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
                sweepers = [asyncio.create_task(_sweep(app, lease, deliveries))]
                if sweep is not None:
                    sweepers.append(asyncio.create_task(_sweep_today(sweep, sweep_s)))
                try:
                    await app.run_worker_async(**options)
                finally:
                    for sweeper in sweepers:
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
    deliveries: DeliveryService | None = None
    sweep: TodaySweep | None = None
    sweep_s: float = 300.0
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
                deliveries=self.deliveries,
                sweep=self.sweep,
                sweep_s=self.sweep_s,
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
