"""The calendar feed: ``GET /v1/calendar.ics?token=…`` (the feed's own read-only token, not
your API key), and ``POST``/``DELETE /v1/me/calendar-token`` to issue and revoke that token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from readiness.api.deps import CurrentAthlete, NowDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.schemas import CalendarTokenIssued
from readiness.api.services.calendar import (
    athlete_by_calendar_token,
    feed,
    issue_calendar_token,
    missing_token,
    revoke_calendar_token,
)
from readiness.api.services.errors import MissingError
from readiness.api.throttle import AuthThrottle

__all__ = ["router"]

router = APIRouter(tags=["calendar"])
ICS = "text/calendar"
FEED = "calendar_feed"


@router.post(
    "/me/calendar-token",
    status_code=status.HTTP_201_CREATED,
    summary="Issue your calendar feed's token and URL (shown once); an earlier one stops",
    responses=problems(401, 403),
)
def post_calendar_token(
    athlete: CurrentAthlete, work: UnitOfWorkDep, request: Request
) -> CalendarTokenIssued:
    issued = issue_calendar_token(work, athlete.id)
    url = request.url_for(FEED).include_query_params(token=issued.key)
    return CalendarTokenIssued(
        token=issued.key, url=str(url), prefix=issued.prefix, created=issued.created
    )


@router.delete(
    "/me/calendar-token",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke your calendar feed's token: the feed stops at once",
    response_class=Response,
    responses=problems(401, 403, 404),
)
def delete_calendar_token(athlete: CurrentAthlete, work: UnitOfWorkDep) -> Response:
    if not revoke_calendar_token(work, athlete.id):
        raise MissingError("you have no calendar token")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/calendar.ics",
    name=FEED,
    summary="Your calendar feed: one all-day event per day, the call and its top reason",
    response_class=Response,
    responses={
        200: {
            "description": "An iCalendar feed (RFC 5545)",
            "content": {ICS: {"schema": {"type": "string"}}},
        },
        **problems(404, 422, 429),
    },
)
def get_calendar(
    token: Annotated[str, Query(min_length=1, max_length=100, description="The feed's token")],
    work: UnitOfWorkDep,
    now: NowDep,
    request: Request,
) -> Response:
    throttle: AuthThrottle = request.app.state.auth_throttle
    address = request.client.host if request.client is not None else "unknown"
    throttle.check(address)
    athlete = athlete_by_calendar_token(work, token)
    if athlete is None:
        throttle.failed(address)
        raise missing_token()
    return Response(content=feed(work, athlete, now=now), media_type=f"{ICS}; charset=utf-8")
