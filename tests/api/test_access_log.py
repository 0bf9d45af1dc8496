"""The access log of a real server never records a query-string value (a token, a key)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import httpx
import pytest
from readiness.api.access_log import REDACTED, redact_query

from tests.api.conftest import launch


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/healthz", "/healthz"),
        ("/feed.ics?token=s3cr3t", f"/feed.ics?token={REDACTED}"),
        ("/v1/x?key=a%3Db&start=2026-01-01", f"/v1/x?key={REDACTED}&start={REDACTED}"),
        ("/v1/x?s3cr3t", f"/v1/x?{REDACTED}"),
        ("/v1/x?token=&&a", f"/v1/x?token={REDACTED}&&{REDACTED}"),
        ("/v1/invitations/c0de-_X/accept", f"/v1/invitations/{REDACTED}/accept"),
        ("/v1/invitations/c0de/accept?x=1", f"/v1/invitations/{REDACTED}/accept?x={REDACTED}"),
        ("/v1/teams/1/invitations", "/v1/teams/1/invitations"),
    ],
)
def test_redact_query_keeps_names_and_drops_values(target: str, logged: str) -> None:
    assert redact_query(target) == logged


def test_the_access_log_of_a_real_server_redacts_query_values(tmp_path: Path) -> None:
    secret, other = "tok-" + uuid.uuid4().hex, "key-" + uuid.uuid4().hex
    launched = launch(
        f"sqlite:///{tmp_path / 'r.db'}", "sqlite-access", tmp_path, log_level="info"
    )  # the access log is on
    try:
        base = launched.server.url
        assert httpx.get(f"{base}/healthz?token={secret}").status_code == 200
        assert httpx.get(f"{base}/v1/readiness/today?key={other}").status_code == 401
        log = launched.server.log
        deadline = time.monotonic() + 10
        while "/v1/readiness/today?key=" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
    finally:
        launched.stop()
    text = log.read_text()
    assert f'"GET /healthz?token={REDACTED} HTTP/1.1" 200' in text, text
    assert f"/v1/readiness/today?key={REDACTED}" in text
    assert secret not in text and other not in text
