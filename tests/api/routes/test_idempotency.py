"""The same bytes give one upload and no duplicate rows, also when sent 8 times at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from tests.api.builders import daily_csv, sessions_csv, upload
from tests.api.conftest import Server


def test_same_file_twice(server: Server) -> None:
    a = server.athlete("twice")
    end = a.today() - timedelta(days=1)
    data = daily_csv(end, days=30, seed=3)
    span = {"start": str(end - timedelta(days=40)), "end": str(end)}
    with server.client(a.key) as c:
        first = upload(c, data, "d.csv")
        assert first.status_code == 201
        second = upload(c, data, "renamed.csv")
        assert second.status_code == 200
        assert second.json() == first.json()
        assert c.get("/v1/uploads").json()["count"] == 1
        assert c.get("/v1/days", params=span).json()["count"] == 30
        assert c.get("/v1/readiness", params=span).json()["count"] == 30


def test_eight_identical_uploads_at_once(server: Server) -> None:
    a = server.athlete("eight")
    end = a.today() - timedelta(days=1)
    data = sessions_csv(end, days=40, seed=5)
    span = {"start": str(end - timedelta(days=45)), "end": str(end)}

    def send(_: int) -> tuple[int, str]:
        with server.client(a.key) as c:
            r = upload(c, data, "s.csv")
            return r.status_code, r.json()["id"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(8)))
    codes = sorted(code for code, _ in results)
    assert codes == [200] * 7 + [201], results
    assert len({uid for _, uid in results}) == 1
    with server.client(a.key) as c:
        assert c.get("/v1/uploads").json()["count"] == 1
        assert c.get("/v1/sessions", params=span).json()["count"] == 20


def test_different_files_at_once_lose_nothing(server: Server) -> None:
    """Concurrent uploads of different files for one athlete are all merged (no lost update)."""
    a = server.athlete("parallel")
    end = a.today() - timedelta(days=1)
    parts = [daily_csv(end - timedelta(days=20 * i), days=20, seed=i) for i in range(6)]

    def send(data: bytes) -> int:
        with server.client(a.key) as c:
            return upload(c, data, "part.csv").status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(send, parts)) == [201] * 6
    span = {"start": str(end - timedelta(days=119)), "end": str(end), "limit": 200}
    with server.client(a.key) as c:
        assert c.get("/v1/uploads").json()["count"] == 6
        days = c.get("/v1/days", params=span).json()
        assert days["count"] == 120
        assert len({d["date"] for d in days["data"]}) == 120
        assert c.get("/v1/readiness", params=span).json()["count"] == 120
