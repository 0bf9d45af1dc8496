"""Webhooks of an athlete: create one (its secret shown once), list, delete, read the log.

A new webhook's URL is checked (:func:`~.targets.resolve_target`: no loopback or private
address unless the operator allows it) and it gets a Standard Webhooks secret
(``whsec_`` + base64 of 24 random bytes) to verify its deliveries with.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Sequence

from readiness.api.services.errors import InvalidInputError, MissingError
from readiness.api.services.webhooks.events import EVENTS
from readiness.api.services.webhooks.targets import (
    Network,
    Resolver,
    resolve_target,
    system_resolver,
)
from readiness.api.storage.models import Webhook, WebhookDelivery, utcnow
from readiness.api.storage.repositories import page_rows
from readiness.api.storage.unit_of_work import UnitOfWork
from sqlalchemy import delete, select

__all__ = [
    "MAX_WEBHOOKS",
    "create_webhook",
    "delete_webhook",
    "deliveries_page",
    "new_secret",
    "webhook_of",
    "webhooks_of",
]

#: Webhooks one athlete may hold.
MAX_WEBHOOKS = 20
SECRET_BYTES = 24


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def create_webhook(
    work: UnitOfWork,
    athlete_id: int,
    *,
    url: str,
    events: Sequence[str],
    allowed: Sequence[Network],
    resolve: Resolver = system_resolver,
) -> Webhook:
    """Add a webhook of the athlete for ``events`` at ``url`` (checked first: a refused URL
    is ``TargetRefusedError``). The returned row holds the secret."""
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise InvalidInputError(
            f"unknown or no events: {', '.join(unknown) or 'none given'}; "
            f"choose from {', '.join(EVENTS)}",
            events=list(events),
        )
    target = resolve_target(url, allowed, resolve)
    held = len(webhooks_of(work, athlete_id))
    if held >= MAX_WEBHOOKS:
        raise InvalidInputError(
            f"you have {held} webhooks, the most one account may hold; delete one first",
            max_webhooks=MAX_WEBHOOKS,
        )
    hook = Webhook(
        id=uuid.uuid4().hex,
        athlete_id=athlete_id,
        team_id=None,
        url=str(target.url),
        events=list(dict.fromkeys(events)),
        secret=new_secret(),
        created=utcnow(),
    )
    work.session.add(hook)
    work.session.flush()
    return hook


def webhooks_of(work: UnitOfWork, athlete_id: int) -> list[Webhook]:
    """The athlete's webhooks, oldest first."""
    return list(
        work.session.scalars(
            select(Webhook)
            .where(Webhook.athlete_id == athlete_id)
            .order_by(Webhook.created, Webhook.id)
        )
    )


def webhook_of(work: UnitOfWork, athlete_id: int, webhook_id: str) -> Webhook:
    """The athlete's webhook ``webhook_id`` (``MissingError`` when they have none of that id)."""
    hook = work.session.scalars(
        select(Webhook).where(Webhook.id == webhook_id, Webhook.athlete_id == athlete_id)
    ).one_or_none()
    if hook is None:
        raise MissingError(f"no webhook {webhook_id} in your account", webhook_id=webhook_id)
    return hook


def delete_webhook(work: UnitOfWork, athlete_id: int, webhook_id: str) -> None:
    """Delete the athlete's webhook and its deliveries (those not sent yet are not sent)."""
    webhook_of(work, athlete_id, webhook_id)
    session = work.session
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id))
    session.execute(delete(Webhook).where(Webhook.id == webhook_id))


def deliveries_page(
    work: UnitOfWork, athlete_id: int, webhook_id: str, *, limit: int, offset: int
) -> tuple[list[WebhookDelivery], int]:
    """One page of the webhook's deliveries, newest first, and their count."""
    webhook_of(work, athlete_id, webhook_id)
    return page_rows(
        work.session,
        WebhookDelivery,
        (WebhookDelivery.webhook_id == webhook_id,),
        (WebhookDelivery.created.desc(), WebhookDelivery.id),
        limit=limit,
        offset=offset,
    )
