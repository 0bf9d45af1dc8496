"""Sending webhook deliveries: one attempt, retries with back-off, the SQLite worker thread.

:meth:`DeliveryService.attempt` claims a due delivery (:mod:`readiness.api.storage.deliveries`),
checks its receiver again (:func:`~.targets.resolve_target`, against DNS rebinding), signs the
body with the webhook's secret (Standard Webhooks: ``webhook-id`` — the delivery's id, the same
on every attempt —, ``webhook-timestamp`` — this attempt's Unix time — and
``webhook-signature``: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``) and POSTs it,
with no database connection held meanwhile. A 2xx answer delivers it; anything else (another
status, a refused or unreachable receiver, a timeout) is logged in the delivery's ``tries``
and the delivery is tried again after ``READINESS_WEBHOOK_BACKOFF_S`` × 2^(attempt − 1) (at
most :data:`MAX_BACKOFF_S`, with ±50 % jitter), up to ``READINESS_WEBHOOK_ATTEMPTS`` attempts;
then it is ``failed``.

On SQLite :class:`DeliveryWorker` (a thread inside ``readiness serve``) polls for due
deliveries and wakes when one is announced, and runs the sweep of today's calls
(:class:`~.sweep.TodaySweep`) every ``READINESS_WEBHOOK_SWEEP_S``; on PostgreSQL each attempt
is a procrastinate job (:mod:`readiness.api.services.queue`).
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

import httpx
from readiness.api.services.jobs import PollingThread
from readiness.api.services.webhooks.sweep import TodaySweep
from readiness.api.services.webhooks.targets import (
    Network,
    Resolver,
    TargetRefusedError,
    post,
    resolve_target,
    system_resolver,
)
from readiness.api.settings import Settings
from readiness.api.storage.deliveries import (
    DeliveryClaim,
    claim_delivery,
    due_deliveries,
    next_due,
    record_attempt,
)
from readiness.api.storage.models import utcnow
from readiness.api.storage.unit_of_work import unit_of_work
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks.webhooks import Webhook as Signer

__all__ = ["MAX_BACKOFF_S", "Attempted", "DeliveryService", "DeliveryWorker", "signed_headers"]

_log = logging.getLogger("readiness.api")
#: The longest wait between two attempts of one delivery.
MAX_BACKOFF_S = 6 * 3600.0


@dataclass(frozen=True, slots=True)
class Attempted:
    """The end of one attempt: the delivery's status and, when pending, when it is due."""

    status: str
    next_attempt_at: datetime | None = None


