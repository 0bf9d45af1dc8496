"""Athletes and their API keys: create them (admin endpoint, CLI), find the athlete of a key,
rotate the key, and delete an athlete with everything stored about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from readiness.api.security import hash_key, new_key
from readiness.api.services.read_cache import WRITES
from readiness.api.services.uploads import forget_blobs
from readiness.api.storage.blobs import BlobStore
from readiness.api.storage.erasure import erase_athlete
from readiness.api.storage.models import ApiKey, Athlete, utcnow
from readiness.api.storage.unit_of_work import UnitOfWork
from sqlalchemy import bindparam, delete, select

__all__ = [
    "IssuedKey",
    "athlete_by_key",
    "athlete_named",
    "create_athlete",
    "delete_athlete",
    "get_athlete",
    "issue_key",
    "rotate_key",
]


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A key just issued (the only time it is visible), its stored prefix and creation time."""

    key: str
    prefix: str
    created: datetime


def _add_key(work: UnitOfWork, athlete_id: int) -> IssuedKey:
    key = new_key()
    row = ApiKey(athlete_id=athlete_id, key_hash=hash_key(key), prefix=key[:10], created=utcnow())
    work.session.add(row)
    return IssuedKey(key, row.prefix, row.created)


def issue_key(work: UnitOfWork, athlete_id: int) -> str:
    """Add a new API key for the athlete and return it (the only time it is visible)."""
    return _add_key(work, athlete_id).key


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


def rotate_key(work: UnitOfWork, athlete_id: int) -> IssuedKey:
    """Revoke every API key of the athlete and issue a new one (returned: the only time it is
    visible). The old keys stop working when the unit of work commits.

    ``AthleteGoneError`` when there is no such athlete."""
    work.lock_athlete(athlete_id)  # serialised with the athlete's other writes
    work.after_commit(lambda: WRITES.bump(athlete_id))  # keys verified here stop at once
    work.session.execute(delete(ApiKey).where(ApiKey.athlete_id == athlete_id))
    return _add_key(work, athlete_id)


def delete_athlete(work: UnitOfWork, athlete_id: int, blobs: BlobStore | None) -> None:
    """Delete the athlete and every row about them — timeline, per-upload rows, check-ins,
    feedback, readiness, uploads and their jobs, API keys, webhooks and their deliveries — and,
    once that is committed, the blobs of their uploads that no other upload shares. Nothing is
    re-scored: nothing is left.

    ``AthleteGoneError`` when there is no such athlete (e.g. deleted just before).
    """
    work.lock_athlete(athlete_id)  # waits for a write (an upload job) of the athlete in flight
    work.after_commit(lambda: WRITES.bump(athlete_id))  # keys verified here stop at once
    forget_blobs(work, blobs, erase_athlete(work.session, athlete_id))
