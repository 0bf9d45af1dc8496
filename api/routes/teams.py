"""Coaches and teams: ``POST /v1/coaches`` (admin), ``/v1/teams`` (create, list, one team),
invitations (``POST /v1/teams/{id}/invitations``, ``POST /v1/invitations/{code}/accept``),
leaving (``DELETE /v1/teams/{id}/members/me``) and what a coach reads: the triage
(``GET /v1/teams/{id}/readiness/today``) and one member's range of days.

A team outside the caller's is 404 whether it exists or not; 403 only where the caller may
know the resource but their role cannot do this (see ``services/teams``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Request, Response, status
from readiness.api.deps import (
    AdminDep,
    CallerDep,
    EndQuery,
    NowDep,
    PaginationDep,
    StartQuery,
    UnitOfWorkDep,
    date_range,
)
from readiness.api.routes.problems import problems
from readiness.api.schemas import (
    CoachCreate,
    CoachCreated,
    DayReadinessPublic,
    InvitationCreate,
    InvitationIssued,
    TeamCreate,
    TeamPublic,
    TriageRow,
    page_of,
)
from readiness.api.services.readiness import local_today, read_range
from readiness.api.services.teams import (
    accept_invitation,
    create_coach,
    create_team,
    invite,
    leave_team,
    list_teams,
    team_member,
    team_view,
    triage,
)

__all__ = ["router"]

router = APIRouter(tags=["teams"])
TeamId = Annotated[int, Path(description="The team's id")]
MemberPage = page_of(DayReadinessPublic, "MemberReadinessPage")


@router.post(
    "/coaches",
    status_code=status.HTTP_201_CREATED,
    summary="Create a coach (admin token); the coach's API key is shown once",
    responses=problems(401, 403, 422),
)
def post_coach(body: CoachCreate, _admin: AdminDep, work: UnitOfWorkDep) -> CoachCreated:
    coach, key = create_coach(work, name=body.name)
    return CoachCreated(id=coach.id, name=coach.name, api_key=key)


@router.post(
    "/teams",
    status_code=status.HTTP_201_CREATED,
    summary="Create a team (admin token, or an athlete's key for a team of their own)",
    responses=problems(401, 403, 422),
)
def post_team(body: TeamCreate, caller: CallerDep, work: UnitOfWorkDep) -> TeamPublic:
    team = create_team(work, caller, name=body.name, coach_ids=body.coach_ids)
    return TeamPublic.model_validate(team)


@router.get("/teams", summary="Your teams (all of them for the admin)", responses=problems(401))
def get_teams(caller: CallerDep, work: UnitOfWorkDep) -> list[TeamPublic]:
    return [TeamPublic.model_validate(t) for t in list_teams(work, caller)]


@router.get("/teams/{team_id}", summary="One of your teams", responses=problems(401, 404, 422))
def get_team(team_id: TeamId, caller: CallerDep, work: UnitOfWorkDep) -> TeamPublic:
    return TeamPublic.model_validate(team_view(work, caller, team_id))


@router.post(
    "/teams/{team_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    summary="Invite an athlete (the team's coach): a one-time code, shown once",
    responses=problems(401, 403, 404, 422),
)
def post_invitation(
    team_id: TeamId,
    caller: CallerDep,
    work: UnitOfWorkDep,
    now: NowDep,
    body: Annotated[InvitationCreate | None, Body()] = None,
) -> InvitationIssued:
    days = (body or InvitationCreate()).expires_in_days
    issued = invite(work, caller, team_id, now=now, days=days)
    return InvitationIssued(code=issued.code, team_id=issued.team_id, expires=issued.expires)


@router.post(
    "/invitations/{code}/accept",
    summary="Join the invitation's team with your own key (the code is used up)",
    responses=problems(401, 403, 404, 422),
)
def post_accept(
    code: Annotated[str, Path(max_length=64, description="The code the coach gave you")],
    caller: CallerDep,
    work: UnitOfWorkDep,
    now: NowDep,
) -> TeamPublic:
    return TeamPublic.model_validate(accept_invitation(work, caller, code, now=now))


@router.delete(
    "/teams/{team_id}/members/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Leave the team: its coaches see nothing more of you",
    response_class=Response,
    responses=problems(401, 403, 404, 422),
)
def delete_membership(team_id: TeamId, caller: CallerDep, work: UnitOfWorkDep) -> Response:
    leave_team(work, caller, team_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/teams/{team_id}/readiness/today",
    summary="Triage (the team's coach): one row per member, most urgent first",
    responses=problems(401, 403, 404, 422),
)
def get_triage(
    team_id: TeamId, caller: CallerDep, work: UnitOfWorkDep, now: NowDep, request: Request
) -> list[TriageRow]:
    state = request.app.state
    sessions = state.db.sessions
    rows = triage(work, caller, team_id, now=now, cache=state.read_cache, sessions=sessions)
    return [TriageRow.model_validate(r) for r in rows]


@router.get(
    "/teams/{team_id}/members/{athlete_id}/readiness",
    summary="One member's readiness for a range of days (the team's coach; oldest first, paged)",
    response_model=MemberPage,
    response_model_exclude_unset=True,
    responses=problems(401, 403, 404, 422),
)
def get_member_range(
    team_id: TeamId,
    athlete_id: Annotated[int, Path(description="The member's athlete id")],
    caller: CallerDep,
    work: UnitOfWorkDep,
    now: NowDep,
    page: PaginationDep,
    start: StartQuery = None,
    end: EndQuery = None,
) -> object:
    member = team_member(work, caller, team_id, athlete_id)
    span = date_range(start, end, local_today(member, now))
    data, count = read_range(
        work, member, span.start, span.end, limit=page.limit, offset=page.offset, now=now
    )
    return {"data": data, "count": count}
