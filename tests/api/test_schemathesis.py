"""Property-based checks of the whole API against its own ``/openapi.json``, on each database
tier (SQLite and PostgreSQL: the ``server`` fixture).

No request may produce a 5xx, and every response must match the documented status codes,
content types and schemas. Bounded: 15 examples per operation (about 230 requests per tier).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.builders import checkins_csv, daily_csv, upload
from tests.api.conftest import ADMIN_TOKEN, Server


@pytest.fixture(scope="module")
def athlete_key(server: Server) -> str:
    a = server.athlete("fuzz")
    end = a.today() - timedelta(days=1)
    with server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=30), "d.csv").status_code == 201
        assert upload(c, checkins_csv(end, days=5), "c.csv").status_code == 201
    return a.key


@pytest.fixture(scope="module")
def api_schema(server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(server.url + "/openapi.json")


CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


#: Operations that end the key they are called with: each example gets a new athlete.
DESTRUCTIVE = {"DELETE /v1/me", "POST /v1/me/keys"}


def _fuzz(operation: schemathesis.APIOperation, headers: Callable[[], dict[str, str]]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers(), checks=CHECKS)

    check()


def test_api_conforms_to_its_schema(
    api_schema: schemathesis.BaseSchema, athlete_key: str, sqlite_server: Server
) -> None:
    labels = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)
        token = ADMIN_TOKEN if operation.label == "POST /v1/athletes" else athlete_key

        def headers(token: str = token, label: str = operation.label) -> dict[str, str]:
            key = sqlite_server.athlete("fuzz-once").key if label in DESTRUCTIVE else token
            return {"Authorization": f"Bearer {key}"}

        _fuzz(operation, headers)
    assert "POST /v1/uploads" in labels and "GET /v1/readiness/today" in labels
    assert set(labels) >= DESTRUCTIVE
