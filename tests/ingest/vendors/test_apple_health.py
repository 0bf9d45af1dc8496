"""Apple Health export.xml: real excerpt, synthetic records, streaming, errors, timezones."""

from __future__ import annotations

import io
import random
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readiness.ingest import (
    CorruptFileError,
    EmptyFileError,
    ReadOptions,
    TruncatedFileError,
    merge,
    read_bytes,
    read_path,
    read_stream,
)

from tests.conftest import shared_dir

HK = "HKQuantityTypeIdentifier"
WATCH = (
    "&lt;&lt;HKDevice: 0x3012772a0&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,7, software:10.2&gt;"
)


def rec(
    kind: str,
    value: object,
    start: str,
    end: str | None = None,
    src: str = "Ann's Apple Watch",
    device: str | None = WATCH,
    unit: str = "",
) -> str:
    dev = f' device="{device}"' if device else ""
    return (
        f'<Record type="{kind}" sourceName="{src}"{dev} unit="{unit}" '
        f'startDate="{start}" endDate="{end or start}" value="{value}"/>'
    )


def sleep(stage: str, start: str, end: str, src: str = "Ann's Apple Watch") -> str:
    return rec(
        "HKCategoryTypeIdentifierSleepAnalysis",
        f"HKCategoryValueSleepAnalysis{stage}",
        start,
        end,
        src=src,
    )


def export(records: list[str]) -> bytes:
    body = "\n".join(records)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n'
        "<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>\n]>\n"
        f'<HealthData locale="en_US">\n<ExportDate value="2024-01-05 08:00:00 +0100"/>\n'
        f"{body}\n</HealthData>\n"
    ).encode()


NIGHT = [
    sleep("InBed", "2024-01-01 22:40:00 +0100", "2024-01-02 07:10:00 +0100", src="Ann's iPhone"),
    sleep("AsleepCore", "2024-01-01 23:00:00 +0100", "2024-01-02 01:00:00 +0100"),
    sleep("AsleepDeep", "2024-01-02 01:00:00 +0100", "2024-01-02 02:00:00 +0100"),
    sleep("Awake", "2024-01-02 02:00:00 +0100", "2024-01-02 02:15:00 +0100"),
    sleep("AsleepREM", "2024-01-02 02:15:00 +0100", "2024-01-02 03:45:00 +0100"),
    sleep("AsleepCore", "2024-01-02 03:45:00 +0100", "2024-01-02 06:30:00 +0100"),
    # A nap the same afternoon: not the main sleep.
    sleep("AsleepUnspecified", "2024-01-02 14:00:00 +0100", "2024-01-02 14:40:00 +0100"),
    rec(HK + "HeartRateVariabilitySDNN", 40, "2024-01-02 01:30:00 +0100", unit="ms"),
    rec(HK + "HeartRateVariabilitySDNN", 50, "2024-01-02 04:30:00 +0100", unit="ms"),
    rec(HK + "HeartRateVariabilitySDNN", 90, "2024-01-02 15:30:00 +0100", unit="ms"),  # daytime
    rec(HK + "HeartRateVariabilitySDNN", 33, "2024-01-03 15:30:00 +0100", unit="ms"),  # no sleep
    rec(
        HK + "RestingHeartRate",
        52,
        "2024-01-02 00:00:00 +0100",
        "2024-01-02 23:59:00 +0100",
        unit="count/min",
    ),
    rec(HK + "RespiratoryRate", 14, "2024-01-02 03:00:00 +0100", unit="count/min"),
    rec(
        HK + "StepCount",
        1000,
        "2024-01-02 09:00:00 +0100",
        "2024-01-02 09:10:00 +0100",
        src="Ann's iPhone",
        device=None,
    ),
    rec(HK + "StepCount", 1100, "2024-01-02 09:00:00 +0100", "2024-01-02 09:10:00 +0100"),
    rec(
        HK + "StepCount",
        500,
        "2024-01-02 18:00:00 +0100",
        "2024-01-02 18:10:00 +0100",
        src="Ann's iPhone",
        device=None,
    ),
    rec(HK + "HeartRate", 61, "2024-01-02 09:00:00 +0100", unit="count/min"),
    '<Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="45.5" durationUnit="min"'
    f' sourceName="Ann\'s Apple Watch" device="{WATCH}" startDate="2024-01-02 18:00:00 +0100"'
    ' endDate="2024-01-02 18:46:00 +0100">'
    f'<WorkoutStatistics type="{HK}HeartRate" average="148.2" maximum="176" unit="count/min"/>'
    "</Workout>",
]


def test_real_export_xml_sleep_from_raw_records() -> None:
    path = shared_dir("exports", "apple_health") / "alxdrcirilo_apple-health-parser" / "export.xml"
    # Independent computation: asleep records of the watch, summed, to the local end date.
    asleep = []
    for el in ET.parse(path).getroot().iter("Record"):
        if el.get("type", "").endswith("SleepAnalysis") and "Asleep" in el.get("value", ""):
            s = datetime.strptime(el.get("startDate", ""), "%Y-%m-%d %H:%M:%S %z")
            e = datetime.strptime(el.get("endDate", ""), "%Y-%m-%d %H:%M:%S %z")
            asleep.append((s, e))
    assert asleep
    expected_min = sum((e - s).total_seconds() for s, e in asleep) / 60
    wake = max(e for _, e in asleep)
    res = read_path(path, ReadOptions())
    row = res.daily.set_index("date").loc[wake.strftime("%Y-%m-%d")]
    assert row["sleep_total_min"] == pytest.approx(expected_min)
    assert row["sleep_end"] == pd.Timestamp(wake).tz_convert("UTC")
    assert row["source"] == "apple" and row["device"] == "apple watch"
    assert res.daily["hrv_rmssd_ms"].isna().all()


