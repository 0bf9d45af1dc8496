"""The daily endpoints serve from the process's cache: always the current data's object.

Through a real server on both databases: an object read, then a write of the athlete's data
(a check-in, an upload) — the next read is the new object, for today and for a past day; the
JSON served is exactly what the documented schema describes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from readiness.api.schemas import DayReadinessPublic

from tests.api.builders import checkins_csv, daily_csv, upload
from tests.api.conftest import Server


def _gate(obj: dict[str, object]) -> object:
    rec = obj["recommendation"]
    assert isinstance(rec, dict)
    return rec["action"]


def test_a_write_is_seen_by_the_next_read(server: Server) -> None:
    a = server.athlete("served")
    today = a.today()
    end = today - timedelta(days=1)
    with server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=40), "d.csv").status_code == 201
        past = end - timedelta(days=2)
        first_today = c.get("/v1/readiness/today").json()
        first_past = c.get(f"/v1/readiness/{past}").json()
        assert c.get("/v1/readiness/today").json() == first_today  # served again, unchanged
        assert _gate(first_today) != "physiotherapy_assessment"

        # pain that keeps returning, up to today: the gate must show at once
        for back in range(0, 6):
            day = today - timedelta(days=back)
            body = {"date": str(day), "pain": 4, "pain_site": "left knee"}
            assert c.post("/v1/checkins", json=body).status_code in (200, 201)
        assert _gate(c.get("/v1/readiness/today").json()) == "physiotherapy_assessment"

        # a past day changes when its data does (an upload with check-ins on that day)
        assert upload(c, checkins_csv(past, days=3), "c.csv").status_code == 201
        assert c.get(f"/v1/readiness/{past}").json() != first_past


def test_concurrent_first_reads_agree_and_match_the_schema(server: Server) -> None:
    a = server.athlete("served-many")
    end = a.today() - timedelta(days=1)
    with server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=40), "d.csv").status_code == 201

    def get(path: str) -> httpx.Response:
        with server.client(a.key) as c:
            return c.get(path)

    paths = ["/v1/readiness/today", f"/v1/readiness/{end}"] * 12
    with ThreadPoolExecutor(24) as pool:
        answers = list(pool.map(get, paths))
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers][:2]
    assert all(r.headers["content-type"] == "application/json" for r in answers)
    for path in set(paths):
        bodies = [r.json() for p, r in zip(paths, answers, strict=True) if p == path]
        assert all(b == bodies[0] for b in bodies)
        # what the schema documents, field for field
        model = DayReadinessPublic.model_validate(bodies[0])
        assert model.model_dump(mode="json", exclude_unset=True) == bodies[0]


def test_a_rotated_or_deleted_key_stops_at_once_on_the_daily_endpoints(server: Server) -> None:
    a = server.athlete("served-keys")
    end = a.today() - timedelta(days=1)
    with server.client(a.key) as c:
        assert upload(c, daily_csv(end, days=20), "d.csv").status_code == 201
        for _ in range(3):  # verified and served from the process's cache
            assert c.get("/v1/readiness/today").status_code == 200
            assert c.get(f"/v1/readiness/{end}").status_code == 200
        rotated = c.post("/v1/me/keys")
        assert rotated.status_code == 201, rotated.text
        assert c.get("/v1/readiness/today").status_code == 401
        assert c.get(f"/v1/readiness/{end}").status_code == 401
    new_key = rotated.json()["api_key"]
    with server.client(new_key) as c:
        assert c.get("/v1/readiness/today").status_code == 200
        assert c.get(f"/v1/readiness/{end}").status_code == 200
        assert c.delete("/v1/me").status_code == 204
        assert c.get("/v1/readiness/today").status_code == 401
        assert c.get(f"/v1/readiness/{end}").status_code == 401
