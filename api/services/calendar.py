"""The calendar feed: one all-day event per day with the day's call and its top reason, read
with a separate token so that a calendar app can subscribe without the athlete's API key.

The token is read-only (it serves the feed and nothing else), shown once, stored as its
SHA-256, one per athlete: issuing a new one revokes the old, and deleting it stops the feed.
The feed is written by the ``icalendar`` library (RFC 5545).
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event
from readiness.api.security import hash_key
from readiness.api.services.accounts import IssuedKey
from readiness.api.services.errors import MissingError
from readiness.api.services.readiness import local_today, read_range
from readiness.api.storage.models import Athlete, CalendarToken, utcnow
from readiness.api.storage.unit_of_work import UnitOfWork
from readiness.scoring import action_words
from sqlalchemy import bindparam, delete, select

__all__ = [
    "FEED_DAYS",
    "TOKEN_PREFIX",
    "athlete_by_calendar_token",
    "feed",
    "issue_calendar_token",
    "missing_token",
    "revoke_calendar_token",
]

#: The feed holds the days up to today, this many at most.
FEED_DAYS = 60
TOKEN_PREFIX = "cal_"
PRODID = "-//readiness//calendar feed//EN"


def issue_calendar_token(work: UnitOfWork, athlete_id: int) -> IssuedKey:
    """A new calendar token for the athlete (``key``: shown only now); an earlier one stops
    working."""
    revoke_calendar_token(work, athlete_id)
    work.session.flush()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = CalendarToken(
        athlete_id=athlete_id, token_hash=hash_key(token), prefix=token[:10], created=utcnow()
    )
    work.session.add(row)
    work.session.flush()
    return IssuedKey(token, row.prefix, row.created)


def revoke_calendar_token(work: UnitOfWork, athlete_id: int) -> bool:
    """Stop the athlete's calendar feed; whether there was a token."""
    done = work.session.execute(delete(CalendarToken).where(CalendarToken.athlete_id == athlete_id))
    return bool(getattr(done, "rowcount", 0))


_BY_TOKEN_HASH = (
    select(Athlete)
    .join(CalendarToken, CalendarToken.athlete_id == Athlete.id)
    .where(CalendarToken.token_hash == bindparam("token_hash"))
)


def athlete_by_calendar_token(work: UnitOfWork, token: str) -> Athlete | None:
    """The athlete whose calendar token is ``token``, if any."""
    return work.session.scalars(_BY_TOKEN_HASH, {"token_hash": hash_key(token)}).one_or_none()


def _event(athlete: Athlete, day: dict[str, Any], stamp: datetime) -> Event:
    rec = day["recommendation"]
    reasons: list[str] = rec.get("reasons") or []
    first = date.fromisoformat(day["date"])
    summary = action_words(rec["action"])
    if reasons:
        summary += f" — {reasons[0]}"
    event = Event()
    event.add("uid", f"readiness-{athlete.id}-{first.isoformat()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", first)
    event.add("dtend", first + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", "\n".join([*reasons, "", rec.get("disclaimer", "")]).strip())
    event.add("transp", "TRANSPARENT")  # an all-day note, never busy time
    return event


def feed(work: UnitOfWork, athlete: Athlete, *, now: datetime, days: int = FEED_DAYS) -> bytes:
    """The athlete's calendar: one all-day event per day with a readiness, the last ``days``
    days up to their today at ``now``."""
    today = local_today(athlete, now)
    objects, _ = read_range(
        work, athlete, today - timedelta(days=days - 1), today, limit=days, offset=0, now=now
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Readiness — {athlete.name}")
    calendar.add("x-wr-timezone", athlete.timezone)
    stamp = now
    for day in objects:
        calendar.add_component(_event(athlete, day, stamp))
    body: bytes = calendar.to_ical()
    return body


def missing_token() -> MissingError:
    """What a feed request with an unknown or revoked token is answered."""
    return MissingError("no calendar for this token: it is unknown or was revoked")
