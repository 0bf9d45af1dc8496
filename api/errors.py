"""Errors as RFC 9457 problem details (``application/problem+json``).

The tree::

    ProblemDetailError
    ├── NotAuthenticatedError     401  no key, or a key the service does not know
    ├── ForbiddenError            403  the admin token is wrong or not configured, or the
    │                                  caller's role cannot do this with a resource they know
    ├── NotFoundError             404  no such resource *for this athlete*
    ├── UploadTooLargeError       413  counted while streaming, never trusted from headers
    ├── UnsupportedExportError    415  ingest's UnsupportedFormatError
    ├── UnprocessableExportError  422  any other IngestError (corrupt, truncated, bad CSV, zip)
    ├── InvalidRequestError       422  a request that is well-formed but cannot be served
    ├── TooManyFailuresError      429  too many wrong keys from one address (``Retry-After``)
    └── ServiceUnavailableError   503  the database refused, timed out or dropped the connection

Errors of the other layers are mapped here, by class: ingest's ``UnsupportedFormatError`` →
415, any other ``IngestError`` → 422 (:func:`from_ingest_error`); the services'
``InvalidInputError`` → 422, ``MissingError`` → 404 and ``NotAllowedError`` → 403
(:func:`from_service_error`); a write for an athlete deleted while the request was under way
(``AthleteGoneError``) → 401;
SQLAlchemy's ``OperationalError``, ``InterfaceError`` and pool ``TimeoutError`` (the database is
down, unreachable or too slow) → 503 with ``Retry-After`` (:func:`database_unavailable`).

Each class carries its ``type`` URI (a ``tag:`` URI, as RFC 9457 §3.1.1 allows for
non-dereferenceable types), a title and a status; an instance adds ``detail`` and optional extra
members. Handlers here also reshape FastAPI's validation errors (422 with an ``errors`` list)
and Starlette's HTTP errors (404 for unknown paths, 405, ...) into the same shape.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from readiness.api.services.errors import (
    InvalidInputError,
    MissingError,
    NotAllowedError,
    ServiceError,
)
from readiness.api.storage.unit_of_work import AthleteGoneError
from readiness.ingest import IngestError, UnsupportedFormatError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = [
    "PROBLEM_TYPE",
    "ForbiddenError",
    "InvalidRequestError",
    "NotAuthenticatedError",
    "NotFoundError",
    "ProblemDetailError",
    "ServiceUnavailableError",
    "TooManyFailuresError",
    "UnprocessableExportError",
    "UnsupportedExportError",
    "UploadTooLargeError",
    "database_unavailable",
    "failure_body",
    "from_ingest_error",
    "from_service_error",
    "install_handlers",
    "problem_response",
]

PROBLEM_TYPE = "application/problem+json"
_TAG = "tag:readiness.dev,2026:problems/"
_log = logging.getLogger("readiness.api")


class ProblemDetailError(Exception):
    """Base class: raise a subclass and the handler answers with a problem+json body."""

    type_uri: ClassVar[str] = "about:blank"
    title: ClassVar[str] = "Internal Server Error"
    status: ClassVar[int] = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.type_uri,
            "title": self.title,
            "status": int(self.status),
            "detail": self.detail,
        }
        if instance:
            out["instance"] = instance
        out.update(self.extra)
        return out


class NotAuthenticatedError(ProblemDetailError):
    type_uri = _TAG + "not-authenticated"
    title = "Not Authenticated"
    status = HTTPStatus.UNAUTHORIZED

    def __init__(self, detail: str = "send your API key as 'Authorization: Bearer <key>'") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class ForbiddenError(ProblemDetailError):
    type_uri = _TAG + "forbidden"
    title = "Forbidden"
    status = HTTPStatus.FORBIDDEN


class NotFoundError(ProblemDetailError):
    type_uri = _TAG + "not-found"
    title = "Not Found"
    status = HTTPStatus.NOT_FOUND


class UploadTooLargeError(ProblemDetailError):
    type_uri = _TAG + "upload-too-large"
    title = "Upload Too Large"
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE


class UnsupportedExportError(ProblemDetailError):
    type_uri = _TAG + "unsupported-export"
    title = "Unsupported Export"
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE


class UnprocessableExportError(ProblemDetailError):
    type_uri = _TAG + "unreadable-export"
    title = "Unreadable Export"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class InvalidRequestError(ProblemDetailError):
    type_uri = _TAG + "invalid-request"
    title = "Invalid Request"
    status = HTTPStatus.UNPROCESSABLE_ENTITY


class ServiceUnavailableError(ProblemDetailError):
    type_uri = _TAG + "service-unavailable"
    title = "Service Unavailable"
    status = HTTPStatus.SERVICE_UNAVAILABLE


#: The database errors that mean "unavailable now, try again" rather than a bug.
DATABASE_DOWN: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeoutError)


def database_unavailable(retry_after_s: int = 5) -> ServiceUnavailableError:
    """The 503 answered while the database cannot be used (nothing was written)."""
    return ServiceUnavailableError(
        "the database is unavailable; nothing was changed, try again later",
        headers={"Retry-After": str(retry_after_s)},
    )


class TooManyFailuresError(ProblemDetailError):
    type_uri = _TAG + "too-many-failed-authentications"
    title = "Too Many Failed Authentications"
    status = HTTPStatus.TOO_MANY_REQUESTS

    def __init__(self, detail: str, *, retry_after: int, **extra: Any) -> None:
        super().__init__(
            detail, headers={"Retry-After": str(retry_after)}, retry_after=retry_after, **extra
        )


def from_ingest_error(exc: IngestError) -> ProblemDetailError:
    """The problem for an ingest error: 415 when the format is unknown, else 422.

    The body carries the ingest error's message as ``detail`` and its fields under ``ingest``.
    """
    cls: type[ProblemDetailError] = (
        UnsupportedExportError
        if isinstance(exc, UnsupportedFormatError)
        else UnprocessableExportError
    )
    return cls(exc.message, ingest=exc.to_dict())


#: The problem class of each service error class.
_SERVICE_PROBLEMS: dict[type[ServiceError], type[ProblemDetailError]] = {
    InvalidInputError: InvalidRequestError,
    MissingError: NotFoundError,
    NotAllowedError: ForbiddenError,
}


def from_service_error(exc: ServiceError) -> ProblemDetailError:
    """The problem for a service error: its ``detail``, its context as extra members."""
    cls = next((p for e, p in _SERVICE_PROBLEMS.items() if isinstance(exc, e)), ProblemDetailError)
    return cls(exc.detail, **exc.context)


def failure_body(exc: Exception) -> dict[str, object]:
    """The problem body stored on a background upload that failed with ``exc``."""
    if isinstance(exc, IngestError):
        return from_ingest_error(exc).body()
    return {"title": "Internal Server Error", "status": int(HTTPStatus.INTERNAL_SERVER_ERROR)}


def problem_response(problem: ProblemDetailError, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return JSONResponse(
        jsonable_encoder(problem.body(instance)),
        status_code=int(problem.status),
        media_type=PROBLEM_TYPE,
        headers=problem.headers,
    )


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemDetailError)
    return problem_response(exc, request)


async def _on_ingest(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IngestError)
    return problem_response(from_ingest_error(exc), request)


async def _on_service(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return problem_response(from_service_error(exc), request)


async def _on_athlete_gone(request: Request, exc: Exception) -> JSONResponse:
    # the key was valid when the request began, and its account was deleted meanwhile
    return problem_response(NotAuthenticatedError("the API key is not valid"), request)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in exc.errors()
    ]
    problem = InvalidRequestError("the request is not valid; see 'errors'", errors=errors)
    return problem_response(problem, request)


class _HTTPProblem(ProblemDetailError):
    """A Starlette HTTP error (unknown path, wrong method, ...) as a problem."""


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    problem = _HTTPProblem(str(exc.detail), headers=dict(exc.headers or {}))
    body = problem.body(request.url.path)
    try:
        body["title"] = HTTPStatus(exc.status_code).phrase
    except ValueError:
        body["title"] = "Error"
    body["status"] = exc.status_code
    return JSONResponse(
        body, status_code=exc.status_code, media_type=PROBLEM_TYPE, headers=problem.headers
    )


async def _on_database_down(request: Request, exc: Exception) -> JSONResponse:
    # the statement, never its parameters (engines hide them), and no traceback per request
    _log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    retry = getattr(getattr(request.app.state, "settings", None), "retry_after_s", 5)
    return problem_response(database_unavailable(retry), request)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    problem = ProblemDetailError("an unexpected error occurred; it has been logged")
    return problem_response(problem, request)


def install_handlers(app: FastAPI) -> None:
    """Register every handler on ``app``."""
    app.add_exception_handler(ProblemDetailError, _on_problem)
    app.add_exception_handler(IngestError, _on_ingest)
    app.add_exception_handler(ServiceError, _on_service)
    app.add_exception_handler(AthleteGoneError, _on_athlete_gone)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    for down in DATABASE_DOWN:
        app.add_exception_handler(down, _on_database_down)
    app.add_exception_handler(Exception, _on_unexpected)
