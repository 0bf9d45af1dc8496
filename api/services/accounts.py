"""Athletes and their API keys: create them (admin endpoint, CLI) and find the athlete of a key."""

from __future__ import annotations

from readiness.api.security import hash_key, new_key
from readiness.api.storage.models import ApiKey, Athlete, utcnow
from readiness.api.storage.unit_of_work import UnitOfWork
from sqlalchemy import bindparam, select

__all__ = ["athlete_by_key", "athlete_named", "create_athlete", "get_athlete", "issue_key"]


def issue_key(work: UnitOfWork, athlete_id: int) -> str:
    """Add a new API key for the athlete and return it (the only time it is visible)."""
    key = new_key()
    work.session.add(ApiKey(athlete_id=athlete_id, key_hash=hash_key(key), prefix=key[:10]))
    return key


def create_athlete(
    work: UnitOfWork,
    *,
    name: str,
    timezone: str,
    hr_rest: float | None = None,
    hr_max: float | None = None,
    sex: str | None = None,
) -> tuple[Athlete, str]:
    """Add an athlete with one API key (stored with the unit of work). Returns the athlete and
    the key."""
    athlete = Athlete(
        name=name,
        timezone=timezone,
        hr_rest=hr_rest,
        hr_max=hr_max,
        sex=sex,
        data_version=0,
        created=utcnow(),
    )
    work.session.add(athlete)
    work.session.flush()
    return athlete, issue_key(work, athlete.id)


#: Built once: every authenticated request runs it (building a statement costs more than
#: SQLite takes to answer it).
_BY_KEY_HASH = (
    select(Athlete)
    .join(ApiKey, ApiKey.athlete_id == Athlete.id)
    .where(ApiKey.key_hash == bindparam("key_hash"))
)


def athlete_by_key(work: UnitOfWork, key: str) -> Athlete | None:
    """The athlete whose API key is ``key``, if any."""
    return work.session.scalars(_BY_KEY_HASH, {"key_hash": hash_key(key)}).one_or_none()


def get_athlete(work: UnitOfWork, athlete_id: int) -> Athlete | None:
    """The athlete ``athlete_id``, if it exists."""
    return work.session.get(Athlete, athlete_id)


def athlete_named(work: UnitOfWork, name: str) -> Athlete | None:
    """The first athlete (by id) called ``name``, if any."""
    return work.session.scalars(
        select(Athlete).where(Athlete.name == name).order_by(Athlete.id)
    ).first()
