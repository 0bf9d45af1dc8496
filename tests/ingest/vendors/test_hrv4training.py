"""HRV4Training export: the real Android export (values checked against raw cells), the
YYYY-DD-MM date order, scale conversion of the answers, merge precedence and bad input."""

from __future__ import annotations

import csv
import random
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readiness.ingest import (
    IngestResult,
    SchemaError,
    TruncatedFileError,
    UnsupportedFormatError,
    merge,
    read_bytes,
)
from readiness.ingest.registry import detect
from readiness.ingest.vendors.hrv4training import slider_to_checkin

from tests.conftest import SHARED, shared_dir
from tests.ingest.helpers import day_row, file_params

H4T_DIR = SHARED / "exports" / "hrv4training"
HEADER = (
    "date, time, HR,AVNN,SDNN,rMSSD,pNN50,LF,HF,HRV4T_Recovery_Points,training,"
    "training_performance,training_type,training_phase,physical_condition,trainingRPE, "
    "trainingTSS, trainingMotivation, trainingDistance, sleep_quality, sleep_time, "
    "mental_energy,muscle_soreness, fatigue, lifestyle, traveling,sickness,alcohol,note,"
    "signal_quality, location, supplements, diet, custom_tag_1_name, custom_tag_2_name, "
    "custom_tag_3_name, custom_tag_1_value, custom_tag_2_value, custom_tag_3_value, "
    "menstrual_cycle, trainingTime, run_distance, run_time, run_pace, run_hr, run_elevation,"
    "                             bike_distance, bike_time, bike_speed, bike_elevation, bike_hr,"
    " bike_power,                             swim_distance, swim_time, swim_speed, swim_hr, "
    "vo2max, suffer_score, latitude, longitude, altitude, temperature, humidity, daily_message "
)
NAMES = [h.strip() for h in HEADER.split(",")]


def _real() -> list[Path]:
    return sorted(H4T_DIR.glob("*/*.csv")) if H4T_DIR.is_dir() else []


def _raw(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r]
    names = [h.strip() for h in rows[0]]
    return [dict(zip(names, r, strict=False)) for r in rows[1:]]


def _row(
    day: str,
    *,
    time: str = "07:30",
    hr: float = 52.0,
    rmssd: float = 61.5,
    sleep_q: str = "7",
    soreness: str = "2",
    fatigue: str = "4.5",
    sick: str = "not sick",
) -> str:
    cells = dict.fromkeys(NAMES, "")
    cells.update(
        {
            "date": day,
            "time": time,
            "HR": str(hr),
            "AVNN": "1000.0",
            "SDNN": "70.2" if rmssd else "0.0",
            "rMSSD": str(rmssd),
            "pNN50": "30.0",
            "LF": "0.03",
            "HF": "0.05",
            "sleep_quality": sleep_q,
            "muscle_soreness": soreness,
            "fatigue": fatigue,
            "sickness": sick,
            "traveling": "not traveling",
            "note": "Tensión en hombro",
        }
    )
    return ",".join(cells[n] for n in NAMES) + ","  # the app's trailing comma


def _file(rows: list[str]) -> bytes:
    return (HEADER + "\n\n" + "\n".join(rows) + "\n").encode()


ROWS = [
    _row("2020-29-03", rmssd=0.0, hr=0.0),  # a day without a measurement, answers only
    _row("2020-30-03", rmssd=55.0, sleep_q="10", soreness="0", fatigue="5.0"),
    _row("2020-31-03", rmssd=48.25, hr=57.5, sleep_q="0", soreness="10", sick="sick"),
    _row("2020-01-04", rmssd=66.0),
]


# --------------------------------------------------------------------------- real export


