"""Teams with consent: coaches and their keys, teams, one-time invitations, membership, and a
team's triage of today's readiness.

Who may do what, by the caller's role (:class:`Caller`):

* the admin creates coaches and teams, invites, and sees every team (never an athlete's data);
* an athlete creates a team of their own (they are its first member), accepts an invitation
  with their own key, and leaves a team at any time;
* a coach invites athletes to the teams they coach and reads — never writes — the readiness of
  those teams' current members.

A team, a member or an invitation outside what the caller may know is missing (404), whether it
exists or not; a caller who may know the resource but whose role cannot do the thing is refused
(403). A coach sees a member's data only while the membership row exists: leaving deletes it.

Invitation codes are shown once and stored as their SHA-256; accepting is one conditional
``UPDATE`` (unused, not expired), so of two accepts racing one wins and the other finds nothing.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from readiness.api.security import hash_key, new_key
from readiness.api.services.accounts import athlete_by_key
from readiness.api.services.errors import InvalidInputError, MissingError, NotAllowedError
from readiness.api.services.read_cache import ReadCache
from readiness.api.services.readiness import served_today
from readiness.api.storage.inserts import insert_if_absent
from readiness.api.storage.models import (
    Athlete,
    Coach,
    CoachKey,
    Invitation,
    Team,
    TeamCoach,
    TeamMember,
    Webhook,
    WebhookDelivery,
    utcnow,
)
from readiness.api.storage.unit_of_work import UnitOfWork, unit_of_work
from sqlalchemy import bindparam, delete, exists, select, update
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "ADMIN",
    "CONCERNS",
    "INVITATION_DAYS",
    "MAX_INVITATION_DAYS",
    "Caller",
    "IssuedInvitation",
    "TeamView",
    "accept_invitation",
    "caller_by_key",
    "coach_by_key",
    "coaching",
    "create_coach",
    "create_team",
    "invite",
    "leave_team",
    "list_teams",
    "team_member",
    "team_view",
    "triage",
]

Role = Literal["admin", "coach", "athlete"]

#: How long an invitation can be accepted, by default and at most.
INVITATION_DAYS = 7
MAX_INVITATION_DAYS = 30
#: Triage's order of concern, first the most urgent (a member with no data at all after those
#: whose data is stale; sub-scores elevated before settled).
CONCERNS = ("pain_gate", "illness", "guarded", "stale_data", "no_data", "elevated", "settled")
#: Members whose today a triage reads at once on PostgreSQL (each in its own unit of work).
TRIAGE_THREADS = 4


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sends a request: the admin, a coach or an athlete (``id`` and ``name`` theirs)."""

    role: Role
    id: int = 0
    name: str = ""
    athlete: Athlete | None = field(default=None, compare=False)


ADMIN = Caller("admin")


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    name: str
    joined: datetime


@dataclass(frozen=True, slots=True)
class TeamView:
    """A team as its caller may see it: its coaches, and its members (all of them for its
    coaches and the admin; an athlete sees only themselves)."""

    id: int
    name: str
    created: datetime
    coaches: list[Person]
    members: list[Member]


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    """An invitation just issued: the code is visible only now."""

    code: str
    team_id: int
    expires: datetime


# --- coaches ---


def create_coach(work: UnitOfWork, *, name: str) -> tuple[Coach, str]:
    """Add a coach with one API key; returns the coach and the key (shown once)."""
    coach = Coach(name=name, created=utcnow())
    work.session.add(coach)
    work.session.flush()
    key = new_key()
    work.session.add(
        CoachKey(coach_id=coach.id, key_hash=hash_key(key), prefix=key[:10], created=utcnow())
    )
    return coach, key


_COACH_BY_KEY_HASH = (
    select(Coach)
    .join(CoachKey, CoachKey.coach_id == Coach.id)
    .where(CoachKey.key_hash == bindparam("key_hash"))
)


def coach_by_key(work: UnitOfWork, key: str) -> Coach | None:
    """The coach whose API key is ``key``, if any."""
    return work.session.scalars(_COACH_BY_KEY_HASH, {"key_hash": hash_key(key)}).one_or_none()


