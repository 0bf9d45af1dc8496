"""``GET /healthz``: the process answers and the database takes a query."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
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
    responses=problems(503),
)
async def healthz(probe: Annotated[DatabaseProbe, Depends(_probe)]) -> Health:
    await probe.check()
    return Health(status="ok", database="ok")
