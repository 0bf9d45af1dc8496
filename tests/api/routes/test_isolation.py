"""Athlete B can neither read nor infer athlete A's data."""

from __future__ import annotations

from datetime import timedelta

from tests.api.builders import (
    assert_problem,
    checkins_csv,
    daily_csv,
    upload,
)
from tests.api.conftest import Server


def test_other_athlete_sees_nothing(server: Server) -> None:
    a = server.athlete("A")
    b = server.athlete("B")
    end = a.today() - timedelta(days=1)
    data = daily_csv(end, seed=7)
    with server.client(a.key) as ca:
        up = upload(ca, data, "a.csv").json()
        assert upload(ca, checkins_csv(end), "c.csv").status_code == 201
        assert ca.get("/v1/readiness/today").status_code == 200
        assert ca.post("/v1/feedback", json={"date": str(end), "action": "rest", "helped": 3})
    span = {"start": str(end - timedelta(days=60)), "end": str(end)}
    with server.client(b.key) as cb:
        assert cb.get("/v1/me").json()["id"] == b.id
        assert_problem(cb.get(f"/v1/uploads/{up['id']}"), 404)
        assert cb.get("/v1/uploads").json() == {"data": [], "count": 0}
        for path in ("/v1/days", "/v1/sessions", "/v1/checkins", "/v1/feedback", "/v1/readiness"):
            r = cb.get(path, params=span)
            assert r.status_code == 200, (path, r.text)
            assert r.json() == {"data": [], "count": 0}, path
        assert_problem(cb.get("/v1/readiness/today"), 404)
        assert_problem(cb.get(f"/v1/readiness/{end}"), 404)
        # the same bytes are a new upload for B: nothing says A sent them before
        mine = upload(cb, data, "a.csv")
        assert mine.status_code == 201
        assert mine.json()["id"] != up["id"]
    with server.client(a.key) as ca:
        assert ca.get("/v1/uploads").json()["count"] == 2
