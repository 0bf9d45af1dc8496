"""End to end against a real server: athlete → uploads → readiness → check-in changes it."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from readiness.api.cli.main import main

from tests.api.builders import (
    checkins_csv,
    daily_csv,
    sessions_csv,
    upload,
)
from tests.api.conftest import Server


def test_upload_score_checkin_feedback(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = server.athlete("e2e", tz="Europe/Oslo")
    today = a.today()
    end = today - timedelta(days=1)
    files = {
        "daily.csv": daily_csv(end),
        "sessions.csv": sessions_csv(end),
        "checkins.csv": checkins_csv(end),
    }
    with server.client(a.key) as c:
        me = c.get("/v1/me").json()
        assert me["id"] == a.id and me["timezone"] == "Europe/Oslo"

        bodies = {}
        for name, data in files.items():
            r = upload(c, data, name)
            assert r.status_code == 201, r.text
            assert r.headers["location"] == f"/v1/uploads/{r.json()['id']}"
            bodies[name] = r.json()
        assert bodies["daily.csv"]["days"] == 70
        assert bodies["daily.csv"]["format"] == "generic_csv"
        assert bodies["daily.csv"]["status"] == "done"
        assert bodies["sessions.csv"]["sessions"] == 35
        assert bodies["checkins.csv"]["checkins"] == 20
        listed = c.get("/v1/uploads").json()
        assert listed["count"] == 3
        assert {u["id"] for u in listed["data"]} == {b["id"] for b in bodies.values()}

        # the stored tables
        days = c.get("/v1/days", params={"start": str(end - timedelta(days=9)), "end": str(end)})
        assert days.status_code == 200
        assert days.json()["count"] == 10
        assert all(row["hrv_rmssd_ms"] > 30 for row in days.json()["data"])
        sess = c.get(
            "/v1/sessions", params={"start": str(end - timedelta(days=69)), "end": str(end)}
        )
        assert sess.json()["count"] == 35

        # today: local date of the athlete, warmth evaluated now
        before = c.get("/v1/readiness/today")
        assert before.status_code == 200, before.text
        t0 = before.json()
        assert t0["date"] == today.isoformat()
        evaluated = datetime.fromisoformat(t0["warmth"]["evaluated_at"].replace("Z", "+00:00"))
        assert abs(datetime.now(UTC) - evaluated) < timedelta(minutes=5)
        assert t0["recommendation"]["action"] != "physiotherapy_assessment"

        # one day and the range hold the same objects
        day = end - timedelta(days=3)
        one = c.get(f"/v1/readiness/{day}")
        assert one.status_code == 200
        assert one.json()["date"] == day.isoformat()
        rng = c.get(
            "/v1/readiness", params={"start": str(end - timedelta(days=9)), "end": str(end)}
        ).json()
        assert rng["count"] == 10
        assert [d["date"] for d in rng["data"]] == [
            str(end - timedelta(days=9 - i)) for i in range(10)
        ]
        assert rng["data"][6] == one.json()
        page = c.get(
            "/v1/readiness",
            params={
                "start": str(end - timedelta(days=9)),
                "end": str(end),
                "limit": 4,
                "offset": 8,
            },
        ).json()
        assert page["count"] == 10 and [d["date"] for d in page["data"]] == [
            d["date"] for d in rng["data"][8:]
        ]

        # the day object is what `readiness score --json` prints for the same files and day
        assert one.json() == _cli_day(files, a.timezone, day, tmp_path, capsys)

        # a painful check-in today changes today's call; posting the date again updates the
        # fields it gives (the others are kept)
        r = c.post(
            "/v1/checkins",
            json={"date": str(today), "pain": 5, "pain_site": "left knee", "soreness": 2},
        )
        assert r.status_code == 201, r.text
        assert r.json()["pain"] == 5 and r.json()["pain_site"] == "left knee"
        after = c.get("/v1/readiness/today").json()
        assert after["recommendation"]["action"] == "physiotherapy_assessment"
        r = c.post("/v1/checkins", json={"date": str(today), "pain": 1, "soreness": 1})
        assert r.status_code == 200, r.text
        assert r.json()["pain_site"] == "left knee"  # not given: kept ("no pain" there now)
        again = c.get("/v1/readiness/today").json()
        assert again["recommendation"]["action"] != "physiotherapy_assessment"
        checkins = c.get("/v1/checkins", params={"start": str(today), "end": str(today)}).json()
        assert checkins["count"] == 1 and checkins["data"][0]["pain"] == 1

        # "did it help?"
        fb = {"date": str(day), "action": one.json()["recommendation"]["action"], "helped": 4}
        r = c.post("/v1/feedback", json=fb)
        assert r.status_code == 201, r.text
        r = c.post("/v1/feedback", json={**fb, "helped": 5, "note": "felt looser"})
        assert r.status_code == 200
        listed_fb = c.get("/v1/feedback", params={"start": str(day), "end": str(day)}).json()
        assert listed_fb["count"] == 1 and listed_fb["data"][0]["helped"] == 5


def _cli_day(
    files: dict[str, bytes],
    tz: str,
    day: date,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> object:
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    capsys.readouterr()
    assert main(["score", *paths, "--tz", tz, "--date", day.isoformat(), "--json"]) == 0
    (printed,) = json.loads(capsys.readouterr().out)["days"]
    return printed


def test_health(server: Server) -> None:
    with server.client() as c:
        r = c.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok"}


def test_background_upload(server: Server) -> None:
    """A file over READINESS_BACKGROUND_MB is read as a job; its status is reported."""
    a = server.athlete("big")
    data = daily_csv(a.today(), days=60, pad=6000)
    assert len(data) > 0.25 * 1024 * 1024
    with server.client(a.key) as c:
        r = upload(c, data, "big.csv")
        assert r.status_code == 202, r.text
        upload_id = r.json()["id"]
        assert r.json()["status"] == "queued" and r.json()["queued_at"]
        for _ in range(300):
            body = c.get(f"/v1/uploads/{upload_id}").json()
            if body["status"] not in ("queued", "processing"):
                break
            time.sleep(0.1)
        assert body["status"] == "done", body
        assert body["attempts"] == 1 and body["progress_bytes"] == len(data)
        assert body["queued_at"] <= body["started_at"] <= body["finished_at"]
        assert body["days"] == 60
        assert any("padding" in w["message"] for w in body["warnings"])
        again = upload(c, data, "big.csv")
        assert again.status_code == 200 and again.json()["id"] == upload_id
        assert c.get("/v1/readiness/today").status_code == 200
