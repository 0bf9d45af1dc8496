"""Every shared real FIT file: no crash, and values equal what an independent decoder reads.

The expectations come from garmin-fit-sdk's Decoder (not from our decoders) plus plain-Python
restatements of the documented rules. Without the bulk decoder the reference backend is too
slow for the large activity files in the default run; those are skipped with a reason.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from garmin_fit_sdk import Decoder, Stream
from readiness.ingest.errors import IngestError
from readiness.ingest.fit.reading import get_decoder
from readiness.ingest.options import ReadOptions
from readiness.ingest.reader import read_bytes

from tests.conftest import SHARED, shared_dir

FIT_DIR = SHARED / "fit"
REFERENCE_MAX_BYTES = 100_000
FIT_EPOCH = 631_065_600


def _files() -> list[Path]:
    if not FIT_DIR.is_dir():
        return []
    return sorted(p for p in FIT_DIR.iterdir() if p.suffix.lower() == ".fit")


def _known_corrupt() -> set[str]:
    sources = FIT_DIR / "SOURCES.md"
    if not sources.is_file():
        return set()
    rows = re.findall(r"^\| `([^`]+)` \|(.*)$", sources.read_text(), flags=re.M)
    return {name for name, rest in rows if "CORRUPT" in rest}


def _need(path: Path) -> bytes:
    shared_dir("fit")
    data = path.read_bytes()
    if get_decoder("auto").name == "reference" and len(data) > REFERENCE_MAX_BYTES:
        pytest.skip("bulk FIT decoder not available; the reference backend is too slow here")
    return data


def _garmin(data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, Any], list[Any]]:
    ordered: list[tuple[int, dict[str, Any]]] = []
    msgs, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        mesg_listener=lambda num, m: ordered.append((num, m)),
        convert_datetimes_to_dates=False,
    )
    return ordered, msgs, errors


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_every_real_file_reads_or_fails_typed(path: Path) -> None:
    data = _need(path)
    if path.name in _known_corrupt():
        with pytest.raises(IngestError) as info:
            read_bytes(data, path.name)
        assert info.value.file == path.name and info.value.offset is not None
        return
    res = read_bytes(data, path.name)
    assert not res.is_empty or res.warnings  # nothing read → says why


# --- wellness: values equal what the file holds ---------------------------------------------


def _local_offset(msgs: dict[str, Any]) -> int:
    for key in ("monitoring_info_mesgs", "timestamp_correlation_mesgs"):
        for m in msgs.get(key, []):
            if m.get("local_timestamp") is not None and m.get("timestamp") is not None:
                return round((m["local_timestamp"] - m["timestamp"]) / 900) * 900
    raise AssertionError("no local offset in file")


def _day(fit_seconds: float, offset: int) -> pd.Timestamp:
    return pd.Timestamp(
        (datetime(1989, 12, 31, tzinfo=UTC) + timedelta(seconds=fit_seconds + offset)).date()
    )


def _rolled(
    ordered: list[tuple[int, dict[str, Any]]],
) -> Iterator[tuple[int, float, dict[str, Any]]]:
    """(mesg num, full FIT time, message); timestamp_16 rolls from the last full timestamp."""
    last = None
    for num, m in ordered:
        if m.get("timestamp") is not None:
            last = m["timestamp"]
            yield num, last, m
        elif m.get("timestamp_16") is not None and last is not None:
            yield num, last + ((m["timestamp_16"] - last) & 0xFFFF), m


STEP_TYPES = ("walking", "running")
MONITORS = ["fitdatawhiz__monitor1_with_all.fit", "fitdatawhiz__monitor_with_intensities.fit"]


@pytest.mark.parametrize("name", MONITORS)
def test_monitoring_values_match_the_file(name: str) -> None:
    data = (shared_dir("fit") / name).read_bytes()
    ordered, msgs, errors = _garmin(data)
    assert not errors
    off = _local_offset(msgs)
    res = read_bytes(data, name).daily.set_index("date")

    rhr: dict[pd.Timestamp, int] = {}
    for m in msgs["monitoring_hr_data_mesgs"]:
        rhr[_day(m["timestamp"] - 1, off)] = m["current_day_resting_heart_rate"]
    steps: dict[tuple[pd.Timestamp, str], int] = {}
    for num, t, m in _rolled(ordered):
        if num == 55 and m.get("steps") is not None and m.get("activity_type") in STEP_TYPES:
            key = (_day(t - 1, off), m["activity_type"])
            steps[key] = max(steps.get(key, 0), m["steps"])
    assert steps
    stress: dict[pd.Timestamp, list[int]] = {}
    for m in msgs["stress_level_mesgs"]:
        if 0 <= m["stress_level_value"] <= 100:
            stress.setdefault(_day(m["stress_level_time"], off), []).append(m["stress_level_value"])

    for day, value in rhr.items():
        assert res.loc[day, "resting_hr_bpm"] == value
    for day in {d for d, _ in steps}:
        expected = sum(v for (d, _), v in steps.items() if d == day)
        assert res.loc[day, "steps"] == expected
    for day, values in stress.items():
        if len(values) >= 10:
            assert res.loc[day, "stress_avg"] == pytest.approx(sum(values) / len(values))


def test_sleep_values_match_the_file() -> None:
    name = "fitdatawhiz__sleep1.fit"
    data = (shared_dir("fit") / name).read_bytes()
    _, msgs, errors = _garmin(data)
    assert not errors
    tz = ZoneInfo("Europe/Madrid")
    levels = sorted((m["timestamp"], m["sleep_level"]) for m in msgs["sleep_level_mesgs"])
    minutes: dict[str, float] = {}
    for (t0, lv), (t1, _) in itertools.pairwise(levels):
        minutes[lv] = minutes.get(lv, 0.0) + (t1 - t0) / 60
    end = datetime.fromtimestamp(levels[-1][0] + FIT_EPOCH, tz=UTC).astimezone(tz)
    res = read_bytes(data, name, ReadOptions(tz=tz)).daily
    (row,) = res.to_dict("records")
    assert row["date"] == pd.Timestamp(end.date())
    assert row["sleep_total_min"] == minutes["light"] + minutes["deep"] + minutes["rem"]
    assert row["sleep_deep_min"] == minutes["deep"] and row["sleep_rem_min"] == minutes["rem"]
    assert row["sleep_in_bed_min"] == (levels[-1][0] - levels[0][0]) / 60
    assert row["sleep_score"] == msgs["sleep_assessment_mesgs"][0]["overall_sleep_score"]


def test_hrv_status_matches_the_file() -> None:
    name = "fitdatawhiz__hrv1.fit"
    data = (shared_dir("fit") / name).read_bytes()
    _, msgs, errors = _garmin(data)
    assert not errors
    (summary,) = msgs["hrv_status_summary_mesgs"]
    res = read_bytes(data, name).daily
    (row,) = res.to_dict("records")
    assert row["hrv_rmssd_ms"] == summary["last_night_average"]
    assert row["hrv_context"] == "nocturnal"
    assert row["date"] == _day(summary["timestamp"], _local_offset(msgs))


# --- activities: session count and average HR ------------------------------------------------


def _activity_files() -> list[Path]:
    corrupt = _known_corrupt()
    return [p for p in _files() if p.name not in corrupt and p.stat().st_size <= 150_000]


@pytest.mark.parametrize("path", _activity_files(), ids=lambda p: p.name)
def test_sessions_match_the_file(path: Path) -> None:
    data = _need(path)
    _, msgs, errors = _garmin(data)
    if errors:
        pytest.skip(f"garmin-fit-sdk cannot decode this file: {errors[0]}")
    sessions = [m for m in msgs.get("session_mesgs", []) if m.get("start_time") is not None]
    res = read_bytes(data, path.name).sessions
    assert len(res) == len(sessions)
    got = sorted(zip(res["start"], res["avg_hr_bpm"], strict=True))
    want = sorted(sessions, key=lambda m: m["start_time"])
    for (start, avg), m in zip(got, want, strict=True):
        assert start == pd.Timestamp(m["start_time"] + FIT_EPOCH, unit="s", tz="UTC")
        if m.get("avg_heart_rate") is not None:
            assert avg == m["avg_heart_rate"]


@pytest.mark.parametrize(
    "name", ["fitparse__antfs-dump.63.fit", "fitparse__compressed-speed-distance.fit"]
)
def test_device_relative_clock_is_not_dated_1990(name: str) -> None:
    """FR70 files carry seconds-since-power-up (< 0x10000000): no session gets a fake date."""
    res = read_bytes((shared_dir("fit") / name).read_bytes(), name, ReadOptions(tz=ZoneInfo("UTC")))
    assert res.sessions.empty
    assert any("device-relative" in w.message for w in res.warnings)
