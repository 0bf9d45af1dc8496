"""``POST /v1/uploads`` (multipart ``file``), ``GET /v1/uploads``, ``GET /v1/uploads/{id}``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Response, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from readiness.api.deps import CurrentAthlete, PaginationDep, ServiceDep, SettingsDep, UnitOfWorkDep
from readiness.api.errors import UploadTooLargeError
from readiness.api.routes.problems import problems
from readiness.api.schemas import UploadPublic, page_of
from readiness.api.services.uploads import Outcome, Received, upload_of, uploads_page

__all__ = ["router"]

router = APIRouter(tags=["uploads"])
UploadPage = page_of(UploadPublic, "UploadPage")
CHUNK = 1024 * 1024
#: The status of each outcome of ``POST /v1/uploads``.
STATUS = {
    Outcome.CREATED: status.HTTP_201_CREATED,
    Outcome.ACCEPTED: status.HTTP_202_ACCEPTED,
    Outcome.EXISTING: status.HTTP_200_OK,
}


async def _read_limited(file: UploadFile, limit: int) -> bytes:
    """The file's bytes, counted chunk by chunk; 413 as soon as they pass ``limit``."""
    parts: list[bytes] = []
    total = 0
    while chunk := await file.read(CHUNK):
        total += len(chunk)
        if total > limit:
            raise UploadTooLargeError(
                f"the upload is larger than the limit of {limit} bytes", max_bytes=limit
            )
        parts.append(chunk)
    return b"".join(parts)


@router.post(
    "/uploads",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an export (FIT, CSV, JSON, XML or zip)",
    description=(
        "201: read and stored. 200: the same bytes were uploaded before; the earlier upload is "
        "returned. 202: a large file is being read in the background; poll "
        "`GET /v1/uploads/{id}` until `status` is `done` or `failed`. Nothing is stored when "
        "the file cannot be read (415, 422)."
    ),
    responses={
        200: {"model": UploadPublic, "description": "Already uploaded: the same upload"},
        202: {"model": UploadPublic, "description": "Accepted: read in the background"},
        **problems(401, 413, 415, 422),
    },
)
async def post_upload(
    response: Response,
    athlete: CurrentAthlete,
    work: UnitOfWorkDep,
    service: ServiceDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="The export file")],
) -> UploadPublic:
    data = await _read_limited(file, settings.max_upload_bytes)
    received = Received(data=data, filename=file.filename or "upload")
    upload, outcome = await run_in_threadpool(service.submit, work, athlete, received)
    response.status_code = STATUS[outcome]
    response.headers["Location"] = f"/v1/uploads/{upload.id}"
    return UploadPublic.model_validate(upload)


@router.get(
    "/uploads",
    summary="Your uploads, newest first",
    response_model=UploadPage,
    responses=problems(401, 422),
)
def list_uploads(athlete: CurrentAthlete, work: UnitOfWorkDep, page: PaginationDep) -> object:
    rows, count = uploads_page(work, athlete.id, limit=page.limit, offset=page.offset)
    return {"data": [UploadPublic.model_validate(r) for r in rows], "count": count}


@router.get(
    "/uploads/{upload_id}",
    summary="One upload and its status",
    responses=problems(401, 404, 422),
)
def get_upload(
    upload_id: Annotated[str, Path(max_length=64)], athlete: CurrentAthlete, work: UnitOfWorkDep
) -> UploadPublic:
    return UploadPublic.model_validate(upload_of(work, athlete.id, upload_id))
