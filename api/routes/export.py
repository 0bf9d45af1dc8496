"""``GET /v1/export``: everything stored about you, as a zip of CSV files with a README."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from readiness.api.deps import CurrentAthlete, NowDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.services.export import export_filename, write_export

__all__ = ["router"]

router = APIRouter(tags=["your data"])
#: Bytes sent per chunk of the response.
SEND_BYTES = 256 * 1024
ZIP = "application/zip"


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    try:
        while data := file.read(SEND_BYTES):
            yield data
    finally:
        file.close()


@router.get(
    "/export",
    summary="Download your data: a zip of CSV files (daily, sessions, check-ins, feedback, "
    "readiness, uploads) with a README describing every column",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The zip (`Content-Disposition: attachment`)",
            "content": {ZIP: {"schema": {"type": "string", "format": "binary"}}},
        },
        **problems(401),
    },
)
def get_export(athlete: CurrentAthlete, work: UnitOfWorkDep, now: NowDep) -> StreamingResponse:
    file = write_export(work, athlete, now=now)
    name = export_filename(athlete, now)
    return StreamingResponse(
        _chunks(file),
        media_type=ZIP,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
