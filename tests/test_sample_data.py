"""sample_data/: the generated athlete files match their manifest, the story and each other."""

from __future__ import annotations

import hashlib
import importlib
import io
import itertools
import math
import statistics
import sys
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from readiness.ingest import read_bytes

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"
MAX_BYTES = 5_000_000
ACTIONS = {
    "none",
    "rest",
    "relaxation_massage",
    "therapeutic_massage",
    "massage_then_stretching",
    "light_movement_then_stretching",
    "assisted_stretching",
    "physiotherapy_assessment",
    "no_recent_data",
}


def _module(name: str) -> ModuleType:
    """Import ``sample_data.<name>`` (the folder is not an installed package)."""
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    return importlib.import_module(f"sample_data.{name}")


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    with (SAMPLE / "MANIFEST.toml").open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def story() -> Any:
    return _module("story").build_story()


def _data_files() -> set[str]:
    files = {p.relative_to(SAMPLE).as_posix() for p in (SAMPLE / "fit").rglob("*") if p.is_file()}
    return files | {"checkins.csv"}


def test_manifest_lists_exactly_the_files_present(manifest: dict[str, Any]) -> None:
    listed = [f["path"] for f in manifest["files"]]
    assert len(listed) == len(set(listed))
    assert set(listed) == _data_files()
    assert manifest["file_count"] == len(listed)


def test_sizes_and_hashes_match(manifest: dict[str, Any]) -> None:
    total = 0
    for f in manifest["files"]:
        data = (SAMPLE / f["path"]).read_bytes()
        assert len(data) == f["size"], f["path"]
        assert hashlib.sha256(data).hexdigest() == f["sha256"], f["path"]
        total += len(data)
    assert total == manifest["total_bytes"]
    assert total < MAX_BYTES


def test_manifest_athlete_and_kinds(manifest: dict[str, Any]) -> None:
    a = manifest["athlete"]
    assert a["timezone"] == "Europe/Oslo"
    assert (a["hr_rest"], a["hr_max"], a["sex"]) == (48, 190, "female")
    kinds = {f["kind"] for f in manifest["files"]}
    assert kinds == {"monitoring", "sleep", "hrv_status", "activity", "checkins"}
    days = (manifest["end"] - manifest["start"]).days + 1
    for kind in ("monitoring", "sleep", "hrv_status"):
        assert sum(f["kind"] == kind for f in manifest["files"]) == days == 120


def test_story_entries_are_usable_by_scenario_tests(manifest: dict[str, Any]) -> None:
    names = {s["name"] for s in manifest["story"]}
    assert {
        "calibration",
        "desk_week",
        "desk_week_after_walk",
        "stress_week_guarded",
        "post_race_doms",
        "knee_pain_returns",
        "illness",
        "knee_pain_worse",
    } <= names
    for s in manifest["story"]:
        assert s["start"] <= s["end"]
        if "expected_action" in s:
            assert s["expected_action"] in ACTIONS
            assert s["evaluate_times"], s["name"]
        assert set(s["acceptable"]) <= ACTIONS
        for t in s["evaluate_times"]:
            assert isinstance(t, datetime) and t.utcoffset() is not None
            assert s["start"] <= t.date() <= s["end"] + timedelta(days=1), s["name"]


def test_story_frames_match_the_manifest_story(story: Any, manifest: dict[str, Any]) -> None:
    assert len(story.daily) == 120
    assert story.daily["date"].is_unique
    for e, s in zip(story.episodes, manifest["story"], strict=True):
        assert (e.name, e.start, e.end) == (s["name"], s["start"], s["end"])
        assert [t.isoformat() for t in e.evaluate_at] == [
            t.isoformat() for t in s["evaluate_times"]
        ]


def test_regenerating_gives_identical_bytes(tmp_path: Path, manifest: dict[str, Any]) -> None:
    """Regenerate a sample of files (one of each kind, DST and story days) into tmp_path."""
    gen = _module("generate")
    want_dates = {date(2026, 2, 2), date(2026, 3, 12), date(2026, 3, 29), date(2026, 5, 15)}
    picked = gen.generate(
        tmp_path,
        only=lambda spec: (
            (spec.kind != "activity" and spec.date in want_dates)
            or spec.kind == "checkins"
            or (spec.kind == "activity" and spec.date == date(2026, 3, 12))
        ),
    )
    assert len(picked) == 3 * len(want_dates) + 2
    by_path = {f["path"]: f["sha256"] for f in manifest["files"]}
    for spec, data in picked:
        assert hashlib.sha256(data).hexdigest() == by_path[spec.path], spec.path
        assert (tmp_path / spec.path).read_bytes() == data


def test_manifest_text_is_what_the_generator_writes(story: Any) -> None:
    """The committed manifest (athlete, notes, story) matches the current story code."""
    gen = _module("generate")
    files = [(spec, (SAMPLE / spec.path).read_bytes()) for spec in gen.file_specs(story)]
    assert gen.manifest_text(story, files) == (SAMPLE / "MANIFEST.toml").read_text("utf-8")


