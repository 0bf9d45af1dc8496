"""Fitbit / Google Takeout: real sleep, resting-HR and exercise JSON; synthetic CSVs."""

from __future__ import annotations

import json
import random
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readiness.ingest import (
    CorruptFileError,
    EmptyFileError,
    ReadOptions,
    SchemaError,
    TruncatedFileError,
    merge,
    read_bytes,
    read_path,
)

from tests.conftest import shared_dir

MELBOURNE = ReadOptions(tz=ZoneInfo("Australia/Melbourne"))


def _real(name: str) -> tuple[list[dict[str, object]], bytes]:
    path = shared_dir("exports", "fitbit") / "anthonynicholas_innergalileo" / name
    data = path.read_bytes()
    return json.loads(data), data


def test_real_resting_heart_rate_zero_is_missing() -> None:
    raw, data = _real("resting_heart_rate-2020-03-09.json")
    expected = {
        pd.to_datetime(str(r["dateTime"]), format="%m/%d/%y %H:%M:%S").strftime("%Y-%m-%d"): r[
            "value"
        ]["value"]  # type: ignore[index]
        for r in raw
        if r["value"]["value"] != 0  # type: ignore[index]
    }
    d = read_bytes(data, "resting_heart_rate-2020-03-09.json").daily
    assert len(d) == len(expected) == 135
    got = dict(zip(d["date"].dt.strftime("%Y-%m-%d"), d["resting_hr_bpm"], strict=True))
    assert got == pytest.approx(expected)
    assert "2020-03-09" not in got  # value 0.0, date null
    assert set(d["source"]) == {"fitbit"}


def test_real_sleep_main_sleep_per_wake_date() -> None:
    raw, data = _real("sleep-2020-04-08.json")
    main = {str(r["dateOfSleep"]): r for r in raw if r["mainSleep"]}
    d = read_bytes(data, "sleep-2020-04-08.json", MELBOURNE).daily.set_index("date")
    assert len(d) == len(main)
    for day, r in main.items():
        row = d.loc[day]
        assert row["sleep_total_min"] == r["minutesAsleep"]
        assert row["sleep_in_bed_min"] == r["timeInBed"]
        start = pd.Timestamp(str(r["startTime"])).tz_localize("Australia/Melbourne")
        assert row["sleep_start"] == start.tz_convert("UTC")
        summary = r["levels"]["summary"]  # type: ignore[index]
        if r["type"] == "stages":
            assert row["sleep_deep_min"] == summary["deep"]["minutes"]
        else:
            assert pd.isna(row["sleep_deep_min"])
    # 2020-04-15 has a nap (63 min, mainSleep false) and the night (546 min).
    assert d.loc["2020-04-15", "sleep_total_min"] == 546


def test_real_exercise_sessions() -> None:
    raw, data = _real("exercise-0.json")
    s = read_bytes(data, "exercise-0.json", MELBOURNE).sessions
    assert len(s) == len({r["logId"] for r in raw}) == 62
    first = raw[0]
    start = pd.to_datetime(str(first["startTime"]), format="%m/%d/%y %H:%M:%S")
    row = s[s["start"] == pd.Timestamp(start).tz_localize("Australia/Melbourne").tz_convert("UTC")]
    assert row["duration_s"].iloc[0] == int(first["duration"]) / 1000  # type: ignore[call-overload]
    assert row["avg_hr_bpm"].iloc[0] == first["averageHeartRate"]
    assert row["sport"].iloc[0] == str(first["activityName"]).lower()
    assert str(row["date"].iloc[0].date()) == start.strftime("%Y-%m-%d")
    assert "fitbit charge 3" in set(s["device"])


SLEEP_SCORE = (
    "sleep_log_entry_id,timestamp,overall_score,composition_score,revitalization_score,"
    "duration_score,deep_sleep_in_minutes,resting_heart_rate,restlessness\n"
    "53621952045,2026-09-20T08:14:30Z,82,,83,,93,73,0.14445574771108852\n"
    "53612104642,2026-09-19T23:50:00Z,86,,87,,97,0,0.17135761589403972\n"
    "53603187472,2026-09-18T07:43:30Z,81,,82,,83,75,0.1444\n"
)


def test_sleep_score_csv_local_time_with_misleading_z() -> None:
    d = read_bytes(SLEEP_SCORE.encode(), "sleep_score.csv").daily.set_index("date")
    assert list(d.index.strftime("%Y-%m-%d")) == ["2026-09-18", "2026-09-19", "2026-09-20"]
    # 23:50 "Z" is local: the date stays the 19th whatever the athlete's timezone.
    assert d.loc["2026-09-19", "sleep_score"] == 86
    assert pd.isna(d.loc["2026-09-19", "resting_hr_bpm"])  # 0 = missing
    assert d.loc["2026-09-20", "resting_hr_bpm"] == 73
    tokyo = read_bytes(SLEEP_SCORE.encode(), "s.csv", ReadOptions(tz=ZoneInfo("Asia/Tokyo")))
    pd.testing.assert_frame_equal(tokyo.daily, d.reset_index())


