"""``POST /v1/athletes`` (admin), ``GET``/``DELETE /v1/me`` and ``POST /v1/me/keys``."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from readiness.api.deps import (
    AdminDep,
    CurrentAthlete,
    NowDep,
    ServiceDep,
    SettingsDep,
    UnitOfWorkDep,
)
from readiness.api.routes.problems import problems
from readiness.api.schemas import ApiKeyIssued, AthleteCreate, AthleteCreated, AthletePublic
from readiness.api.services.accounts import create_athlete, delete_athlete, rotate_key
from readiness.api.services.readiness import data_span, local_today

__all__ = ["router"]

router = APIRouter(tags=["athletes"])


@router.post(
    "/athletes",
    status_code=status.HTTP_201_CREATED,
    summary="Create an athlete (admin token); the API key is shown once",
    responses=problems(401, 403, 422),
)
def post_athlete(body: AthleteCreate, _admin: AdminDep, work: UnitOfWorkDep) -> AthleteCreated:
    athlete, key = create_athlete(
        work,
        name=body.name,
        timezone=body.timezone,
        hr_rest=body.hr_rest,
        hr_max=body.hr_max,
        sex=body.sex,
    )
    return AthleteCreated(id=athlete.id, api_key=key)


@router.get("/me", summary="The athlete this API key belongs to", responses=problems(401))
def get_me(
    athlete: CurrentAthlete, work: UnitOfWorkDep, settings: SettingsDep, now: NowDep
) -> AthletePublic:
    span = data_span(work, athlete.id)
    out = AthletePublic.model_validate(athlete).model_copy(
        update={
            "now": now,
            "today": local_today(athlete, now),
            "clock_pinned": settings.clock_pinned,
        }
    )
    if span is not None:
        out = out.model_copy(update={"first_day": span.first, "last_day": span.last})
    return out


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete your account and everything stored about you; your key stops working",
    description=(
        "Deletes the daily table, workouts, check-ins, feedback, readiness, uploads (a job "
        "still queued or running is cancelled), webhooks with their deliveries and your API "
        "keys, and the uploaded files no other account shares. It cannot be undone: export "
        "your data first "
        "(`GET /v1/export`)."
    ),
    response_class=Response,
    responses=problems(401),
)
def delete_me(athlete: CurrentAthlete, work: UnitOfWorkDep, service: ServiceDep) -> Response:
    delete_athlete(work, athlete.id, service.blobs)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/keys",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a new API key (shown once); every earlier key stops working at once",
    responses=problems(401),
)
def post_key(athlete: CurrentAthlete, work: UnitOfWorkDep) -> ApiKeyIssued:
    key = rotate_key(work, athlete.id)
    return ApiKeyIssued(api_key=key.key, prefix=key.prefix, created=key.created)
