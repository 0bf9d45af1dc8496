"""``readiness worker [--concurrency N]``: run upload job and webhook delivery workers alone
(PostgreSQL).

Any machine that shares ``DATABASE_URL`` (PostgreSQL) and ``READINESS_DATA_DIR`` (the blob
store, e.g. a network volume) with the API servers can run it; jobs are procrastinate tasks
(:mod:`readiness.api.services.queue`). SIGINT/SIGTERM stop it after the jobs in hand. With
SQLite the job worker runs inside ``readiness serve`` (SQLite is one machine), so this command
says so and exits 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import timedelta
from typing import Any

from readiness.api.cli.common import EXIT_BAD_INPUT, load_settings
from readiness.api.cli.service import database_ready

__all__ = ["register"]


def register(sub: Any) -> None:
    worker: argparse.ArgumentParser = sub.add_parser(
        "worker", help="run upload job workers (PostgreSQL; configuration from the environment)"
    )
    worker.add_argument(
        "--concurrency", type=int, default=1, help="jobs run at once in this process"
    )
    worker.set_defaults(func=run_worker)


def run_worker(args: argparse.Namespace) -> int:
    settings = load_settings(clock=True)
    if settings.is_sqlite:
        print(
            "readiness: with SQLite the job worker runs inside `readiness serve` (SQLite is one "
            "machine); set DATABASE_URL to PostgreSQL to run workers on their own",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    if args.concurrency < 1:
        print("readiness: --concurrency must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not database_ready(settings):
        return EXIT_BAD_INPUT
    from readiness.api.errors import failure_body
    from readiness.api.services.queue import UploadQueue, run_workers
    from readiness.api.services.uploads import UploadService
    from readiness.api.services.webhooks.deliveries import DeliveryService
    from readiness.api.services.webhooks.events import ANNOUNCE
    from readiness.api.services.webhooks.sweep import TodaySweep
    from readiness.api.storage.engine import Timeouts, open_database

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    db = open_database(settings, migrate=False)
    service = UploadService.configured(db.sessions, settings, failure_body)
    deliveries = DeliveryService.configured(db.sessions, settings)
    # webhook events of the jobs run here are queued as soon as they are committed
    queue = UploadQueue(settings.database_url, Timeouts.of(settings))
    ANNOUNCE.set(queue.defer_deliveries)
    lease = timedelta(seconds=settings.job_lease_s)
    where = settings.data_dir.resolve()
    print(f"readiness worker: {args.concurrency} job worker(s), data {where}", file=sys.stderr)
    try:
        asyncio.run(
            run_workers(
                service,
                settings.database_url,
                lease=lease,
                concurrency=args.concurrency,
                timeouts=Timeouts.of(settings),
                deliveries=deliveries,
                sweep=TodaySweep(db.sessions, settings.current_time),
                sweep_s=settings.webhook_sweep_s,
            )
        )
    except KeyboardInterrupt:
        pass
    finally:
        ANNOUNCE.set(None)
        queue.close()
        db.dispose()
    return 0
