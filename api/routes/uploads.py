"""``POST /v1/uploads`` (multipart ``file``), ``GET /v1/uploads``, ``GET``/``DELETE
/v1/uploads/{id}``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from readiness.api.deps import CurrentAthlete, PaginationDep, ServiceDep, SettingsDep, UnitOfWorkDep
from readiness.api.routes.problems import problems
from readiness.api.routes.streaming import receive_file
from readiness.api.schemas import UploadPublic, page_of
from readiness.api.services.uploads import Outcome, upload_of, uploads_page

__all__ = ["router"]

router = APIRouter(tags=["uploads"])
UploadPage = page_of(UploadPublic, "UploadPage")
#: The status of each outcome of ``POST /v1/uploads``.
STATUS = {
    Outcome.CREATED: status.HTTP_201_CREATED,
    Outcome.ACCEPTED: status.HTTP_202_ACCEPTED,
    Outcome.EXISTING: status.HTTP_200_OK,
}


#: The request body of ``POST /v1/uploads`` (parsed by :mod:`readiness.api.routes.streaming`).
UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "The export file"}
                },
            }
        }
    },
}


@router.post(
    "/uploads",
    status_code=status.HTTP_201_CREATED,
    summary="Upload an export (FIT, CSV, JSON, XML or zip)",
    description=(
        "The body streams to disk (never held in memory) and is stored by its SHA-256. "
        "201: a small file, read and stored at once. 202: a job was queued (`status: queued`); "
        "poll `GET /v1/uploads/{id}` (`queued` → `processing` with `progress_bytes` → `done` "
        "or `failed` with the problem). 200: the same bytes were uploaded before; the earlier "
        "upload is returned (unless it failed: then a new job starts). Nothing is stored when "
        "the file cannot be read (415, 422)."
    ),
    openapi_extra={"requestBody": UPLOAD_BODY},
    responses={
        200: {"model": UploadPublic, "description": "Already uploaded: the same upload"},
        202: {"model": UploadPublic, "description": "Accepted: read in the background"},
        **problems(401, 413, 415, 422),
    },
)
async def post_upload(
    request: Request,
    response: Response,
    athlete: CurrentAthlete,
    work: UnitOfWorkDep,
    service: ServiceDep,
    settings: SettingsDep,
) -> UploadPublic:
    work.release()  # no connection is held while the body streams in
    spool = await run_in_threadpool(service.spool)
    try:
        filename = await receive_file(
            request, spool.write, field_name="file", limit=settings.max_upload_bytes
        )
        received = await run_in_threadpool(service.receive, spool, filename)
    except BaseException:
        await run_in_threadpool(spool.abort)
        raise
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


UploadId = Annotated[str, Path(max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]


@router.get(
    "/uploads/{upload_id}",
    summary="One upload and its status",
    responses=problems(401, 404, 422),
)
def get_upload(upload_id: UploadId, athlete: CurrentAthlete, work: UnitOfWorkDep) -> UploadPublic:
    return UploadPublic.model_validate(upload_of(work, athlete.id, upload_id))


@router.delete(
    "/uploads/{upload_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an upload: its rows go and your days are rebuilt from the other uploads",
    description=(
        "The upload's rows are deleted, the daily table, workouts and check-ins are derived "
        "again from your remaining uploads (a day another upload also gave keeps that "
        "upload's values) and readiness is re-scored, in one transaction; then the stored "
        "file is removed (unless another upload has the same content). An upload still "
        "`queued` or `processing` is cancelled: its job stores nothing. A second delete is 404."
    ),
    response_class=Response,
    responses=problems(401, 404, 422),
)
def delete_upload(
    upload_id: UploadId, athlete: CurrentAthlete, work: UnitOfWorkDep, service: ServiceDep
) -> Response:
    service.delete(work, athlete.id, upload_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