@pytest.mark.parametrize("path", file_params(_real()))
def test_real_export_values(path: Path) -> None:
    shared_dir("exports", "hrv4training")
    raw = _raw(path)
    # The date order really is YYYY-DD-MM: the middle field goes past 12.
    assert any(int(r["date"].split("-")[1]) > 12 for r in raw)
    res = read_bytes(path.read_bytes(), path.name)
    measured = [r for r in raw if float(r["rMSSD"]) > 0]
    assert len(res.daily) == len({r["date"] for r in measured}) > 40
    for r in measured:
        day = datetime.strptime(r["date"], "%Y-%d-%m").date().isoformat()  # noqa: DTZ007
        got = day_row(res.daily, day)
        assert got["hrv_rmssd_ms"] == float(r["rMSSD"])
        assert got["hrv_sdnn_ms"] == float(r["SDNN"])
        assert got["resting_hr_bpm"] == float(r["HR"])
        assert got["hrv_context"] == "morning"
    answered = [r for r in raw if r["muscle_soreness"] or r["sickness"]]
    assert len(res.checkins) == len({r["date"] for r in answered})
    for r in answered:
        day = datetime.strptime(r["date"], "%Y-%d-%m").date().isoformat()  # noqa: DTZ007
        got = day_row(res.checkins, day)
        if r["muscle_soreness"]:
            assert got["soreness"] == pytest.approx(1 + 0.4 * float(r["muscle_soreness"]))
            assert got["fatigue"] == pytest.approx(1 + 0.4 * float(r["fatigue"]))
        if r["sleep_quality"]:
            assert got["sleep_quality"] == pytest.approx(1 + 0.4 * float(r["sleep_quality"]))
        assert bool(got["sick"]) == (r["sickness"] == "sick")
    assert set(res.daily["source"]) == {"hrv4training"}


def test_real_known_row() -> None:
    shared_dir("exports", "hrv4training")
    path = _real()[0]
    res = read_bytes(path.read_bytes(), path.name)
    # "2020-22-09,08:21,58.31…,…,45.515717329967195,…": 22 September 2020
    assert day_row(res.daily, "2020-09-22")["hrv_rmssd_ms"] == pytest.approx(45.515717329967195)
    # "2020-31-03": soreness 3, fatigue 2.3, sleep quality 3 on the app's 0–10 sliders
    got = day_row(res.checkins, "2020-03-31")
    assert (got["soreness"], got["fatigue"], got["sleep_quality"]) == pytest.approx(
        (2.2, 1.92, 2.2)
    )
    assert pd.Timestamp("2020-03-29") not in set(res.daily["date"])  # 0.0 = no measurement


def test_real_shuffled_and_doubled() -> None:
    shared_dir("exports", "hrv4training")
    path = _real()[0]
    text = path.read_bytes().decode("utf-8")
    header, blank, *lines = text.splitlines()
    want = read_bytes(path.read_bytes(), path.name)
    random.Random(11).shuffle(lines)
    got = read_bytes(("\n".join([header, blank, *lines]) + "\n").encode(), path.name)
    for table in ("daily", "checkins"):
        pd.testing.assert_frame_equal(getattr(got, table), getattr(want, table))
        pd.testing.assert_frame_equal(
            getattr(merge([want, got]), table), getattr(merge([want]), table)
        )


# --------------------------------------------------------------------------- synthetic


def test_synthetic_layout_and_scales() -> None:
    data = _file(ROWS)
    fmt = detect(data)
    assert fmt is not None and fmt.name == "hrv4training_csv"
    res = read_bytes(data, "MyMeasurements_iOS.csv")
    assert res.daily["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-03-30",
        "2020-03-31",
        "2020-04-01",
    ]
    best = day_row(res.checkins, "2020-03-30")
    assert (best["sleep_quality"], best["soreness"], best["fatigue"]) == (5.0, 1.0, 3.0)
    worst = day_row(res.checkins, "2020-03-31")
    assert (worst["sleep_quality"], worst["soreness"], bool(worst["sick"])) == (1.0, 5.0, True)
    assert day_row(res.checkins, "2020-03-29")["soreness"] == pytest.approx(1.8)
    assert slider_to_checkin(None) is None