def test_checkins_csv_reads_back_as_the_story(story: Any) -> None:
    result = read_bytes((SAMPLE / "checkins.csv").read_bytes(), "checkins.csv")
    got = result.checkins.reset_index(drop=True)
    want = story.checkins.reset_index(drop=True)
    assert not result.warnings
    pd.testing.assert_frame_equal(got, want)
    knee = got[got["pain_site"] == "left knee"]
    assert (knee["pain"] >= 2).all() and knee["pain"].max() >= 4
    assert got.loc[got["sick"].fillna(False).astype(bool), "date"].dt.date.tolist() == [
        date(2026, 5, d) for d in (14, 15, 16, 17)
    ]


# --- the story is what the manifest says it is --------------------------------------------------


def _series(story: Any, col: str) -> pd.Series:
    return story.daily.set_index(story.daily["date"].dt.date)[col]


def _mean(s: pd.Series, start: date, end: date) -> float:
    return float(s[(s.index >= start) & (s.index <= end)].mean())


def test_baseline_physiology_is_realistic(story: Any) -> None:
    hrv = _series(story, "hrv_rmssd_ms")
    base = hrv[hrv.index <= date(2026, 3, 8)]
    assert 55 <= base.mean() <= 75
    assert 0.05 <= statistics.pstdev(base.map(math.log)) <= 0.12
    assert 46 <= _mean(_series(story, "resting_hr_bpm"), date(2026, 2, 2), date(2026, 3, 8)) <= 50
    assert (
        430 <= _mean(_series(story, "sleep_total_min"), date(2026, 2, 2), date(2026, 3, 8)) <= 470
    )


def test_stress_week_shape(story: Any) -> None:
    hrv, rhr = _series(story, "hrv_rmssd_ms"), _series(story, "resting_hr_bpm")
    normal = _mean(hrv, date(2026, 2, 23), date(2026, 3, 22))
    drop = 1 - _mean(hrv, date(2026, 3, 23), date(2026, 3, 29)) / normal
    assert 0.10 <= drop <= 0.18  # moderate: guarded, not run-down
    rhr_up = _mean(rhr, date(2026, 3, 23), date(2026, 3, 29)) - _mean(
        rhr, date(2026, 2, 23), date(2026, 3, 22)
    )
    assert 2.5 <= rhr_up <= 4.5
    assert (
        375 <= _mean(_series(story, "sleep_total_min"), date(2026, 3, 23), date(2026, 3, 29)) <= 405
    )
    resp = _series(story, "respiratory_rate_bpm")
    assert abs(_mean(resp, date(2026, 3, 23), date(2026, 3, 29)) - 14.0) < 0.4  # not ill


def test_illness_desk_week_and_race(story: Any) -> None:
    resp, rhr = _series(story, "respiratory_rate_bpm"), _series(story, "resting_hr_bpm")
    assert _mean(resp, date(2026, 5, 14), date(2026, 5, 16)) - 14.0 >= 1.8
    assert 6 <= _mean(rhr, date(2026, 5, 14), date(2026, 5, 17)) - 48 <= 8.5
    steps, bout = _series(story, "steps"), _series(story, "longest_sedentary_bout_min")
    desk_days = [date(2026, 3, d) for d in (10, 11, 13, 14, 15)]
    assert steps[desk_days].max() < 4000  # the walk day (12th) has ~2,600 more
    assert steps[date(2026, 3, 12)] < 6000
    assert bout[date(2026, 3, 10) : date(2026, 3, 15)].min() >= 180
    sessions = story.sessions
    desk = sessions[(sessions["date"] >= "2026-03-09") & (sessions["date"] <= "2026-03-15")]
    assert desk["sport"].tolist() == ["walking"]
    daily_load = sessions.groupby("date")["trimp"].sum()
    typical = daily_load[daily_load.index < "2026-04-13"].sum() / 70  # per calendar day
    race = sessions.loc[sessions["date"] == "2026-04-18", "trimp"].iloc[0]
    assert race >= 3 * typical
    after_illness = story.daily[story.daily["date"] > "2026-05-17"]
    assert len(after_illness) >= 10


def test_story_crosses_dst(story: Any) -> None:
    slots = {d.date: len(d.slots) for d in story.days}
    assert slots[date(2026, 3, 29)] == 92
    assert slots[date(2026, 3, 28)] == 96
    assert story.day(date(2026, 3, 29)).slots[0].start.utcoffset() == timedelta(0)


# --- the FIT files carry the story (decoded with garmin-fit-sdk, a test extra) -----------------


def _decode(path: Path) -> Any:
    from garmin_fit_sdk import Decoder, Stream

    data = path.read_bytes()
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    assert decoder.is_fit() and decoder.check_integrity(), path
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read()
    assert not errors, (path, errors)
    return messages


