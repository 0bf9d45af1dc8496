"""The calendar feed through the real server on SQLite and PostgreSQL: its own read-only token
(shown once, revocable, replaced by a new one), one all-day event per day with the call and its
top reason, parsed back with the icalendar library."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from icalendar import Calendar
from readiness.api.cli.wording import action_words
from readiness.api.services.calendar import FEED_DAYS

from tests.api.builders import assert_problem, daily_csv, sessions_csv, upload
from tests.api.conftest import Server


def events(response: httpx.Response) -> dict[date, Any]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    found = {}
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        assert type(start) is date  # all-day
        assert event.decoded("dtend") == start + timedelta(days=1)
        found[start] = event
    return found


def test_the_feed_holds_one_event_per_day_with_the_call(server: Server) -> None:
    athlete = server.athlete("Calendar")
    today = athlete.today()
    end = today - timedelta(days=1)
    with server.client(athlete.key) as c:
        issued = c.post("/v1/me/calendar-token")
        assert issued.status_code == 201, issued.text
        token = issued.json()["token"]
        url = issued.json()["url"]
        assert url.startswith(server.url + "/v1/calendar.ics?token=")
        assert issued.json()["prefix"] == token[:10]
        # no data yet: a valid, empty calendar
        assert events(httpx.get(url)) == {}
        assert upload(c, daily_csv(end, 70)).status_code == 201
        assert upload(c, sessions_csv(end, 70), "sessions.csv").status_code == 201
        start = today - timedelta(days=FEED_DAYS - 1)
        own = c.get(
            "/v1/readiness", params={"start": str(start), "end": str(today), "limit": 366}
        ).json()["data"]

    feed = events(httpx.get(server.url + "/v1/calendar.ics", params={"token": token}))
    assert sorted(feed) == [start + timedelta(days=i) for i in range(FEED_DAYS)]
    assert len(own) == FEED_DAYS
    for day in own:
        event = feed[date.fromisoformat(day["date"])]
        rec = day["recommendation"]
        summary = str(event["summary"])
        assert summary == f"{action_words(rec['action'])} — {rec['reasons'][0]}"
        assert str(event["description"]).startswith(rec["reasons"][0])
        assert str(event["uid"]).endswith(day["date"])
    # uids are stable from one fetch to the next (a calendar app updates, never duplicates)
    again = events(httpx.get(url))
    assert {d: str(e["uid"]) for d, e in again.items()} == {
        d: str(e["uid"]) for d, e in feed.items()
    }


def test_the_token_is_separate_read_only_and_revocable(server: Server) -> None:
    athlete = server.athlete("Revoker")
    other = server.athlete("Other")
    with server.client(athlete.key) as c:
        first = c.post("/v1/me/calendar-token").json()["token"]
        second = c.post("/v1/me/calendar-token").json()["token"]
    feed = server.url + "/v1/calendar.ics"
    # a new token replaces the old one
    assert_problem(httpx.get(feed, params={"token": first}), 404)
    assert httpx.get(feed, params={"token": second}).status_code == 200
    # the feed token is no API key, and an API key is no feed token
    with server.client(second) as c:
        assert_problem(c.get("/v1/me"), 401)
        assert_problem(c.get("/v1/readiness/today"), 401)
    assert_problem(httpx.get(feed, params={"token": athlete.key}), 404)
    assert_problem(httpx.get(feed), 422)
    # one athlete's token shows only that athlete's calendar
    with server.client(other.key) as c:
        theirs = c.post("/v1/me/calendar-token").json()["token"]
    cal = Calendar.from_ical(httpx.get(feed, params={"token": theirs}).content)
    assert "Other" in str(cal["x-wr-calname"])
    # revoking stops it at once; revoking again finds nothing
    with server.client(athlete.key) as c:
        assert c.delete("/v1/me/calendar-token").status_code == 204
        assert_problem(c.delete("/v1/me/calendar-token"), 404)
    assert_problem(httpx.get(feed, params={"token": second}), 404)