def caller_by_key(work: UnitOfWork, key: str) -> Caller | None:
    """The athlete or coach whose API key is ``key``, if any."""
    athlete = athlete_by_key(work, key)
    if athlete is not None:
        return Caller("athlete", athlete.id, athlete.name, athlete)
    coach = coach_by_key(work, key)
    return None if coach is None else Caller("coach", coach.id, coach.name)


# --- teams ---


def _missing_team(team_id: int) -> MissingError:
    return MissingError(f"no team {team_id} among yours", team_id=team_id)


def _coach_of(team_id: int, coach_id: int) -> Any:
    return exists().where(TeamCoach.team_id == team_id, TeamCoach.coach_id == coach_id)


def _member_of(team_id: int, athlete_id: int) -> Any:
    return exists().where(TeamMember.team_id == team_id, TeamMember.athlete_id == athlete_id)


def _visible_team(work: UnitOfWork, caller: Caller, team_id: int) -> Team:
    """The team, if the caller may know it: the admin any, a coach theirs, an athlete those
    they are a member of; else :class:`MissingError`."""
    query = select(Team).where(Team.id == team_id)
    if caller.role == "coach":
        query = query.where(_coach_of(team_id, caller.id))
    elif caller.role == "athlete":
        query = query.where(_member_of(team_id, caller.id))
    team = work.session.scalars(query).one_or_none()
    if team is None:
        raise _missing_team(team_id)
    return team


def _views(work: UnitOfWork, caller: Caller, teams: Sequence[Team]) -> list[TeamView]:
    ids = [t.id for t in teams]
    if not ids:
        return []
    session = work.session
    coaches: dict[int, list[Person]] = {i: [] for i in ids}
    for team_id, coach_id, name in session.execute(
        select(TeamCoach.team_id, Coach.id, Coach.name)
        .join(Coach, Coach.id == TeamCoach.coach_id)
        .where(TeamCoach.team_id.in_(ids))
        .order_by(Coach.id)
    ):
        coaches[team_id].append(Person(coach_id, name))
    members: dict[int, list[Member]] = {i: [] for i in ids}
    query = (
        select(TeamMember.team_id, Athlete.id, Athlete.name, TeamMember.joined)
        .join(Athlete, Athlete.id == TeamMember.athlete_id)
        .where(TeamMember.team_id.in_(ids))
        .order_by(Athlete.name, Athlete.id)
    )
    if caller.role == "athlete":
        query = query.where(TeamMember.athlete_id == caller.id)
    for team_id, athlete_id, name, joined in session.execute(query):
        members[team_id].append(Member(athlete_id, name, joined))
    return [TeamView(t.id, t.name, t.created, coaches[t.id], members[t.id]) for t in teams]


def create_team(
    work: UnitOfWork, caller: Caller, *, name: str, coach_ids: Iterable[int] = ()
) -> TeamView:
    """Create a team coached by ``coach_ids``. The admin creates any team; an athlete creates
    their own and is its first member; a coach cannot create one."""
    if caller.role == "coach":
        raise NotAllowedError("a team is created by the admin or by an athlete, not by a coach")
    wanted = sorted(set(coach_ids))
    found = set(work.session.scalars(select(Coach.id).where(Coach.id.in_(wanted))))
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise InvalidInputError(
            f"no coach {', '.join(map(str, unknown))}: create the coach first", coach_ids=unknown
        )
    team = Team(name=name, created=utcnow())
    work.session.add(team)
    work.session.flush()
    work.session.add_all(TeamCoach(team_id=team.id, coach_id=c) for c in wanted)
    if caller.role == "athlete":
        work.session.add(TeamMember(team_id=team.id, athlete_id=caller.id, joined=utcnow()))
    work.session.flush()
    return _views(work, caller, [team])[0]


def list_teams(work: UnitOfWork, caller: Caller) -> list[TeamView]:
    """The teams the caller may know (oldest first)."""
    query = select(Team).order_by(Team.id)
    if caller.role == "coach":
        query = query.join(TeamCoach, TeamCoach.team_id == Team.id).where(
            TeamCoach.coach_id == caller.id
        )
    elif caller.role == "athlete":
        query = query.join(TeamMember, TeamMember.team_id == Team.id).where(
            TeamMember.athlete_id == caller.id
        )
    return _views(work, caller, work.session.scalars(query).all())