def test_daily_hrv_summary_csv() -> None:
    data = b"timestamp,rmssd,nremhr,entropy\n2024-07-21T00:00:00,29.232,49.623,2.472\n"
    d = read_bytes(data, "Daily Heart Rate Variability Summary - 2024-07-(21).csv").daily
    row = d.iloc[0]
    assert str(row["date"].date()) == "2024-07-21"
    assert row["hrv_rmssd_ms"] == pytest.approx(29.232) and row["hrv_context"] == "nocturnal"
    assert pd.isna(row["resting_hr_bpm"])  # nremhr is not resting HR


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_shuffled_rows_and_reimport_change_nothing(seed: int) -> None:
    lines = SLEEP_SCORE.splitlines(keepends=True)
    body = lines[1:]
    random.Random(seed).shuffle(body)
    a = read_bytes(SLEEP_SCORE.encode(), "a.csv")
    b = read_bytes("".join([lines[0], *body]).encode(), "b.csv")
    pd.testing.assert_frame_equal(a.daily, b.daily)
    raw, data = _real("sleep-2020-04-08.json")
    shuffled = list(raw)
    random.Random(seed).shuffle(shuffled)
    x = read_bytes(data, "x.json", MELBOURNE)
    y = read_bytes(json.dumps(shuffled).encode(), "y.json", MELBOURNE)
    pd.testing.assert_frame_equal(x.daily, y.daily)
    pd.testing.assert_frame_equal(merge([x, y, x]).daily, x.daily)


def test_bad_inputs_are_typed() -> None:
    _, data = _real("sleep-2020-04-08.json")
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(data[:5000], "sleep.json")
    assert info.value.file == "sleep.json" and info.value.line is not None
    with pytest.raises(SchemaError, match="timeInBed"):
        read_bytes(
            b'[{"logId": 1, "dateOfSleep": "2020-01-01", "startTime": "x",'
            b' "endTime": "y", "minutesAsleep": 1}]',
            "s.json",
        )
    with pytest.raises(TruncatedFileError) as info2:
        read_bytes(SLEEP_SCORE.encode() + b"53603187473,2026-09-17T07:43:30Z,81", "s.csv")
    assert info2.value.line == 5
    with pytest.raises(SchemaError) as info3:
        read_bytes(SLEEP_SCORE.replace("2026-09-18T07:43:30Z", "yesterday").encode(), "s.csv")
    assert info3.value.line == 4 and info3.value.column == "timestamp"
    with pytest.raises(EmptyFileError):
        read_bytes(b"timestamp,rmssd,nremhr,entropy\n", "hrv.csv")
    with pytest.raises(SchemaError, match="resting_heart_rate"):
        read_bytes(
            b"sleep_log_entry_id,timestamp,overall_score\n1,2026-01-01T07:00:00Z,80\n", "s.csv"
        )


def test_csv_errors_come_from_the_shared_strict_parser() -> None:
    head, *rows = SLEEP_SCORE.splitlines(keepends=True)
    # A short row inside the file is a schema error at its physical line (blank lines count).
    with pytest.raises(SchemaError) as info:
        read_bytes(
            "".join([head, "\n", rows[0], "1,2026-09-17T07:43:30Z\n", *rows[1:]]).encode(), "s.csv"
        )
    assert not isinstance(info.value, TruncatedFileError)
    assert info.value.line == 4 and info.value.expected == "9 fields per row"
    with pytest.raises(SchemaError) as info2:
        read_bytes(
            "".join([head, "\n\n", rows[0].replace("2026-09-20T08:14:30Z", "x")]).encode(), "s.csv"
        )
    assert info2.value.line == 4 and info2.value.column == "timestamp"
    with pytest.raises(CorruptFileError) as info3:
        read_bytes((head + rows[0]).encode() + b"1,2026-09-17T07:43:30Z,8\xff1,,,,,,\n", "s.csv")
    assert info3.value.line == 3 and info3.value.expected == "UTF-8 CSV text"
    # A trailing delimiter is tolerated, as in every vendor CSV.
    trailing = "".join([head, *(r.replace("\n", ",\n") for r in rows)]).encode()
    pd.testing.assert_frame_equal(
        read_bytes(trailing, "t.csv").daily, read_bytes(SLEEP_SCORE.encode(), "s.csv").daily
    )


def test_real_files_through_read_path() -> None:
    base = shared_dir("exports", "fitbit") / "anthonynicholas_innergalileo"
    for p in sorted(base.iterdir()):
        assert not read_path(p, MELBOURNE).is_empty


def test_sleep_across_the_spring_dst_change() -> None:
    """Berlin springs forward at 02:00 on 2024-03-31: 23:00 → 07:00 local is 7 h, not 8."""
    night = [
        {
            "logId": 1,
            "dateOfSleep": "2024-03-31",
            "startTime": "2024-03-30T23:00:00.000",
            "endTime": "2024-03-31T07:00:00.000",
            "duration": 25_200_000,
            "minutesAsleep": 400,
            "timeInBed": 420,
            "type": "classic",
            "mainSleep": True,
            "levels": {"summary": {"asleep": {"minutes": 400}}},
        }
    ]
    opts = ReadOptions(tz=ZoneInfo("Europe/Berlin"))
    row = read_bytes(json.dumps(night).encode(), "sleep.json", opts).daily.iloc[0]
    assert row["sleep_start"] == pd.Timestamp("2024-03-30 22:00", tz="UTC")
    assert row["sleep_end"] == pd.Timestamp("2024-03-31 05:00", tz="UTC")
    assert str(row["date"].date()) == "2024-03-31"
    assert row["sleep_efficiency_pct"] == pytest.approx(100 * 400 / 420)
