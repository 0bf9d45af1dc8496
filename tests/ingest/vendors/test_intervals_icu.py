"""intervals.icu wellness CSV: the real export (values checked against raw cells), scale
direction of the wellness answers, the profile-default resting HR, order and bad input."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readiness.ingest import (
    SchemaError,
    TruncatedFileError,
    UnsupportedFormatError,
    merge,
    read_bytes,
)
from readiness.ingest.registry import detect
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import CHECKINS, DAILY
from readiness.ingest.vendors.intervals_icu import PROFILE_RUN_DAYS, four_to_five

from tests.conftest import SHARED, shared_dir
from tests.ingest.helpers import day_row, file_params

ICU_DIR = SHARED / "exports" / "intervals_icu"
BOM = b"\xef\xbb\xbf"
HEADER = (
    "date,weight,restingHR,hrv,hrvSDNN,readiness,sleepSecs,sleepScore,sleepQuality,"
    "avgSleepingHR,soreness,fatigue,stress,mood,motivation,injury,steps,respiration,ctl,atl,"
    "rampRate,ctlLoad,atlLoad,HrvSnapshotRmssd,Alcohol"
)


def _real() -> list[Path]:
    return sorted(ICU_DIR.glob("*/*.csv")) if ICU_DIR.is_dir() else []


def _raw(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- real export


@pytest.mark.parametrize("path", file_params(_real()))
def test_real_wellness_values(path: Path) -> None:
    shared_dir("exports", "intervals_icu")
    data = path.read_bytes()
    assert data.startswith(BOM)
    raw = _raw(path)
    assert raw[0]["date"] > raw[-1]["date"]  # newest first
    res = read_bytes(data, path.name)
    daily, checkins = res.daily, res.checkins
    with_hrv = [r for r in raw if r["hrv"]]
    assert len(with_hrv) > 400
    for r in with_hrv:
        got = day_row(daily, r["date"])
        assert got["hrv_rmssd_ms"] == float(r["hrv"])
        assert got["hrv_sdnn_ms"] == (float(r["hrvSDNN"]) if r["hrvSDNN"] else got["hrv_sdnn_ms"])
        if r["sleepSecs"]:
            assert got["sleep_total_min"] == pytest.approx(float(r["sleepSecs"]) / 60)
    answered = [r for r in raw if r["soreness"] or r["fatigue"] or r["sleepQuality"]]
    for r in answered:
        got = day_row(checkins, r["date"])
        if r["soreness"]:
            assert got["soreness"] == pytest.approx(1 + (float(r["soreness"]) - 1) * 4 / 3)
        if r["sleepQuality"]:  # 1 = great … 4 = poor, reversed onto 5 = best
            assert got["sleep_quality"] == pytest.approx(5 - (float(r["sleepQuality"]) - 1) * 4 / 3)
        if r["stress"]:
            assert got["stress"] == pytest.approx(1 + (float(r["stress"]) - 1) * 4 / 3)
    # Custom fields after atlLoad (HrvMorningRmssd, TrainingAdvice, …) are not imported.
    assert set(daily.columns) == set(DAILY.names)
    assert set(checkins.columns) == set(CHECKINS.names)
    assert daily["hrv_context"].isna().all()
    assert set(daily["source"]) == {"intervals"}


def test_real_known_rows_and_profile_rhr() -> None:
    shared_dir("exports", "intervals_icu")
    path = _real()[0]
    res = read_bytes(path.read_bytes(), path.name)
    first = day_row(res.daily, "2026-03-05")  # the newest row, first in the file
    assert (first["hrv_rmssd_ms"], first["hrv_sdnn_ms"]) == (31.351267, 59.54206)
    assert first["sleep_total_min"] == pytest.approx(23646 / 60)
    assert day_row(res.daily, "2026-03-04")["resting_hr_bpm"] == 52.0
    # restingHR 58 is written on ~3,300 days since 2011 (the athlete's profile value): only
    # values in runs shorter than PROFILE_RUN_DAYS survive.
    raw = sorted((r for r in _raw(path) if r["restingHR"]), key=lambda r: r["date"])
    kept = res.daily.set_index("date")["resting_hr_bpm"].dropna()
    runs: list[list[dict[str, str]]] = []
    for r in raw:
        if runs and runs[-1][-1]["restingHR"] == r["restingHR"]:
            runs[-1].append(r)
        else:
            runs.append([r])
    expected = {r["date"] for run in runs if len(run) < PROFILE_RUN_DAYS for r in run}
    assert {d.strftime("%Y-%m-%d") for d in kept.index} == expected
    assert any("restingHR" in w.message for w in res.warnings)


def test_real_shuffled_and_doubled() -> None:
    shared_dir("exports", "intervals_icu")
    path = _real()[0]
    text = path.read_bytes().decode("utf-8-sig")
    header, *lines = text.splitlines()
    want = read_bytes(path.read_bytes(), path.name)
    random.Random(5).shuffle(lines)
    got = read_bytes(("\n".join([header, *lines]) + "\n").encode(), path.name)
    for table in ("daily", "checkins"):
        pd.testing.assert_frame_equal(getattr(got, table), getattr(want, table))
    pd.testing.assert_frame_equal(merge([want, got]).daily, merge([want]).daily)


# --------------------------------------------------------------------------- synthetic


def _line(day: str, **cells: str) -> str:
    values = dict.fromkeys(HEADER.split(","), "")
    values.update({"date": day, "ctl": "40.1", "atl": "45.2", "HrvSnapshotRmssd": "77"}, **cells)
    return ",".join(values[n] for n in HEADER.split(","))


def _file(lines: list[str], bom: bool = True) -> bytes:
    return (BOM if bom else b"") + (HEADER + "\n" + "\n".join(lines) + "\n").encode()


LINES = [  # newest first
    _line(
        "2025-03-03",
        restingHR="51",
        hrv="62.5",
        hrvSDNN="80.0",
        sleepSecs="27000",
        sleepQuality="1",
        soreness="4",
        fatigue="1",
        stress="2",
        mood="4",
        injury="1",
    ),
    _line("2025-03-02", restingHR="53", hrv="48.0", sleepQuality="4", soreness="1", mood="1"),
    _line("2025-03-01", hrvSDNN="66.6", steps="10123", respiration="14.2"),
    _line("2025-02-28"),  # load only: no row
]


def test_synthetic_values_and_scales() -> None:
    data = _file(LINES)
    fmt = detect(data)
    assert fmt is not None and fmt.name == "intervals_wellness_csv"
    res = read_bytes(data, "wellness.csv")
    assert res.daily["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2025-03-01",
        "2025-03-02",
        "2025-03-03",
    ]
    top = day_row(res.daily, "2025-03-03")
    assert (top["hrv_rmssd_ms"], top["hrv_sdnn_ms"], top["resting_hr_bpm"]) == (62.5, 80.0, 51.0)
    assert top["sleep_total_min"] == 450.0
    sdnn_only = day_row(res.daily, "2025-03-01")
    assert pd.isna(sdnn_only["hrv_rmssd_ms"]) and sdnn_only["hrv_sdnn_ms"] == 66.6
    a = day_row(res.checkins, "2025-03-03")
    # sleepQuality 1 = great → 5; soreness 4 = extreme → 5; fatigue 1 = low → 1; mood 4 = grumpy → 1
    assert (a["sleep_quality"], a["soreness"], a["fatigue"], a["mood"], a["pain"]) == (
        5.0,
        5.0,
        1.0,
        1.0,
        1.0,
    )
    assert a["stress"] == pytest.approx(1 + 4 / 3)
    b = day_row(res.checkins, "2025-03-02")
    assert (b["sleep_quality"], b["soreness"], b["mood"]) == (1.0, 1.0, 5.0)
    assert four_to_five(None, best_first=True) is None


def test_without_bom_reads_the_same() -> None:
    pd.testing.assert_frame_equal(
        read_bytes(_file(LINES, bom=False), "w.csv").daily, read_bytes(_file(LINES), "w.csv").daily
    )


def test_profile_rhr_run_is_dropped() -> None:
    days = pd.date_range("2024-01-01", periods=PROFILE_RUN_DAYS + 3, freq="D")
    lines = [_line(d.strftime("%Y-%m-%d"), restingHR="58") for d in days[:PROFILE_RUN_DAYS]]
    lines += [_line(d.strftime("%Y-%m-%d"), restingHR=str(50 + i)) for i, d in enumerate(days[-3:])]
    res = read_bytes(_file(lines[::-1]), "w.csv")
    assert res.daily["resting_hr_bpm"].tolist() == [50.0, 51.0, 52.0]
    short = read_bytes(_file(lines[1:][::-1]), "w.csv")  # a run one day shorter is kept
    assert short.daily["resting_hr_bpm"].notna().sum() == PROFILE_RUN_DAYS - 1 + 3


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_does_not_matter(rnd: random.Random) -> None:
    lines = list(LINES)
    want = read_bytes(_file(lines), "w.csv")
    rnd.shuffle(lines)
    got = read_bytes(_file(lines), "w.csv")
    pd.testing.assert_frame_equal(got.daily, want.daily)
    pd.testing.assert_frame_equal(got.checkins, want.checkins)
    pd.testing.assert_frame_equal(merge([got, want]).checkins, merge([want]).checkins)


# --------------------------------------------------------------------------- bad input


def test_no_usable_column() -> None:
    data = b"date,ctl,atl,rampRate,ctlLoad\n2025-03-01,40,45,1.0,50\n"
    with pytest.raises(SchemaError) as info:
        read_bytes(data, "wellness.csv")
    assert info.value.line == 1 and info.value.column == "restingHR"


def test_bad_cells_are_located() -> None:
    with pytest.raises(SchemaError) as info:
        read_bytes(_file([*LINES[:2], _line("2025-03-01", hrv="n/a?")]), "w.csv")
    assert (info.value.line, info.value.column) == (4, "hrv")
    with pytest.raises(SchemaError) as info:
        read_bytes(_file([_line("03/01/2025", hrv="40")]), "w.csv")
    assert (info.value.line, info.value.column) == (2, "date")


def test_truncated() -> None:
    data = _file(LINES)
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(data[: len(data) - 30], "w.csv")
    assert info.value.line == 5


def test_garbage_and_html() -> None:
    for data in (
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        b"<html><body>date,restingHR,hrv</body></html>",
    ):
        with pytest.raises(UnsupportedFormatError):
            read_bytes(data, "wellness.csv")


# --------------------------------------------------------------------------- layouts

#: One week of wellness values (intervals.icu names), rendered below in every layout.
RECORDS: list[dict[str, str]] = [
    {
        "date": f"2025-04-{d:02d}",
        "restingHR": str(48 + d % 3),
        "hrv": f"{55 + d * 1.5:.1f}",
        "hrvSDNN": f"{70 + d:.1f}" if d % 2 else "",
        "sleepSecs": str(25_000 + d * 300),
        "steps": str(8000 + d * 111) if d != 4 else "",
        "respiration": "14.5" if d % 3 == 0 else "",
        "soreness": str(1 + d % 4),
        "fatigue": str(1 + (d + 1) % 4) if d != 2 else "",
        "stress": "2",
        "mood": str(1 + (d + 2) % 4),
        "sleepQuality": str(1 + (d + 3) % 4),
        "injury": "1" if d != 6 else "3",
    }
    for d in range(1, 8)
]
#: The API's JSON record order (``GET /api/v1/athlete/{id}/wellness``), date as ``id``.
JSON_ORDER = [
    "id",
    "ctl",
    "atl",
    "rampRate",
    "ctlLoad",
    "atlLoad",
    "sportInfo",
    "updated",
    "weight",
    "restingHR",
    "hrv",
    "hrvSDNN",
    "kcalConsumed",
    "sleepSecs",
    "sleepScore",
    "sleepQuality",
    "avgSleepingHR",
    "soreness",
    "fatigue",
    "stress",
    "mood",
    "motivation",
    "injury",
    "spO2",
    "comments",
    "steps",
    "respiration",
    "locked",
]


def _render(header: list[str], rename: dict[str, str] | None = None, bom: bool = False) -> bytes:
    """RECORDS as a CSV with ``header`` (intervals.icu names; ``rename`` respells them),
    newest first, extra columns filled the way the exports fill them."""
    extra = {
        "ctl": "41.5",
        "atl": "47.25",
        "sportInfo": '[{"type":"Ride","eftp":270.1,"wPrime":23041,"pMax":997}]',
        "updated": "2025-04-08T06:12:44.123+00:00",
        "comments": 'legs heavy, "slept badly"',
        "locked": "false",
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([(rename or {}).get(h, h) for h in header])
    for rec in reversed(RECORDS):
        cells = {**extra, **rec, "id": rec["date"]}
        writer.writerow([cells.get(h, "") for h in header])
    return (BOM if bom else b"") + out.getvalue().encode()


FULL_HEADER = [n for n in HEADER.split(",") if n not in ("ctl", "atl")] + ["steps", "respiration"]
FULL_HEADER = list(dict.fromkeys(FULL_HEADER))
LAYOUTS: dict[str, bytes] = {
    "web download (date first, full header, BOM)": _render(FULL_HEADER, bom=True),
    "API cols= (date, chosen columns in the asked order)": _render(
        [
            *("date", "sleepQuality", "injury", "hrv", "restingHR", "mood", "sleepSecs"),
            *("hrvSDNN", "soreness", "respiration", "stress", "fatigue", "steps"),
        ]
    ),
    "API JSON records as CSV (id, JSON order)": _render(JSON_ORDER),
    "id last, columns reversed": _render(list(reversed(JSON_ORDER))),
    "spelled as words (Resting HR, HRV SDNN, Sleep Secs)": _render(
        FULL_HEADER,
        rename={
            "date": "Date",
            "restingHR": "Resting HR",
            "hrvSDNN": "HRV SDNN",
            "hrv": "HRV",
            "sleepSecs": "Sleep Secs",
            "sleepQuality": "Sleep Quality",
            "avgSleepingHR": "Avg Sleeping HR",
        },
    ),
    "snake_case and upper case": _render(
        JSON_ORDER,
        rename={
            "id": "ID",
            "restingHR": "resting_hr",
            "hrvSDNN": "HRV_SDNN",
            "sleepSecs": "sleep_secs",
        }
        | {"sleepQuality": "SLEEP_QUALITY", "kcalConsumed": "kcal_consumed"},
    ),
}


def _expected() -> IngestResult:
    return read_bytes(LAYOUTS["web download (date first, full header, BOM)"], "wellness.csv")


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_reads_the_same(layout: str) -> None:
    data = LAYOUTS[layout]
    fmt = detect(data)
    assert fmt is not None and fmt.name == "intervals_wellness_csv", layout
    got = read_bytes(data, "wellness.csv")
    want = _expected()
    pd.testing.assert_frame_equal(got.daily, want.daily)
    pd.testing.assert_frame_equal(got.checkins, want.checkins)


def test_layout_values_against_the_records() -> None:
    res = _expected()
    assert len(res.daily) == len(RECORDS) and len(res.checkins) == len(RECORDS)
    for rec in RECORDS:
        day, answers = day_row(res.daily, rec["date"]), day_row(res.checkins, rec["date"])
        assert day["hrv_rmssd_ms"] == float(rec["hrv"])
        assert day["resting_hr_bpm"] == float(rec["restingHR"])
        assert day["sleep_total_min"] == pytest.approx(float(rec["sleepSecs"]) / 60)
        for column, value in (("hrv_sdnn_ms", "hrvSDNN"), ("steps", "steps")):
            assert day[column] == float(rec[value]) if rec[value] else pd.isna(day[column])
        assert answers["soreness"] == pytest.approx(
            four_to_five(float(rec["soreness"]), best_first=False)
        )
        assert answers["sleep_quality"] == pytest.approx(
            four_to_five(float(rec["sleepQuality"]), best_first=True)
        )
        assert answers["pain"] == pytest.approx(
            four_to_five(float(rec["injury"]), best_first=False)
        )


def test_real_export_in_the_api_record_layout() -> None:
    """The real file rewritten as the API's JSON records would be (date as ``id``, placed
    last, columns reversed) reads to the same tables."""
    shared_dir("exports", "intervals_icu")
    path = _real()[0]
    header, *rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    order = list(reversed(range(len(header))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id" if header[i] == "date" else header[i] for i in order])
    for row in rows:
        writer.writerow([row[i] for i in order])
    data = out.getvalue().encode()
    assert not data.startswith(b"id,")  # the date is no longer first
    got, want = read_bytes(data, "wellness.csv"), read_bytes(path.read_bytes(), path.name)
    pd.testing.assert_frame_equal(got.daily, want.daily)
    pd.testing.assert_frame_equal(got.checkins, want.checkins)
    assert [w.message for w in got.warnings] == [w.message for w in want.warnings]


def test_exact_name_wins_over_a_look_alike() -> None:
    data = b"date,Resting HR,restingHR,hrv\n2025-04-01,61,49,55\n"
    assert day_row(read_bytes(data, "w.csv").daily, "2025-04-01")["resting_hr_bpm"] == 49.0


@pytest.mark.parametrize(
    ("header", "fmt"),
    [
        ("date,restingHR,hrv", "intervals_wellness_csv"),  # the smallest API cols= answer
        ("id,ctl,atl", "intervals_wellness_csv"),
        ("date,soreness,fatigue,mood,sleep_quality", "generic_csv"),  # shared names only
        ("date,hrv_rmssd_ms,resting_hr_bpm,sleep_score,steps", "generic_csv"),
        ("id,hrv,steps", None),  # no name only intervals.icu writes
        ("restingHR,hrv,sleepSecs", None),  # no date column
    ],
)
def test_detection_needs_a_date_and_an_own_name(header: str, fmt: str | None) -> None:
    found = detect((header + "\n" + ",".join(["1"] * header.count(",")) + ",2\n").encode())
    assert (found.name if found else None) == fmt


def test_id_without_a_date_is_located() -> None:
    with pytest.raises(SchemaError) as info:
        read_bytes(b"id,restingHR,hrv\ni1234,50,60\n", "w.csv")
    assert (info.value.line, info.value.column) == (2, "id")
