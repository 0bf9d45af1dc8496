"""401, 403, 404, 413, 415 and 422, all as application/problem+json; nothing partial is stored."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import timedelta

import httpx

from tests.api.builders import assert_problem, daily_csv, upload
from tests.api.conftest import ADMIN_TOKEN, MAX_UPLOAD_MB, Server

TRUNCATED_FIT = struct.pack("<BBHI4sH", 14, 0x10, 2100, 100, b".FIT", 0) + b"\x40" * 20
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def test_401_without_or_with_a_wrong_key(server: Server) -> None:
    with server.client() as c:
        for path in ("/v1/me", "/v1/uploads", "/v1/readiness/today", "/v1/days"):
            body = assert_problem(c.get(path), 401)
            assert "Bearer" in str(body["detail"])
        r = c.get("/v1/me", headers={"Authorization": "Bearer rdy_not-a-key"})
        assert_problem(r, 401)
        assert r.headers["www-authenticate"] == "Bearer"
        assert_problem(upload(c, b"date,steps\n2026-01-01,1\n"), 401)


def test_admin_token_guards_athlete_creation(server: Server) -> None:
    body = {"name": "x", "timezone": "Europe/Oslo"}
    with server.client() as c:
        assert_problem(c.post("/v1/athletes", json=body), 401)
    with server.client("wrong") as c:
        assert_problem(c.post("/v1/athletes", json=body), 403)
    a = server.athlete("not admin")
    with server.client(a.key) as c:
        assert_problem(c.post("/v1/athletes", json=body), 403)
    with server.client(ADMIN_TOKEN) as c:
        bad = assert_problem(
            c.post("/v1/athletes", json={"name": "x", "timezone": "Mars/Base"}), 422
        )
        assert bad["errors"]


def test_404s(server: Server) -> None:
    a = server.athlete("404")
    with server.client(a.key) as c:
        assert_problem(c.get("/v1/uploads/0123456789abcdef0123456789abcdef"), 404)
        assert_problem(c.get("/v1/no-such-thing"), 404)
        assert_problem(c.get("/v1/readiness/today"), 404)  # no data yet
        assert_problem(c.get("/v1/readiness/2020-01-01"), 404)


def _nothing_stored(c: httpx.Client) -> None:
    assert c.get("/v1/uploads").json()["count"] == 0
    assert (
        c.get("/v1/days", params={"start": "2000-01-01", "end": "2000-12-31"}).json()["count"] == 0
    )


def test_413_counted_while_streaming(server: Server) -> None:
    a = server.athlete("413")
    limit = int(MAX_UPLOAD_MB * 1024 * 1024)
    big = daily_csv(a.today(), days=30, pad=limit // 25)
    assert len(big) > limit
    with server.client(a.key) as c:
        body = assert_problem(upload(c, big, "big.csv"), 413)
        assert body["max_bytes"] == limit

        # no Content-Length at all: a chunked body is counted as it arrives
        def chunks() -> Iterator[bytes]:
            boundary = b"--xyz\r\n"
            yield (
                boundary + b'Content-Disposition: form-data; name="file"; filename="b.csv"\r\n\r\n'
            )
            for _ in range(20):
                yield b"x" * (128 * 1024)
            yield b"\r\n--xyz--\r\n"

        r = c.post(
            "/v1/uploads",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=xyz"},
        )
        assert_problem(r, 413)
        _nothing_stored(c)


def test_415_unsupported(server: Server) -> None:
    a = server.athlete("415")
    with server.client(a.key) as c:
        body = assert_problem(upload(c, PNG, "photo.png"), 415)
        assert body["ingest"]["error"] == "UnsupportedFormatError"  # type: ignore[index]
        assert "photo.png" in str(body["detail"])
        _nothing_stored(c)


def test_422_corrupt_file_carries_the_ingest_message(server: Server) -> None:
    a = server.athlete("422")
    with server.client(a.key) as c:
        body = assert_problem(upload(c, TRUNCATED_FIT, "watch.fit"), 422)
        ingest = body["ingest"]
        assert isinstance(ingest, dict)
        assert ingest["error"] == "TruncatedFileError"
        assert ingest["offset"] is not None
        assert str(body["detail"]).startswith("watch.fit at byte")
        _nothing_stored(c)
        # a request that is not valid: problem with an errors list
        bad = assert_problem(c.post("/v1/checkins", json={"date": "2026-01-01", "pain": 9}), 422)
        assert bad["errors"]
        assert_problem(c.post("/v1/uploads"), 422)  # no file field
        end = a.today()
        too_long = {"start": str(end - timedelta(days=400)), "end": str(end)}
        assert_problem(c.get("/v1/readiness", params=too_long), 422)
        assert_problem(c.get("/v1/days", params={"start": "2026-02-01", "end": "2026-01-01"}), 422)
