"""The sender's sweep of today's calls, on both databases, with the real receiver of
``test_webhooks``: a day that changes with no write (the data gone stale) fires
``readiness.changed`` once, a second sweep sends nothing more, and sweeps racing each other (and
the server's own) write each event once.

The service sweeps every :data:`SWEEP_S` seconds (``READINESS_WEBHOOK_SWEEP_S``). "A first mark
set earlier" is the mark an earlier day left: the ``webhook_marks`` row is written directly
with that day's call, as the sweep of that day would have left it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from readiness.api.services.webhooks.sweep import TodaySweep
from readiness.api.settings import Settings
from readiness.api.storage.engine import open_database
from readiness.api.storage.models import utcnow

from tests.api.builders import daily_csv, upload
from tests.api.conftest import Server, on_backend
from tests.api.routes import test_webhooks
from tests.api.routes.test_webhooks import (
    HOOK_ENV,
    Receiver,
    _deliveries,
    _hook,
    _settled,
)

SWEEP_S = 0.5
#: The module's receiver, as in ``test_webhooks``.
receiver = test_webhooks.receiver
TODAY_EVENTS = ["readiness.changed", "gate.pain", "gate.illness"]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def sweep_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The service on each backend, calling the receiver, sweeping every :data:`SWEEP_S`."""
    env = {**HOOK_ENV, "READINESS_WEBHOOK_SWEEP_S": str(SWEEP_S)}
    yield from on_backend(request.param, tmp_path_factory.mktemp("sweep"), env)


def _call(c: httpx.Client, day: date | str) -> dict[str, Any]:
    r = c.get(f"/v1/readiness/{day}")
    assert r.status_code == 200, r.text
    rec: dict[str, Any] = r.json()["recommendation"]
    return rec


def _set_marks(server: Server, marks: dict[int, tuple[date, str, str]]) -> None:
    """Write the athletes' marks (the last call their webhooks were told) directly."""
    engine = sa.create_engine(server.database)
    try:
        with engine.begin() as conn:
            for athlete_id, (day, action, rule) in marks.items():
                conn.execute(
                    sa.text("DELETE FROM webhook_marks WHERE athlete_id = :a"), {"a": athlete_id}
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO webhook_marks (athlete_id, date, action, rule) "
                        "VALUES (:a, :d, :action, :rule)"
                    ),
                    {"a": athlete_id, "d": day, "action": action, "rule": rule},
                )
    finally:
        engine.dispose()


def test_stale_data_fires_readiness_changed_without_a_write(
    sweep_server: Server, receiver: Receiver
) -> None:
    a = sweep_server.athlete("stale")
    today = a.today()
    ended = today - timedelta(days=4)
    with sweep_server.client(a.key) as c:
        # data that ends 4 days ago, stored while no webhook listened: no mark yet
        assert upload(c, daily_csv(ended, days=40)).status_code == 201
        before = _call(c, ended)
        assert before["action"] != "no_recent_data"
        assert _call(c, today)["action"] == "no_recent_data"
        _set_marks(sweep_server, {a.id: (ended, before["action"], before["rule"])})
        hook, path = _hook(c, receiver, TODAY_EVENTS)
        [call] = receiver.wait(path, 1)
        event = call.json()
        assert call.verified and event["type"] == "readiness.changed"
        assert event["data"] == {
            "athlete_id": a.id,
            "date": str(today),
            "action": "no_recent_data",
            "rule": _call(c, today)["rule"],
            "previous_action": before["action"],
        }
        # later sweeps: the same call, nothing more
        time.sleep(SWEEP_S * 6)
        assert len(receiver.at(path)) == 1
        assert [d["event"] for d in _settled(c, hook["id"], 1)] == ["readiness.changed"]


def test_fresh_data_is_not_told_again_by_the_sweep(
    sweep_server: Server, receiver: Receiver
) -> None:
    a = sweep_server.athlete("fresh")
    today = a.today()
    with sweep_server.client(a.key) as c:
        hook, path = _hook(c, receiver, TODAY_EVENTS)
        # data whose last day is 2 days old: the upload tells today's call once
        assert upload(c, daily_csv(today - timedelta(days=2), days=40)).status_code == 201
        [call] = receiver.wait(path, 1)
        assert call.json()["data"]["action"] == _call(c, today)["action"]
        time.sleep(SWEEP_S * 6)
        assert len(receiver.at(path)) == 1 and len(_deliveries(c, hook["id"])) == 1


def test_sweeps_at_once_write_each_event_once(sweep_server: Server, receiver: Receiver) -> None:
    athletes = [sweep_server.athlete(f"race {i}") for i in range(4)]
    paths: dict[int, str] = {}
    hooks: dict[int, str] = {}
    earlier: dict[int, tuple[date, str, str]] = {}
    for a in athletes:
        ended = a.today() - timedelta(days=4)
        with sweep_server.client(a.key) as c:
            hook, paths[a.id] = _hook(c, receiver, TODAY_EVENTS)
            hooks[a.id] = hook["id"]
            assert upload(c, daily_csv(ended, days=40)).status_code == 201
            receiver.wait(paths[a.id], 1)  # the upload's no_recent_data
            rec = _call(c, ended)
            assert rec["action"] != "no_recent_data"
            earlier[a.id] = (ended, rec["action"], rec["rule"])
    db = open_database(Settings(database_url=sweep_server.database), migrate=False)
    try:
        sweeps = [TodaySweep(db.sessions, utcnow, batch=2) for _ in range(4)]
        start = threading.Barrier(len(sweeps))
        written: list[int] = []

        def run(sweep: TodaySweep) -> None:
            start.wait()
            written.append(sweep.run())

        # every mark back to an earlier day's call: the server's sweep and these four race
        _set_marks(sweep_server, earlier)
        threads = [threading.Thread(target=run, args=(s,)) for s in sweeps]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        time.sleep(SWEEP_S * 6)
    finally:
        db.engine.dispose()
    assert len(written) == len(sweeps)
    for a in athletes:
        calls = receiver.wait(paths[a.id], 2)
        assert len(calls) == 2, [x.json() for x in calls]
        second = calls[1].json()["data"]
        assert second["action"] == "no_recent_data"
        assert second["previous_action"] == earlier[a.id][1]
        with sweep_server.client(a.key) as c:
            assert len(_deliveries(c, hooks[a.id])) == 2
