"""Old data through the real server, on both databases: a stale day says so and asks for a sync;
a pain check-in still wins (docs/scoring.md, "Freshness")."""

from __future__ import annotations

from datetime import timedelta

from tests.api.builders import daily_csv, sessions_csv, upload
from tests.api.conftest import Server


def test_an_export_two_years_old_gets_no_recent_data(server: Server) -> None:
    a = server.athlete("stale", tz="Europe/Oslo")
    today = a.today()
    end = today - timedelta(days=707)
    with server.client(a.key) as c:
        for name, data in (("daily.csv", daily_csv(end)), ("sessions.csv", sessions_csv(end))):
            r = upload(c, data, name)
            assert r.status_code == 201, r.text

        r = c.get("/v1/readiness/today")
        assert r.status_code == 200, r.text
        day = r.json()
        assert day["data"] == {
            "last_night": end.isoformat(),
            "last_activity": end.isoformat(),
            "days_since_data": 707,
            "stale": True,
        }
        rec = day["recommendation"]
        assert rec["action"] == "no_recent_data"
        assert any(end.isoformat() in reason for reason in rec["reasons"])
        assert day["nervous_system_stress"] is None and day["physical_stiffness"] is None
        assert day["warmth"]["minutes_since_activity"] is None

        # the day after the export is still fresh, and stored with its data object
        fresh = c.get(f"/v1/readiness/{end + timedelta(days=1)}").json()
        assert fresh["data"]["stale"] is False and fresh["data"]["days_since_data"] == 1
        assert fresh["recommendation"]["action"] != "no_recent_data"

        # a pain check-in today still wins over "no recent data"
        r = c.post("/v1/checkins", json={"date": str(today), "pain": 4, "pain_site": "left knee"})
        assert r.status_code in (200, 201), r.text
        day = c.get("/v1/readiness/today").json()
        assert day["data"]["stale"] is True
        assert day["recommendation"]["action"] == "physiotherapy_assessment"

        spec = c.get("/openapi.json").json()
        action = spec["components"]["schemas"]["RecommendationPublic"]["properties"]["action"]
        assert "no_recent_data" in action["enum"]