def team_view(work: UnitOfWork, caller: Caller, team_id: int) -> TeamView:
    """The team ``team_id`` as the caller may see it (:class:`MissingError` if not theirs)."""
    return _views(work, caller, [_visible_team(work, caller, team_id)])[0]


# --- invitations and membership ---


def invite(
    work: UnitOfWork, caller: Caller, team_id: int, *, now: datetime, days: int = INVITATION_DAYS
) -> IssuedInvitation:
    """A one-time code to join the team, valid for ``days`` from ``now``: issued by one of its
    coaches or the admin (an athlete member is refused)."""
    team = _visible_team(work, caller, team_id)
    if caller.role == "athlete":
        raise NotAllowedError("only the team's coaches invite athletes", team_id=team_id)
    if not 1 <= days <= MAX_INVITATION_DAYS:
        raise InvalidInputError(
            f"an invitation is valid for 1 to {MAX_INVITATION_DAYS} days", days=days
        )
    code = secrets.token_urlsafe(16)
    expires = now + timedelta(days=days)
    work.session.add(
        Invitation(
            team_id=team.id,
            code_hash=hash_key(code),
            coach_id=caller.id if caller.role == "coach" else None,
            created=utcnow(),
            expires=expires,
        )
    )
    work.session.flush()
    return IssuedInvitation(code, team.id, expires)


def _join(work: UnitOfWork, team_id: int, athlete_id: int, *, joined: datetime) -> None:
    """Make the athlete a member (nothing if they are one already, also under a race)."""
    values = {"team_id": team_id, "athlete_id": athlete_id, "joined": joined}
    insert_if_absent(work.session, TeamMember, values)


def accept_invitation(work: UnitOfWork, caller: Caller, code: str, *, now: datetime) -> TeamView:
    """Join the invitation's team with the athlete's own key; the code is used up. An unknown,
    used or expired code is missing."""
    if caller.role != "athlete":
        raise NotAllowedError("an athlete accepts an invitation, with their own key")
    session = work.session
    claimed = session.execute(
        update(Invitation)
        .where(
            Invitation.code_hash == hash_key(code),
            Invitation.accepted.is_(None),
            Invitation.expires > now,
        )
        .values(accepted=now, athlete_id=caller.id)
        .returning(Invitation.team_id)
    ).scalar_one_or_none()
    if claimed is None:
        raise MissingError("no such invitation: the code is unknown, used or expired")
    _join(work, claimed, caller.id, joined=now)
    return team_view(work, caller, claimed)


def leave_team(work: UnitOfWork, caller: Caller, team_id: int) -> None:
    """The athlete leaves the team: from now on its coaches see nothing of them. The team's
    webhooks hear none of their events any more: the deliveries about them are deleted (those
    not sent yet are not sent, and the team's delivery logs no longer show them)."""
    _visible_team(work, caller, team_id)
    if caller.role != "athlete":
        raise NotAllowedError("only an athlete leaves a team, with their own key", team_id=team_id)
    session = work.session
    session.execute(
        delete(TeamMember).where(TeamMember.team_id == team_id, TeamMember.athlete_id == caller.id)
    )
    team_hooks = select(Webhook.id).where(Webhook.team_id == team_id)
    session.execute(
        delete(WebhookDelivery).where(
            WebhookDelivery.athlete_id == caller.id, WebhookDelivery.webhook_id.in_(team_hooks)
        )
    )


# --- what a coach reads ---


def coaching(work: UnitOfWork, caller: Caller, team_id: int) -> None:
    """Nothing if the caller coaches the team; :class:`MissingError` when they may not know
    it, :class:`NotAllowedError` when they may (the admin, a member) but do not coach it."""
    _visible_team(work, caller, team_id)
    if caller.role != "coach":
        raise NotAllowedError("only the team's coaches read its members' data", team_id=team_id)


def _members(work: UnitOfWork, team_id: int) -> list[Athlete]:
    return list(
        work.session.scalars(
            select(Athlete)
            .join(TeamMember, TeamMember.athlete_id == Athlete.id)
            .where(TeamMember.team_id == team_id)
            .order_by(Athlete.name, Athlete.id)
        )
    )


