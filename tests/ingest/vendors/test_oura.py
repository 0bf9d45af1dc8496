"""Oura: the real legacy Trends CSV (values checked against raw cells), and synthetic legacy
JSON and 2024+ Membership-Hub CSVs generated here from the documented layouts (no real sample
of either exists)."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readiness.ingest import (
    CorruptFileError,
    IngestResult,
    ReadOptions,
    SchemaError,
    TruncatedFileError,
    UnsupportedFormatError,
    merge,
    read_bytes,
)
from readiness.ingest.registry import detect

from tests.conftest import SHARED, shared_dir
from tests.ingest.helpers import day_row, file_params

OURA_DIR = SHARED / "exports" / "oura"


def _trends_files() -> list[Path]:
    return sorted(OURA_DIR.glob("*/*trends*.csv")) if OURA_DIR.is_dir() else []


def _num(cell: str) -> float | None:
    return None if cell.strip() in ("", "None") else float(cell)


# --------------------------------------------------------------------------- real trends CSV


@pytest.mark.parametrize("path", file_params(_trends_files()))
def test_real_trends_rows_match_raw_cells(path: Path) -> None:
    shared_dir("exports", "oura")
    with path.open(encoding="utf-8", newline="") as fh:
        raw = [{k.strip(): v for k, v in r.items()} for r in csv.DictReader(fh)]
    res = read_bytes(path.read_bytes(), path.name)
    daily = res.daily
    assert len(daily) == len({r["date"] for r in raw})
    hrv_seen = 0
    for r in raw:
        got = day_row(daily, r["date"])
        rhr = _num(r["Lowest Resting Heart Rate"])
        assert got["resting_hr_bpm"] == rhr or (rhr is None and pd.isna(got["resting_hr_bpm"]))
        hrv = _num(r["Average HRV"])
        if hrv is not None:
            hrv_seen += 1
            assert got["hrv_rmssd_ms"] == hrv and got["hrv_context"] == "nocturnal"
        else:
            assert pd.isna(got["hrv_rmssd_ms"])
        total = _num(r["Total Sleep Duration"])
        if total is not None:
            assert got["sleep_total_min"] == pytest.approx(total / 60)
            assert got["sleep_in_bed_min"] == pytest.approx(float(r["Total Bedtime"]) / 60)
            end = datetime.fromisoformat(r["Bedtime End"])
            assert got["sleep_end"] == pd.Timestamp(end).tz_convert("UTC")
            assert end.date().isoformat() == r["date"]  # the row's date is the wake day
        steps = _num(r["Steps"])
        assert got["steps"] == steps or (steps is None and pd.isna(got["steps"]))
        buckets = [
            _num(r[c]) for c in ("Low Activity Time", "Medium Activity Time", "High Activity Time")
        ]
        if any(b is not None for b in buckets):
            assert got["active_min"] == pytest.approx(sum(b or 0 for b in buckets) / 60)
    assert hrv_seen >= 300
    assert set(daily["source"]) == {"oura"}


def test_real_trends_known_row() -> None:
    shared_dir("exports", "oura")
    path = next(OURA_DIR.glob("*/*trends*.csv"))
    daily = read_bytes(path.read_bytes(), path.name).daily
    # 2022-01-14: bedtime 2022-01-13T23:39:02+02:00 → 11:30:02+02:00, Lowest RHR 49.0, HRV 36
    row = day_row(daily, "2022-01-14")
    assert (row["resting_hr_bpm"], row["hrv_rmssd_ms"]) == (49.0, 36.0)
    assert row["sleep_start"] == pd.Timestamp("2022-01-13 21:39:02", tz="UTC")
    assert row["sleep_total_min"] == 579.5  # 34770 s
    assert row["skin_temp_dev_c"] == -0.07


def test_real_trends_shuffled_and_doubled() -> None:
    shared_dir("exports", "oura")
    path = next(OURA_DIR.glob("*/*trends*.csv"))
    text = path.read_bytes().decode("utf-8")
    header, *lines = text.splitlines()
    want = read_bytes(path.read_bytes(), path.name)
    random.Random(3).shuffle(lines)
    got = read_bytes(("\n".join([header, *lines]) + "\n").encode(), path.name)
    pd.testing.assert_frame_equal(got.daily, want.daily)
    pd.testing.assert_frame_equal(merge([want, got]).daily, merge([want]).daily)


def test_trends_missing_required_column() -> None:
    data = (
        b"date,Sleep Score,Average HRV,Readiness Score,Total Sleep Duration\n"
        b"2022-01-01,80,50,70,27000\n"
    )
    with pytest.raises(SchemaError) as info:
        read_bytes(data, "oura_trends.csv")
    assert info.value.column == "Lowest Resting Heart Rate" and info.value.line == 1


def test_trends_truncated() -> None:
    shared_dir("exports", "oura")
    path = next(OURA_DIR.glob("*/*trends*.csv"))
    data = path.read_bytes()
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(data[: len(data) // 2], path.name)
    assert info.value.line is not None and info.value.line > 100


# --------------------------------------------------------------------------- legacy JSON


def _sleep(
    summary: str, start: str, end: str, *, total: int, rmssd: int, longest: int, hr_lowest: int = 48
) -> dict[str, Any]:
    return {
        "summary_date": summary,
        "period_id": longest,
        "is_longest": longest,
        "timezone": 120,
        "bedtime_start": start,
        "bedtime_end": end,
        "score": 80,
        "total": total,
        "duration": total + 1800,
        "awake": 1800,
        "light": total - 6000,
        "rem": 3600,
        "deep": 2400,
        "efficiency": 90,
        "hr_lowest": hr_lowest,
        "hr_average": 55.5,
        "rmssd": rmssd,
        "breath_average": 14.5,
        "temperature_delta": -0.2,
        "hr_5min": [0, 55, 54],
        "rmssd_5min": [0, 40, 45],
        "hypnogram_5min": "4422",
    }


def _legacy_json() -> dict[str, Any]:
    return {
        "sleep": [
            # API v1 puts a night on the day before it ends; we go by bedtime_end instead.
            _sleep(
                "2021-03-01",
                "2021-03-01T23:10:00+02:00",
                "2021-03-02T07:10:00+02:00",
                total=25200,
                rmssd=52,
                longest=1,
            ),
            _sleep(  # an afternoon nap of the same wake day: not the main sleep
                "2021-03-01",
                "2021-03-02T14:00:00+02:00",
                "2021-03-02T14:40:00+02:00",
                total=2100,
                rmssd=70,
                longest=0,
            ),
            _sleep(
                "2021-03-02",
                "2021-03-02T22:50:00+02:00",
                "2021-03-03T06:20:00+02:00",
                total=24000,
                rmssd=0,  # 0 = not measured
                longest=1,
                hr_lowest=0,
            ),
        ],
        "activity": [
            {
                "summary_date": "2021-03-02",
                "day_start": "2021-03-02T04:00:00+02:00",
                "day_end": "2021-03-03T03:59:59+02:00",
                "timezone": 120,
                "steps": 9120,
                "cal_active": 420,
                "cal_total": 2500,
                "inactive": 753,
                "low": 240,
                "medium": 35,
                "high": 5,
                "rest": 400,
                "non_wear": 7,
                "average_met": 1.6,
                "score": 82,
            }
        ],
        "readiness": [{"summary_date": "2021-03-02", "period_id": 1, "score": 77}],
    }


def _json_bytes(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2).encode()


def test_legacy_json_units_and_wake_day() -> None:
    data = _json_bytes(_legacy_json())
    fmt = detect(data)
    assert fmt is not None and fmt.name == "oura_json"
    daily = read_bytes(data, "oura_2021-03-05T10-00-00.json").daily
    assert daily["date"].dt.strftime("%Y-%m-%d").tolist() == ["2021-03-02", "2021-03-03"]
    night = day_row(daily, "2021-03-02")
    assert night["hrv_rmssd_ms"] == 52.0  # the longest period, not the nap's 70
    assert night["sleep_total_min"] == 420.0  # 25200 s
    assert night["sleep_in_bed_min"] == 450.0
    assert night["sleep_deep_min"] == 40.0
    assert night["sleep_end"] == pd.Timestamp("2021-03-02 05:10:00", tz="UTC")
    assert night["resting_hr_bpm"] == 48.0
    assert night["steps"] == 9120
    assert night["active_min"] == 280.0  # activity buckets are already minutes
    assert night["sedentary_min"] == 753.0
    second = day_row(daily, "2021-03-03")
    assert pd.isna(second["hrv_rmssd_ms"]) and pd.isna(second["resting_hr_bpm"])
    assert pd.isna(second["hrv_context"])


def test_legacy_json_tz_option() -> None:
    doc = _legacy_json()
    daily = read_bytes(
        _json_bytes(doc), "o.json", ReadOptions(tz=ZoneInfo("America/Los_Angeles"))
    ).daily
    # 2021-03-02T07:10+02:00 is 2021-03-01 21:10 in Los Angeles.
    assert pd.Timestamp("2021-03-01") in set(daily["date"])


@settings(max_examples=20, deadline=None)
@given(st.randoms(use_true_random=False))
def test_legacy_json_order_does_not_matter(rnd: random.Random) -> None:
    doc = _legacy_json()
    want = read_bytes(_json_bytes(doc), "o.json")
    rnd.shuffle(doc["sleep"])
    got = read_bytes(_json_bytes(doc), "o.json")
    pd.testing.assert_frame_equal(got.daily, want.daily)
    pd.testing.assert_frame_equal(merge([want, got]).daily, merge([want]).daily)


def test_legacy_json_truncated_and_bad_values() -> None:
    data = _json_bytes(_legacy_json())
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(data[: len(data) - 40], "o.json")
    assert info.value.line is not None
    doc = _legacy_json()
    doc["sleep"][1]["rmssd"] = "high"
    with pytest.raises(SchemaError) as bad:
        read_bytes(_json_bytes(doc), "o.json")
    assert bad.value.column == "sleep[1].rmssd"
    broken = data.replace(b'"steps": 9120', b'"steps": 9120 9')
    with pytest.raises(CorruptFileError):
        read_bytes(broken, "o.json")


# --------------------------------------------------------------------------- 2024+ export

SLEEPMODEL_COLS = [
    "id",
    "average_breath",
    "average_heart_rate",
    "average_hrv",
    "awake_time",
    "bedtime_end",
    "bedtime_start",
    "day",
    "deep_sleep_duration",
    "efficiency",
    "heart_rate",
    "hrv",
    "latency",
    "light_sleep_duration",
    "low_battery_alert",
    "lowest_heart_rate",
    "movement_30_sec",
    "period",
    "readiness",
    "readiness_score_delta",
    "rem_sleep_duration",
    "restless_periods",
    "sleep_phase_5_min",
    "sleep_score_delta",
    "sleep_algorithm_version",
    "time_in_bed",
    "total_sleep_duration",
    "type",
]


def _sleep_row(
    ident: str, day: str, start: str, end: str, kind: str, total: int, hrv: int, temp: float
) -> dict[str, object]:
    series = {"interval": 300.0, "items": [None, 52.0, 50.0], "timestamp": start}
    readiness = {
        "contributors": {"hrv_balance": 80, "resting_heart_rate": 90, "body_temperature": 100},
        "score": 84,
        "temperature_deviation": temp,
        "temperature_trend_deviation": 0.1,
    }
    return {
        "id": ident,
        "average_breath": 14.75,
        "average_heart_rate": 55.1,
        "average_hrv": hrv,
        "awake_time": 1500,
        "bedtime_end": end,
        "bedtime_start": start,
        "day": day,
        "deep_sleep_duration": 3600,
        "efficiency": 91,
        "heart_rate": json.dumps(series),
        "hrv": json.dumps(series),
        "latency": 600,
        "light_sleep_duration": total - 9000,
        "low_battery_alert": "false",
        "lowest_heart_rate": 47,
        "movement_30_sec": "1112211",
        "period": 0,
        "readiness": json.dumps(readiness),
        "readiness_score_delta": "",
        "rem_sleep_duration": 5400,
        "restless_periods": 140,
        "sleep_phase_5_min": "4422331",
        "sleep_score_delta": "",
        "sleep_algorithm_version": "v2",
        "time_in_bed": total + 1500,
        "total_sleep_duration": total,
        "type": kind,
    }


def _semicolon_csv(columns: list[str], rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


SLEEP_ROWS = [
    _sleep_row(
        "a1",
        "2024-05-02",
        "2024-05-01T23:00:00+02:00",
        "2024-05-02T07:00:00+02:00",
        "long_sleep",
        27000,
        48,
        -0.3,
    ),
    _sleep_row(
        "a2",
        "2024-05-02",
        "2024-05-02T15:00:00+02:00",
        "2024-05-02T15:40:00+02:00",
        "late_nap",
        2100,
        80,
        0.0,
    ),
    _sleep_row(
        "a3",
        "2024-05-03",
        "2024-05-02T23:30:00+02:00",
        "2024-05-03T06:30:00+02:00",
        "deleted",
        25000,
        99,
        0.0,
    ),
    _sleep_row(
        "a4",
        "2024-05-03",
        "2024-05-03T00:10:00+02:00",
        "2024-05-03T06:40:00+02:00",
        "long_sleep",
        22000,
        41,
        0.2,
    ),
    _sleep_row(
        "a5",
        "2024-05-04",
        "2024-05-04T03:00:00+02:00",
        "2024-05-04T05:30:00+02:00",
        "sleep",
        8000,
        35,
        0.5,
    ),
]


def _membership_files() -> dict[str, bytes]:
    contributors = json.dumps({"deep_sleep": 80, "efficiency": 90, "total_sleep": 85})
    readiness_c = json.dumps({"activity_balance": 80, "hrv_balance": 70, "sleep_balance": 88})
    met = json.dumps(
        {"interval": 60.0, "items": [0.9, 1.2], "timestamp": "2024-05-02T04:00:00+02:00"}
    )
    return {
        "sleepmodel.csv": _semicolon_csv(SLEEPMODEL_COLS, SLEEP_ROWS),
        "dailysleep.csv": _semicolon_csv(
            ["id", "contributors", "day", "score", "timestamp"],
            [
                {
                    "id": "s1",
                    "contributors": contributors,
                    "day": "2024-05-02",
                    "score": 83,
                    "timestamp": "2024-05-02T00:00:00+02:00",
                },
                {
                    "id": "s2",
                    "contributors": contributors,
                    "day": "2024-05-03",
                    "score": 71,
                    "timestamp": "2024-05-03T00:00:00+02:00",
                },
            ],
        ),
        "dailyreadiness.csv": _semicolon_csv(
            [
                "id",
                "contributors",
                "day",
                "score",
                "temperature_deviation",
                "temperature_trend_deviation",
                "timestamp",
            ],
            [
                {
                    "id": "r1",
                    "contributors": readiness_c,
                    "day": "2024-05-02",
                    "score": 79,
                    "temperature_deviation": -0.31,
                    "temperature_trend_deviation": 0.05,
                    "timestamp": "2024-05-02T00:00:00+02:00",
                }
            ],
        ),
        "dailyactivity.csv": _semicolon_csv(
            [
                "id",
                "active_calories",
                "average_met_minutes",
                "class_5_min",
                "contributors",
                "day",
                "equivalent_walking_distance",
                "high_activity_time",
                "low_activity_time",
                "met",
                "medium_activity_time",
                "sedentary_time",
                "score",
                "steps",
                "total_calories",
                "timestamp",
            ],
            [
                {
                    "id": "d1",
                    "active_calories": 450,
                    "average_met_minutes": 1.5,
                    "class_5_min": "1122",
                    "contributors": readiness_c,
                    "day": "2024-05-02",
                    "equivalent_walking_distance": 8000,
                    "high_activity_time": 600,
                    "low_activity_time": 12000,
                    "met": met,
                    "medium_activity_time": 1800,
                    "sedentary_time": 30000,
                    "score": 85,
                    "steps": 10432,
                    "total_calories": 2600,
                    "timestamp": "2024-05-02T04:00:00+02:00",
                }
            ],
        ),
        "workout.csv": _semicolon_csv(
            [
                "id",
                "activity",
                "calories",
                "day",
                "distance",
                "end_datetime",
                "intensity",
                "label",
                "source",
                "start_datetime",
            ],
            [
                {
                    "id": "w1",
                    "activity": "cycling",
                    "calories": 512.3,
                    "day": "2024-05-02",
                    "distance": 25000.0,
                    "end_datetime": "2024-05-02T18:45:00+02:00",
                    "intensity": "moderate",
                    "label": "",
                    "source": "manual",
                    "start_datetime": "2024-05-02T17:30:00+02:00",
                }
            ],
        ),
    }


def _read_all(files: dict[str, bytes]) -> IngestResult:
    return merge(read_bytes(data, name) for name, data in files.items())


def test_membership_tables_are_detected_by_content() -> None:
    for name, data in _membership_files().items():
        fmt = detect(data)
        assert fmt is not None and fmt.name == "oura_membership_csv", name


def test_membership_export_joins_on_day() -> None:
    res = _read_all(_membership_files())
    daily = res.daily
    assert daily["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-05-02",
        "2024-05-03",
        "2024-05-04",
    ]
    first = day_row(daily, "2024-05-02")
    assert first["hrv_rmssd_ms"] == 48.0  # long_sleep, not the late nap's 80
    assert first["resting_hr_bpm"] == 47.0
    assert first["sleep_total_min"] == 450.0  # 27000 s
    assert first["sleep_in_bed_min"] == 475.0
    assert first["sleep_end"] == pd.Timestamp("2024-05-02 05:00:00", tz="UTC")
    assert first["sleep_score"] == 83.0  # from dailysleep.csv
    assert first["skin_temp_dev_c"] == -0.31  # dailyreadiness.csv only
    assert first["steps"] == 10432
    assert first["active_min"] == 240.0  # (12000 + 1800 + 600) s
    assert first["sedentary_min"] == 500.0
    assert day_row(daily, "2024-05-03")["hrv_rmssd_ms"] == 41.0  # the deleted period is ignored
    assert day_row(daily, "2024-05-04")["hrv_rmssd_ms"] == 35.0  # a short night is still the night
    assert set(daily["source"]) == {"oura"}
    (session,) = res.sessions.itertuples()
    assert session.sport == "cycling" and session.duration_s == 4500.0
    assert session.start == pd.Timestamp("2024-05-02 15:30:00", tz="UTC")


def test_membership_unquoted_json_cells() -> None:
    """Some exports write JSON cells raw (no CSV quoting): the same values come out."""
    rows = [";".join(str(r[c]) for c in SLEEPMODEL_COLS) for r in SLEEP_ROWS]
    raw = (";".join(SLEEPMODEL_COLS) + "\n" + "\n".join(rows) + "\n").encode()
    want = read_bytes(_membership_files()["sleepmodel.csv"], "sleepmodel.csv").daily
    pd.testing.assert_frame_equal(read_bytes(raw, "sleepmodel.csv").daily, want)


@settings(max_examples=8, deadline=None)
@given(st.randoms(use_true_random=False))
def test_membership_order_and_reimport(rnd: random.Random) -> None:
    files = _membership_files()
    want = _read_all(files)
    rows = list(SLEEP_ROWS)
    rnd.shuffle(rows)
    files["sleepmodel.csv"] = _semicolon_csv(SLEEPMODEL_COLS, rows)
    names = list(files)
    rnd.shuffle(names)
    got = merge([_read_all({n: files[n] for n in names}), want])
    pd.testing.assert_frame_equal(got.daily, want.daily)
    pd.testing.assert_frame_equal(got.sessions, want.sessions)


def test_membership_broken_json_cell() -> None:
    rows = [dict(r) for r in SLEEP_ROWS]
    rows[1]["readiness"] = '{"score": 84, "temperature_deviation": '
    with pytest.raises(SchemaError) as info:
        read_bytes(_semicolon_csv(SLEEPMODEL_COLS, rows), "sleepmodel.csv")
    assert (info.value.line, info.value.column) == (3, "readiness")


def test_membership_truncated() -> None:
    data = _membership_files()["sleepmodel.csv"]
    with pytest.raises(TruncatedFileError):
        read_bytes(data[: len(data) - 60], "sleepmodel.csv")


def test_unknown_semicolon_table_is_unsupported() -> None:
    data = b"id;bpm;source;timestamp\n1;60;awake;2024-05-02T00:00:00+02:00\n"
    with pytest.raises(UnsupportedFormatError):
        read_bytes(data, "heartrate.csv")


def test_membership_zip_as_downloaded() -> None:
    """The export arrives as a zip with ``App Data/``; tables we do not use are skipped."""
    import zipfile

    files = _membership_files()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"App Data/{name}", data)
        archive.writestr("App Data/heartrate.csv", "id;bpm;source;timestamp\n1;61;awake;x\n")
    res = read_bytes(buf.getvalue(), "oura-export.zip")
    want = _read_all(files)
    pd.testing.assert_frame_equal(res.daily, want.daily)
    pd.testing.assert_frame_equal(res.sessions, want.sessions)
