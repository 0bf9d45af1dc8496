"""WHOOP export CSVs: real exports (values checked against the raw cells), synthetic day rules
across time-zone changes and DST, order/duplicate invariance, and bad input."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from readiness.ingest import (
    CorruptFileError,
    EmptyFileError,
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

CYCLES_HEADER = (
    "Cycle start time,Cycle end time,Cycle timezone,Recovery score %,Resting heart rate (bpm),"
    "Heart rate variability (ms),Skin temp (celsius),Blood oxygen %,Day Strain,"
    "Energy burned (cal),Max HR (bpm),Average HR (bpm),Sleep onset,Wake onset,"
    "Sleep performance %,Respiratory rate (rpm),Asleep duration (min),In bed duration (min),"
    "Light sleep duration (min),Deep (SWS) duration (min),REM duration (min),"
    "Awake duration (min),Sleep need (min),Sleep debt (min),Sleep efficiency %,"
    "Sleep consistency %"
)
WHOOP_DIR = SHARED / "exports" / "whoop"


def _real(name: str) -> list[Path]:
    return sorted(WHOOP_DIR.glob(f"*/{name}")) if WHOOP_DIR.is_dir() else []


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _offset(text: str) -> timedelta:
    m = re.fullmatch(r"UTC([+-])(\d\d):(\d\d)", text)
    assert m, text
    delta = timedelta(hours=int(m[2]), minutes=int(m[3]))
    return -delta if m[1] == "-" else delta


def _utc(local: str, tz: str) -> pd.Timestamp:
    naive = datetime.strptime(local, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
    return pd.Timestamp((naive - _offset(tz)).replace(tzinfo=UTC))


def _read(path: Path, tz: str | None = None) -> IngestResult:
    options = ReadOptions(tz=ZoneInfo(tz) if tz else None)
    return read_bytes(path.read_bytes(), path.name, options)


# --------------------------------------------------------------------------- real exports


@pytest.mark.parametrize("path", file_params(_real("physiological_cycles.csv")))
def test_real_cycles_values_on_wake_dates(path: Path) -> None:
    shared_dir("exports", "whoop")
    raw = _rows(path)
    res = _read(path)
    daily = res.daily
    nights = [r for r in raw if r["Wake onset"] and r["Asleep duration (min)"]]
    by_date: dict[str, list[dict[str, str]]] = {}
    for r in nights:
        by_date.setdefault(r["Wake onset"][:10], []).append(r)
    assert len(daily) == len(by_date)
    checked = 0
    for day, rows in by_date.items():
        best = max(rows, key=lambda r: float(r["Asleep duration (min)"]))
        got = day_row(daily, day)
        if best["Heart rate variability (ms)"]:
            assert got["hrv_rmssd_ms"] == float(best["Heart rate variability (ms)"])
            assert got["hrv_context"] == "nocturnal"
            checked += 1
        if best["Resting heart rate (bpm)"]:
            assert got["resting_hr_bpm"] == float(best["Resting heart rate (bpm)"])
        assert got["sleep_total_min"] == float(best["Asleep duration (min)"])
        assert got["sleep_end"] == _utc(best["Wake onset"], best["Cycle timezone"])
        assert got["sleep_start"] == _utc(best["Sleep onset"], best["Cycle timezone"])
    assert checked >= 40
    assert set(daily["source"]) == {"whoop"}


def test_both_header_layouts_are_real_and_read() -> None:
    shared_dir("exports", "whoop")
    widths = {len(_rows(p)[0]) for p in _real("physiological_cycles.csv")}
    assert widths == {25, 26}  # the Nov-2022 export lacks "Sleep consistency %"


def test_real_known_cells() -> None:
    """Spot values typed in from the raw files (wake date → HRV / RHR)."""
    shared_dir("exports", "whoop")
    andrew = _read(WHOOP_DIR / "andrewcxjin_aipi510_dataset" / "physiological_cycles.csv")
    # 2024-11-20 00:40:13 → wake 2024-11-20 09:08:45 (UTC-05:00): RHR 55, HRV 65
    row = day_row(andrew.daily, "2024-11-20")
    assert (row["hrv_rmssd_ms"], row["resting_hr_bpm"]) == (65.0, 55.0)
    assert row["sleep_end"] == pd.Timestamp("2024-11-20 14:08:45", tz="UTC")
    # The DST night: cycle starts 2024-11-03 03:58:11 at UTC-05:00, wakes 11:40:35.
    assert day_row(andrew.daily, "2024-11-03")["sleep_end"] == pd.Timestamp(
        "2024-11-03 16:40:35", tz="UTC"
    )
    # The night before, still UTC-04:00: woke 2024-11-02 11:18:26 → 15:18:26 UTC.
    assert day_row(andrew.daily, "2024-11-02")["sleep_end"] == pd.Timestamp(
        "2024-11-02 15:18:26", tz="UTC"
    )


def test_real_travel_offsets_and_short_evening_sleep() -> None:
    shared_dir("exports", "whoop")
    richy = _read(WHOOP_DIR / "theonerichy_whoop_data" / "physiological_cycles.csv")
    # Cycle 2024-06-15 21:42:59 at UTC+01:00, woke 2024-06-16 06:47:05: HRV 12, RHR 87.
    row = day_row(richy.daily, "2024-06-16")
    assert (row["hrv_rmssd_ms"], row["resting_hr_bpm"]) == (12.0, 87.0)
    assert row["sleep_end"] == pd.Timestamp("2024-06-16 05:47:05", tz="UTC")
    celia = _read(WHOOP_DIR / "celiamorse_ml_final_project" / "physiological_cycles.csv")
    # 2024-04-08 has the 659-min night and a 31-min evening "cycle sleep": the night wins.
    row = day_row(celia.daily, "2024-04-08")
    assert (row["sleep_total_min"], row["hrv_rmssd_ms"]) == (659.0, 27.0)


def test_tz_option_matches_row_offsets_for_a_us_eastern_athlete() -> None:
    shared_dir("exports", "whoop")
    path = WHOOP_DIR / "andrewcxjin_aipi510_dataset" / "physiological_cycles.csv"
    own = _read(path).daily
    eastern = _read(path, "America/New_York").daily
    pd.testing.assert_frame_equal(own, eastern)


@pytest.mark.parametrize("path", file_params(_real("sleeps.csv")))
def test_real_sleeps_skip_naps(path: Path) -> None:
    shared_dir("exports", "whoop")
    raw = _rows(path)
    res = _read(path)
    naps = sum(r["Nap"].lower() == "true" for r in raw)
    assert naps > 0
    assert any(f"{naps} nap(s)" in w.message for w in res.warnings)
    mains = [r for r in raw if r["Nap"].lower() == "false" and r["Asleep duration (min)"]]
    longest: dict[str, float] = {}
    for r in mains:
        day = r["Wake onset"][:10]
        longest[day] = max(longest.get(day, 0.0), float(r["Asleep duration (min)"]))
    daily = res.daily
    assert len(daily) == len(longest)
    for day, minutes in longest.items():
        assert day_row(daily, day)["sleep_total_min"] == minutes
    assert daily["hrv_rmssd_ms"].isna().all()  # sleeps.csv has no HRV


@pytest.mark.parametrize("path", file_params(_real("workouts.csv")))
def test_real_workouts_are_sessions(path: Path) -> None:
    shared_dir("exports", "whoop")
    raw = _rows(path)
    sessions = _read(path).sessions
    assert len(sessions) == len({r["Workout start time"] + r["Cycle timezone"] for r in raw})
    for r in raw[:: max(1, len(raw) // 15)]:
        start = _utc(r["Workout start time"], r["Cycle timezone"])
        got = sessions.loc[sessions["start"] == start].iloc[0]
        assert got["vendor_load"] == float(r["Activity Strain"])
        assert got["sport"] == r["Activity name"].lower()
        end = _utc(r["Workout end time"], r["Cycle timezone"])
        assert got["duration_s"] == (end - start).total_seconds()
        assert abs(got["duration_s"] / 60 - float(r["Duration (min)"])) <= 1
        assert got["date"] == pd.Timestamp(r["Workout start time"][:10])
        if r["Average HR (bpm)"]:
            assert got["avg_hr_bpm"] == float(r["Average HR (bpm)"])


def test_real_journal_sick_answers() -> None:
    shared_dir("exports", "whoop")
    path = WHOOP_DIR / "theonerichy_whoop_data" / "journal_entries.csv"
    raw = [r for r in _rows(path) if r["Question text"].strip() == "Feeling sick or ill?"]
    checkins = _read(path).checkins
    assert len(checkins) == len(raw)
    for r in raw:
        start = datetime.strptime(r["Cycle start time"], "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007
        day = (start + timedelta(hours=12)).date().isoformat()
        assert bool(day_row(checkins, day)["sick"]) == (r["Answered yes"] == "true")
    assert checkins["soreness"].isna().all()


# --------------------------------------------------------------------------- synthetic


def _cycle(start: str, wake: str, tz: str, hrv: int, rhr: int = 50, asleep: int = 420) -> str:
    cells = [start, "", tz, "70", str(rhr), str(hrv), "33.5", "96", "10.0", "2100", "170", "70"]
    cells += [start, wake, "90", "15.0", str(asleep), str(asleep + 30), "200", "90", "100"]
    cells += ["30", "480", "20", "93", "80"]
    return ",".join(cells)


def _csv(rows: list[str]) -> bytes:
    return (CYCLES_HEADER + "\n" + "\n".join(rows) + "\n").encode()


TRAVEL = [
    # newest first, as WHOOP writes them
    _cycle("2024-06-10 22:30:00", "2024-06-11 06:30:00", "UTC+09:00", 61),
    _cycle("2024-06-09 23:00:00", "2024-06-10 05:00:00", "UTC+09:00", 55),
    _cycle("2024-06-08 23:30:00", "2024-06-09 07:15:00", "UTC-04:00", 48),
    # US spring-forward 2024-03-10 02:00 EST → EDT
    _cycle("2024-03-10 00:30:00", "2024-03-10 08:00:00", "UTC-04:00", 42),
    _cycle("2024-03-08 23:30:00", "2024-03-09 07:00:00", "UTC-05:00", 44),
]


def test_day_assignment_follows_each_rows_offset() -> None:
    daily = read_bytes(_csv(TRAVEL), "cycles.csv").daily
    got = dict(zip(daily["date"].dt.strftime("%Y-%m-%d"), daily["hrv_rmssd_ms"], strict=True))
    assert got == {
        "2024-03-09": 44.0,
        "2024-03-10": 42.0,
        "2024-06-09": 48.0,
        "2024-06-10": 55.0,  # woke 05:00 in Tokyo = 2024-06-09 20:00 UTC
        "2024-06-11": 61.0,
    }
    tokyo = day_row(daily, "2024-06-10")
    assert tokyo["sleep_end"] == pd.Timestamp("2024-06-09 20:00:00", tz="UTC")
    dst = day_row(daily, "2024-03-10")
    assert dst["sleep_end"] == pd.Timestamp("2024-03-10 12:00:00", tz="UTC")
    assert dst["sleep_start"] == pd.Timestamp("2024-03-10 04:30:00", tz="UTC")


def test_tz_option_puts_days_on_the_athletes_home_calendar() -> None:
    res = read_bytes(_csv(TRAVEL), "cycles.csv", ReadOptions(tz=ZoneInfo("America/New_York")))
    got = dict(
        zip(res.daily["date"].dt.strftime("%Y-%m-%d"), res.daily["hrv_rmssd_ms"], strict=True)
    )
    # Tokyo wakes seen from New York: 2024-06-10 05:00 +09 is 2024-06-09 16:00 EDT, the same
    # date as the night before (07:15 EDT); both slept 420 min, so the later wake wins.
    assert got == {"2024-03-09": 44.0, "2024-03-10": 42.0, "2024-06-09": 55.0, "2024-06-10": 61.0}


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_does_not_matter(rnd: random.Random) -> None:
    rows = [*TRAVEL, _cycle("2024-06-09 23:00:00", "2024-06-10 05:00:00", "UTC+09:00", 70, 49, 300)]
    want = read_bytes(_csv(rows), "c.csv")
    rnd.shuffle(rows)
    got = read_bytes(_csv(rows), "c.csv")
    pd.testing.assert_frame_equal(got.daily, want.daily)


def test_importing_twice_changes_nothing() -> None:
    res = read_bytes(_csv(TRAVEL), "c.csv")
    once = merge([res])
    twice = merge([res, read_bytes(_csv(TRAVEL), "copy of c.csv")])
    pd.testing.assert_frame_equal(once.daily, twice.daily)
    pd.testing.assert_frame_equal(once.sessions, twice.sessions)


@pytest.mark.parametrize("name", ["workouts.csv", "physiological_cycles.csv"])
def test_real_shuffled_and_doubled(name: str) -> None:
    paths = _real(name)
    if not paths:
        shared_dir("exports", "whoop")
        pytest.skip("no such real file")
    data = paths[0].read_bytes().decode()
    header, *lines = data.splitlines()
    want = read_bytes(data.encode(), name)
    random.Random(7).shuffle(lines)
    got = read_bytes(("\n".join([header, *lines]) + "\n").encode(), name)
    pd.testing.assert_frame_equal(got.daily, want.daily)
    pd.testing.assert_frame_equal(got.sessions, want.sessions)
    pd.testing.assert_frame_equal(merge([want, got]).sessions, merge([want]).sessions)
    pd.testing.assert_frame_equal(merge([want, got]).daily, merge([want]).daily)


# --------------------------------------------------------------------------- bad input


def test_detected_by_content_not_name() -> None:
    fmt = detect(_csv(TRAVEL))
    assert fmt is not None and fmt.name == "whoop_csv"
    assert read_bytes(_csv(TRAVEL), "physiologische_zyklen_Lena.txt").daily.shape[0] == 5


def test_truncated_file_names_the_line() -> None:
    data = _csv(TRAVEL)
    cut = data[: data.rindex(b"2024-03-08 23:30:00,,UTC-05:00") + 40]
    with pytest.raises(TruncatedFileError) as info:
        read_bytes(cut, "cycles.csv")
    assert info.value.line == 6 and "cycles.csv" in info.value.message


def test_missing_required_column() -> None:
    data = _csv(TRAVEL).decode().replace("Wake onset", "Woke up").encode()
    with pytest.raises(SchemaError) as info:
        read_bytes(data, "cycles.csv")
    assert info.value.column == "Wake onset" and info.value.line == 1


def test_unreadable_cell_names_line_and_column() -> None:
    rows = list(TRAVEL)
    rows[2] = rows[2].replace(",48,", ",forty-eight,")
    with pytest.raises(SchemaError) as info:
        read_bytes(_csv(rows), "cycles.csv")
    assert (info.value.line, info.value.column) == (4, "Heart rate variability (ms)")
    assert "a number" in (info.value.expected or "")


def test_bad_offset_is_a_schema_error() -> None:
    rows = [TRAVEL[0].replace("UTC+09:00", "Asia/Tokyo")]
    with pytest.raises(SchemaError) as info:
        read_bytes(_csv(rows), "cycles.csv")
    assert info.value.column == "Cycle timezone"


def test_binary_body_behind_a_whoop_header() -> None:
    data = CYCLES_HEADER.encode() + b"\n\x00\x01\x02garbage\xff\n"
    with pytest.raises(CorruptFileError) as info:
        read_bytes(data, "cycles.csv")
    assert info.value.line == 2


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><head><title>WHOOP</title></head><body>Log in</body></html>",
        bytes(range(256)) * 4,
        b"Cycle start time;Cycle end time;Cycle timezone\n",
    ],
    ids=["html", "garbage", "semicolons"],
)
def test_not_whoop_is_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedFormatError):
        read_bytes(data, "physiological_cycles.csv")


def test_unknown_whoop_table() -> None:
    data = b"Cycle start time,Cycle end time,Cycle timezone,Mystery\n2024-01-01 00:00:00,,UTC,1\n"
    with pytest.raises(SchemaError) as info:
        read_bytes(data, "x.csv")
    assert "journal_entries" in (info.value.expected or "")


def test_header_only_is_empty() -> None:
    with pytest.raises(EmptyFileError):
        read_bytes((CYCLES_HEADER + "\n").encode(), "cycles.csv")


def test_journal_without_mapped_questions_warns() -> None:
    data = (
        b"Cycle start time,Cycle end time,Cycle timezone,Question text,Answered yes,Notes\n"
        b"2024-01-01 23:00:00,,UTC-05:00,Have any caffeine? ,true,\n"
    )
    res = read_bytes(data, "journal.csv")
    assert res.checkins.empty and "Feeling sick" in res.warnings[0].message


def test_io_roundtrip_of_csv_module_quoting() -> None:
    """A spreadsheet re-save quotes every cell and writes TRUE/FALSE: still the same values."""
    src = io.StringIO()
    writer = csv.writer(src, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CYCLES_HEADER.split(","))
    for row in TRAVEL:
        writer.writerow(row.split(","))
    got = read_bytes(src.getvalue().encode(), "c.csv").daily
    want = read_bytes(_csv(TRAVEL), "c.csv").daily
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("folder", ["theonerichy_whoop_data", "celiamorse_ml_final_project"])
def test_cycles_and_sleeps_merge_in_either_order(folder: str) -> None:
    base = shared_dir("exports", "whoop") / folder
    cycles = read_bytes(
        (base / "physiological_cycles.csv").read_bytes(), "physiological_cycles.csv"
    )
    sleeps = read_bytes((base / "sleeps.csv").read_bytes(), "sleeps.csv")
    one, other = merge([cycles, sleeps]), merge([sleeps, cycles])
    pd.testing.assert_frame_equal(one.daily, other.daily)
    assert one.daily["hrv_rmssd_ms"].notna().sum() == cycles.daily["hrv_rmssd_ms"].notna().sum()


def test_cli_reads_every_real_file_of_part_a_vendors() -> None:
    """``readiness ingest FILE... --json`` exits 0 on every real WHOOP, Oura, HRV4Training and
    intervals.icu file (one process for all, to keep the suite fast)."""
    exports = shared_dir("exports")
    files = sorted(
        str(p)
        for vendor in ("whoop", "oura", "hrv4training", "intervals_icu")
        for p in (exports / vendor).rglob("*")
        if p.is_file() and p.name != "SOURCES.md"
    )
    assert len(files) >= 12
    out = subprocess.run(
        [sys.executable, "-m", "readiness.api.cli", "ingest", *files, "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    payload = json.loads(out.stdout)
    assert {r["source"] for r in payload["daily"]} >= {"whoop", "oura", "hrv4training", "intervals"}
    assert {r["source"] for r in payload["checkins"]} >= {"whoop", "hrv4training", "intervals"}
    assert {r["source"] for r in payload["sessions"]} == {"whoop"}


def test_wrong_vendor_file_given_to_each_reader() -> None:
    """Each Part-A reader, handed another vendor's file, names the file and what it expected."""
    from readiness.ingest import IngestError
    from readiness.ingest.vendors.hrv4training import read_hrv4training
    from readiness.ingest.vendors.intervals_icu import read_intervals_wellness
    from readiness.ingest.vendors.oura_legacy import read_oura_json, read_oura_trends
    from readiness.ingest.vendors.oura_membership import read_oura_membership
    from readiness.ingest.vendors.whoop import read_whoop

    whoop = _csv(TRAVEL)
    wellness = b"\xef\xbb\xbfdate,restingHR,hrv,hrvSDNN,ctl\n2025-01-01,50,60,70,40\n"
    cases = [
        (read_whoop, wellness, SchemaError),
        (read_oura_trends, whoop, SchemaError),
        (read_hrv4training, wellness, SchemaError),
        (read_intervals_wellness, whoop, SchemaError),
        (read_oura_membership, whoop, SchemaError),
        (read_oura_json, whoop, UnsupportedFormatError),
    ]
    for reader, data, error in cases:
        with pytest.raises(IngestError) as info:
            reader(io.BytesIO(data), "export.csv", ReadOptions())
        assert isinstance(info.value, error), (reader.__name__, info.value)
        assert info.value.message.startswith("export.csv")
        assert info.value.expected, reader.__name__


