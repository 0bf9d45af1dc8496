"""The key storm and the unread body: failed authentications are throttled per address (429
with ``Retry-After``), and an unauthenticated upload is answered and closed, not read. With a
shared store (Redis) two server processes count one storm together; a store that cannot be
reached fails open to each process's own count, and never holds a request for long."""

from __future__ import annotations

import os
import selectors
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.builders import assert_problem
from tests.api.conftest import ADMIN_TOKEN, Server, launch

LIMIT = 20
BODY_BYTES = 40 * 1024 * 1024
#: The Redis the shared-store tests use (each under a key prefix of its own).
REDIS_URL = os.environ.get("READINESS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


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
        assert_problem(c.get("/v1/teams"), 429)  # the team endpoints' admin token too
        assert_problem(c.get("/v1/calendar.ics", params={"token": "cal_guess"}), 429)
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


def _redis_or_skip() -> str:
    """``REDIS_URL`` when a Redis answers there (a PING), else skip with the reason."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers at {REDIS_URL}: {exc}")
    return REDIS_URL


def _storm(servers: list[Server], source: str, n: int) -> list[tuple[int, int | None]]:
    """``n`` wrong keys from ``source``, sent to ``servers`` in turn: (status, Retry-After)."""
    clients = [_client(s, source, "rdy_wrong") for s in servers]
    try:
        answers = []
        for i in range(n):
            r = clients[i % len(clients)].get("/v1/me", headers={"Authorization": f"Bearer x{i}"})
            retry = r.headers.get("retry-after")
            answers.append((r.status_code, int(retry) if retry is not None else None))
        return answers
    finally:
        for c in clients:
            c.close()


def test_two_servers_sharing_redis_throttle_one_combined_storm(tmp_path: Path) -> None:
    """Two processes, one Redis: the limit holds for both together, not for each."""
    limit = 10
    env = {
        "READINESS_AUTH_FAILURES_PER_MINUTE": str(limit),
        "READINESS_RATE_LIMIT_STORAGE": _redis_or_skip(),
        "READINESS_RATE_LIMIT_PREFIX": f"test-{uuid.uuid4().hex}",
        "READINESS_EMBEDDED_WORKER": "false",
    }
    url = f"sqlite:///{tmp_path / 'readiness.db'}"
    first = launch(url, "sqlite-a", tmp_path, env)
    second = launch(url, "sqlite-b", tmp_path, env)
    try:
        a, b = first.server, second.server
        athlete = a.athlete("shared storm")
        answers = _storm([a, b], "127.0.0.5", 3 * limit)
        assert [s for s, _ in answers] == [401] * limit + [429] * (2 * limit), answers
        assert all(1 <= r <= 60 for s, r in answers if s == 429 and r is not None), answers
        assert all(r is not None for s, r in answers if s == 429), answers
        # the correct key from that address is refused by both processes (one shared count)
        for server in (a, b):
            with _client(server, "127.0.0.5", athlete.key) as c:
                r = c.get("/v1/me")
                assert_problem(r, 429)
                assert 1 <= int(r.headers["retry-after"]) <= 60
            with _client(server, "127.0.0.6", athlete.key) as c:
                assert c.get("/v1/me").json()["id"] == athlete.id
    finally:
        first.stop()
        second.stop()


def _refused_port() -> int:
    probe = socket.create_server(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


@pytest.mark.parametrize("store", ["refused", "silent"])
def test_an_unreachable_store_fails_open_to_the_process_count(tmp_path: Path, store: str) -> None:
    """Redis refused (a closed port) or silent (a listener that never reads): the correct key is
    served at once, wrong keys are still throttled by the process's own count, and the log says
    why."""
    limit = 5
    silent = socket.create_server(("127.0.0.1", 0), backlog=64)  # completes handshakes only
    try:
        port = _refused_port() if store == "refused" else silent.getsockname()[1]
        env = {
            "READINESS_AUTH_FAILURES_PER_MINUTE": str(limit),
            "READINESS_RATE_LIMIT_STORAGE": f"redis://127.0.0.1:{port}/0",
            "READINESS_RATE_LIMIT_PREFIX": f"test-{uuid.uuid4().hex}",
            "READINESS_EMBEDDED_WORKER": "false",
        }
        launched = launch(f"sqlite:///{tmp_path / 'readiness.db'}", "sqlite", tmp_path, env)
        try:
            server = launched.server
            athlete = server.athlete("store down")
            with _client(server, "127.0.0.7", athlete.key) as c:
                for _ in range(3):
                    start = time.monotonic()
                    assert c.get("/v1/me").json()["id"] == athlete.id
                    elapsed = time.monotonic() - start
                    assert elapsed < 2.0, f"answered after {elapsed:.2f} s"
            start = time.monotonic()
            answers = _storm([server], "127.0.0.8", 3 * limit)
            assert [s for s, _ in answers] == [401] * limit + [429] * (2 * limit), answers
            assert time.monotonic() - start < 10
            log = server.log.read_text()
            assert "rate-limit store" in log and "unreachable" in log, log[-2000:]
            assert launched.proc.poll() is None
        finally:
            launched.stop()
    finally:
        silent.close()
