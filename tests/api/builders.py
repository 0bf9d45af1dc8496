"""Generic CSV payloads (the project's own import format) and small request helpers."""

from __future__ import annotations

import math
import random
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from readiness.api.services.uploads import Received

PROBLEM = "application/problem+json"
#: Files written by :func:`file_upload`, removed when the test process ends.
_FILES = tempfile.TemporaryDirectory(prefix="readiness-test-uploads-")


def file_upload(body: bytes, name: str) -> Received:
    """An upload of ``body`` named ``name`` (the upload service reads files, never bytes)."""
    folder = Path(_FILES.name) / uuid.uuid4().hex
    folder.mkdir()
    path = folder / name
    path.write_bytes(body)
    return Received.from_path(path)


@dataclass(frozen=True)
class Athlete:
    id: int
    key: str
    timezone: str

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.timezone)).date()


def daily_csv(end: date, days: int = 70, *, seed: int = 1, pad: int = 0) -> bytes:
    """``days`` calm nights ending ``end``: RMSSD ~60 ms, resting HR ~50, ~7.5 h sleep.

    ``pad`` adds an unknown column with that many characters per row (ignored with a warning),
    to make a large file without more days.
    """
    rng = random.Random(seed)
    cols = "date,hrv_rmssd_ms,hrv_context,resting_hr_bpm,sleep_total_min,sleep_in_bed_min,steps"
    lines = [cols + (",padding" if pad else "")]
    for i in range(days):
        d = end - timedelta(days=days - 1 - i)
        hrv = math.exp(math.log(60) + rng.gauss(0, 0.06))
        rhr = 50 + rng.gauss(0, 1.0)
        sleep = 450 + rng.gauss(0, 20)
        steps = rng.randint(6000, 11000)
        row = f"{d},{hrv:.1f},nocturnal,{rhr:.1f},{sleep:.0f},{sleep + 25:.0f},{steps}"
        if pad:
            row += "," + "x" * pad
        lines.append(row)
    return ("\n".join(lines) + "\n").encode()


def sessions_csv(end: date, days: int = 70, *, seed: int = 2) -> bytes:
    """An easy run every other day (UTC instants), with HR and a TRIMP."""
    rng = random.Random(seed)
    lines = ["start,end,sport,avg_hr_bpm,max_hr_bpm,trimp,rpe"]
    for i in range(0, days, 2):
        d = end - timedelta(days=days - 1 - i)
        start = datetime(d.year, d.month, d.day, 6, 0, tzinfo=UTC)
        minutes = 40 + rng.randint(0, 20)
        stop = start + timedelta(minutes=minutes)
        lines.append(
            f"{start:%Y-%m-%dT%H:%M:%SZ},{stop:%Y-%m-%dT%H:%M:%SZ},running,"
            f"{140 + rng.randint(-5, 5)},{165 + rng.randint(-5, 5)},{minutes * 1.2:.1f},4"
        )
    return ("\n".join(lines) + "\n").encode()


def checkins_csv(end: date, days: int = 20) -> bytes:
    """Calm check-ins for the last ``days`` days."""
    lines = ["date,soreness,stress,stiffness,pain,pain_site,sick,fatigue,mood,sleep_quality"]
    for i in range(days):
        d = end - timedelta(days=days - 1 - i)
        lines.append(f"{d},1,2,1,1,,no,2,4,4")
    return ("\n".join(lines) + "\n").encode()


def upload(client: httpx.Client, data: bytes, name: str = "export.csv") -> httpx.Response:
    return client.post("/v1/uploads", files={"file": (name, data, "application/octet-stream")})


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    """The response is an RFC 9457 problem with this status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert "type" in body
    return body  # type: ignore[no-any-return]