def test_synthetic_night() -> None:
    res = read_bytes(export(NIGHT), "export.xml")
    d = res.daily.set_index("date")
    night = d.loc["2024-01-02"]
    assert night["sleep_total_min"] == 2 * 60 + 60 + 90 + 165  # asleep stages, the Awake excluded
    assert night["sleep_deep_min"] == 60 and night["sleep_rem_min"] == 90
    assert night["sleep_in_bed_min"] == 450  # 23:00 → 06:30 of the watch's own intervals
    assert night["sleep_start"] == pd.Timestamp("2024-01-01 22:00", tz="UTC")
    # SDNN, never RMSSD: the mean of the two readings inside the night.
    assert night["hrv_sdnn_ms"] == 45 and night["hrv_context"] == "nocturnal"
    assert pd.isna(night["hrv_rmssd_ms"])
    assert night["resting_hr_bpm"] == 52
    assert night["respiratory_rate_bpm"] == 14
    assert night["steps"] == 1500  # iPhone 1000+500 beats the watch's 1100; never summed across
    assert night["device"] == "apple watch (watch6,7)"
    other = d.loc["2024-01-03"]
    assert other["hrv_sdnn_ms"] == 33 and pd.isna(other["hrv_context"])
    w = res.sessions.iloc[0]
    assert w["sport"] == "running" and w["duration_s"] == pytest.approx(2730)
    assert (w["avg_hr_bpm"], w["max_hr_bpm"]) == (148.2, 176)
    assert w["start"] == pd.Timestamp("2024-01-02 17:00", tz="UTC")


def test_offsets_and_tz_option_assign_days() -> None:
    """A sleep ending 00:30 +0100 is the 2nd locally, the 1st in UTC, the 1st in New York."""
    data = export(
        [
            sleep("AsleepCore", "2024-01-01 22:00:00 +0100", "2024-01-02 00:30:00 +0100"),
            rec(HK + "StepCount", 10, "2024-01-02 00:10:00 +0100", "2024-01-02 00:20:00 +0100"),
        ]
    )
    own = read_bytes(data, "e.xml").daily
    assert [str(d.date()) for d in own["date"]] == ["2024-01-02"]
    ny = read_bytes(data, "e.xml", ReadOptions(tz=ZoneInfo("America/New_York"))).daily
    assert [str(d.date()) for d in ny["date"]] == ["2024-01-01"]
    assert ny["steps"].iloc[0] == 10 and ny["sleep_total_min"].iloc[0] == 150


def test_dst_change_inside_a_night() -> None:
    """Europe/Berlin springs forward at 02:00 on 2024-03-31: offsets differ within the night."""
    data = export(
        [
            sleep("AsleepCore", "2024-03-30 23:00:00 +0100", "2024-03-31 01:59:00 +0100"),
            sleep("AsleepCore", "2024-03-31 03:01:00 +0200", "2024-03-31 07:00:00 +0200"),
        ]
    )
    d = read_bytes(data, "e.xml", ReadOptions(tz=ZoneInfo("Europe/Berlin"))).daily.iloc[0]
    assert str(d["date"].date()) == "2024-03-31"
    assert d["sleep_total_min"] == 179 + 239
    assert d["sleep_in_bed_min"] == 420  # 22:00 → 05:00 UTC


def test_streams_in_bounded_reads() -> None:
    """The reader pulls the stream in chunks, never as a whole."""

    class Spy(io.BytesIO):
        sizes: list[int]

        def read(self, size: int | None = -1) -> bytes:
            self.sizes.append(-1 if size is None else size)
            return super().read(size)

    spy = Spy(export(NIGHT * 50))
    spy.sizes = []
    read_stream(spy, "export.xml")
    assert spy.sizes and all(0 < s <= 1 << 20 for s in spy.sizes)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_record_order_and_reimport_change_nothing(seed: int) -> None:
    shuffled = list(NIGHT)
    random.Random(seed).shuffle(shuffled)
    a = read_bytes(export(NIGHT), "a.xml")
    b = read_bytes(export(shuffled), "b.xml")
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.sessions, b.sessions)
    pd.testing.assert_frame_equal(merge([a, b]).daily, a.daily)


def test_errors_are_typed() -> None:
    good = export(NIGHT)
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(good[: len(good) // 2], "export.xml")
    assert info.value.line is not None and info.value.file == "export.xml"
    with pytest.raises(CorruptFileError) as info2:
        read_bytes(good.replace(b"<Workout ", b"<Workout <"), "export.xml")
    assert info2.value.line is not None
    with pytest.raises(EmptyFileError):
        read_bytes(export([rec(HK + "HeartRate", 60, "2024-01-01 10:00:00 +0100")]), "export.xml")
