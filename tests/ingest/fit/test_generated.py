"""FIT reading on files the tests build with known values (tests/ingest/fit/builders.py)."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from readiness.ingest.fit.extract.clock import monitoring_times
from readiness.ingest.fit.reading import (
    available_backends,
    decode_fit,
    extract,
    read_fit,
)
from readiness.ingest.options import ReadOptions
from readiness.ingest.physiology import DEFAULT_HR_MAX_BPM, DEFAULT_HR_REST_BPM, AthleteProfile
from readiness.ingest.result import IngestResult

from tests.ingest.fit.builders import (
    Activity,
    MonitoringDay,
    developer_field_activity,
    fit_s,
    hrv_status_file,
    sleep_file,
)

BACKENDS = available_backends()


def _read(data: bytes, backend: str, options: ReadOptions | None = None) -> IngestResult:
    return extract(decode_fit(data, "made.fit", backend), options or ReadOptions())


def _unix(*args: int, tz: ZoneInfo | None = None) -> float:
    return datetime(*args, tzinfo=tz or UTC).timestamp()  # type: ignore[misc]


# --- independent re-statements of the documented rules (plain Python loops) -------------------


def banister(
    records: list[tuple[float, int | None]], rest: float, hmax: float, sex: str | None
) -> float:
    k, b = {"male": (0.64, 1.92), "female": (0.86, 1.67), None: (0.7252, 1.795)}[sex]
    total = 0.0
    for (t0, hr0), (t1, _) in itertools.pairwise(records):
        dt = t1 - t0
        if hr0 is None or dt <= 0 or dt > 60:
            continue
        hrr = min(max((hr0 - rest) / (hmax - rest), 0.0), 1.0)
        total += dt / 60.0 * hrr * k * math.exp(b * hrr)
    return total


def rmssd(rr: list[float]) -> float:
    diffs = []
    for a, b in itertools.pairwise(rr):
        if 0.3 <= a <= 2.0 and 0.3 <= b <= 2.0 and abs(b - a) <= 0.2 * a:
            diffs.append((b - a) ** 2)
    return math.sqrt(sum(diffs) / len(diffs)) * 1000.0


# --- activity -------------------------------------------------------------------------------


def _activity(**kw: object) -> Activity:
    start = _unix(2024, 5, 4, 6, 30)
    records: list[tuple[float, int | None]] = []
    for i in range(1200):
        hr: int | None = 110 + (i % 300) // 5
        if i % 97 == 0:
            hr = None  # sensor dropout: 0xFF
        records.append((start + i, hr))
    # a 5-minute pause, then 600 s more
    for i in range(600):
        records.append((start + 1500 + i, 150 + (i % 20)))
    rng = np.random.default_rng(7)
    rr = list(np.round(0.45 + 0.02 * rng.standard_normal(240), 3))
    rr[50] = 1.2  # ectopic: two artefact differences
    rr[120] = 2.4  # out of range
    rr[121] = 0.25  # out of range
    base: dict[str, object] = {
        "start": start,
        "records": records,
        "rr_s": rr,
        "training_load_peak": 143.5,
        "training_stress_score": 88.0,
        "profile": (48, 188, "female"),
        "local_offset_s": 7200,
        "avg_hr": 141,
        "max_hr": 176,
    }
    base.update(kw)
    return Activity(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
def test_activity_session_trimp_and_rmssd(backend: str) -> None:
    act = _activity()
    res = _read(act.build(), backend)
    assert len(res.sessions) == 1
    row = res.sessions.iloc[0]
    assert row["start"] == pd.Timestamp(act.start, unit="s", tz="UTC")
    assert row["end"] == pd.Timestamp(act.end, unit="s", tz="UTC")
    assert row["date"] == pd.Timestamp("2024-05-04")
    assert row["sport"] == "running"
    assert row["duration_s"] == pytest.approx(act.end - act.start)
    assert row["avg_hr_bpm"] == 141 and row["max_hr_bpm"] == 176
    assert row["vendor_load"] == pytest.approx(143.5, abs=1e-4)  # training_load_peak wins
    expected = banister(list(act.records), 48, 188, "female")
    assert row["trimp"] == pytest.approx(expected, rel=1e-9)
    assert row["rmssd_ms"] == pytest.approx(rmssd(list(act.rr_s)), rel=1e-9)
    assert row["source"] == "fit" and row["device"] == "garmin fenix6s_sport"
    assert not any("TRIMP" in w.message for w in res.warnings)
    assert res.daily.empty  # exercise RR never becomes the nightly HRV


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("elapsed", "timer", "expected"),
    [
        (1_000_000.0, 1500.0, 1500.0),  # elapsed past the 7-day range: the timer time is kept
        (2000.0, 1500.0, 2000.0),  # both valid: elapsed (pauses included) wins
        (1_000_000.0, 900_000.0, None),  # neither valid: no duration, with a warning
    ],
)
def test_session_duration_falls_back_to_a_valid_timer_time(
    backend: str, elapsed: float, timer: float, expected: float | None
) -> None:
    act = _activity(elapsed_s=elapsed, timer_s=timer)
    res = _read(act.build(), backend)
    row = res.sessions.iloc[0]
    dropped = [w for w in res.warnings if w.column == "duration_s"]
    if expected is None:
        assert pd.isna(row["duration_s"]) and len(dropped) == 1
        return
    assert row["duration_s"] == pytest.approx(expected)
    assert row["start"] == pd.Timestamp(act.start, unit="s", tz="UTC")
    assert row["end"] == pd.Timestamp(act.start + expected, unit="s", tz="UTC")
    assert not dropped


@pytest.mark.parametrize("backend", BACKENDS)
def test_activity_options_override_file_profile(backend: str) -> None:
    act = _activity()
    res = _read(
        act.build(),
        backend,
        ReadOptions(profile=AthleteProfile(hr_rest=55, hr_max=200, sex="male")),
    )
    expected = banister(list(act.records), 55, 200, "male")
    assert res.sessions.iloc[0]["trimp"] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("backend", BACKENDS)
def test_activity_defaults_are_used_and_named(backend: str) -> None:
    act = _activity(profile=None, training_load_peak=None, maker="wahoo_fitness")
    res = _read(act.build(), backend)
    row = res.sessions.iloc[0]
    expected = banister(list(act.records), DEFAULT_HR_REST_BPM, DEFAULT_HR_MAX_BPM, None)
    assert row["trimp"] == pytest.approx(expected, rel=1e-9)
    assert row["vendor_load"] == pytest.approx(88.0)  # no training_load_peak: TSS
    assert row["device"] == "wahoo_fitness 28"
    (warn,) = [w for w in res.warnings if w.column == "trimp"]
    assert "resting HR 60" in warn.message and "max HR 180" in warn.message
    assert "sex-neutral" in warn.message


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_sessions_split_records_and_rr(backend: str) -> None:
    start = _unix(2024, 5, 4, 6, 30)
    records = [(start + i, 120) for i in range(600)] + [(start + 900 + i, 160) for i in range(600)]
    sessions = [(start, start + 599, "running"), (start + 900, start + 1499, "cycling")]
    data = Activity(
        start=start, records=records, sessions=sessions, profile=(50, 190, "male")
    ).build()
    res = _read(data, backend)
    assert list(res.sessions["sport"]) == ["running", "cycling"]
    second = res.sessions.iloc[1]
    assert second["trimp"] == pytest.approx(banister(records[600:], 50, 190, "male"))
    assert second["avg_hr_bpm"] == pytest.approx(160)


# --- monitoring -----------------------------------------------------------------------------

SED, WALK, RUN = 8, 6, 1


def _monitoring_start() -> float:
    """A local (UTC+2) midnight whose FIT time wraps the 16-bit counter between minutes 431–599."""
    for day in range(1, 31):
        start = _unix(2024, 6, day) - 7200
        wrap_minute = (65536 - fit_s(start) % 65536) / 60.0
        if 440 < wrap_minute < 590:
            return start
    raise AssertionError("no suitable day")


def _monitoring() -> MonitoringDay:
    states = [
        (0, SED, 0, None, None),
        (420, WALK, 2, 500.0, 600.0),
        (430, SED, 5, None, None),
        (600, WALK, 3, 1500.0, 1500.0),
        (615, SED, 4, None, None),
        (1000, RUN, 6, 2000.0, 1800.0),
        (1030, SED, 4, None, None),
    ]
    stress = [(m, [20, 35, -1, 50, -2, 41][m // 3 % 6]) for m in range(0, 1440, 3)]
    resp = [(m, [14.5, -1.0, 15.25, 13.0][m // 2 % 4]) for m in range(0, 480, 2)]
    return MonitoringDay(
        start=_monitoring_start(),
        local_offset_s=7200,
        states=states,
        hr=[(m, 50 + m % 30) for m in range(0, 1440, 10)],
        stress=stress,
        respiration=resp,
        rhr=(47, 52),
        summary=[("walking", 1600.0, 1600.0), ("running", 2100.0, 1900.0)],
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_monitoring_day(backend: str) -> None:
    mon = _monitoring()
    data = mon.build()
    msgs = decode_fit(data, "m.fit", backend)
    # timestamp_16 rolled forward across the 16-bit wrap: the walking minutes land where written
    times = monitoring_times(msgs)
    box = msgs.messages["monitoring"]["current_activity_type_intensity"]
    walk_times = sorted(times[np.isin(np.nan_to_num(box).astype(int) & 0x1F, [WALK, RUN])])
    assert walk_times == [mon.start + 60 * m for m in (420, 600, 1000)]
    assert np.isfinite(times).all()

    res = extract(msgs, ReadOptions())
    assert len(res.daily) == 1
    day = res.daily.iloc[0]
    local_date = datetime.fromtimestamp(mon.start + 7200, tz=UTC).date()
    assert day["date"] == pd.Timestamp(local_date)
    assert day["resting_hr_bpm"] == 47  # current-day RHR, stamped next midnight → this day
    assert day["steps"] == 2 * (1600 + 2100)  # steps subfield: 2 × contract cycles
    assert day["active_min"] == pytest.approx((1600 + 1900) / 60)
    # waking span 420..1029: sedentary 430–599 and 615–999
    assert day["sedentary_min"] == (600 - 430) + (1000 - 615)
    assert day["longest_sedentary_bout_min"] == 1000 - 615
    valid = [v for _, v in mon.stress if v >= 0]
    assert day["stress_avg"] == pytest.approx(sum(valid) / len(valid))
    night = [v for m, v in mon.respiration if v > 0 and m < 360]
    assert day["respiratory_rate_bpm"] == pytest.approx(sum(night) / len(night))
    assert day["device"] == "garmin fenix6s_sport"


# --- sleep and HRV status -------------------------------------------------------------------

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize("backend", BACKENDS)
def test_sleep_night_goes_to_the_local_wake_date(backend: str) -> None:
    bed = _unix(2024, 2, 9, 23, 10, tz=TOKYO)  # 14:10 UTC on the 9th
    plan = [("light", 25), ("deep", 70), ("awake", 6), ("rem", 40), ("light", 95), ("deep", 30)]
    plan += [("rem", 50), ("light", 60), ("awake", 12), ("light", 20)]
    stages: list[tuple[float, str]] = []
    t = bed
    for level, minutes in plan:
        stages.append((t, level))
        t += minutes * 60
    stages.append((t, "awake"))  # closes the night
    res = _read(sleep_file(stages, 84), backend, ReadOptions(tz=TOKYO))
    (row,) = res.daily.to_dict("records")
    assert row["date"] == pd.Timestamp("2024-02-10")  # local wake date, not the UTC date
    asleep = sum(m for lv, m in plan if lv in ("light", "deep", "rem"))
    in_bed = sum(m for _, m in plan)
    assert row["sleep_total_min"] == asleep
    assert row["sleep_in_bed_min"] == in_bed
    assert row["sleep_deep_min"] == 100 and row["sleep_rem_min"] == 90
    assert row["sleep_efficiency_pct"] == pytest.approx(100 * asleep / in_bed)
    assert row["sleep_score"] == 84
    assert row["sleep_start"] == pd.Timestamp(bed, unit="s", tz="UTC")
    assert row["sleep_end"] == pd.Timestamp(t, unit="s", tz="UTC")

    utc_days = _read(sleep_file(stages, 84), backend)
    assert utc_days.daily.iloc[0]["date"] == pd.Timestamp("2024-02-09")
    assert any("UTC" in w.message for w in utc_days.warnings)


@pytest.mark.parametrize("backend", BACKENDS)
def test_hrv_status_is_nocturnal_rmssd_of_the_wake_date(backend: str) -> None:
    woke = _unix(2024, 2, 10, 6, 45, tz=TOKYO)
    data = hrv_status_file(woke, 47.5, 52.25, [40.0, 55.5, 61.0, 44.25])
    res = _read(data, backend, ReadOptions(tz=TOKYO))
    (row,) = res.daily.to_dict("records")
    assert row["date"] == pd.Timestamp("2024-02-10")
    assert row["hrv_rmssd_ms"] == 47.5 and row["hrv_context"] == "nocturnal"
    assert res.sessions.empty


def test_read_fit_through_the_registry() -> None:
    import io

    from readiness.ingest.reader import read_bytes

    data = _activity().build()
    via_registry = read_bytes(data, "a.fit")
    direct = read_fit(io.BytesIO(data), "a.fit", ReadOptions())
    pd.testing.assert_frame_equal(via_registry.sessions, direct.sessions)


@pytest.mark.parametrize("backend", BACKENDS)
def test_developer_fields_are_stepped_over(backend: str) -> None:
    start = _unix(2024, 7, 1, 17)
    hr = [100 + i % 60 for i in range(300)]
    msgs = decode_fit(developer_field_activity(start, hr), "dev.fit", backend)
    assert list(msgs.messages["record"]["heart_rate"]) == hr
    res = extract(msgs, ReadOptions(profile=AthleteProfile(hr_rest=50, hr_max=190, sex="male")))
    row = res.sessions.iloc[0]
    assert row["sport"] == "cycling" and row["device"] == "development 28"
    assert row["avg_hr_bpm"] == pytest.approx(sum(hr) / len(hr))  # no session avg: from records
    records: list[tuple[float, int | None]] = [(start + i, h) for i, h in enumerate(hr)]
    assert row["trimp"] == pytest.approx(banister(records, 50, 190, "male"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_last_state_of_a_partial_monitoring_file_is_counted(backend: str) -> None:
    """A file that ends on a walk (no midnight summary): that walk still counts, to midnight."""
    start = _monitoring_start()
    states = [
        (0, SED, 0, None, None),
        (600, WALK, 3, 100.0, 100.0),
        (615, SED, 4, None, None),
        (1425, WALK, 3, 200.0, 200.0),
    ]
    mon = MonitoringDay(
        start=start,
        local_offset_s=7200,
        states=states,
        hr=[(m, 60) for m in range(0, 1420, 10)],
        stress=[],
        respiration=[],
        rhr=(47, 52),
        summary=[],
    )
    res = extract(decode_fit(mon.build(), "partial.fit", backend), ReadOptions())
    day = res.daily.iloc[0]
    # The waking span runs to the last walk, so the long sit before it is counted.
    assert day["sedentary_min"] == 1425 - 615
    assert day["longest_sedentary_bout_min"] == 1425 - 615
    assert len(res.daily) == 1  # nothing spills into the next day
