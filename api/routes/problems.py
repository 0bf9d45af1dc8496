"""OpenAPI ``responses=`` entries for the problem+json errors a route can answer with."""

from __future__ import annotations

from typing import Any

from readiness.api.errors import PROBLEM_TYPE
from readiness.api.schemas import Problem

__all__ = ["problems"]

_TEXT = {
    401: "No API key, or an unknown one",
    403: "Wrong or unconfigured admin token, or your role cannot do this (a coach's key)",
    404: "No such resource for this athlete, or outside your teams",
    413: "The upload is larger than READINESS_MAX_UPLOAD_MB",
    415: "The file is not a supported export",
    422: "Invalid request, or an export that cannot be read",
    429: "Too many wrong keys from this address; see Retry-After",
    503: "The database is unavailable; retry after Retry-After seconds",
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for these status codes, documented as ``application/problem+json``.

    A route that can answer 401 (it checks a key) can also answer 403 (a coach's key on an
    athlete's own data); one that can answer 401 or 403 can also answer 429; every route uses
    the database, so every route can answer 503.
    """
    out: dict[int | str, dict[str, Any]] = {}
    if 401 in codes:
        codes = (*codes, 403)
    if {401, 403} & set(codes):
        codes = (*codes, 429)
    codes = (*codes, 503)
    for code in dict.fromkeys(codes):
        out[code] = {
            "model": Problem,
            "description": _TEXT[code],
            "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out
