"""The FIT extraction rules on hand-made FitMessages (no decoder involved)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from readiness.ingest.fit.extract.clock import LocalClock, monitoring_times, resolve_clock
from readiness.ingest.fit.messages import FIT_EPOCH_OFFSET, FitMessages
from readiness.ingest.options import ReadOptions
from readiness.ingest.physiology import banister_trimp, rmssd_ms


def _msgs(**messages: dict[str, object]) -> FitMessages:
    cols = {
        name: {k: np.asarray(v) for k, v in fields.items()} for name, fields in messages.items()
    }
    return FitMessages(file="t.fit", messages=cols)  # type: ignore[arg-type]


def test_timestamp_16_rolls_from_the_last_full_timestamp_of_any_message() -> None:
    base = 1_000_000_000.0  # Unix s
    low = (base - FIT_EPOCH_OFFSET) % 65536
    msgs = _msgs(
        monitoring={
            "_index": [1, 3, 5],
            "timestamp": [base, np.nan, np.nan],
            "timestamp_16": [np.nan, (low + 100) % 65536, (low + 70_000) % 65536],
        },
        # a later full timestamp in another message type moves the base
        respiration_rate={"_index": [4], "timestamp": [base + 65_000.0]},
    )
    got = monitoring_times(msgs)
    assert got[0] == base
    assert got[1] == base + 100
    # 70 000 s after base = 5 000 s after the respiration timestamp (mod 65 536)
    assert got[2] == base + 70_000


def test_timestamp_16_without_any_full_timestamp_is_missing() -> None:
    msgs = _msgs(monitoring={"_index": [0], "timestamp": [np.nan], "timestamp_16": [5.0]})
    assert np.isnan(monitoring_times(msgs)).all()


def test_local_clock_follows_dst_inside_one_file() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2024, 3, 30, 22, 30, tzinfo=UTC).timestamp()  # 23:30 CET
    after = datetime(2024, 3, 31, 22, 30, tzinfo=UTC).timestamp()  # 00:30 CEST next day
    days = LocalClock(tz=berlin).day(np.array([before, after, np.nan]))
    assert list(days[:2].astype(str)) == ["2024-03-30", "2024-04-01"]
    assert np.isnat(days[2])


def test_clock_prefers_options_then_file_offset_then_utc() -> None:
    now = 1_700_000_000.0
    with_offset = _msgs(
        activity={"_index": [9], "timestamp": [now], "local_timestamp": [now - 5 * 3600 + 7]}
    )
    clock, warns = resolve_clock(with_offset, ReadOptions())
    assert clock.offset_s == -5 * 3600 and not warns  # rounded to the quarter hour
    tz = ZoneInfo("Asia/Kolkata")
    clock, _ = resolve_clock(with_offset, ReadOptions(tz=tz))
    assert clock.tz == tz
    clock, warns = resolve_clock(_msgs(), ReadOptions())
    assert clock.offset_s == 0 and clock.tz is None and "UTC" in warns[0].message


def test_trimp_skips_pauses_and_missing_hr() -> None:
    t = np.array([0.0, 30.0, 60.0, 600.0, 630.0])
    hr = np.array([150.0, np.nan, 150.0, 150.0, 150.0])
    hrr = (150 - 60) / (190 - 60)
    per_min = hrr * 0.64 * np.exp(1.92 * hrr)
    got = banister_trimp(t, hr, hr_rest=60, hr_max=190, sex="male")
    # counted: 0→30 (HR 150) and 600→630; 30→60 starts without HR; 60→600 is a pause
    assert got == pytest.approx(per_min * 1.0)
    assert np.isnan(banister_trimp(t[:1], hr[:1], hr_rest=60, hr_max=190, sex="male"))


def test_rmssd_filters_pads_range_and_jumps() -> None:
    rr = np.array([0.80, 0.82, 0.81, 65.535, np.nan, 0.83, 1.5, 0.84, 0.85] * 10)
    clean = []
    flat = [x for x in rr if np.isfinite(x) and x < 65.5]
    for a, b in itertools.pairwise(flat):
        if 0.3 <= a <= 2 and 0.3 <= b <= 2 and abs(b - a) <= 0.2 * a:
            clean.append(b - a)
    assert rmssd_ms(rr) == pytest.approx(float(np.sqrt(np.mean(np.square(clean))) * 1000))
    assert np.isnan(rmssd_ms(np.array([0.8, 0.81, 65.535])))  # too few beats
