"""``readiness coaches create`` and ``readiness teams create|invite|list``: the admin's side
of teams, on the database named by ``DATABASE_URL`` directly (no server needed)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from readiness.api.cli.common import in_unit, load_settings, print_json

if TYPE_CHECKING:
    from readiness.api.storage.unit_of_work import UnitOfWork

__all__ = ["register"]


def register(sub: Any) -> None:
    coaches: argparse.ArgumentParser = sub.add_parser("coaches", help="manage coaches")
    csub = coaches.add_subparsers(dest="coaches_command", required=True, metavar="ACTION")
    coach = csub.add_parser("create", help="create a coach and print its API key (once)")
    coach.add_argument("--name", required=True)
    coach.set_defaults(func=run_coach)

    teams: argparse.ArgumentParser = sub.add_parser("teams", help="manage teams")
    tsub = teams.add_subparsers(dest="teams_command", required=True, metavar="ACTION")
    create = tsub.add_parser("create", help="create a team")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--coach", type=int, action="append", default=[], metavar="ID", help="a coach (repeat)"
    )
    create.set_defaults(func=run_create)
    invite = tsub.add_parser("invite", help="print a one-time code an athlete accepts to join")
    invite.add_argument("--team", type=int, required=True, metavar="ID")
    invite.add_argument("--days", type=int, default=7, help="days it can be accepted (1-30)")
    invite.set_defaults(func=run_invite)
    listing = tsub.add_parser("list", help="list every team, its coaches and members")
    listing.add_argument("--json", action="store_true", help="print the teams as JSON")
    listing.set_defaults(func=run_list)


def _in_unit(action: Callable[[UnitOfWork], list[str]]) -> int:
    return in_unit(lambda _db, work: action(work), load_settings())


def run_coach(args: argparse.Namespace) -> int:
    from readiness.api.services.teams import create_coach

    def create(work: UnitOfWork) -> list[str]:
        coach, key = create_coach(work, name=args.name)
        return [
            f"coach {coach.id} created: {coach.name}",
            f"API key (shown once, store it now): {key}",
        ]

    return _in_unit(create)


def run_create(args: argparse.Namespace) -> int:
    from readiness.api.services.teams import ADMIN, create_team

    def create(work: UnitOfWork) -> list[str]:
        team = create_team(work, ADMIN, name=args.name, coach_ids=args.coach)
        coaches = ", ".join(f"{c.name} ({c.id})" for c in team.coaches) or "no coach yet"
        return [f"team {team.id} created: {team.name}; coaches: {coaches}"]

    return _in_unit(create)


def run_invite(args: argparse.Namespace) -> int:
    from readiness.api.services.teams import ADMIN, invite

    now = load_settings().current_time()

    def issue(work: UnitOfWork) -> list[str]:
        issued = invite(work, ADMIN, args.team, now=now, days=args.days)
        return [
            f"invitation to team {issued.team_id}, valid until {issued.expires.isoformat()}",
            f"code (shown once; the athlete accepts it with their own key): {issued.code}",
        ]

    return _in_unit(issue)


def run_list(args: argparse.Namespace) -> int:
    from readiness.api.services.teams import ADMIN, list_teams

    def show(work: UnitOfWork) -> list[str]:
        teams = list_teams(work, ADMIN)
        if args.json:
            print_json(
                [
                    {
                        "id": t.id,
                        "name": t.name,
                        "created": t.created.isoformat(),
                        "coaches": [{"id": c.id, "name": c.name} for c in t.coaches],
                        "members": [
                            {"id": m.id, "name": m.name, "joined": m.joined.isoformat()}
                            for m in t.members
                        ],
                    }
                    for t in teams
                ]
            )
            return []
        lines = [
            f"{t.id}\t{t.name}\tcoaches: {', '.join(c.name for c in t.coaches) or '-'}\t"
            f"members: {len(t.members)}"
            for t in teams
        ]
        return [*lines, f"{len(teams)} team(s)"]

    return _in_unit(show)