def signed_headers(secret: str, delivery_id: str, at: datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of ``body`` sent at ``at``."""
    return {
        "webhook-id": delivery_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Signer(secret).sign(delivery_id, at, body),
    }


@dataclass(frozen=True, slots=True)
class DeliveryService:
    """Delivery attempts bound to the settings: allowed networks, attempts, back-off."""

    sessions: sessionmaker[Session]
    allowed: tuple[Network, ...] = ()
    attempts: int = 8
    backoff_s: float = 30.0
    timeout_s: float = 10.0
    lease: timedelta = timedelta(seconds=60)
    resolve: Resolver = system_resolver

    @classmethod
    def configured(cls, sessions: sessionmaker[Session], settings: Settings) -> DeliveryService:
        return cls(
            sessions,
            allowed=tuple(settings.webhook_allow_private),
            attempts=settings.webhook_attempts,
            backoff_s=settings.webhook_backoff_s,
            timeout_s=settings.webhook_timeout_s,
            # a sender that died is replaced once its call cannot be running any more
            lease=timedelta(seconds=max(settings.webhook_timeout_s * 3, settings.job_lease_s)),
        )

    def backoff(self, attempt: int) -> float:
        """Seconds before the attempt after ``attempt`` (jittered exponential)."""
        base = min(self.backoff_s * 2.0 ** (attempt - 1), MAX_BACKOFF_S)
        return float(base * random.uniform(0.5, 1.5))

    def attempt(self, delivery_id: str) -> Attempted | None:
        """Try the delivery once if it is due; ``None`` when it is not (sent, failed, gone,
        not due yet, or held by another sender)."""
        with unit_of_work(self.sessions) as work:
            claim = claim_delivery(work.session, delivery_id, now=utcnow(), lease=self.lease)
        if claim is None:
            return None
        started = utcnow()
        clock = time.monotonic()
        answer_status: int | None = None
        error: str | None = None
        text = ""
        try:
            target = resolve_target(claim.url, self.allowed, self.resolve)
            body = json.dumps(claim.payload, ensure_ascii=False, separators=(",", ":"))
            headers = signed_headers(claim.secret, claim.id, started, body)
            answer = post(target, body.encode(), headers, timeout=self.timeout_s)
            answer_status, text = answer.status, answer.text
            if not 200 <= answer.status < 300:
                error = f"the receiver answered {answer.status}"
        except TargetRefusedError as exc:
            error = exc.detail
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        log = {
            "attempt": claim.attempt,
            "at": started.isoformat().replace("+00:00", "Z"),
            "status_code": answer_status,
            "error": error,
            "response": text,
            "duration_ms": round((time.monotonic() - clock) * 1000, 1),
        }
        return self._record(claim, log, ok=error is None)

    def _record(self, claim: DeliveryClaim, log: dict[str, object], *, ok: bool) -> Attempted:
        now = utcnow()
        if ok:
            outcome = Attempted("delivered")
        elif claim.attempt < self.attempts:
            outcome = Attempted("pending", now + timedelta(seconds=self.backoff(claim.attempt)))
        else:
            outcome = Attempted("failed")
        log["next_attempt_at"] = (
            outcome.next_attempt_at.isoformat().replace("+00:00", "Z")
            if outcome.next_attempt_at
            else None
        )
        with unit_of_work(self.sessions) as work:
            record_attempt(
                work.session,
                claim,
                log,
                status=outcome.status,
                next_attempt_at=outcome.next_attempt_at,
                now=now,
            )
        return outcome

    def due(self, *, before: datetime | None = None) -> list[str]:
        """Deliveries due at ``before`` (default now), and those of senders that died."""
        with unit_of_work(self.sessions) as work:
            return due_deliveries(work.session, now=before or utcnow(), lease=self.lease)

    def next_due(self) -> datetime | None:
        with unit_of_work(self.sessions) as work:
            return next_due(work.session)


@dataclass
class DeliveryWorker(PollingThread):
    """The delivery sender of the SQLite deployment: one thread polling for due deliveries
    (woken when a delivery is committed in this process)."""

    service: DeliveryService
    #: The sweep of today's calls, and the seconds between two sweeps.
    sweep: TodaySweep | None = None
    sweep_s: float = 300.0
    _next_sweep: float = field(default=0.0, init=False)
    name: ClassVar[str] = "readiness-webhooks"
    failed: ClassVar[str] = "webhook worker: sending deliveries failed"

    def sweep_due(self) -> None:
        """Run the sweep of today's calls when it is due (its deliveries are announced)."""
        if self.sweep is None or time.monotonic() < self._next_sweep:
            return
        self._next_sweep = time.monotonic() + self.sweep_s
        try:
            self.sweep.run()
        except Exception:  # the database is away: the next sweep tries again
            _log.warning("webhook sweep failed", exc_info=True)

    def run_due(self) -> int:
        """Attempt every delivery due now; returns how many were attempted."""
        done = 0
        for delivery_id in self.service.due():
            if self.stopping:
                break
            if self.service.attempt(delivery_id) is not None:
                done += 1
        return done

    def step(self) -> float:
        self.sweep_due()
        self.run_due()
        due = self.service.next_due()
        wait = self.poll
        if due is not None:
            wait = min(wait, max((due - utcnow()).total_seconds(), 0.01))
        if self.sweep is not None:
            wait = min(wait, max(self._next_sweep - time.monotonic(), 0.01))
        return wait