def team_member(work: UnitOfWork, caller: Caller, team_id: int, athlete_id: int) -> Athlete:
    """A current member of a team the caller coaches (:class:`MissingError` otherwise)."""
    coaching(work, caller, team_id)
    athlete = work.session.scalars(
        select(Athlete).where(Athlete.id == athlete_id, _member_of(team_id, athlete_id))
    ).one_or_none()
    if athlete is None:
        raise MissingError(
            f"no member {athlete_id} in team {team_id}", team_id=team_id, athlete_id=athlete_id
        )
    return athlete


def concern(day: dict[str, Any] | None) -> str:
    """How urgent a member's day is, one of :data:`CONCERNS`."""
    if day is None:
        return "no_data"
    rule = day["recommendation"]["rule"]
    bands = {
        (_score_band(day, name) or {}).get("band")
        for name in ("nervous_system_stress", "physical_stiffness")
    }
    if rule == "R0":
        return "pain_gate"
    if rule == "R1":
        return "illness"
    if "guarded" in bands:
        return "guarded"
    if day["data"].get("stale"):
        return "stale_data"
    return "elevated" if "elevated" in bands else "settled"


def _score_band(day: dict[str, Any], name: str) -> dict[str, Any] | None:
    sub = day.get(name)
    if not isinstance(sub, dict):
        return None
    return {"score": sub.get("score"), "band": sub.get("band")}


def _row(athlete: Athlete, day: dict[str, Any] | None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "athlete": {"id": athlete.id, "name": athlete.name},
        "concern": concern(day),
    }
    if day is None:
        return row
    rec = day["recommendation"]
    return row | {
        "date": day["date"],
        "action": rec["action"],
        "rule": rec["rule"],
        "nervous_system_stress": _score_band(day, "nervous_system_stress"),
        "physical_stiffness": _score_band(day, "physical_stiffness"),
        "warmth": _score_band(day, "warmth"),
        "data": day["data"],
        "reason": (rec.get("reasons") or [None])[0],
    }


def _urgency(row: dict[str, Any]) -> tuple[int, float, str, int]:
    scores = [
        float(part["score"])
        for name in ("nervous_system_stress", "physical_stiffness")
        if isinstance(part := row.get(name), dict) and part.get("score") is not None
    ]
    athlete = row["athlete"]
    return CONCERNS.index(row["concern"]), -max(scores, default=0.0), athlete["name"], athlete["id"]


def _in_threads(
    sessions: sessionmaker[Session], members: list[Athlete], *, now: datetime, cache: ReadCache
) -> list[bytes | None]:
    """Each member's served today, :data:`TRIAGE_THREADS` at a time in units of work of their
    own."""

    def today(athlete: Athlete) -> bytes | None:
        with unit_of_work(sessions) as own:
            return served_today(own, athlete, now=now, cache=cache)

    with ThreadPoolExecutor(max_workers=TRIAGE_THREADS) as pool:
        return list(pool.map(today, members))


def triage(
    work: UnitOfWork,
    caller: Caller,
    team_id: int,
    *,
    now: datetime,
    cache: ReadCache,
    sessions: sessionmaker[Session] | None = None,
) -> list[dict[str, Any]]:
    """One row per current member of a team the caller coaches: today's call in the member's
    timezone (the same object the member's own ``/v1/readiness/today`` serves, from the same
    cache), most urgent first (:data:`CONCERNS`, then the higher sub-score).

    On PostgreSQL, given ``sessions``, the members are read :data:`TRIAGE_THREADS` at a time,
    each in a unit of work of its own (the membership is checked in ``work`` first): half of a
    member's first read of a minute waits on the database there. SQLite answers in-process
    (the work is all CPU), so there they are read one by one in ``work``."""
    coaching(work, caller, team_id)
    members = _members(work, team_id)

    if sessions is None or work.session.get_bind().dialect.name != "postgresql":
        bodies = [served_today(work, a, now=now, cache=cache) for a in members]
    else:
        bodies = _in_threads(sessions, members, now=now, cache=cache)
    rows = [
        _row(athlete, None if body is None else json.loads(body))
        for athlete, body in zip(members, bodies, strict=True)
    ]
    return sorted(rows, key=_urgency)