def test_nightly_fit_files_carry_the_story(story: Any) -> None:
    for day in story.days[::9]:
        d = day.date.isoformat()
        hrv = _decode(SAMPLE / f"fit/hrv/{d}_HRV_STATUS.fit")
        summary = hrv["hrv_status_summary_mesgs"][0]
        assert summary["last_night_average"] == day.night.rmssd_ms
        values = [m["value"] for m in hrv["hrv_value_mesgs"]]
        assert statistics.fmean(values) == pytest.approx(day.night.rmssd_ms)
        sleep = _decode(SAMPLE / f"fit/sleep/{d}_SLEEP_DATA.fit")
        levels = sleep["sleep_level_mesgs"]
        asleep = sum(
            (b["timestamp"] - a["timestamp"]).total_seconds() / 60
            for a, b in itertools.pairwise(levels)
            if a["sleep_level"] != "awake"
        )
        assert asleep == day.night.total_min
        mon = _decode(SAMPLE / f"fit/monitoring/{d}_WELLNESS.fit")
        hr = mon["monitoring_hr_data_mesgs"][0]
        assert hr["current_day_resting_heart_rate"] == day.rhr
        steps = {"walking": 0, "running": 0}
        for m in mon["monitoring_mesgs"]:
            if m.get("activity_type") in steps:
                steps[m["activity_type"]] = max(steps[m["activity_type"]], m["steps"])
        assert sum(steps.values()) == day.steps


def test_activity_fit_carries_rr_in_padded_five_slot_arrays(story: Any) -> None:
    race = story.day(date(2026, 4, 18)).sessions[0]
    msgs = _decode(SAMPLE / "fit/activity/2026-04-18T09-00_running.fit")
    session = msgs["session_mesgs"][0]
    assert (session["avg_heart_rate"], session["max_heart_rate"]) == (race.avg_hr, race.max_hr)
    assert session["training_load_peak"] == race.vendor_load
    rr = [t for m in msgs["hrv_mesgs"] for t in m["time"] if t is not None]
    assert all(len(m["time"]) == 5 for m in msgs["hrv_mesgs"])
    assert [round(t * 1000) for t in rr] == list(race.rr_ms)
    assert [m["heart_rate"] for m in msgs["record_mesgs"]] == list(race.hr)


# --- the project's own FIT reader gives the story back -----------------------------------------


@pytest.mark.slow
def test_fit_reader_gives_back_the_story(story: Any) -> None:
    from readiness.ingest import read_paths
    from readiness.ingest.fit.reading import read_fit
    from readiness.ingest.options import ReadOptions

    options = ReadOptions(tz=ZoneInfo("Europe/Oslo"))
    probe = SAMPLE / "fit/hrv/2026-02-02_HRV_STATUS.fit"
    try:
        read_fit(io.BytesIO(probe.read_bytes()), probe.name, options)
    except NotImplementedError:
        pytest.skip("readiness.ingest.fit.reading.read_fit is not implemented yet")
    report = read_paths([SAMPLE / "fit", SAMPLE / "checkins.csv"], options)
    assert not report.errors
    assert report.files_read == len(_data_files())
    pd.testing.assert_frame_equal(
        report.result.checkins.reset_index(drop=True), story.checkins.reset_index(drop=True)
    )
    got = report.result.daily.set_index(report.result.daily["date"].dt.date)
    want = story.daily.set_index(story.daily["date"].dt.date)
    assert set(want.index) <= set(got.index)
    tolerances = {
        "resting_hr_bpm": 0.5,
        "hrv_rmssd_ms": 0.5,
        "sleep_total_min": 1.0,
        "sleep_in_bed_min": 1.0,
        "sleep_deep_min": 1.0,
        "sleep_rem_min": 1.0,
        "steps": 0.5,
        "stress_avg": 0.05,
        # the reader takes 00:00-06:00 local, the story the sleep window
        "respiratory_rate_bpm": 0.5,
        # one 15-min monitoring interval
        "sedentary_min": 15.0,
        "longest_sedentary_bout_min": 15.0,
        "active_min": 15.0,
    }
    for col, tol in tolerances.items():
        diff = (got.loc[want.index, col] - want[col]).abs()
        assert (diff <= tol).all(), f"{col}: {diff[diff > tol].head().to_dict()}"
    sessions = report.result.sessions.set_index("start")
    assert len(sessions) == len(story.sessions)
    want_s = story.sessions.set_index("start")
    for col, tol in (
        ("duration_s", 0.5),
        ("avg_hr_bpm", 0.5),
        ("max_hr_bpm", 0.5),
        ("vendor_load", 0.5),
        ("trimp", 1.0),
        ("rmssd_ms", 0.1),
    ):
        diff = (sessions.loc[want_s.index, col] - want_s[col]).abs().fillna(0.0)
        assert (diff <= tol).all(), f"sessions.{col}: {diff[diff > tol].head().to_dict()}"
    assert (sessions.loc[want_s.index, "sport"] == want_s["sport"]).all()
