"""Dependencies shared by the routes, as ``Annotated`` aliases (``SessionDep``, ...)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from readiness.api.errors import ForbiddenError, InvalidRequestError, NotAuthenticatedError
from readiness.api.security import hash_key, tokens_equal
from readiness.api.services.readiness import local_today
from readiness.api.services.uploads import UploadService
from readiness.api.settings import Settings
from readiness.api.storage.engine import Database
from readiness.api.storage.models import ApiKey, Athlete
from sqlalchemy import select
from sqlalchemy.orm import Session

__all__ = [
    "MAX_SPAN_DAYS",
    "AdminDep",
    "CurrentAthlete",
    "DateRange",
    "DateRangeDep",
    "NowDep",
    "Pagination",
    "PaginationDep",
    "ServiceDep",
    "SessionDep",
    "SettingsDep",
    "check_entry_day",
]

#: The longest span a range query may ask for.
MAX_SPAN_DAYS = 366
#: The default span when a range query gives no ``start``.
DEFAULT_SPAN_DAYS = 90

_bearer = HTTPBearer(auto_error=False, description="Your API key (or the admin token)")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _session(request: Request) -> Iterator[Session]:
    db: Database = request.app.state.db
    with db.sessions() as session:
        yield session


def _service(request: Request) -> UploadService:
    service: UploadService = request.app.state.uploads
    return service


SettingsDep = Annotated[Settings, Depends(_settings)]


def _now(settings: SettingsDep) -> datetime:
    """The service's "now" for this request (``READINESS_NOW`` when pinned)."""
    return settings.current_time()


NowDep = Annotated[datetime, Depends(_now)]
SessionDep = Annotated[Session, Depends(_session)]
ServiceDep = Annotated[UploadService, Depends(_service)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _current_athlete(session: SessionDep, credentials: Credentials) -> Athlete:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticatedError()
    athlete = session.scalars(
        select(Athlete)
        .join(ApiKey, ApiKey.athlete_id == Athlete.id)
        .where(ApiKey.key_hash == hash_key(credentials.credentials))
    ).one_or_none()
    if athlete is None:
        raise NotAuthenticatedError("the API key is not valid")
    return athlete


def _admin(settings: SettingsDep, credentials: Credentials) -> None:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticatedError("send the admin token as 'Authorization: Bearer <token>'")
    if not settings.admin_token:
        raise ForbiddenError("the admin API is disabled: READINESS_ADMIN_TOKEN is not set")
    if not tokens_equal(credentials.credentials, settings.admin_token):
        raise ForbiddenError("the admin token is not valid")


CurrentAthlete = Annotated[Athlete, Depends(_current_athlete)]
AdminDep = Annotated[None, Depends(_admin)]


class Pagination(BaseModel):
    """``limit`` rows from ``offset`` on."""

    limit: int = Field(default=100, gt=0, le=MAX_SPAN_DAYS)
    offset: int = Field(default=0, ge=0, le=1_000_000)


def _pagination(
    limit: Annotated[int, Query(gt=0, le=MAX_SPAN_DAYS, description="rows per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="rows to skip")] = 0,
) -> Pagination:
    return Pagination(limit=limit, offset=offset)


PaginationDep = Annotated[Pagination, Depends(_pagination)]


class DateRange(BaseModel):
    """Inclusive athlete-local dates; at most :data:`MAX_SPAN_DAYS` days."""

    start: date
    end: date


def _date_range(
    athlete: CurrentAthlete,
    now: NowDep,
    start: Annotated[
        date | None, Query(description="first day (YYYY-MM-DD); default: 90 days before end")
    ] = None,
    end: Annotated[date | None, Query(description="last day (YYYY-MM-DD); default: today")] = None,
) -> DateRange:
    if end is None:
        end = local_today(athlete, now)
    if start is None:
        try:
            start = end - timedelta(days=DEFAULT_SPAN_DAYS - 1)
        except OverflowError:
            start = date.min
    if start > end:
        raise InvalidRequestError("'start' is after 'end'", start=start, end=end)
    if (end - start).days + 1 > MAX_SPAN_DAYS:
        raise InvalidRequestError(
            f"the range spans more than {MAX_SPAN_DAYS} days; ask for a shorter one",
            start=start,
            end=end,
            max_days=MAX_SPAN_DAYS,
        )
    return DateRange(start=start, end=end)


DateRangeDep = Annotated[DateRange, Depends(_date_range)]

#: The earliest day the service accepts a check-in or feedback for.
EARLIEST_DAY = date(1990, 1, 1)


def check_entry_day(athlete: Athlete, day: date, now: datetime) -> None:
    """A check-in or feedback date must be a real day of the athlete: not before 1990 and not
    after their local tomorrow at ``now`` (422 otherwise)."""
    today = local_today(athlete, now)
    if day < EARLIEST_DAY or day > today + timedelta(days=1):
        raise InvalidRequestError(
            f"the date must be between {EARLIEST_DAY} and {today + timedelta(days=1)}",
            date=day,
        )
