"""Webhooks on both databases, with a real receiver: a small threaded HTTP server in this
process that verifies every delivery's Standard Webhooks signature with the webhook's secret
(the ``standardwebhooks`` library) before it answers.

The service runs with ``READINESS_WEBHOOK_ALLOW_PRIVATE=127.0.0.1`` (the receiver is on
loopback) and a short back-off; a service without that setting refuses the receiver.
Deliveries are signed, retried after a 500 until the receiver answers 2xx (the log shows each
attempt), given up after ``READINESS_WEBHOOK_ATTEMPTS``; events fire on an upload stored, an
upload's job failed, today's action changed and the pain gate; deleting the account deletes
the webhooks and their deliveries. A team's coach manages the team's webhooks: they hear the
current members' events (with no more than the triage shows), stop when a member leaves, and
are 404 to everyone else.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.api.builders import assert_problem, daily_csv, upload
from tests.api.conftest import ADMIN_TOKEN, Server, on_backend
from tests.api.routes.test_teams import coach, join, team

HOOK_ENV = {
    "READINESS_WEBHOOK_ALLOW_PRIVATE": "127.0.0.1",
    "READINESS_WEBHOOK_BACKOFF_S": "0.3",
    "READINESS_WEBHOOK_ATTEMPTS": "3",
    "READINESS_WEBHOOK_TIMEOUT_S": "5",
}
WAIT_S = 60.0


@dataclass(frozen=True)
class Call:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool
    answered: int
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers POSTs at ``/<name>``: 401 when the signature does not verify with the secret
    given for that path, else the next status scripted for it (200 once the script is done)."""

    secrets: dict[str, str] = field(default_factory=dict)
    scripts: dict[str, list[int]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.answer(self, self.path, headers, body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def answer(
        self, handler: BaseHTTPRequestHandler, path: str, headers: dict[str, str], body: bytes
    ) -> None:
        with self.lock:
            secret = self.secrets.get(path)
            try:
                verified = secret is not None and (
                    Webhook(secret).verify(body, headers) is not None
                )
            except WebhookVerificationError:
                verified = False
            script = self.scripts.get(path, [])
            status = 401 if not verified else (script.pop(0) if script else 200)
            self.calls.append(Call(path, headers, body, verified, status, time.monotonic()))
        handler.send_response(status)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok" if status < 300 else b"no")

    def url(self, path: str) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def at(self, path: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == path]

    def wait(self, path: str, n: int, timeout: float = WAIT_S) -> list[Call]:
        deadline = time.monotonic() + timeout
        while len(got := self.at(path)) < n:
            assert time.monotonic() < deadline, f"{len(got)} of {n} deliveries at {path}"
            time.sleep(0.05)
        return got


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def hooks_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The service on each backend, allowed to call the receiver on 127.0.0.1."""
    yield from on_backend(request.param, tmp_path_factory.mktemp("hooks"), HOOK_ENV)


def _hook(
    c: httpx.Client,
    receiver: Receiver,
    events: list[str],
    script: list[int] | None = None,
    team_id: int | None = None,
) -> tuple[dict[str, Any], str]:
    path = "/" + uuid.uuid4().hex
    if script:
        receiver.scripts[path] = list(script)
    wanted: dict[str, Any] = {"url": receiver.url(path), "events": events}
    if team_id is not None:
        wanted["team_id"] = team_id
    r = c.post("/v1/webhooks", json=wanted)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    assert body["secret"].startswith("whsec_") and body["events"] == events
    assert body["team_id"] == team_id
    receiver.secrets[path] = body["secret"]
    return body, path


def _deliveries(c: httpx.Client, hook_id: str) -> list[dict[str, Any]]:
    r = c.get(f"/v1/webhooks/{hook_id}/deliveries")
    assert r.status_code == 200, r.text
    data: list[dict[str, Any]] = r.json()["data"]
    return data


def _settled(
    c: httpx.Client, hook_id: str, n: int, done: Callable[[dict[str, Any]], bool] | None = None
) -> list[dict[str, Any]]:
    """The webhook's deliveries once ``n`` exist and each is delivered or failed."""
    ok = done or (lambda d: d["status"] in ("delivered", "failed"))
    deadline = time.monotonic() + WAIT_S
    while True:
        got = _deliveries(c, hook_id)
        if len(got) >= n and all(ok(d) for d in got):
            return got
        assert time.monotonic() < deadline, got
        time.sleep(0.1)


def test_an_upload_is_delivered_signed(hooks_server: Server, receiver: Receiver) -> None:
    a = hooks_server.athlete("signed")
    with hooks_server.client(a.key) as c:
        hook, path = _hook(c, receiver, ["upload.done"])
        r = upload(c, daily_csv(a.today(), days=20))
        assert r.status_code == 201, r.text
        [call] = receiver.wait(path, 1)
        assert call.verified and call.answered == 200
        event = call.json()
        assert event["type"] == "upload.done"
        assert event["data"]["athlete_id"] == a.id
        assert event["data"]["upload"]["id"] == r.json()["id"]
        assert event["data"]["upload"]["status"] == "done"
        assert event["data"]["upload"]["days"] == 20
        assert abs(int(call.headers["webhook-timestamp"]) - time.time()) < 120
        assert call.headers["webhook-signature"].startswith("v1,")
        [delivery] = _settled(c, hook["id"], 1)
        assert delivery["status"] == "delivered" and delivery["attempts"] == 1
        assert delivery["id"] == call.headers["webhook-id"]
        assert delivery["event"] == "upload.done" and delivery["payload"] == event
        [attempt] = delivery["tries"]
        assert attempt["status_code"] == 200 and attempt["error"] is None
        assert attempt["response"] == "ok"
        # another secret does not verify the same delivery (the check can fail)
        other = "whsec_" + "A" * 32
        with pytest.raises(WebhookVerificationError):
            Webhook(other).verify(call.body, call.headers)
        # the secret is shown once: the list has none
        listed = c.get("/v1/webhooks").json()
        assert listed["count"] == 1 and "secret" not in listed["data"][0]
        assert listed["data"][0]["url"] == receiver.url(path)


def test_a_500_is_retried_until_the_receiver_takes_it(
    hooks_server: Server, receiver: Receiver
) -> None:
    a = hooks_server.athlete("retried")
    with hooks_server.client(a.key) as c:
        hook, path = _hook(c, receiver, ["upload.done"], script=[500, 500])
        assert upload(c, daily_csv(a.today(), days=10)).status_code == 201
        calls = receiver.wait(path, 3)
        assert [x.answered for x in calls] == [500, 500, 200]
        assert all(x.verified for x in calls)
        # one message: the same id and body on every attempt, each signed at its own time
        assert len({x.headers["webhook-id"] for x in calls}) == 1
        assert len({x.body for x in calls}) == 1
        # back-off: 0.3 s, then 0.6 s (±50 %)
        gaps = [b.at - a_.at for a_, b in itertools.pairwise(calls)]
        assert gaps[0] >= 0.14 and gaps[1] >= 0.29, gaps
        [delivery] = _settled(c, hook["id"], 1)
        assert delivery["status"] == "delivered" and delivery["attempts"] == 3
        tries = delivery["tries"]
        assert [t["attempt"] for t in tries] == [1, 2, 3]
        assert [t["status_code"] for t in tries] == [500, 500, 200]
        assert tries[0]["error"] == "the receiver answered 500" and tries[2]["error"] is None
        assert tries[0]["next_attempt_at"] and tries[2]["next_attempt_at"] is None
        assert delivery["delivered_at"]


def test_a_delivery_is_given_up_after_the_last_attempt(
    hooks_server: Server, receiver: Receiver
) -> None:
    a = hooks_server.athlete("given up")
    with hooks_server.client(a.key) as c:
        hook, path = _hook(c, receiver, ["upload.done"], script=[503] * 10)
        assert upload(c, daily_csv(a.today(), days=5)).status_code == 201
        [delivery] = _settled(c, hook["id"], 1)
        assert delivery["status"] == "failed" and delivery["attempts"] == 3
        assert [t["status_code"] for t in delivery["tries"]] == [503, 503, 503]
        assert delivery["delivered_at"] is None
        time.sleep(1.5)  # no fourth attempt
        assert len(receiver.at(path)) == 3


def test_a_failed_upload_job_fires_upload_failed(hooks_server: Server, receiver: Receiver) -> None:
    a = hooks_server.athlete("failed job")
    with hooks_server.client(a.key) as c:
        hook, path = _hook(c, receiver, ["upload.failed"])
        # larger than READINESS_BACKGROUND_MB: a job, which cannot read the file
        broken = daily_csv(a.today(), days=40, pad=8000).replace(b"nocturnal", b"nocturnal,x", 1)
        r = upload(c, broken, "broken.csv")
        assert r.status_code == 202, r.text
        [call] = receiver.wait(path, 1)
        event = call.json()
        assert call.verified and event["type"] == "upload.failed"
        assert event["data"]["upload"]["id"] == r.json()["id"]
        assert event["data"]["upload"]["status"] == "failed"
        assert event["data"]["upload"]["error"]["status"] == 422
        assert c.get(f"/v1/uploads/{r.json()['id']}").json()["status"] == "failed"
        # a good upload is not an upload.failed event
        assert upload(c, daily_csv(a.today(), days=3)).status_code == 201
        time.sleep(1.0)
        assert len(receiver.at(path)) == 1 and len(_deliveries(c, hook["id"])) == 1


def test_todays_action_and_the_pain_gate(hooks_server: Server, receiver: Receiver) -> None:
    a = hooks_server.athlete("gates")
    today = a.today()
    with hooks_server.client(a.key) as c:
        hook, path = _hook(c, receiver, ["readiness.changed", "gate.pain", "gate.illness"])
        assert upload(c, daily_csv(today, days=40)).status_code == 201
        [first] = receiver.wait(path, 1)
        event = first.json()
        assert event["type"] == "readiness.changed"
        served = c.get("/v1/readiness/today").json()["recommendation"]
        assert event["data"]["date"] == str(today)
        assert event["data"]["action"] == served["action"]
        assert event["data"]["previous_action"] is None
        # the same call again: no event
        r = c.post("/v1/checkins", json={"date": str(today), "mood": 4})
        assert r.status_code in (200, 201), r.text
        time.sleep(1.0)
        assert len(receiver.at(path)) == 1
        # pain 4/5 today: the pain gate, and the action changes
        r = c.post("/v1/checkins", json={"date": str(today), "pain": 4, "pain_site": "left knee"})
        assert r.status_code in (200, 201), r.text
        calls = receiver.wait(path, 3)
        kinds = {x.json()["type"]: x.json()["data"] for x in calls[1:]}
        assert set(kinds) == {"readiness.changed", "gate.pain"}
        assert kinds["readiness.changed"]["action"] == "physiotherapy_assessment"
        assert kinds["readiness.changed"]["previous_action"] == event["data"]["action"]
        assert kinds["gate.pain"]["rule"] == "R0"
        assert kinds["gate.pain"]["reasons"][0].startswith("you report pain 4/5 (left knee)")
        assert all(x.verified for x in calls)
        assert len(_settled(c, hook["id"], 3)) == 3


def test_list_delete_and_wrong_input(hooks_server: Server, receiver: Receiver) -> None:
    a, b = hooks_server.athlete("owner"), hooks_server.athlete("other")
    with hooks_server.client(a.key) as c, hooks_server.client(b.key) as other:
        hook, _ = _hook(c, receiver, ["upload.done", "gate.illness"])
        assert other.get("/v1/webhooks").json() == {"data": [], "count": 0}
        assert_problem(other.get(f"/v1/webhooks/{hook['id']}/deliveries"), 404)
        assert_problem(other.delete(f"/v1/webhooks/{hook['id']}"), 404)
        bad = c.post("/v1/webhooks", json={"url": receiver.url("/x"), "events": ["upload.gone"]})
        assert_problem(bad, 422)
        assert_problem(c.post("/v1/webhooks", json={"url": receiver.url("/x"), "events": []}), 422)
        ftp = c.post("/v1/webhooks", json={"url": "ftp://127.0.0.1/x", "events": ["upload.done"]})
        assert "http and https" in str(assert_problem(ftp, 422)["detail"])
        creds = receiver.url("/x").replace("http://", "http://user:pw@")
        assert_problem(c.post("/v1/webhooks", json={"url": creds, "events": ["gate.pain"]}), 422)
        assert c.get("/v1/webhooks").json()["count"] == 1
        assert c.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
        assert_problem(c.delete(f"/v1/webhooks/{hook['id']}"), 404)
        assert c.get("/v1/webhooks").json()["count"] == 0


def _rows(server: Server, table: str, athlete_id: int) -> int:
    engine = sa.create_engine(server.database)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.text(f"SELECT count(*) FROM {table} WHERE athlete_id = :a"),
                    {"a": athlete_id},
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_deleting_the_account_deletes_its_webhooks_and_deliveries(
    hooks_server: Server, receiver: Receiver
) -> None:
    a = hooks_server.athlete("leaving")
    with hooks_server.client(a.key) as c:
        hook, _path = _hook(c, receiver, ["upload.done", "readiness.changed"])
        assert upload(c, daily_csv(a.today(), days=20)).status_code == 201
        _settled(c, hook["id"], 2)
        for table in ("webhooks", "webhook_deliveries", "webhook_marks"):
            assert _rows(hooks_server, table, a.id) >= 1, table
        assert c.delete("/v1/me").status_code == 204
    for table in ("webhooks", "webhook_deliveries", "webhook_marks"):
        assert _rows(hooks_server, table, a.id) == 0, table


def test_private_targets_are_refused_by_default(sqlite_server: Server, receiver: Receiver) -> None:
    """A service without READINESS_WEBHOOK_ALLOW_PRIVATE refuses the loopback receiver."""
    a = sqlite_server.athlete("private")
    with sqlite_server.client(a.key) as c:
        for url in (
            receiver.url("/p"),
            "http://localhost:9/p",
            "http://10.1.2.3/p",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:9/p",
            "http://2130706433/p",  # 127.0.0.1 as a number
        ):
            r = c.post("/v1/webhooks", json={"url": url, "events": ["upload.done"]})
            body = assert_problem(r, 422)
            assert "READINESS_WEBHOOK_ALLOW_PRIVATE" in str(body["detail"]), (url, body)
        assert c.get("/v1/webhooks").json()["count"] == 0
    assert receiver.at("/p") == []  # the receiver was never called


# --- team webhooks ---


def test_a_team_webhook_hears_a_members_pain_gate_until_they_leave(
    hooks_server: Server, receiver: Receiver
) -> None:
    coach_id, key = coach(hooks_server, "Hook coach")
    team_id = team(hooks_server, "Hooked", coach_id)
    a = hooks_server.athlete("member")
    join(hooks_server, a, key, team_id)
    today = a.today()
    with hooks_server.client(key) as coach_c, hooks_server.client(a.key) as c:
        # before any webhook: data, and a lower back at pain 3 on each of the last 3 days
        assert upload(c, daily_csv(today, days=40)).status_code == 201
        for back in (3, 2, 1):
            day = str(today - timedelta(days=back))
            r = c.post("/v1/checkins", json={"date": day, "pain": 3, "pain_site": "lower back"})
            assert r.status_code in (200, 201), r.text
        events = ["upload.done", "readiness.changed", "gate.pain"]
        hook, path = _hook(coach_c, receiver, events, team_id=team_id)
        assert hook["athlete_id"] is None
        own, own_path = _hook(c, receiver, ["upload.done", "gate.pain"])
        # pain 4/5 today at the knee: the pain gate, naming both sites to the athlete
        r = c.post("/v1/checkins", json={"date": str(today), "pain": 4, "pain_site": "left knee"})
        assert r.status_code in (200, 201), r.text
        got = {x.json()["type"]: x for x in receiver.wait(path, 2)}
        assert set(got) == {"readiness.changed", "gate.pain"}
        assert all(x.verified for x in got.values())
        gate = got["gate.pain"].json()["data"]
        [own_gate] = [x.json()["data"] for x in receiver.wait(own_path, 1)]
        assert len(own_gate["reasons"]) >= 2, own_gate  # the athlete's own hears every site
        mine = c.get("/v1/readiness/today").json()["recommendation"]
        [row] = coach_c.get(f"/v1/teams/{team_id}/readiness/today").json()
        # the team hears what the triage shows: the first reason only, no previous action
        assert gate == {
            "athlete_id": a.id,
            "team_id": team_id,
            "date": str(today),
            "action": mine["action"],
            "rule": "R0",
            "reasons": [row["reason"]],
        }
        changed = got["readiness.changed"].json()["data"]
        assert set(changed) == {"athlete_id", "team_id", "date", "action", "rule"}
        # Standard Webhooks: the team webhook's secret verifies it, another does not
        Webhook(hook["secret"]).verify(got["gate.pain"].body, got["gate.pain"].headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(own["secret"]).verify(got["gate.pain"].body, got["gate.pain"].headers)
        # an upload: only that it was done (the triage shows no upload: no file name, counts)
        assert upload(c, daily_csv(today, days=3), "private-name.csv").status_code == 201
        [done] = [x for x in receiver.wait(path, 3) if x.json()["type"] == "upload.done"]
        assert done.json()["data"] == {
            "athlete_id": a.id,
            "team_id": team_id,
            "upload": {"status": "done"},
        }
        assert "private-name" not in done.body.decode()
        log = _settled(coach_c, hook["id"], 3)
        assert {d["id"] for d in log} == {x.headers["webhook-id"] for x in receiver.at(path)}
        # the athlete leaves: the team's log forgets them, its webhook hears nothing more
        assert c.delete(f"/v1/teams/{team_id}/members/me").status_code == 204
        assert _deliveries(coach_c, hook["id"]) == []
        assert upload(c, daily_csv(today, days=2)).status_code == 201
        assert len(receiver.wait(own_path, 3)) == 3  # the event was written: their own heard it
        time.sleep(1.0)
        assert len(receiver.at(path)) == 3 and _deliveries(coach_c, hook["id"]) == []
        # the webhook itself is the team's and stays
        listed = coach_c.get("/v1/webhooks", params={"team_id": team_id}).json()
        assert [h["id"] for h in listed["data"]] == [hook["id"]]


def test_a_team_webhook_is_404_outside_its_teams_coaches(
    hooks_server: Server, receiver: Receiver
) -> None:
    mine_id, mine = coach(hooks_server, "Mine")
    other_id, other = coach(hooks_server, "Other")
    team_id = team(hooks_server, "Guarded", mine_id)
    other_team = team(hooks_server, "Elsewhere", other_id)
    member = hooks_server.athlete("member")
    join(hooks_server, member, mine, team_id)
    with (
        hooks_server.client(mine) as c,
        hooks_server.client(other) as o,
        hooks_server.client(member.key) as m,
        hooks_server.client(ADMIN_TOKEN) as admin,
    ):
        hook, _ = _hook(c, receiver, ["gate.pain"], team_id=team_id)
        url = receiver.url("/never")
        for probe in (
            o.get(f"/v1/webhooks/{hook['id']}/deliveries"),
            o.delete(f"/v1/webhooks/{hook['id']}"),
            o.get("/v1/webhooks", params={"team_id": team_id}),
            o.post("/v1/webhooks", json={"url": url, "events": ["gate.pain"], "team_id": team_id}),
            c.post("/v1/webhooks", json={"url": url, "events": ["gate.pain"], "team_id": 10**9}),
            m.get(f"/v1/webhooks/{hook['id']}/deliveries"),
            m.delete(f"/v1/webhooks/{hook['id']}"),
        ):
            assert_problem(probe, 404)
        assert o.get("/v1/webhooks").json() == {"data": [], "count": 0}
        assert m.get("/v1/webhooks").json() == {"data": [], "count": 0}
        # a member may know the team but does not coach it; the admin never gets athlete data
        made = {"url": url, "events": ["gate.pain"], "team_id": team_id}
        assert_problem(m.post("/v1/webhooks", json=made), 403)
        assert_problem(admin.post("/v1/webhooks", json=made), 403)
        assert_problem(admin.get(f"/v1/webhooks/{hook['id']}/deliveries"), 403)
        # a coach's webhook belongs to a team
        assert_problem(c.post("/v1/webhooks", json={"url": url, "events": ["gate.pain"]}), 422)
        # the SSRF check holds for team webhooks too (this service allows 127.0.0.1 only)
        private = {"url": "http://10.1.2.3/h", "events": ["gate.pain"], "team_id": team_id}
        assert "READINESS_WEBHOOK_ALLOW_PRIVATE" in str(
            assert_problem(c.post("/v1/webhooks", json=private), 422)["detail"]
        )
        listed = c.get("/v1/webhooks").json()
        assert [(h["id"], h["team_id"]) for h in listed["data"]] == [(hook["id"], team_id)]
        assert "secret" not in listed["data"][0]
        assert_problem(c.get("/v1/webhooks", params={"team_id": other_team}), 404)
        assert c.get(f"/v1/webhooks/{hook['id']}/deliveries").json()["count"] == 0
        assert c.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
        assert c.get("/v1/webhooks").json()["count"] == 0
    assert receiver.at("/never") == []


def test_an_athlete_in_two_teams_fires_both_teams_webhooks(
    hooks_server: Server, receiver: Receiver
) -> None:
    first_id, first = coach(hooks_server, "First")
    second_id, second = coach(hooks_server, "Second")
    one, two = team(hooks_server, "One", first_id), team(hooks_server, "Two", second_id)
    outsider = team(hooks_server, "Three", first_id)
    a = hooks_server.athlete("twice")
    join(hooks_server, a, first, one)
    join(hooks_server, a, second, two)
    with hooks_server.client(first) as c1, hooks_server.client(second) as c2:
        _, p1 = _hook(c1, receiver, ["upload.done"], team_id=one)
        _, p2 = _hook(c2, receiver, ["upload.done"], team_id=two)
        _, p3 = _hook(c1, receiver, ["upload.done"], team_id=outsider)
        with hooks_server.client(a.key) as c:
            assert upload(c, daily_csv(a.today(), days=10)).status_code == 201
        [x1], [x2] = receiver.wait(p1, 1), receiver.wait(p2, 1)
        assert x1.verified and x2.verified
        assert (x1.json()["data"]["team_id"], x2.json()["data"]["team_id"]) == (one, two)
        assert x1.json()["data"]["athlete_id"] == x2.json()["data"]["athlete_id"] == a.id
        assert x1.headers["webhook-id"] != x2.headers["webhook-id"]
        time.sleep(1.0)
        assert receiver.at(p3) == []  # a team the athlete is not in hears nothing
        # the first coach lists both of their teams' webhooks
        assert {h["team_id"] for h in c1.get("/v1/webhooks").json()["data"]} == {one, outsider}
