"""Dependencies shared by the routes, as ``Annotated`` aliases (``UnitOfWorkDep``, ...).

:data:`UnitOfWorkDep` is the request's one transaction: opened on first use, committed when the
route returns (before the response is sent; only if something was written), rolled back when it
raises. The authenticated athlete is read in it, and the route's service calls use the same one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, TypeVar

import anyio.to_thread
from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from readiness.api.errors import ForbiddenError, InvalidRequestError, NotAuthenticatedError
from readiness.api.security import hash_key, tokens_equal
from readiness.api.services.accounts import athlete_by_key
from readiness.api.services.read_cache import ReadCache, VerifiedKeys, VersionKey
from readiness.api.services.readiness import local_today, version_key
from readiness.api.services.teams import ADMIN, Caller, caller_by_key, coach_by_key
from readiness.api.services.uploads import UploadService
from readiness.api.settings import Settings
from readiness.api.storage.engine import Database
from readiness.api.storage.models import Athlete
from readiness.api.storage.unit_of_work import UnitOfWork, unit_of_work
from readiness.api.throttle import AuthThrottle
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "MAX_SPAN_DAYS",
    "AdminDep",
    "AthleteRead",
    "AthleteReadDep",
    "CallerDep",
    "CurrentAthlete",
    "DateRange",
    "DateRangeDep",
    "EndQuery",
    "NowDep",
    "Pagination",
    "PaginationDep",
    "ServiceDep",
    "SettingsDep",
    "StartQuery",
    "UnitOfWorkDep",
    "date_range",
]

#: The longest span a range query may ask for.
MAX_SPAN_DAYS = 366
#: The default span when a range query gives no ``start``.
DEFAULT_SPAN_DAYS = 90

_bearer = HTTPBearer(auto_error=False, description="Your API key (or the admin token)")


# Dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency in the
# thread pool, one hop per dependency and request.


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _unit_of_work(request: Request) -> Iterator[UnitOfWork]:
    db: Database = request.app.state.db
    with unit_of_work(db.sessions) as work:
        yield work


async def _service(request: Request) -> UploadService:
    service: UploadService = request.app.state.uploads
    return service


SettingsDep = Annotated[Settings, Depends(_settings)]


async def _now(settings: SettingsDep) -> datetime:
    """The service's "now" for this request (``READINESS_NOW`` when pinned)."""
    return settings.current_time()


