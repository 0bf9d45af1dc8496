"""``readiness webhooks add|list``: an athlete's webhooks from the command line.

Like the other athlete commands they work on the database named by ``DATABASE_URL`` directly,
for the athlete given with ``--athlete ID``; ``add`` checks the URL as the API does (no
loopback or private address unless ``READINESS_WEBHOOK_ALLOW_PRIVATE`` allows it) and prints
the signing secret once. Deliveries are sent by the running service (``readiness serve`` or
``readiness worker``).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from readiness.api.cli.common import load_settings
from readiness.api.cli.data import with_athlete
from readiness.api.services.webhooks import EVENTS

if TYPE_CHECKING:
    from readiness.api.services.uploads import UploadService
    from readiness.api.storage.models import Athlete
    from readiness.api.storage.unit_of_work import UnitOfWork

__all__ = ["register"]


def register(sub: Any) -> None:
    hooks: argparse.ArgumentParser = sub.add_parser("webhooks", help="add or list webhooks")
    hsub = hooks.add_subparsers(dest="webhooks_command", required=True, metavar="ACTION")
    add = hsub.add_parser("add", help="add a webhook and print its signing secret (once)")
    add.add_argument("--athlete", type=int, required=True, metavar="ID")
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
    listing = hsub.add_parser("list", help="an athlete's webhooks")
    listing.add_argument("--athlete", type=int, required=True, metavar="ID")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    from readiness.api.services.webhooks.subscriptions import create_webhook

    allowed = load_settings().webhook_allow_private

    def add(service: UploadService, work: UnitOfWork, athlete: Athlete) -> list[str]:
        hook = create_webhook(
            work, athlete.id, url=args.url, events=args.events or EVENTS, allowed=allowed
        )
        return [
            f"webhook {hook.id} added for athlete {athlete.id}: {hook.url} "
            f"({', '.join(hook.events)})",
            f"signing secret (shown once, store it now): {hook.secret}",
        ]

    return with_athlete(args.athlete, add)


def run_list(args: argparse.Namespace) -> int:
    from readiness.api.services.webhooks.subscriptions import webhooks_of

    def show(service: UploadService, work: UnitOfWork, athlete: Athlete) -> list[str]:
        listed = [
            {"id": h.id, "url": h.url, "events": h.events, "created": h.created.isoformat()}
            for h in webhooks_of(work, athlete.id)
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

    return with_athlete(args.athlete, show)
