"""The key storm and the unread body: failed authentications are throttled per address (429
with ``Retry-After``), and an unauthenticated upload is answered and closed, not read."""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.builders import assert_problem
from tests.api.conftest import ADMIN_TOKEN, Server, launch

LIMIT = 20
BODY_BYTES = 40 * 1024 * 1024


@pytest.fixture(scope="module")
def throttled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir: Path = tmp_path_factory.mktemp("server-throttle")
    env = {"READINESS_AUTH_FAILURES_PER_MINUTE": str(LIMIT), "READINESS_MAX_UPLOAD_MB": "100"}
    launched = launch(f"sqlite:///{workdir / 'readiness.db'}", "sqlite", workdir, env)
    try:
        yield launched.server
    finally:
        launched.stop()


def _client(server: Server, source: str, key: str) -> httpx.Client:
    """A client whose connections come from the loopback address ``source``."""
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(
        base_url=server.url,
        headers={"Authorization": f"Bearer {key}"},
        transport=transport,
        timeout=30,
    )


def test_a_storm_of_wrong_keys_is_throttled_per_address(throttled: Server) -> None:
    athlete = throttled.athlete("storm target")
    statuses = []
    with _client(throttled, "127.0.0.2", "rdy_wrong") as c:
        for i in range(300):
            r = c.get("/v1/me", headers={"Authorization": f"Bearer rdy_guess{i}"})
            statuses.append(r.status_code)
            if r.status_code == 429:
                body = assert_problem(r, 429)
                retry_after = int(r.headers["retry-after"])
                assert 1 <= retry_after <= 60
                assert body["retry_after"] == retry_after
    assert statuses == [401] * LIMIT + [429] * (300 - LIMIT)
    # while throttled, a correct key from the same address is refused too (a right guess must
    # look like a wrong one), and so is the admin token: for at most a minute
    with _client(throttled, "127.0.0.2", athlete.key) as c:
        r = c.get("/v1/me")
        assert_problem(r, 429)
        assert int(r.headers["retry-after"]) <= 60
    with _client(throttled, "127.0.0.2", ADMIN_TOKEN) as c:
        r = c.post("/v1/athletes", json={"name": "x", "timezone": "Europe/Oslo"})
        assert_problem(r, 429)
    # another address is served as usual
    with _client(throttled, "127.0.0.3", athlete.key) as c:
        assert c.get("/v1/me").json()["id"] == athlete.id
        assert_problem(c.get("/v1/me", headers={"Authorization": "Bearer rdy_x"}), 401)


def test_an_unauthenticated_upload_body_is_not_read(throttled: Server) -> None:
    """40 MB with a wrong key: the 401 arrives, and the server closes the connection instead of
    reading the rest (what the client could push before that is bounded by socket buffers)."""
    host, port = throttled.url.removeprefix("http://").split(":")
    preamble = b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
    head = (
        "POST /v1/uploads HTTP/1.1\r\n"
        f"Host: {host}\r\nAuthorization: Bearer rdy_wrong\r\n"
        "Content-Type: multipart/form-data; boundary=xx\r\n"
        f"Content-Length: {BODY_BYTES + len(preamble)}\r\n\r\n"
    ).encode()
    sock = socket.create_connection((host, int(port)), source_address=("127.0.0.4", 0))
    sock.sendall(head + preamble)
    sock.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
    chunk = b"a" * 65536
    sent, response, closed = 0, b"", False
    deadline = time.monotonic() + 60
    try:
        while not closed and time.monotonic() < deadline:
            for _, events in selector.select(timeout=1):
                try:
                    if events & selectors.EVENT_READ:
                        data = sock.recv(65536)
                        response += data
                        closed = not data
                    elif sent < BODY_BYTES:
                        sent += sock.send(chunk[: BODY_BYTES - sent])
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
    finally:
        selector.close()
        sock.close()
    assert response.startswith(b"HTTP/1.1 401 "), response[:200]
    assert b"connection: close" in response.lower()
    assert closed, "the server kept the connection open"
    assert sent < BODY_BYTES // 2, f"the server read {sent} bytes of an unauthenticated body"
