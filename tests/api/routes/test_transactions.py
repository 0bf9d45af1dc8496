"""One transaction per request: a failing request leaves nothing written; a GET does not commit.

The application runs in-process (ASGI) on SQLite, so a service can be broken on purpose and
every commit of the app's sessions counted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from readiness.api import Settings, create_app
from readiness.api.services import readiness as readiness_service
from readiness.api.storage.models import Athlete, CheckinRow, Feedback, Upload
from sqlalchemy import event, func, select

from tests.api.builders import daily_csv

ADMIN = "transactions-admin-token"
DAY = date(2026, 3, 1)

Script = Callable[[httpx.AsyncClient, dict[str, Any]], Awaitable[None]]


def _run(tmp_path: Path, script: Script) -> dict[str, Any]:
    """Run ``script(client, state)`` against a fresh app; ``state["commits"]`` counts commits
    and ``state["db"]`` is the app's database."""
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=f"sqlite:///{tmp_path / 'tx.db'}",
        admin_token=ADMIN,
        now="2026-03-01T20:00:00+00:00",
        # no job worker thread: its poll commits (its lease sweep is an UPDATE) once a second,
        # which a loaded machine lets fall between a test's two counts
        embedded_worker=False,
    )
    app = create_app(settings)
    state: dict[str, Any] = {"commits": 0}

    def count(_: object) -> None:
        state["commits"] += 1

    async def main() -> None:
        async with app.router.lifespan_context(app):
            state["db"] = app.state.db
            event.listen(app.state.db.sessions, "after_commit", count)
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                r = await c.post(
                    "/v1/athletes",
                    json={"name": "t", "timezone": "UTC"},
                    headers={"Authorization": f"Bearer {ADMIN}"},
                )
                assert r.status_code == 201, r.text
                c.headers["Authorization"] = f"Bearer {r.json()['api_key']}"
                r = await c.post("/v1/uploads", files={"file": ("d.csv", daily_csv(DAY, days=20))})
                assert r.status_code == 201, r.text
                await script(c, state)

    anyio.run(main)
    return state


def _count(state: dict[str, Any], cls: type) -> int:
    with state["db"].sessions() as s:
        return int(s.scalar(select(func.count()).select_from(cls)) or 0)


def _data_version(state: dict[str, Any]) -> int:
    with state["db"].sessions() as s:
        return int(s.scalar(select(Athlete.data_version)) or 0)


@pytest.mark.parametrize(
    ("path", "body", "table"),
    [
        ("/v1/checkins", {"date": str(DAY), "pain": 5, "pain_site": "knee"}, CheckinRow),
        ("/v1/feedback", {"date": str(DAY), "action": "rest", "helped": 4}, Feedback),
    ],
)
def test_a_write_that_fails_after_writing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, body: dict[str, Any], table: type
) -> None:
    """The row is flushed and the athlete's version bumped, then re-scoring fails: 500, and
    the request's transaction is rolled back as a whole."""

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("scoring blew up")

    async def script(c: httpx.AsyncClient, state: dict[str, Any]) -> None:
        before = (state["commits"], _data_version(state), _count(state, table))
        monkeypatch.setattr(readiness_service, "refresh", broken)
        r = await c.post(path, json=body)
        monkeypatch.undo()
        assert r.status_code == 500, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert (state["commits"], _data_version(state), _count(state, table)) == before
        ok = await c.post(path, json=body)
        assert ok.status_code == 201, ok.text
        assert _count(state, table) == before[2] + 1

    _run(tmp_path, script)


def test_a_failing_upload_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("scoring blew up")

    async def script(c: httpx.AsyncClient, state: dict[str, Any]) -> None:
        before = (state["commits"], _data_version(state), _count(state, Upload))
        monkeypatch.setattr(readiness_service, "refresh", broken)
        r = await c.post("/v1/uploads", files={"file": ("e.csv", daily_csv(DAY, days=5, seed=2))})
        monkeypatch.undo()
        assert r.status_code == 500, r.text
        assert (state["commits"], _data_version(state), _count(state, Upload)) == before

    _run(tmp_path, script)


def test_gets_do_not_commit(tmp_path: Path) -> None:
    """Reads of stored data end without a commit; a refused request writes nothing either."""

    async def script(c: httpx.AsyncClient, state: dict[str, Any]) -> None:
        span = {"start": str(DAY - timedelta(days=30)), "end": str(DAY)}
        before = state["commits"]
        for path in (
            "/healthz",
            "/v1/me",
            "/v1/uploads",
            "/v1/days",
            "/v1/sessions",
            "/v1/checkins",
            "/v1/feedback",
            f"/v1/readiness/{DAY}",
            "/v1/readiness",
        ):
            r = await c.get(path, params=span)  # ignored where there is no range
            assert r.status_code == 200, (path, r.text)
        assert (await c.get("/v1/uploads/nope")).status_code == 404
        late = await c.post("/v1/checkins", json={"date": "2030-01-01", "pain": 1})
        assert late.status_code == 422
        assert state["commits"] == before

    _run(tmp_path, script)