NowDep = Annotated[datetime, Depends(_now)]
#: Ended when the route function returns (``scope="function"``), so the commit precedes the
#: response and a failing commit is answered as an error.
UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work, scope="function")]
ServiceDep = Annotated[UploadService, Depends(_service)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _key(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticatedError()
    return credentials.credentials


def _authenticate(work: UnitOfWork, throttle: AuthThrottle, address: str, key: str) -> Athlete:
    throttle.check(address)
    athlete = athlete_by_key(work, key)
    if athlete is None:
        if coach_by_key(work, key) is not None:
            raise ForbiddenError(
                "this is a coach's key: a coach reads their teams (/v1/teams), never an "
                "athlete's own data"
            )
        throttle.failed(address)
        raise NotAuthenticatedError("the API key is not valid")
    return athlete


def _current_athlete(request: Request, work: UnitOfWorkDep, credentials: Credentials) -> Athlete:
    key = _key(credentials)
    return _authenticate(work, request.app.state.auth_throttle, _address(request), key)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AthleteRead:
    """A read of the authenticated athlete's data, run whole in one worker-thread hop.

    The hot read endpoints take this instead of ``CurrentAthlete`` + ``UnitOfWorkDep``: each
    plain ``def`` dependency or route costs a hop into the thread pool (and its GIL hand-offs),
    so the key check, the read and the end of the request's one transaction run together in a
    single hop (``await read(fn)`` calls ``fn(work, athlete)`` there). Before that,
    :meth:`recall` gives the athlete's version key when the same key was verified against the
    database within the last second (``services/read_cache.VerifiedKeys``): a route that finds
    its answer in the process's cache with it needs no hop and no database at all. (Such a
    request skips the throttle's check too: its key is known to be right, and the throttle only
    brakes guessing.)
    """

    sessions: sessionmaker[Session]
    throttle: AuthThrottle
    verified: VerifiedKeys
    address: str
    key: str
    key_hash: str
    #: the service's "now" for this request, and the process's cache of served objects (here,
    #: not as dependencies of their own: FastAPI's per-dependency cost is most of such a request)
    now: datetime
    cache: ReadCache

    def recall(self) -> VersionKey | None:
        return self.verified.recall(self.key_hash)

    async def __call__(self, read: Callable[[UnitOfWork, Athlete], T]) -> T:
        return await anyio.to_thread.run_sync(self._run, read)

    def _run(self, read: Callable[[UnitOfWork, Athlete], T]) -> T:
        count = self.verified.before_check()
        with unit_of_work(self.sessions) as work:
            athlete = _authenticate(work, self.throttle, self.address, self.key)
            self.verified.remember(self.key_hash, version_key(athlete), count)
            return read(work, athlete)


async def _athlete_read(request: Request, credentials: Credentials) -> AthleteRead:
    state = request.app.state
    key = _key(credentials)
    return AthleteRead(
        state.db.sessions,
        state.auth_throttle,
        state.verified_keys,
        _address(request),
        key,
        hash_key(key),
        state.settings.current_time(),
        state.read_cache,
    )


def _admin(request: Request, settings: SettingsDep, credentials: Credentials) -> None:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticatedError("send the admin token as 'Authorization: Bearer <token>'")
    if not settings.admin_token:
        raise ForbiddenError("the admin API is disabled: READINESS_ADMIN_TOKEN is not set")
    throttle: AuthThrottle = request.app.state.auth_throttle
    address = _address(request)
    throttle.check(address)
    if not tokens_equal(credentials.credentials, settings.admin_token):
        throttle.failed(address)
        raise ForbiddenError("the admin token is not valid")


def _caller(request: Request, work: UnitOfWorkDep, credentials: Credentials) -> Caller:
    """The admin (the admin token), a coach or an athlete (their API key)."""
    key = _key(credentials)
    throttle: AuthThrottle = request.app.state.auth_throttle
    address = _address(request)
    throttle.check(address)  # first: a throttled address cannot tell a right guess either
    settings: Settings = request.app.state.settings
    if settings.admin_token and tokens_equal(key, settings.admin_token):
        return ADMIN
    caller = caller_by_key(work, key)
    if caller is None:
        throttle.failed(address)
        raise NotAuthenticatedError("the API key is not valid")
    return caller


CurrentAthlete = Annotated[Athlete, Depends(_current_athlete)]
AthleteReadDep = Annotated[AthleteRead, Depends(_athlete_read)]
AdminDep = Annotated[None, Depends(_admin)]
#: Who calls: the admin, a coach or an athlete (the team endpoints serve all three).
CallerDep = Annotated[Caller, Depends(_caller)]


class Pagination(BaseModel):
    """``limit`` rows from ``offset`` on."""

    limit: int = Field(default=100, gt=0, le=MAX_SPAN_DAYS)
    offset: int = Field(default=0, ge=0, le=1_000_000)


async def _pagination(
    limit: Annotated[int, Query(gt=0, le=MAX_SPAN_DAYS, description="rows per page")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="rows to skip")] = 0,
) -> Pagination:
    return Pagination(limit=limit, offset=offset)


PaginationDep = Annotated[Pagination, Depends(_pagination)]


class DateRange(BaseModel):
    """Inclusive athlete-local dates; at most :data:`MAX_SPAN_DAYS` days."""

    start: date
    end: date


StartQuery = Annotated[
    date | None, Query(description="first day (YYYY-MM-DD); default: 90 days before end")
]
EndQuery = Annotated[date | None, Query(description="last day (YYYY-MM-DD); default: today")]


def date_range(start: date | None, end: date | None, today: date) -> DateRange:
    """The range asked for: ``end`` defaults to ``today`` (the athlete's), ``start`` to
    :data:`DEFAULT_SPAN_DAYS` days ending ``end``; at most :data:`MAX_SPAN_DAYS` days."""
    if end is None:
        end = today
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


async def _date_range(
    athlete: CurrentAthlete, now: NowDep, start: StartQuery = None, end: EndQuery = None
) -> DateRange:
    return date_range(start, end, local_today(athlete, now))


DateRangeDep = Annotated[DateRange, Depends(_date_range)]
