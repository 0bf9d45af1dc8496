"""The webhook delivery table's queries: find due deliveries, claim one, record an attempt.

A delivery row is its own job (``webhook_deliveries.status``: ``pending`` → ``sending`` →
``delivered`` | ``failed``, or back to ``pending`` with a later ``next_attempt_at``). A sender
*claims* a delivery by moving it to ``sending`` and bumping ``attempts`` in one conditional
``UPDATE`` (it wins only if the row is still as it saw it, on SQLite and PostgreSQL alike); the
new ``attempts`` value is its token, and its result is recorded only while the row still holds
that token. A ``sending`` row whose ``claimed_at`` is older than the lease belonged to a sender
that died and is claimed again. Callers own the transaction (the unit of work).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from readiness.api.storage.models import Webhook, WebhookDelivery
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

__all__ = ["DeliveryClaim", "claim_delivery", "due_deliveries", "next_due", "record_attempt"]


@dataclass(frozen=True, slots=True)
class DeliveryClaim:
    """A delivery a sender holds: what to send where, and the sender's token."""

    id: str
    webhook_id: str
    url: str
    secret: str
    payload: dict[str, Any]
    attempt: int
    tries: tuple[dict[str, Any], ...]


def _due(now: datetime, lease: timedelta) -> Any:
    d = WebhookDelivery
    return or_(
        and_(d.status == "pending", d.next_attempt_at <= now),
        and_(d.status == "sending", d.claimed_at < now - lease),
    )


def due_deliveries(
    session: Session, *, now: datetime, lease: timedelta, limit: int = 20
) -> list[str]:
    """The ids of deliveries due at ``now`` (and those of senders that died), oldest first."""
    return list(
        session.scalars(
            select(WebhookDelivery.id)
            .where(_due(now, lease))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    )


def next_due(session: Session) -> datetime | None:
    """When the next pending delivery is due (``None``: nothing pending)."""
    return session.scalar(
        select(func.min(WebhookDelivery.next_attempt_at)).where(WebhookDelivery.status == "pending")
    )


def claim_delivery(
    session: Session, delivery_id: str, *, now: datetime, lease: timedelta
) -> DeliveryClaim | None:
    """Take the delivery if it is due (or its sender died); ``None`` when it is not (sent,
    failed, deleted, not due yet, or another sender holds it)."""
    d = WebhookDelivery
    row = session.execute(
        select(d.attempts, Webhook.url, Webhook.secret, d.payload, d.webhook_id, d.tries)
        .join(Webhook, Webhook.id == d.webhook_id)
        .where(d.id == delivery_id, _due(now, lease))
    ).one_or_none()
    if row is None:
        return None
    attempts, url, secret, payload, webhook_id, tries = row
    res = session.execute(
        update(d)
        .where(d.id == delivery_id, d.attempts == attempts, _due(now, lease))
        .values(status="sending", attempts=attempts + 1, claimed_at=now)
    )
    if getattr(res, "rowcount", 0) != 1:
        return None
    return DeliveryClaim(
        delivery_id, webhook_id, url, secret, payload, attempts + 1, tuple(tries or ())
    )


def record_attempt(
    session: Session,
    claim: DeliveryClaim,
    attempt: dict[str, Any],
    *,
    status: str,
    next_attempt_at: datetime | None,
    now: datetime,
) -> bool:
    """Append ``attempt`` to the delivery's log and set its ``status`` (``delivered``,
    ``pending`` again at ``next_attempt_at``, or ``failed``), if the claim still holds it."""
    d = WebhookDelivery
    values: dict[str, Any] = {
        "status": status,
        "tries": [*claim.tries, attempt],
        "claimed_at": None,
    }
    if status == "delivered":
        values["delivered_at"] = now
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    res = session.execute(
        update(d)
        .where(d.id == claim.id, d.status == "sending", d.attempts == claim.attempt)
        .values(**values)
    )
    return getattr(res, "rowcount", 0) == 1
