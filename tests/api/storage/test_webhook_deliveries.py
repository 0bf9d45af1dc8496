"""Webhook deliveries in process: an event exists only if its change was committed (and is
announced only then), a delivery is claimed by one sender at a time, and the receiver's
address is checked again before every attempt — a host that resolves to a refused address
later (DNS rebinding) is not called, and the request goes to the address just checked. On
PostgreSQL, deliveries nobody announced are queued by the workers' check, once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network

import procrastinate
import pytest
import sqlalchemy as sa
from readiness.api.services.accounts import create_athlete
from readiness.api.services.queue import DELIVERY_QUEUE, UploadQueue, conninfo, defer_overdue
from readiness.api.services.webhooks.deliveries import DeliveryService
from readiness.api.services.webhooks.events import ANNOUNCE, emit
from readiness.api.services.webhooks.subscriptions import Owner, create_webhook
from readiness.api.settings import Settings
from readiness.api.storage.deliveries import claim_delivery
from readiness.api.storage.engine import Database, open_database
from readiness.api.storage.models import WebhookDelivery, utcnow
from readiness.api.storage.unit_of_work import unit_of_work
from sqlalchemy import func, select

from tests.api.conftest import _postgres_url

PUBLIC = "93.184.216.34"


@pytest.fixture
def hosts() -> Iterator[list[str]]:
    """Host headers the local receiver got (it answers 204)."""
    got: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    got.append(str(server.server_address[1]))  # the port, first
    yield got
    server.shutdown()
    server.server_close()


def _setup(db: Database, url: str) -> tuple[int, str]:
    with unit_of_work(db.sessions) as work:
        athlete, _ = create_athlete(work, name="A", timezone="Europe/Oslo")
        hook = create_webhook(
            work,
            Owner(athlete_id=athlete.id),
            url=url,
            events=["upload.done"],
            allowed=[],
            resolve=lambda h, p: [PUBLIC],
        )
        return athlete.id, hook.id


def _count(db: Database) -> int:
    with unit_of_work(db.sessions) as work:
        return int(work.session.scalar(select(func.count()).select_from(WebhookDelivery)) or 0)


def test_an_event_exists_only_once_its_change_is_committed(db: Database) -> None:
    athlete_id, _ = _setup(db, "https://hooks.example/x")
    announced: list[Sequence[str]] = []
    ANNOUNCE.set(announced.append)
    try:

        def failing_change() -> None:
            with unit_of_work(db.sessions) as work:
                emit(work, athlete_id, "upload.done", {"upload": {"id": "u1"}})
                raise RuntimeError("the change failed")

        with pytest.raises(RuntimeError):
            failing_change()
        assert _count(db) == 0 and announced == []
        with unit_of_work(db.sessions) as work:
            ids = emit(work, athlete_id, "upload.done", {"upload": {"id": "u2"}})
            assert announced == []  # not before the commit
        assert announced == [ids] and _count(db) == 1
        with unit_of_work(db.sessions) as work:  # nobody subscribed to this one
            assert emit(work, athlete_id, "gate.pain", {}) == []
    finally:
        ANNOUNCE.set(None)


def test_one_sender_claims_a_delivery(db: Database) -> None:
    athlete_id, _ = _setup(db, "https://hooks.example/x")
    with unit_of_work(db.sessions) as work:
        [delivery_id] = emit(work, athlete_id, "upload.done", {})
    lease = timedelta(seconds=30)
    now = utcnow()
    with unit_of_work(db.sessions) as work:
        first = claim_delivery(work.session, delivery_id, now=now, lease=lease)
    with unit_of_work(db.sessions) as work:
        second = claim_delivery(work.session, delivery_id, now=now, lease=lease)
    assert first is not None and first.attempt == 1 and second is None
    # a sender silent for longer than the lease is replaced
    with unit_of_work(db.sessions) as work:
        later = claim_delivery(work.session, delivery_id, now=now + 2 * lease, lease=lease)
    assert later is not None and later.attempt == 2


def test_the_address_is_checked_again_and_pinned_at_delivery(
    db: Database, hosts: list[str]
) -> None:
    port = hosts.pop(0)
    url = f"http://hooks.example:{port}/in"
    athlete_id, _ = _setup(db, url)  # resolved to a public address when created
    with unit_of_work(db.sessions) as work:
        [delivery_id] = emit(work, athlete_id, "upload.done", {})
    # the name now resolves to loopback: refused, nothing sent, tried again later
    rebound = DeliveryService(
        db.sessions, attempts=3, backoff_s=0.01, resolve=lambda h, p: ["127.0.0.1"]
    )
    done = rebound.attempt(delivery_id)
    assert done is not None and done.status == "pending"
    assert hosts == []
    with unit_of_work(db.sessions) as work:
        row = work.session.get(WebhookDelivery, delivery_id)
        assert row is not None
        [attempt] = row.tries
        assert attempt["status_code"] is None
        assert "127.0.0.1 is a loopback address" in attempt["error"]
    # allowed by the operator: sent to the checked address, with the URL's host as Host
    allowed = DeliveryService(
        db.sessions,
        allowed=(ip_network("127.0.0.1/32"),),
        attempts=3,
        resolve=lambda h, p: ["127.0.0.1"],
    )
    with unit_of_work(db.sessions) as work:  # due now
        row = work.session.get(WebhookDelivery, delivery_id)
        assert row is not None
        row.next_attempt_at = utcnow()
    done = allowed.attempt(delivery_id)
    assert done is not None and done.status == "delivered"
    assert hosts == [f"hooks.example:{port}"]
    assert allowed.attempt(delivery_id) is None  # delivered: never again


_LOCKS = sa.text("SELECT queueing_lock FROM procrastinate_jobs WHERE queue_name = :q")


async def _check_twice(app: procrastinate.App, deliveries: DeliveryService) -> list[int]:
    """The workers' check of overdue deliveries, run twice."""
    async with app.open_async():
        return [await defer_overdue(app, deliveries, grace=timedelta(0)) for _ in "12"]


@pytest.mark.postgres
def test_overdue_deliveries_without_a_job_are_queued_once() -> None:
    """A delivery nobody announced (written by the CLI, or while the queue was unreachable)
    is queued by the workers' periodic check, once however often the check runs; an announced
    one is not queued twice."""
    for url in _postgres_url():
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        db = open_database(settings)
        queue = UploadQueue(url)
        app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))
        try:
            athlete_id, _ = _setup(db, "https://hooks.example/x")
            with unit_of_work(db.sessions) as work:
                silent = emit(work, athlete_id, "upload.done", {})
                announced = emit(work, athlete_id, "upload.done", {})
            queue.defer_deliveries(announced)
            queue.defer_deliveries(announced)  # a second announcement adds no job
            deliveries = DeliveryService(db.sessions)

            assert asyncio.run(_check_twice(app, deliveries)) == [1, 0]
            with db.engine.connect() as conn:
                locks = sorted(conn.execute(_LOCKS, {"q": DELIVERY_QUEUE}).scalars())
            assert locks == sorted(f"delivery-{i}" for i in [*silent, *announced])
        finally:
            queue.close()
            db.dispose()
