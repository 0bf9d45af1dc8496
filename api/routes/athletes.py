"""``POST /v1/athletes`` (admin) and ``GET /v1/me``."""

from __future__ import annotations

from fastapi import APIRouter, status
from readiness.api.deps import AdminDep, CurrentAthlete, NowDep, SettingsDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.schemas import AthleteCreate, AthleteCreated, AthletePublic
from readiness.api.services.accounts import create_athlete
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
