"""``readiness webhooks add|list``: an athlete's or a team's webhooks from the command line.

Like the other athlete commands they work on the database named by ``DATABASE_URL`` directly,
for the athlete given with ``--athlete ID`` or, as the operator (like ``readiness teams``), for
the team given with ``--team ID``; ``add`` checks the URL as the API does (no
loopback or private address unless ``READINESS_WEBHOOK_ALLOW_PRIVATE`` allows it) and prints
the signing secret once. Deliveries are sent by the running service (``readiness serve`` or
``readiness worker``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from readiness.api.cli.common import in_unit, load_settings
from readiness.api.cli.data import with_athlete
from readiness.api.services.webhooks import EVENTS

if TYPE_CHECKING:
    from readiness.api.services.webhooks.subscriptions import Owner
    from readiness.api.storage.engine import Database
    from readiness.api.storage.models import Webhook
    from readiness.api.storage.unit_of_work import UnitOfWork

__all__ = ["register"]


def register(sub: Any) -> None:
    hooks: argparse.ArgumentParser = sub.add_parser("webhooks", help="add or list webhooks")
    hsub = hooks.add_subparsers(dest="webhooks_command", required=True, metavar="ACTION")
    add = hsub.add_parser("add", help="add a webhook and print its signing secret (once)")
    _owner_arguments(add)
    add.add_argument("--url", required=True, help="the receiver (http or https)")
    add.add_argument(
        "--event",
        action="append",
        choices=EVENTS,
        dest="events",
        metavar="EVENT",
        help=f"an event to send (repeat for more; default: all): {', '.join(EVENTS)}",
    )
    add.set_defaults(func=run_add)
    listing = hsub.add_parser("list", help="an athlete's or a team's webhooks")
    _owner_arguments(listing)
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.set_defaults(func=run_list)


def _owner_arguments(parser: argparse.ArgumentParser) -> None:
    owner = parser.add_mutually_exclusive_group(required=True)
    owner.add_argument("--athlete", type=int, metavar="ID", help="the athlete's own webhooks")
    owner.add_argument(
        "--team", type=int, metavar="ID", help="the team's (they hear its members' events)"
    )


def _with_owner(args: argparse.Namespace, action: Callable[[UnitOfWork, Owner], list[str]]) -> int:
    """Run ``action`` on the athlete's or the team's webhooks (exit 2 when there is none)."""
    from readiness.api.services.teams import ADMIN, team_view
    from readiness.api.services.webhooks.subscriptions import Owner

    if args.athlete is not None:
        return with_athlete(
            args.athlete, lambda _service, work, athlete: action(work, Owner(athlete.id))
        )

    def run(_db: Database, work: UnitOfWork) -> list[str]:
        team_view(work, ADMIN, args.team)  # a missing team is refused
        return action(work, Owner(team_id=args.team))

    return in_unit(run, load_settings())


def _whose(owner: Owner) -> str:
    return f"team {owner.team_id}" if owner.team_id is not None else f"athlete {owner.athlete_id}"


def run_add(args: argparse.Namespace) -> int:
    from readiness.api.services.webhooks.subscriptions import create_webhook

    allowed = load_settings().webhook_allow_private

    def add(work: UnitOfWork, owner: Owner) -> list[str]:
        hook = create_webhook(
            work, owner, url=args.url, events=args.events or EVENTS, allowed=allowed
        )
        return [
            f"webhook {hook.id} added for {_whose(owner)}: {hook.url} ({', '.join(hook.events)})",
            f"signing secret (shown once, store it now): {hook.secret}",
        ]

    return _with_owner(args, add)


def run_list(args: argparse.Namespace) -> int:
    from readiness.api.services.webhooks.subscriptions import webhooks_of

    def show(work: UnitOfWork, owner: Owner) -> list[str]:
        hooks: list[Webhook] = webhooks_of(work, owner.condition)
        listed = [
            {"id": h.id, "url": h.url, "events": h.events, "created": h.created.isoformat()}
            for h in hooks
        ]
        if args.json:
            return [json.dumps(listed, ensure_ascii=False)]
        return [
            *(
                f"{h['id']}  {h['created'][:19]}  {h['url']}  ({', '.join(h['events'])})"
                for h in listed
            ),
            f"{len(listed)} webhook(s)",
        ]

    return _with_owner(args, show)
