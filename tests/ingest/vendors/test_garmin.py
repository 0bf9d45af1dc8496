"""Garmin Connect: Activities.csv (real files, four languages) and the DI_CONNECT JSON files."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
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
    UnsupportedFormatError,
    merge,
    read_bytes,
    read_path,
)
from readiness.ingest.registry import detect
from readiness.ingest.vendors.garmin_activities import parse_duration, parse_number

from tests.conftest import shared_dir

# Per real file: the columns this test reads itself (start, sport, average HR, duration).
REAL = {
    "jeremyiwk_garmindata/Activities.csv": ("Date", "Activity Type", "Avg HR", "Elapsed Time"),
    "hlasse_garminrunstats/Activities.csv": ("Dato", "Aktivitetstype", "Gennemsnitlig puls", "Tid"),
    "rgazzaneo_projeto_garmin/Activities(9).csv": (
        "Data",
        "Tipo de atividade",
        "FC Média",
        "Duração",
    ),
    "23flo_swimanalyser/Activities.csv": ("Date", "Activity Type", "Avg HR", "Elapsed Time"),
}


def _seconds(text: str) -> float | None:
    """Independent hh:mm:ss parser for the test."""
    if "--" in text or not text:
        return None
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.mark.parametrize("rel", sorted(REAL))
def test_real_activities_csv_values(rel: str) -> None:
    path = shared_dir("exports", "garmin") / rel
    date_col, type_col, hr_col, dur_col = REAL[rel]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        raw = list(csv.DictReader(fh))
    tz = ZoneInfo("Europe/Copenhagen")
    res = read_path(path, ReadOptions(tz=tz))
    assert not res.warnings
    sessions = res.sessions.set_index("start", drop=False)
    assert len(sessions) == len({(r[date_col], r[type_col]) for r in raw})
    assert set(res.sessions["source"]) == {"garmin"}
    for r in raw:
        start = pd.Timestamp(r[date_col]).tz_localize(tz).tz_convert("UTC")
        got = sessions.loc[start]
        assert got["sport"] == r[type_col].lower()
        assert str(got["date"].date()) == r[date_col][:10]
        hr = r[hr_col]
        if hr == "--":
            assert pd.isna(got["avg_hr_bpm"])
        else:
            assert got["avg_hr_bpm"] == float(hr)
        dur = _seconds(r[dur_col])
        if dur:
            assert got["duration_s"] == pytest.approx(dur)
            assert abs((got["end"] - got["start"]).total_seconds() - dur) < 1


def test_known_cells() -> None:
    """A few cells read by eye from the real files."""
    base = shared_dir("exports", "garmin")
    utc = ReadOptions(tz=ZoneInfo("UTC"))
    swim = read_path(base / "23flo_swimanalyser/Activities.csv", utc).sessions
    row = swim[swim["start"] == pd.Timestamp("2026-04-17 15:24:47", tz="UTC")].iloc[0]
    assert (row["avg_hr_bpm"], row["max_hr_bpm"], row["duration_s"]) == (151, 180, 47 * 60 + 20)
    danish = read_path(base / "hlasse_garminrunstats/Activities.csv", utc).sessions
    row = danish[danish["start"] == pd.Timestamp("2020-03-02 15:05:08", tz="UTC")].iloc[0]
    assert (row["sport"], row["avg_hr_bpm"], row["duration_s"]) == ("løb", 150, 36 * 60 + 26)
    pt = read_path(base / "rgazzaneo_projeto_garmin/Activities(9).csv", utc).sessions
    row = pt[pt["start"] == pd.Timestamp("2021-10-02 10:19:49", tz="UTC")].iloc[0]
    assert (row["sport"], row["avg_hr_bpm"], row["duration_s"]) == ("corrida em esteira", 117, 600)


def test_no_tz_warns_and_keeps_local_date() -> None:
    data = (
        b"Activity Type,Date,Title,Time,Avg HR,Max HR\n"
        b'Running,2024-03-01 23:30:00,"x","00:30:00","140","160"\n'
    )
    res = read_bytes(data, "Activities.csv")
    assert any("timezone" in w.message for w in res.warnings)
    assert str(res.sessions["date"].iloc[0].date()) == "2024-03-01"


def test_dst_gap_and_fold() -> None:
    """Copenhagen: 02:30 on 2021-03-28 does not exist, 02:30 on 2021-10-31 happens twice."""
    data = (
        b"Activity Type,Date,Time,Avg HR\n"
        b"Running,2021-03-28 02:30:00,01:00:00,140\n"
        b"Running,2021-10-31 02:30:00,01:00:00,141\n"
        b"Running,2021-10-31 23:30:00,00:20:00,142\n"
    )
    res = read_bytes(data, "a.csv", ReadOptions(tz=ZoneInfo("Europe/Copenhagen")))
    s = res.sessions
    assert s["start"].tolist() == [
        pd.Timestamp("2021-03-28 01:00:00", tz="UTC"),  # moved forward to 03:00 CEST
        pd.Timestamp("2021-10-31 01:30:00", tz="UTC"),  # the standard-time 02:30 (CET)
        pd.Timestamp("2021-10-31 22:30:00", tz="UTC"),
    ]
    assert [str(d.date()) for d in s["date"]] == ["2021-03-28", "2021-10-31", "2021-10-31"]


def test_number_and_duration_parsing() -> None:
    assert parse_number("1,200") == 1200
    assert parse_number("1,079.5") == 1079.5
    assert parse_number("2,94") == pytest.approx(2.94)
    assert parse_number("--") is None
    assert parse_duration("01:02:03") == 3723
    assert parse_duration("00:00:02.4") == pytest.approx(2.4)
    assert parse_duration("--:--:--") is None


def test_tss_placeholder_is_missing_and_positive_is_load() -> None:
    data = (
        "Activity Type,Date,Time,Avg HR,Training Stress Score®\n"
        'Cycling,2024-01-01 10:00:00,01:00:00,140,"0.0"\n'
        'Cycling,2024-01-02 10:00:00,01:00:00,140,"1,012.5"\n'
    ).encode()
    s = read_bytes(data, "a.csv", ReadOptions(tz=ZoneInfo("UTC"))).sessions
    assert pd.isna(s["vendor_load"].iloc[0])
    # 1012.5 is out of no range: TSS is kept as the vendor's load.
    assert s["vendor_load"].iloc[1] == 1012.5


def test_bad_inputs_are_typed() -> None:
    header = b"Activity Type,Date,Time,Avg HR\n"
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(header + b'Running,2024-01-01 10:00:00,"01:00', "Activities.csv")
    assert info.value.file == "Activities.csv" and info.value.line == 2
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(
            header + b"Running,2024-01-01 10:00:00,01:00:00,140\nRunning,2024-01-02", "A.csv"
        )
    assert info.value.line == 3
    with pytest.raises(SchemaError) as info:
        read_bytes(header + b"Running,yesterday,01:00:00,140\n", "A.csv")
    assert info.value.line == 2 and info.value.column == "Date"
    with pytest.raises(SchemaError, match="time"):
        read_bytes(b"Activity Type,Date,Title,Avg HR\nRunning,2024-01-01 10:00:00,x,140\n", "A.csv")
    with pytest.raises(EmptyFileError):
        read_bytes(header, "A.csv")
    with pytest.raises(UnsupportedFormatError):
        read_bytes(b"<!DOCTYPE html><html><body>Garmin Connect</body></html>", "Activities.csv")
    with pytest.raises(UnsupportedFormatError):
        read_bytes(bytes(range(256)) * 4, "Activities.csv")


def test_csv_errors_come_from_the_shared_strict_parser() -> None:
    header = b"Activity Type,Date,Time,Avg HR\n"
    row = b"Running,2024-01-01 10:00:00,01:00:00,140\n"
    with pytest.raises(SchemaError) as info:
        read_bytes(header + b"Running,2024-01-02 10:00:00\n" + row, "A.csv")
    assert not isinstance(info.value, TruncatedFileError)
    assert info.value.line == 2 and info.value.expected == "4 fields per row"
    with pytest.raises(CorruptFileError) as info2:
        read_bytes(header + row.replace(b"140", b"1\xff0"), "A.csv")
    assert info2.value.line == 2 and info2.value.expected == "UTF-8 CSV text"
    utc = ReadOptions(tz=ZoneInfo("UTC"))
    plain = read_bytes(header + row, "A.csv", utc).sessions
    # Old-Mac line ends and a trailing delimiter read like any export.
    cr_only = (header + row).replace(b"\n", b"\r")
    pd.testing.assert_frame_equal(read_bytes(cr_only, "A.csv", utc).sessions, plain)
    trailing = header + row.replace(b"\n", b",\n")
    pd.testing.assert_frame_equal(read_bytes(trailing, "A.csv", utc).sessions, plain)


def _real_swims() -> bytes:
    return (shared_dir("exports", "garmin") / "23flo_swimanalyser/Activities.csv").read_bytes()


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_shuffled_rows_and_reimport_change_nothing(seed: int) -> None:
    data = _real_swims()
    lines = data.decode("utf-8").splitlines(keepends=True)
    body = lines[1:]
    random.Random(seed).shuffle(body)
    opts = ReadOptions(tz=ZoneInfo("Europe/Berlin"))
    a = read_bytes(data, "a.csv", opts)
    b = read_bytes("".join([lines[0], *body]).encode(), "b.csv", opts)
    pd.testing.assert_frame_equal(a.sessions, b.sessions)
    twice = merge([a, b, a])
    pd.testing.assert_frame_equal(twice.sessions, a.sessions)


# --- DI_CONNECT JSON (no real sample exists: synthetic, from exports.md's documented keys) ---


def uds_day(day: str, rhr: int | None, steps: int, stress: int) -> dict[str, object]:
    return {
        "userProfilePK": 12345678,
        "calendarDate": day,
        "uuid": "0f1e2d3c",
        "wellnessStartTimeGmt": f"{day}T22:00:00.0",
        "wellnessStartTimeLocal": f"{day}T00:00:00.0",
        "includesWellnessData": True,
        "totalKilocalories": 2400.0,
        "activeKilocalories": 500.0,
        "totalSteps": steps,
        "restingHeartRate": rhr,
        "restingHeartRateTimestamp": 1718409600000,
        "minHeartRate": 44,
        "maxHeartRate": 160,
        "moderateIntensityMinutes": 20,
        "vigorousIntensityMinutes": 5,
        "activeSeconds": 3600,
        "highlyActiveSeconds": 1200,
        "allDayStress": {
            "aggregatorList": [
                {"type": "TOTAL", "averageStressLevel": stress, "maxStressLevel": 90},
                {"type": "AWAKE", "averageStressLevel": 40},
                {"type": "ASLEEP", "averageStressLevel": 15},
            ]
        },
        "bodyBattery": {
            "bodyBatteryStatList": [{"bodyBatteryStatType": "HIGHEST", "statsValue": 90}]
        },
        "respiration": {"avgWakingRespirationValue": 14.0},
    }


def sleep_day(day: str, start: str, end: str, deep: int, light: int, rem: int) -> dict[str, object]:
    return {
        "sleepStartTimestampGMT": start,
        "sleepEndTimestampGMT": end,
        "calendarDate": day,
        "sleepWindowConfirmationType": "ENHANCED_CONFIRMED_FINAL",
        "deepSleepSeconds": deep,
        "lightSleepSeconds": light,
        "remSleepSeconds": rem,
        "awakeSleepSeconds": 1200,
        "unmeasurableSeconds": 0,
        "averageRespiration": 14.5,
        "awakeCount": 2,
        "restlessMomentCount": 40,
        "avgSleepStress": 12.0,
        "retro": False,
        "sleepScores": {"overallScore": 81, "qualityScore": 75, "feedback": "POSITIVE_DEEP"},
        "spo2SleepSummary": {"averageSPO2": 95.0, "deviceId": 3300000000, "userProfilePk": 1},
        "napList": [],
    }


def health_day(day: str, hrv: float | None) -> dict[str, object]:
    metrics: list[dict[str, object]] = [
        {"type": "HR", "value": 48.0, "status": "WITHIN_RANGE"},
        {"type": "SKIN_TEMP_C", "value": -0.3, "status": "WITHIN_RANGE"},
        {"type": "RESPIRATION", "value": 14.2, "status": "WITHIN_RANGE"},
    ]
    if hrv is None:
        metrics.append({"type": "HRV", "status": "ONBOARDING", "baselineLowerLimit": 0.0})
    else:
        metrics.append(
            {"type": "HRV", "value": hrv, "status": "WITHIN_RANGE", "baselineLowerLimit": 40.0}
        )
    return {"calendarDate": day, "userProfilePK": 1, "metrics": metrics}


def _json(obj: object) -> bytes:
    return json.dumps(obj, indent=2).encode()


def test_uds_values_and_negative_stress() -> None:
    data = _json([uds_day("2024-06-14", 47, 10412, 31), uds_day("2024-06-15", None, 0, -1)])
    assert detect(data[:65536]) is not None and detect(data).name == "garmin_connect_json"  # type: ignore[union-attr]
    d = read_bytes(data, "UDSFile_1.json").daily.set_index("date")
    assert d.loc["2024-06-14", "resting_hr_bpm"] == 47
    assert d.loc["2024-06-14", "steps"] == 10412
    assert d.loc["2024-06-14", "stress_avg"] == 31
    assert d.loc["2024-06-14", "active_min"] == pytest.approx(80.0)
    assert pd.isna(d.loc["2024-06-15", "stress_avg"])  # -1 = no data
    assert pd.isna(d.loc["2024-06-15", "resting_hr_bpm"])


def test_sleep_goes_to_calendar_date_with_utc_instants() -> None:
    data = _json(
        [
            sleep_day(
                "2024-06-15", "2024-06-14T22:09:00.0", "2024-06-15T05:39:00.0", 5400, 14400, 5400
            )
        ]
    )
    d = read_bytes(data, "x_sleepData.json").daily.iloc[0]
    assert str(d["date"].date()) == "2024-06-15"
    assert d["sleep_total_min"] == pytest.approx(420.0)
    assert d["sleep_deep_min"] == 90 and d["sleep_rem_min"] == 90
    assert d["sleep_start"] == pd.Timestamp("2024-06-14 22:09", tz="UTC")
    assert d["sleep_in_bed_min"] == pytest.approx(450.0)
    assert d["sleep_score"] == 81


def test_health_status_hrv_is_nocturnal_rmssd() -> None:
    data = _json([health_day("2024-06-15", 52.0), health_day("2024-06-16", None)])
    d = read_bytes(data, "x_healthStatusData.json").daily.set_index("date")
    assert d.loc["2024-06-15", "hrv_rmssd_ms"] == 52.0
    assert d.loc["2024-06-15", "hrv_context"] == "nocturnal"
    assert pd.isna(d.loc["2024-06-15", "hrv_sdnn_ms"])
    assert d.loc["2024-06-15", "skin_temp_dev_c"] == pytest.approx(-0.3)
    assert pd.isna(d.loc["2024-06-16", "hrv_rmssd_ms"])


def test_json_errors_are_typed() -> None:
    good = _json([uds_day("2024-06-14", 47, 10412, 31)])
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(good[: len(good) // 2], "UDSFile_1.json")
    assert info.value.line is not None and info.value.file == "UDSFile_1.json"
    broken = good.replace(b'"totalSteps": 10412', b'"totalSteps": 10412,,')
    with pytest.raises(CorruptFileError) as info2:
        read_bytes(broken, "UDSFile_1.json")
    assert not isinstance(info2.value, TruncatedFileError)


def test_overlapping_chunks_do_not_duplicate() -> None:
    a = read_bytes(
        _json([uds_day(f"2024-06-{d:02}", 47 + d, 1000 * d, 30) for d in range(1, 11)]), "a"
    )
    b = read_bytes(
        _json([uds_day(f"2024-06-{d:02}", 47 + d, 1000 * d, 30) for d in range(5, 16)]), "b"
    )
    m = merge([a, b]).daily
    assert len(m) == 15 and m["date"].is_unique
    assert m.set_index("date").loc["2024-06-07", "steps"] == 7000


def activity(
    activity_id: int, begin: pd.Timestamp, offset_h: int, minutes: float
) -> dict[str, object]:
    """One summarizedActivities entry (key names as independent parsers of real exports use)."""
    ms = int(begin.timestamp() * 1000)
    return {
        "activityId": activity_id,
        "uuid": "9b0c",
        "name": "Oslo Running",
        "activityType": "running",
        "sportType": "RUNNING",
        "userProfileId": 12345678,
        "timeZoneId": 124,
        "beginTimestamp": ms,
        "startTimeGmt": float(ms),
        "startTimeLocal": float(ms + offset_h * 3_600_000),
        "duration": minutes * 60_000 * 0.98,
        "elapsedDuration": minutes * 60_000,
        "movingDuration": minutes * 60_000 * 0.95,
        "distance": 1_000_000.0,
        "avgHr": 151.0,
        "maxHr": 178.0,
        "calories": 600.0,
        "activityTrainingLoad": 123.4,
    }


def summarized(*acts: dict[str, object]) -> bytes:
    return _json([{"summarizedActivitiesExport": list(acts)}])


def test_summarized_activities_sessions() -> None:
    late = pd.Timestamp("2024-06-14 22:30", tz="UTC")  # 00:30 on the 15th in Oslo (+2)
    data = summarized(activity(1, late, 2, 45), activity(1, late, 2, 45))
    s = read_bytes(data, "a_summarizedActivities.json").sessions
    assert len(s) == 1
    row = s.iloc[0]
    assert row["start"] == late and row["duration_s"] == 2700
    assert row["end"] == late + pd.Timedelta(minutes=45)
    assert str(row["date"].date()) == "2024-06-15"  # from startTimeLocal
    assert (row["avg_hr_bpm"], row["max_hr_bpm"], row["vendor_load"]) == (151, 178, 123.4)
    ny = read_bytes(data, "a.json", ReadOptions(tz=ZoneInfo("America/New_York"))).sessions
    assert str(ny["date"].iloc[0].date()) == "2024-06-14"


def account_zip(
    fit_bytes: bytes | None = None, fit_start: pd.Timestamp | None = None, fit_minutes: float = 0.0
) -> bytes:
    """A synthetic Garmin account export laid out as exports.md §4b describes."""
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        acts = [activity(7, pd.Timestamp("2024-06-16 06:00", tz="UTC"), 2, 30)]
        if fit_start is not None:
            acts.append(activity(8, fit_start, 0, fit_minutes))
        zf.writestr(
            "DI_CONNECT/DI-Connect-Fitness/someone@example.com_0_summarizedActivities.json",
            summarized(*acts),
        )
        agg = "DI_CONNECT/DI-Connect-Aggregator/"
        zf.writestr(
            agg + "UDSFile_2024-06-01_2024-09-09.json",
            _json([uds_day("2024-06-14", 47, 10412, 31), uds_day("2024-06-15", 49, 8000, 40)]),
        )
        zf.writestr(
            agg + "UDSFile_2024-06-15_2024-09-23.json",
            _json([uds_day("2024-06-15", 49, 8000, 40), uds_day("2024-06-16", 50, 9000, 35)]),
        )
        wel = "DI_CONNECT/DI-Connect-Wellness/"
        zf.writestr(
            wel + "2024-06-01_2024-09-09_12345678_sleepData.json",
            _json(
                [
                    sleep_day(
                        "2024-06-15",
                        "2024-06-14T22:09:00.0",
                        "2024-06-15T05:39:00.0",
                        5400,
                        14400,
                        5400,
                    )
                ]
            ),
        )
        zf.writestr(
            wel + "2024-06-01_2024-09-09_12345678_healthStatusData.json",
            _json([health_day("2024-06-15", 52.0)]),
        )
        zf.writestr("DI_CONNECT/DI-Connect-User/user_profile.json", b'{"userName": "x"}')
        zf.writestr("__MACOSX/DI_CONNECT/._UDSFile.json", b"\x00\x05\x16\x07")
        if fit_bytes is not None:
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as iz:
                iz.writestr("12345678_activity.fit", fit_bytes)
            zf.writestr(
                "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue()
            )
    return buf.getvalue()


def test_account_zip_end_to_end() -> None:
    fit_path: Path = shared_dir("fit") / "fitparse__activity-settings.fit"
    fit_bytes = fit_path.read_bytes()
    fit_alone = read_bytes(fit_bytes, "a.fit")
    fit_row = fit_alone.sessions.iloc[0]
    res = read_bytes(
        account_zip(fit_bytes, fit_row["start"], float(fit_row["duration_s"]) / 60),
        "garmin_export.zip",
    )
    d = res.daily.set_index("date")
    assert list(d.index.strftime("%Y-%m-%d")) == ["2024-06-14", "2024-06-15", "2024-06-16"]
    assert d.loc["2024-06-15", "hrv_rmssd_ms"] == 52.0
    assert d.loc["2024-06-15", "resting_hr_bpm"] == 49
    assert d.loc["2024-06-15", "sleep_total_min"] == pytest.approx(420.0)
    assert d.loc["2024-06-16", "steps"] == 9000
    # The FIT file in the nested zip went through the FIT reader; its summary line in
    # summarizedActivities is the same workout (FIT ranks higher), the other activity is kept.
    assert len(res.sessions) == 2
    pd.testing.assert_frame_equal(
        res.sessions[res.sessions["source"] == "fit"].reset_index(drop=True), fit_alone.sessions
    )
    other = res.sessions[res.sessions["source"] == "garmin"].iloc[0]
    assert other["start"] == pd.Timestamp("2024-06-16 06:00", tz="UTC")
    unsupported = [w for w in res.warnings if "unsupported" in w.message]
    assert len(unsupported) == 1 and "user_profile.json" in unsupported[0].message


def test_activities_csv_and_fit_of_one_workout_merge_to_one_session() -> None:
    fit = read_path(shared_dir("fit") / "fitparse__activity-settings.fit")
    s = fit.sessions.iloc[0]
    start = s["start"].strftime("%Y-%m-%d %H:%M:%S")
    dur = round(float(s["duration_s"]))
    line = f"Running,{start},{dur // 3600:02}:{dur % 3600 // 60:02}:{dur % 60:02},140\n"
    csv_bytes = ("Activity Type,Date,Time,Avg HR\n" + line).encode()
    garmin = read_bytes(csv_bytes, "Activities.csv", ReadOptions(tz=ZoneInfo("UTC")))
    for merged in (merge([garmin, fit]), merge([fit, garmin]), merge([fit, garmin, garmin])):
        assert len(merged.sessions) == 1
        assert merged.sessions["source"].iloc[0] == "fit"  # FIT ranks above Garmin's CSV
    # A different workout 10 minutes later is kept.
    later = (pd.Timestamp(start) + pd.Timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S")
    other = read_bytes(
        f"Activity Type,Date,Time,Avg HR\nRunning,{later},00:30:00,140\n".encode(),
        "B.csv",
        ReadOptions(tz=ZoneInfo("UTC")),
    )
    assert len(merge([fit, other]).sessions) == 2
