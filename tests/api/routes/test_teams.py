"""Teams with consent, through the real server on SQLite and PostgreSQL: coaches with their own
keys, one-time invitations (single use, also when two accepts race), leaving, the triage and a
member's range of days — and isolation: a coach sees only the current members of their own
teams, everything else is 404."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from readiness.api.services.teams import CONCERNS

from tests.api.builders import Athlete, assert_problem, daily_csv, sessions_csv, upload
from tests.api.conftest import ADMIN_TOKEN, Server


def coach(server: Server, name: str = "Coach") -> tuple[int, str]:
    with server.client(ADMIN_TOKEN) as c:
        r = c.post("/v1/coaches", json={"name": name})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["role"] == "coach" and body["api_key"].startswith("rdy_")
    return body["id"], body["api_key"]


def team(server: Server, name: str, *coach_ids: int) -> int:
    with server.client(ADMIN_TOKEN) as c:
        r = c.post("/v1/teams", json={"name": name, "coach_ids": list(coach_ids)})
    assert r.status_code == 201, r.text
    team_id: int = r.json()["id"]
    return team_id


def invitation(server: Server, key: str, team_id: int) -> str:
    with server.client(key) as c:
        r = c.post(f"/v1/teams/{team_id}/invitations")
    assert r.status_code == 201, r.text
    code: str = r.json()["code"]
    return code


def join(server: Server, athlete: Athlete, coach_key: str, team_id: int) -> None:
    code = invitation(server, coach_key, team_id)
    with server.client(athlete.key) as c:
        r = c.post(f"/v1/invitations/{code}/accept")
    assert r.status_code == 200, r.text
    assert [m["id"] for m in r.json()["members"]] == [athlete.id]


def triage_ids(server: Server, key: str, team_id: int) -> list[int]:
    with server.client(key) as c:
        r = c.get(f"/v1/teams/{team_id}/readiness/today")
    assert r.status_code == 200, r.text
    return [row["athlete"]["id"] for row in r.json()]


def with_data(server: Server, name: str, end: date | None = None) -> Athlete:
    athlete = server.athlete(name)
    end = end or athlete.today() - timedelta(days=1)
    with server.client(athlete.key) as c:
        assert upload(c, daily_csv(end, 70)).status_code == 201
        assert upload(c, sessions_csv(end, 70), "sessions.csv").status_code == 201
    return athlete


def test_triage_follows_each_members_own_call_most_urgent_first(server: Server) -> None:
    coach_id, key = coach(server)
    team_id = team(server, "Rowing", coach_id)
    calm = with_data(server, "Calm")
    pain = with_data(server, "Pain")
    sick = with_data(server, "Sick")
    stale = with_data(server, "Stale", end=calm.today() - timedelta(days=40))
    empty = server.athlete("Empty")
    today = calm.today()
    with server.client(pain.key) as c:
        for i in range(4, -1, -1):
            day = str(today - timedelta(days=i))
            r = c.post("/v1/checkins", json={"date": day, "pain": 4, "pain_site": "knee"})
            assert r.status_code < 300, r.text
    with server.client(sick.key) as c:
        assert c.post("/v1/checkins", json={"date": str(today), "sick": True}).status_code < 300
    for athlete in (empty, stale, calm, sick, pain):
        join(server, athlete, key, team_id)

    with server.client(key) as c:
        r = c.get(f"/v1/teams/{team_id}/readiness/today")
    assert r.status_code == 200, r.text
    rows = r.json()
    by_id = {row["athlete"]["id"]: row for row in rows}
    assert [by_id[a.id]["concern"] for a in (pain, sick, stale, empty)] == [
        "pain_gate",
        "illness",
        "stale_data",
        "no_data",
    ]
    assert by_id[calm.id]["concern"] in ("elevated", "settled")
    ranks = [CONCERNS.index(row["concern"]) for row in rows]
    assert ranks == sorted(ranks)
    assert [row["athlete"]["id"] for row in rows[:3]] == [pain.id, sick.id, stale.id]
    assert set(by_id[empty.id]) >= {"athlete", "concern"} and by_id[empty.id]["action"] is None

    # each row is the member's own call today (the same served object, from the same cache)
    for athlete in (calm, pain, sick, stale):
        with server.client(athlete.key) as c:
            own = c.get("/v1/readiness/today").json()
        row = by_id[athlete.id]
        rec = own["recommendation"]
        assert (row["date"], row["action"], row["rule"]) == (
            own["date"],
            rec["action"],
            rec["rule"],
        )
        assert row["reason"] == rec["reasons"][0]
        for name in ("nervous_system_stress", "physical_stiffness", "warmth"):
            mine = own[name]
            want = None if mine is None else {"score": mine["score"], "band": mine["band"]}
            assert row[name] == want, name
        assert row["data"] == own["data"]
    assert by_id[pain.id]["action"] == "physiotherapy_assessment"
    assert by_id[stale.id]["data"]["stale"] is True

    # one member's range: exactly what the member reads of their own days
    start, end = today - timedelta(days=9), today
    params = {"start": str(start), "end": str(end)}
    with server.client(key) as c:
        r = c.get(f"/v1/teams/{team_id}/members/{calm.id}/readiness", params=params)
        assert r.status_code == 200, r.text
        bad = c.get(
            f"/v1/teams/{team_id}/members/{calm.id}/readiness",
            params={"start": str(end), "end": str(start)},
        )
        assert_problem(bad, 422)
    with server.client(calm.key) as c:
        own_range = c.get("/v1/readiness", params=params).json()
    assert r.json() == own_range and r.json()["count"] == 10


def test_isolation_two_teams_a_leaver_and_an_athlete_in_both(server: Server) -> None:
    c1_id, c1 = coach(server, "Coach One")
    c2_id, c2 = coach(server, "Coach Two")
    t1 = team(server, "One", c1_id)
    t2 = team(server, "Two", c2_id)
    a = with_data(server, "Only One")
    b = server.athlete("Only Two")
    both = with_data(server, "Both")
    outsider = server.athlete("Outsider")
    join(server, a, c1, t1)
    join(server, both, c1, t1)
    join(server, b, c2, t2)
    join(server, both, c2, t2)

    assert sorted(triage_ids(server, c1, t1)) == sorted([a.id, both.id])
    assert sorted(triage_ids(server, c2, t2)) == sorted([b.id, both.id])
    with server.client(c1) as c:
        assert [t["id"] for t in c.get("/v1/teams").json()] == [t1]
        # the other coach's team, its triage, its members, an outsider: all 404, never 403
        for path in (
            f"/v1/teams/{t2}",
            f"/v1/teams/{t2}/readiness/today",
            f"/v1/teams/{t2}/members/{both.id}/readiness",
            f"/v1/teams/{t2}/members/{b.id}/readiness",
            f"/v1/teams/{t1}/members/{b.id}/readiness",
            f"/v1/teams/{t1}/members/{outsider.id}/readiness",
            f"/v1/teams/{t1 + t2 + 1000}/readiness/today",
        ):
            assert_problem(c.get(path), 404)
        assert_problem(c.post(f"/v1/teams/{t2}/invitations"), 404)
        assert c.get(f"/v1/teams/{t1}/members/{both.id}/readiness").status_code == 200
        seen = c.get(f"/v1/teams/{t1}").json()
        assert sorted(m["id"] for m in seen["members"]) == sorted([a.id, both.id])

    # the athlete in both teams leaves one: that coach sees nothing more, the other still does
    with server.client(both.key) as c:
        assert [t["id"] for t in c.get("/v1/teams").json()] == [t1, t2]
        mine = c.get(f"/v1/teams/{t1}").json()
        assert [m["id"] for m in mine["members"]] == [both.id]  # never the other members
        assert mine["coaches"] == [{"id": c1_id, "name": "Coach One"}]
        r = c.delete(f"/v1/teams/{t1}/members/me")
        assert r.status_code == 204, r.text
        assert_problem(c.delete(f"/v1/teams/{t1}/members/me"), 404)
        assert_problem(c.get(f"/v1/teams/{t1}"), 404)
        assert [t["id"] for t in c.get("/v1/teams").json()] == [t2]
    assert triage_ids(server, c1, t1) == [a.id]
    with server.client(c1) as c:
        assert_problem(c.get(f"/v1/teams/{t1}/members/{both.id}/readiness"), 404)
        assert [m["id"] for m in c.get(f"/v1/teams/{t1}").json()["members"]] == [a.id]
    assert sorted(triage_ids(server, c2, t2)) == sorted([b.id, both.id])

    # an athlete knows their own team but reads no one's data there; others' teams are 404
    with server.client(a.key) as c:
        assert_problem(c.get(f"/v1/teams/{t1}/readiness/today"), 403)
        assert_problem(c.get(f"/v1/teams/{t1}/members/{a.id}/readiness"), 403)
        assert_problem(c.post(f"/v1/teams/{t1}/invitations"), 403)
        assert_problem(c.get(f"/v1/teams/{t2}"), 404)
        assert_problem(c.get(f"/v1/teams/{t2}/readiness/today"), 404)
        assert_problem(c.delete(f"/v1/teams/{t2}/members/me"), 404)
    with server.client(ADMIN_TOKEN) as c:
        listed = {t["id"] for t in c.get("/v1/teams").json()}
        assert {t1, t2} <= listed
        assert_problem(c.get(f"/v1/teams/{t1}/readiness/today"), 403)


def test_a_coach_key_reads_teams_and_never_an_athletes_own_data(server: Server) -> None:
    _, key = coach(server)
    with server.client(key) as c:
        for method, path in (
            ("GET", "/v1/me"),
            ("GET", "/v1/readiness/today"),
            ("GET", "/v1/readiness"),
            ("GET", "/v1/days"),
            ("POST", "/v1/me/keys"),
            ("POST", "/v1/me/calendar-token"),
            ("DELETE", "/v1/me"),
        ):
            assert_problem(c.request(method, path), 403)
        r = c.post("/v1/checkins", json={"date": "2026-01-01", "pain": 3})
        assert_problem(r, 403)
        assert_problem(upload(c, b"date,resting_hr_bpm\n2026-01-01,50\n"), 403)
        assert_problem(c.post("/v1/teams", json={"name": "Mine"}), 403)
        assert c.get("/v1/teams").json() == []
    with server.client("rdy_not-a-key") as c:
        assert_problem(c.get("/v1/teams"), 401)


def test_invitations_are_used_once_and_only_by_an_athlete(server: Server) -> None:
    coach_id, key = coach(server)
    team_id = team(server, "Once", coach_id)
    first, second = server.athlete("First"), server.athlete("Second")
    code = invitation(server, key, team_id)
    with server.client(key) as c:
        assert_problem(c.post(f"/v1/invitations/{code}/accept"), 403)
        r = c.post(f"/v1/teams/{team_id}/invitations", json={"expires_in_days": 0})
        assert_problem(r, 422)
        r = c.post(f"/v1/teams/{team_id}/invitations", json={"expires_in_days": 2})
        assert r.status_code == 201
        expires = datetime.fromisoformat(r.json()["expires"])
        assert timedelta(days=1.9) < expires - datetime.now(UTC) <= timedelta(days=2)
    with server.client(first.key) as c:
        assert c.post(f"/v1/invitations/{code}/accept").status_code == 200
    with server.client(second.key) as c:
        gone = assert_problem(c.post(f"/v1/invitations/{code}/accept"), 404)
        assert "unknown, used or expired" in str(gone["detail"])
        assert_problem(c.post("/v1/invitations/no-such-code/accept"), 404)
    with server.client(ADMIN_TOKEN) as c:
        assert c.post(f"/v1/teams/{team_id}/invitations").status_code == 201
    # a member joining again with a new code stays one member
    join(server, first, key, team_id)
    assert triage_ids(server, key, team_id) == [first.id]


def test_two_accepts_racing_for_one_code_one_wins(server: Server) -> None:
    coach_id, key = coach(server)
    team_id = team(server, "Race", coach_id)
    winners = []
    for round_ in range(6):
        code = invitation(server, key, team_id)
        racers = [server.athlete(f"Racer {round_}{i}") for i in range(2)]

        def accept(athlete: Athlete, code: str = code) -> tuple[int, int]:
            with server.client(athlete.key) as c:
                return athlete.id, c.post(f"/v1/invitations/{code}/accept").status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(accept, racers))
        assert sorted(status for _, status in results) == [200, 404], results
        winners += [athlete_id for athlete_id, status in results if status == 200]
    assert sorted(triage_ids(server, key, team_id)) == sorted(winners)


def test_an_athlete_creates_a_team_of_their_own(server: Server) -> None:
    coach_id, key = coach(server)
    athlete = with_data(server, "Self-coached")
    with server.client(athlete.key) as c:
        r = c.post("/v1/teams", json={"name": "My crew", "coach_ids": [coach_id]})
        assert r.status_code == 201, r.text
        body = r.json()
        assert [m["id"] for m in body["members"]] == [athlete.id]
        assert [p["id"] for p in body["coaches"]] == [coach_id]
        bad = assert_problem(c.post("/v1/teams", json={"name": "X", "coach_ids": [999999]}), 422)
        assert bad["coach_ids"] == [999999]
        assert_problem(c.post("/v1/teams", json={"name": ""}), 422)
    assert triage_ids(server, key, body["id"]) == [athlete.id]


@pytest.fixture
def database(server: Server) -> Iterator[sa.Engine]:
    engine = sa.create_engine(server.database)
    yield engine
    engine.dispose()


def test_deleting_an_athlete_removes_memberships_invitations_and_calendar_token(
    server: Server, database: sa.Engine
) -> None:
    coach_id, key = coach(server)
    team_id = team(server, "Erased", coach_id)
    athlete = server.athlete("Leaving for good")
    join(server, athlete, key, team_id)
    with server.client(athlete.key) as c:
        assert c.post("/v1/me/calendar-token").status_code == 201

    def counts() -> dict[str, int]:
        with database.connect() as conn:
            return {
                name: conn.scalar(
                    sa.text(f"SELECT count(*) FROM {name} WHERE athlete_id = :a"),
                    {"a": athlete.id},
                )
                for name in ("team_members", "invitations", "calendar_tokens")
            }

    assert counts() == {"team_members": 1, "invitations": 1, "calendar_tokens": 1}
    with server.client(athlete.key) as c:
        assert c.delete("/v1/me").status_code == 204
    assert counts() == {"team_members": 0, "invitations": 0, "calendar_tokens": 0}
    assert triage_ids(server, key, team_id) == []


def test_the_team_page_is_served(server: Server) -> None:
    with server.client() as c:
        page = c.get("/team")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert '<script src="team.js">' in page.text
        script = c.get("/team.js")
        assert script.status_code == 200 and "v1/teams" in script.text
