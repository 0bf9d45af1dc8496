"""``GET /healthz``: the process answers and the database takes a query."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from readiness.api.routes.problems import problems
from readiness.api.schemas import Health
from readiness.api.services.health import DatabaseProbe

__all__ = ["router"]

router = APIRouter(tags=["health"])


async def _probe(request: Request) -> DatabaseProbe:
    probe: DatabaseProbe = request.app.state.health
    return probe


@router.get(
    "/healthz",
    summary="Liveness and database check (the database's answer is at most a second old)",
    response_model=Health,
    responses=problems(503),
)
async def healthz(probe: Annotated[DatabaseProbe, Depends(_probe)]) -> Response:
    await probe.check()
    return Response(content=_HEALTHY, media_type="application/json")


_HEALTHY = Health(status="ok", database="ok").model_dump_json().encode()
