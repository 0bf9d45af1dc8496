"""Dependencies shared by the routes, as ``Annotated`` aliases (``UnitOfWorkDep``, ...).

:data:`UnitOfWorkDep` is the request's one transaction: opened on first use, committed when the
route returns (before the response is sent; only if something was written), rolled back when it
raises. The authenticated athlete is read in it, and the route's service calls use the same one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from readiness.api.errors import ForbiddenError, InvalidRequestError, NotAuthenticatedError
from readiness.api.security import tokens_equal
from readiness.api.services.accounts import athlete_by_key
from readiness.api.services.readiness import local_today
from readiness.api.services.uploads import UploadService
from readiness.api.settings import Settings
from readiness.api.storage.engine import Database
from readiness.api.storage.models import Athlete
from readiness.api.storage.unit_of_work import UnitOfWork, unit_of_work
from readiness.api.throttle import AuthThrottle

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
    "SettingsDep",
    "UnitOfWorkDep",
]

#: The longest span a range query may ask for.
MAX_SPAN_DAYS = 366
#: The default span when a range query gives no ``start``.
DEFAULT_SPAN_DAYS = 90

_bearer = HTTPBearer(auto_error=False, description="Your API key (or the admin token)")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _unit_of_work(request: Request) -> Iterator[UnitOfWork]:
    db: Database = request.app.state.db
    with unit_of_work(db.sessions) as work:
        yield work


def _service(request: Request) -> UploadService:
    service: UploadService = request.app.state.uploads
    return service


SettingsDep = Annotated[Settings, Depends(_settings)]


def _now(settings: SettingsDep) -> datetime:
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


def _current_athlete(request: Request, work: UnitOfWorkDep, credentials: Credentials) -> Athlete:
    if credentials is None or not credentials.credentials:
        raise NotAuthenticatedError()
    throttle: AuthThrottle = request.app.state.auth_throttle
    address = _address(request)
    throttle.check(address)
    athlete = athlete_by_key(work, credentials.credentials)
    if athlete is None:
        throttle.failed(address)
        raise NotAuthenticatedError("the API key is not valid")
    return athlete


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
