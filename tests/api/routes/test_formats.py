"""Uploads of the other formats ingest reads: the sample FIT files, and a zip of CSVs."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from tests.api.builders import (
    checkins_csv,
    daily_csv,
    sessions_csv,
    upload,
)
from tests.api.conftest import Server

SAMPLE_FIT = Path(__file__).resolve().parents[3] / "sample_data" / "fit"


def _sample(kind: str) -> Path:
    files = sorted((SAMPLE_FIT / kind).glob("*.fit")) if SAMPLE_FIT.is_dir() else []
    if not files:
        pytest.skip(f"no sample FIT files in {SAMPLE_FIT / kind} (run `make sample-data`)")
    return files[len(files) // 2]


def test_fit_uploads(server: Server) -> None:
    a = server.athlete("fit", tz="Europe/Oslo")
    with server.client(a.key) as c:
        hrv = _sample("hrv")
        r = upload(c, hrv.read_bytes(), hrv.name)
        assert r.status_code == 201, r.text
        assert r.json()["format"] == "fit" and r.json()["days"] == 1
        activity = _sample("activity")
        r = upload(c, activity.read_bytes(), activity.name)
        assert r.status_code == 201, r.text
        assert r.json()["sessions"] == 1
        days = c.get("/v1/days", params={"start": "2026-01-01", "end": "2026-12-31"}).json()
        assert any(d["hrv_rmssd_ms"] for d in days["data"])
        sessions = c.get("/v1/sessions", params={"start": "2026-01-01", "end": "2026-12-31"})
        assert sessions.json()["count"] == 1
        assert sessions.json()["data"][0]["avg_hr_bpm"] > 0


def test_zip_upload(server: Server) -> None:
    a = server.athlete("zip")
    end = a.today() - timedelta(days=1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export/daily.csv", daily_csv(end, days=20))
        zf.writestr("export/sessions.csv", sessions_csv(end, days=20))
        zf.writestr("export/checkins.csv", checkins_csv(end, days=5))
    with server.client(a.key) as c:
        r = upload(c, buf.getvalue(), "export.zip")
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["days"], body["sessions"], body["checkins"]) == (20, 10, 5)
        assert c.get("/v1/readiness/today").status_code == 200
