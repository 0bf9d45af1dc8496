"""Check-ins merge field by field, on both databases: a field left out of ``POST /v1/checkins``
keeps the day's answer, an explicit ``null`` clears it, and an answer from an uploaded file
(a WHOOP journal's "Feeling sick or ill?") survives a check-in of other fields and later
uploads never undo an answer given in the app. ``GET /v1/checkins/{date}`` answers the day's
merged check-in. Pain at a new site never hides a recurring one."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from tests.api.builders import assert_problem, daily_csv, upload
from tests.api.conftest import Server
from tests.conftest import shared_dir

#: The WHOOP journal's last cycle (2024-06-23 20:24 UTC−4, +12 h) falls on this local date.
JOURNAL_DAY = "2024-06-24"


def _day(client: httpx.Client, day: str) -> dict[str, Any]:
    r = client.get(f"/v1/checkins/{day}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _post(client: httpx.Client, status: int, **body: object) -> dict[str, Any]:
    r = client.post("/v1/checkins", json=body)
    assert r.status_code == status, r.text
    out: dict[str, Any] = r.json()
    return out


def test_fields_left_out_are_kept_and_null_clears(server: Server) -> None:
    a = server.athlete("partial check-ins")
    day = str(a.today())
    with server.client(a.key) as c:
        assert _post(c, 201, date=day, soreness=4)["soreness"] == 4
        # only pain: the day's soreness stays 4
        got = _post(c, 200, date=day, pain=2, pain_site="left knee")
        assert (got["soreness"], got["pain"], got["pain_site"]) == (4, 2, "left knee")
        assert _day(c, day) == got
        # an explicit null clears that field only
        got = _post(c, 200, date=day, soreness=None)
        assert (got["soreness"], got["pain"], got["pain_site"]) == (None, 2, "left knee")
        assert got["source"] == "app"
        listing = c.get("/v1/checkins", params={"start": day, "end": day}).json()
        assert listing == {"count": 1, "data": [got]}


def test_an_imported_answer_survives_and_uploads_never_undo_an_app_answer(
    server: Server,
) -> None:
    journal = (
        shared_dir("exports", "whoop") / "theonerichy_whoop_data" / "journal_entries.csv"
    ).read_bytes()
    a = server.athlete("whoop journal")
    with server.client(a.key) as c:
        assert upload(c, journal, "journal_entries.csv").status_code == 201
        imported = _day(c, JOURNAL_DAY)
        assert (imported["sick"], imported["soreness"], imported["source"]) == (
            False,
            None,
            "whoop",
        )
        # a check-in of other fields keeps the journal's answer
        got = _post(c, 200, date=JOURNAL_DAY, soreness=3, stress=2)
        assert (got["sick"], got["soreness"], got["stress"]) == (False, 3, 2)
        # a later file answering soreness (and fatigue) for the day: the app's soreness stays
        later = f"date,soreness,fatigue\n{JOURNAL_DAY},1,4\n".encode()
        assert upload(c, later, "later.csv").status_code == 201
        got = _day(c, JOURNAL_DAY)
        assert (got["sick"], got["soreness"], got["stress"], got["fatigue"]) == (False, 3, 2, 4)
        # clearing the journal's answer in the app holds through new uploads of the journal
        assert _post(c, 200, date=JOURNAL_DAY, sick=None)["sick"] is None
        assert upload(c, journal + b"\n", "journal_entries.csv").status_code == 201
        sick = f"date,sick,mood\n{JOURNAL_DAY},yes,4\n".encode()
        assert upload(c, sick, "sick.csv").status_code == 201
        got = _day(c, JOURNAL_DAY)
        assert (got["sick"], got["soreness"], got["fatigue"], got["mood"]) == (None, 3, 4, 4)
        assert got["source"] == "app"
        # the other journal days are untouched
        assert _day(c, "2024-06-23")["sick"] is False


def test_a_day_without_a_check_in_is_a_404_that_says_why(server: Server) -> None:
    a = server.athlete("no check-in")
    day = a.today() - timedelta(days=3)
    with server.client(a.key) as c:
        assert upload(c, daily_csv(a.today(), days=10)).status_code == 201
        body = assert_problem(c.get(f"/v1/checkins/{day}"), 404)
        assert body["detail"] == (
            f"no check-in for {day}: you have not checked in on that day and no uploaded "
            "file has answers for it"
        )
        assert body["date"] == str(day)
        assert_problem(c.get("/v1/checkins/yesterday"), 422)


def test_feedback_action_must_be_one_of_the_actions(server: Server) -> None:
    a = server.athlete("feedback actions")
    day = str(a.today())
    with server.client(a.key) as c:
        body = assert_problem(
            c.post("/v1/feedback", json={"date": day, "action": "yoga", "helped": 4}), 422
        )
        errors = body["errors"]
        assert isinstance(errors, list)
        assert [e["loc"] for e in errors] == [["body", "action"]]
        assert "relaxation_massage" in errors[0]["msg"]
        assert c.get("/v1/feedback", params={"start": day, "end": day}).json()["count"] == 0
        good = {"date": day, "action": "assisted_stretching", "helped": 4}
        ok = c.post("/v1/feedback", json=good)
        assert ok.status_code == 201, ok.text


def test_readiness_404s_say_why(server: Server) -> None:
    a = server.athlete("readiness reasons")
    today = a.today()
    with server.client(a.key) as c:
        body = assert_problem(c.get(f"/v1/readiness/{today}"), 404)
        assert body["detail"] == (
            f"no readiness for {today}: you have no data yet — upload an export first"
        )
        assert upload(c, daily_csv(today - timedelta(days=1), days=30)).status_code == 201
        first = today - timedelta(days=30)
        before = first - timedelta(days=1)
        body = assert_problem(c.get(f"/v1/readiness/{before}"), 404)
        assert body["detail"] == f"no readiness for {before}: your data starts on {first}"
        assert body["first_day"] == str(first)
        for later in (today + timedelta(days=3), date(2030, 1, 1)):
            body = assert_problem(c.get(f"/v1/readiness/{later}"), 404)
            assert body["detail"] == (
                f"no readiness for {later}: {later} is after today ({today}) in your timezone "
                "(Europe/Oslo)"
            )
            assert body["today"] == str(today)
        # the days between have one
        assert c.get(f"/v1/readiness/{first}").status_code == 200
        assert c.get(f"/v1/readiness/{today}").status_code == 200


def test_a_new_pain_site_does_not_hide_a_recurring_one(server: Server) -> None:
    a = server.athlete("two pain sites")
    today = a.today()
    with server.client(a.key) as c:
        assert upload(c, daily_csv(today, days=40)).status_code == 201
        for back in range(8, 3, -1):  # left knee 3/5 on five days
            day = str(today - timedelta(days=back))
            _post(c, 201, date=day, pain=3, pain_site="left knee")
        shoulder = today - timedelta(days=3)
        _post(c, 201, date=str(shoulder), pain=4, pain_site="right shoulder")
        rec = c.get(f"/v1/readiness/{shoulder}").json()["recommendation"]
        assert rec["action"] == "physiotherapy_assessment"
        assert rec["reasons"][0].startswith("you report pain 4/5 (right shoulder)")
        assert "pain at your left knee on 5 of the last 14 days" in rec["reasons"][1:]
        # the next day, without a check-in: the knee still recurs
        rec = c.get(f"/v1/readiness/{shoulder + timedelta(days=1)}").json()["recommendation"]
        assert rec["action"] == "physiotherapy_assessment"
        assert rec["reasons"][0].startswith("pain at your left knee on 5 of the last 14 days")