def _fmt_offset(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(-12 * 4, 14 * 4).map(lambda q: q * 15),  # offset, minutes
            st.integers(-360, 360),  # wake time around 12:00 UTC, minutes
            st.integers(180, 660),  # asleep minutes
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_offset_goes_to_the_local_wake_date(nights: list[tuple[int, int, int]]) -> None:
    rows, expected = [], {}
    for i, (offset, wake_shift, asleep) in enumerate(nights):
        wake_utc = datetime(2024, 1, 1, 12, tzinfo=UTC) + timedelta(days=3 * i, minutes=wake_shift)
        local_wake = (wake_utc + timedelta(minutes=offset)).replace(tzinfo=None)
        local_onset = local_wake - timedelta(minutes=asleep + 20)
        fmt = "%Y-%m-%d %H:%M:%S"
        rows.append(
            _cycle(
                local_onset.strftime(fmt),
                local_wake.strftime(fmt),
                _fmt_offset(offset),
                hrv=30 + i,
                asleep=asleep,
            )
        )
        expected[local_wake.date().isoformat()] = (30.0 + i, pd.Timestamp(wake_utc))
    daily = read_bytes(_csv(rows[::-1]), "cycles.csv").daily
    got = {
        d.strftime("%Y-%m-%d"): (h, e)
        for d, h, e in zip(daily["date"], daily["hrv_rmssd_ms"], daily["sleep_end"], strict=True)
    }
    assert got == expected


def test_row_without_offset_is_an_error() -> None:
    rows = list(TRAVEL)
    rows[1] = rows[1].replace("UTC+09:00", "")
    with pytest.raises(SchemaError) as info:
        read_bytes(_csv(rows), "cycles.csv")
    assert (info.value.line, info.value.column) == (3, "Cycle timezone")