def test_ambiguous_dates_resolve_by_span() -> None:
    # Every day ≤ 12: both orders parse. Read DD-MM they are 3 consecutive days.
    rows = [_row("2021-01-02"), _row("2021-02-02"), _row("2021-03-02")]
    days = read_bytes(_file(rows), "m.csv").daily["date"].dt.strftime("%Y-%m-%d").tolist()
    assert days == ["2021-02-01", "2021-02-02", "2021-02-03"]
    # Read MM-DD they would be 3 consecutive days instead: that reading wins, with a warning.
    rows = [_row("2021-02-01"), _row("2021-02-02"), _row("2021-02-03")]
    res = read_bytes(_file(rows), "m.csv")
    assert res.daily["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2021-02-01",
        "2021-02-02",
        "2021-02-03",
    ]
    assert any("YYYY-MM-DD" in w.message for w in res.warnings)


def test_two_measurements_one_day_keeps_the_morning_one() -> None:
    rows = [
        _row("2020-30-03", time="18:10", rmssd=80.0),
        _row("2020-30-03", time="06:55", rmssd=58.0),
    ]
    assert day_row(read_bytes(_file(rows), "m.csv").daily, "2020-03-30")["hrv_rmssd_ms"] == 58.0


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_does_not_matter(rnd: random.Random) -> None:
    rows = [*ROWS, _row("2020-30-03", time="21:00", rmssd=99.0)]
    want = read_bytes(_file(rows), "m.csv")
    rnd.shuffle(rows)
    got = read_bytes(_file(rows), "m.csv")
    pd.testing.assert_frame_equal(got.daily, want.daily)
    pd.testing.assert_frame_equal(got.checkins, want.checkins)


def test_nocturnal_rmssd_outranks_the_morning_spot_check() -> None:
    spot = read_bytes(_file(ROWS), "m.csv")
    night = read_bytes(
        b"date,hrv_rmssd_ms,hrv_context,resting_hr_bpm\n2020-03-31,72.0,nocturnal,49\n",
        "ring.csv",
    )
    merged = merge([spot, night]).daily
    row = day_row(merged, "2020-03-31")
    assert (row["hrv_rmssd_ms"], row["hrv_context"], row["source"]) == (72.0, "nocturnal", "csv")
    assert pd.isna(row["hrv_sdnn_ms"])  # the spot check's SDNN does not travel with it
    kept = day_row(merged, "2020-03-30")
    assert (kept["hrv_rmssd_ms"], kept["hrv_context"]) == (55.0, "morning")
    both: IngestResult = merge([night, spot])
    pd.testing.assert_frame_equal(both.daily, merged)


# --------------------------------------------------------------------------- bad input


def test_missing_rmssd_column() -> None:
    data = _file(ROWS).decode().replace("rMSSD", "rmssd_lying", 1).encode()
    with pytest.raises(SchemaError) as info:
        read_bytes(data, "m.csv")
    assert info.value.column == "rMSSD" and info.value.line == 1


def test_sickness_reads_the_apps_words_and_any_boolean_spelling() -> None:
    rows = [_row("2020-02-04", sick="Not  Sick"), _row("2020-03-04", sick="yes")]
    got = read_bytes(_file(rows), "m.csv").checkins.set_index("date")["sick"]
    assert got.tolist() == [False, True]


def test_bad_date_and_bad_answer() -> None:
    with pytest.raises(SchemaError) as info:
        read_bytes(_file([*ROWS, _row("2020-45-04")]), "m.csv")
    assert (info.value.line, info.value.column) == (7, "date")
    with pytest.raises(SchemaError) as info:
        read_bytes(_file([*ROWS[:2], _row("2020-02-04", sick="maybe")]), "m.csv")
    assert (info.value.line, info.value.column) == (5, "sickness")
    with pytest.raises(SchemaError) as info:
        read_bytes(_file([_row("2020-02-04", fatigue="tired")]), "m.csv")
    assert (info.value.line, info.value.column) == (3, "fatigue")


def test_truncated_export() -> None:
    data = _file(ROWS)
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(data[: len(data) - 80], "m.csv")
    assert info.value.line == 6


def test_html_page_saved_as_csv() -> None:
    page = b"<html><head><title>HRV4Training</title></head><body>date, time, HR</body></html>"
    with pytest.raises(UnsupportedFormatError):
        read_bytes(page, "MyMeasurements_Android.csv")
