"""Create athletes and their API keys (used by the admin endpoint and the CLI)."""

from __future__ import annotations

from readiness.api.security import hash_key, new_key
from readiness.api.storage.models import ApiKey, Athlete, utcnow
from sqlalchemy.orm import Session

__all__ = ["create_athlete", "issue_key"]


def issue_key(session: Session, athlete_id: int) -> str:
    """Add a new API key for the athlete and return it (the only time it is visible)."""
    key = new_key()
    session.add(ApiKey(athlete_id=athlete_id, key_hash=hash_key(key), prefix=key[:10]))
    return key


def create_athlete(
    session: Session,
    *,
    name: str,
    timezone: str,
    hr_rest: float | None = None,
    hr_max: float | None = None,
    sex: str | None = None,
) -> tuple[Athlete, str]:
    """Add an athlete with one API key; the caller commits. Returns the athlete and the key."""
    athlete = Athlete(
        name=name,
        timezone=timezone,
        hr_rest=hr_rest,
        hr_max=hr_max,
        sex=sex,
        data_version=0,
        created=utcnow(),
    )
    session.add(athlete)
    session.flush()
    return athlete, issue_key(session, athlete.id)
