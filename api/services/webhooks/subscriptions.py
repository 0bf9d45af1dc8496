"""Webhooks of an athlete or of a team: create one (its secret shown once), list, delete, read
the log.

An athlete manages their own webhooks with their key; a team's coach manages the team's
(:func:`owner_for`, :func:`managed_by`). The admin token manages none: a webhook sends an
athlete's data, which the admin never reads. A webhook outside the caller's reach is missing
(404), whether it exists or not; a team is checked as the team endpoints do
(:func:`~readiness.api.services.teams.coaching`).

A new webhook's URL is checked (:func:`~.targets.resolve_target`: no loopback or private
address unless the operator allows it) and it gets a Standard Webhooks secret
(``whsec_`` + base64 of 24 random bytes) to verify its deliveries with.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from readiness.api.services.errors import InvalidInputError, MissingError, NotAllowedError
from readiness.api.services.teams import Caller, coaching
from readiness.api.services.webhooks.events import EVENTS
from readiness.api.services.webhooks.targets import (
    Network,
    Resolver,
    resolve_target,
    system_resolver,
)
from readiness.api.storage.models import TeamCoach, Webhook, WebhookDelivery, utcnow
from readiness.api.storage.repositories import page_rows
from readiness.api.storage.unit_of_work import UnitOfWork
from sqlalchemy import delete, select

__all__ = [
    "MAX_WEBHOOKS",
    "Owner",
    "caller_webhooks",
    "create_webhook",
    "delete_webhook",
    "deliveries_page",
    "managed_by",
    "new_secret",
    "owner_for",
    "webhook_of",
    "webhooks_of",
]

#: Webhooks one athlete, or one team, may hold.
MAX_WEBHOOKS = 20
SECRET_BYTES = 24


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose webhooks: an athlete's (``athlete_id``) or a team's (``team_id``), one of them."""

    athlete_id: int | None = None
    team_id: int | None = None

    def __post_init__(self) -> None:
        assert (self.athlete_id is None) != (self.team_id is None), self

    @property
    def condition(self) -> Any:
        if self.team_id is not None:
            return Webhook.team_id == self.team_id
        return Webhook.athlete_id == self.athlete_id


def _no_admin(caller: Caller) -> None:
    if caller.role == "admin":
        raise NotAllowedError(
            "the admin token manages no webhooks (they send an athlete's data): an athlete "
            "uses their own key, a team's coach theirs"
        )


def owner_for(work: UnitOfWork, caller: Caller, team_id: int | None) -> Owner:
    """The owner of the webhooks the caller adds or lists: the team ``team_id`` when given
    (the caller must coach it), else the athlete calling (a coach must name a team)."""
    _no_admin(caller)
    if team_id is not None:
        coaching(work, caller, team_id)
        return Owner(team_id=team_id)
    if caller.role == "coach":
        raise InvalidInputError(
            "a coach's webhooks belong to one of their teams: give its 'team_id'"
        )
    return Owner(athlete_id=caller.id)


def managed_by(work: UnitOfWork, caller: Caller) -> Any:
    """The condition on ``webhooks`` that selects those the caller manages: an athlete's own,
    a coach's teams'."""
    _no_admin(caller)
    if caller.role == "coach":
        coached = select(TeamCoach.team_id).where(TeamCoach.coach_id == caller.id)
        return Webhook.team_id.in_(coached)
    return Webhook.athlete_id == caller.id


def create_webhook(
    work: UnitOfWork,
    owner: Owner,
    *,
    url: str,
    events: Sequence[str],
    allowed: Sequence[Network],
    resolve: Resolver = system_resolver,
) -> Webhook:
    """Add a webhook of ``owner`` for ``events`` at ``url`` (checked first: a refused URL
    is ``TargetRefusedError``). The returned row holds the secret."""
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise InvalidInputError(
            f"unknown or no events: {', '.join(unknown) or 'none given'}; "
            f"choose from {', '.join(EVENTS)}",
            events=list(events),
        )
    target = resolve_target(url, allowed, resolve)
    held = len(webhooks_of(work, owner.condition))
    if held >= MAX_WEBHOOKS:
        whose = "this team has" if owner.team_id is not None else "you have"
        raise InvalidInputError(
            f"{whose} {held} webhooks, the most one account or team may hold; delete one first",
            max_webhooks=MAX_WEBHOOKS,
        )
    hook = Webhook(
        id=uuid.uuid4().hex,
        athlete_id=owner.athlete_id,
        team_id=owner.team_id,
        url=str(target.url),
        events=list(dict.fromkeys(events)),
        secret=new_secret(),
        created=utcnow(),
    )
    work.session.add(hook)
    work.session.flush()
    return hook


def webhooks_of(work: UnitOfWork, where: Any) -> list[Webhook]:
    """The webhooks ``where`` selects (:attr:`Owner.condition`, :func:`managed_by`), oldest
    first."""
    return list(
        work.session.scalars(select(Webhook).where(where).order_by(Webhook.created, Webhook.id))
    )


def caller_webhooks(work: UnitOfWork, caller: Caller, team_id: int | None = None) -> list[Webhook]:
    """The webhooks the caller manages, or only the team's when ``team_id`` is given."""
    if team_id is None:
        return webhooks_of(work, managed_by(work, caller))
    return webhooks_of(work, owner_for(work, caller, team_id).condition)


def webhook_of(work: UnitOfWork, caller: Caller, webhook_id: str) -> Webhook:
    """The webhook ``webhook_id`` if the caller manages it (``MissingError`` otherwise)."""
    hook = work.session.scalars(
        select(Webhook).where(Webhook.id == webhook_id, managed_by(work, caller))
    ).one_or_none()
    if hook is None:
        raise MissingError(f"no webhook {webhook_id} among yours", webhook_id=webhook_id)
    return hook


def delete_webhook(work: UnitOfWork, caller: Caller, webhook_id: str) -> None:
    """Delete the caller's webhook and its deliveries (those not sent yet are not sent)."""
    webhook_of(work, caller, webhook_id)
    session = work.session
    session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id))
    session.execute(delete(Webhook).where(Webhook.id == webhook_id))


def deliveries_page(
    work: UnitOfWork, caller: Caller, webhook_id: str, *, limit: int, offset: int
) -> tuple[list[WebhookDelivery], int]:
    """One page of the caller's webhook's deliveries, newest first, and their count."""
    webhook_of(work, caller, webhook_id)
    return page_rows(
        work.session,
        WebhookDelivery,
        (WebhookDelivery.webhook_id == webhook_id,),
        (WebhookDelivery.created.desc(), WebhookDelivery.id),
        limit=limit,
        offset=offset,
    )
