"""PURE: one night of the sample athlete — sleep stages, nightly HRV and Garmin's HRV status."""

from __future__ import annotations

import itertools
import random
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .plan import TZ, Offsets

__all__ = ["Night", "make_night"]


@dataclass(frozen=True, slots=True)
class Night:
    """The main sleep ending on ``wake_date`` (instants UTC) and its nightly HRV.

    ``stages`` are (start, level) pairs at each stage change; the last pair is the wake-up
    marker at ``end``. ``rmssd_5min`` holds the 5-minute values (every 5 min from ``start``);
    their mean is exactly ``rmssd_ms``.
    """

    wake_date: date
    start: datetime
    end: datetime
    stages: tuple[tuple[datetime, str], ...]
    total_min: float
    deep_min: float
    rem_min: float
    light_min: float
    awake_min: float
    in_bed_min: float
    score: int
    avg_stress: float
    rmssd_ms: int
    rmssd_5min: tuple[int, ...]
    weekly_avg: int
    baseline: tuple[int, int, int] | None  # low_upper, balanced_lower, balanced_upper (ms)
    status: str  # none, low, unbalanced, balanced
    resp_target: float


def make_night(
    seed: int,
    wake: date,
    sleep_need: float,
    off: Offsets,
    rmssd: int,
    history: list[int],
    rhr: int,
    resp_base: float,
) -> Night:
    """Build the night ending on ``wake`` (``history``: earlier nights' RMSSD, oldest first)."""
    del rhr
    r = random.Random(f"{seed}:sleep:{wake}")
    target = off.sleep_min if off.sleep_min is not None else sleep_need + r.gauss(0, 22)
    prev = wake - timedelta(days=1)
    onset_local = datetime(prev.year, prev.month, prev.day, 23, 0, tzinfo=TZ) + timedelta(
        minutes=round(max(-25.0, min(25.0, r.gauss(0, 15))) + off.bedtime_shift_min)
    )
    start = onset_local.astimezone(UTC)
    stages, asleep = _stages(r, start, round(target), off.awakenings)
    end = stages[-1][0]
    minutes = _minutes_by_level(stages)
    in_bed = (end - start).total_seconds() / 60
    values = _five_min(r, rmssd, int(in_bed // 5))
    week = [*history[-6:], rmssd]
    weekly = round(sum(week) / len(week))
    baseline, status = _status(history, weekly)
    eff = 100 * asleep / in_bed
    score = round(
        max(30, min(98, 45 + 40 * min(1.0, asleep / 480) + 0.6 * (eff - 85) - off.stress * 0.3))
    )
    return Night(
        wake_date=wake,
        start=start,
        end=end,
        stages=tuple(stages),
        total_min=float(asleep),
        deep_min=minutes["deep"],
        rem_min=minutes["rem"],
        light_min=minutes["light"],
        awake_min=minutes["awake"],
        in_bed_min=in_bed,
        score=score,
        avg_stress=round(12 + off.stress * 0.5 + r.uniform(-2, 2), 2),
        rmssd_ms=rmssd,
        rmssd_5min=values,
        weekly_avg=weekly,
        baseline=baseline,
        status=status,
        resp_target=resp_base + off.resp,
    )


def _stages(
    r: random.Random, start: datetime, target: int, awakenings: float
) -> tuple[list[tuple[datetime, str]], int]:
    """Sleep cycles of ~90 min until ``target`` minutes asleep; returns stages and minutes."""
    out: list[tuple[datetime, str]] = []
    t = start
    asleep = 0
    cycle = 0
    wake_p = 0.45 + 0.15 * awakenings
    out.append((t, "awake"))  # sleep latency
    t += timedelta(minutes=round(r.uniform(4, 14)))
    while asleep < target:
        deep = max(0, round((32 - 8 * cycle) * r.uniform(0.7, 1.2)))
        rem = round((10 + 6 * cycle) * r.uniform(0.8, 1.2))
        plan = [
            ("light", round(r.uniform(15, 30))),
            ("deep", deep),
            ("light", round(r.uniform(8, 15))),
            ("rem", rem),
        ]
        if cycle > 0 and r.random() < wake_p:
            plan.insert(0, ("awake", round(r.uniform(3, 12 + 4 * awakenings))))
        for level, mins in plan:
            if mins <= 0:
                continue
            if level != "awake":
                mins = min(mins, target - asleep)
                if mins <= 0:
                    break
                asleep += mins
            if out and out[-1][1] == level:
                t += timedelta(minutes=mins)
                continue
            out.append((t, level))
            t += timedelta(minutes=mins)
        cycle += 1
    out.append((t, "awake"))  # wake-up marker at the end of the sleep
    return out, asleep


def _minutes_by_level(stages: list[tuple[datetime, str]]) -> dict[str, float]:
    acc = {"awake": 0.0, "light": 0.0, "deep": 0.0, "rem": 0.0}
    for (t0, level), (t1, _) in itertools.pairwise(stages):
        acc[level] += (t1 - t0).total_seconds() / 60
    return acc


def _five_min(r: random.Random, mean: int, n: int) -> tuple[int, ...]:
    """``n`` 5-minute RMSSD values whose mean is exactly ``mean`` (integers, ms)."""
    n = max(n, 12)
    raw = [max(8.0, mean * (1.15 - 0.3 * i / n) * r.lognormvariate(0, 0.22)) for i in range(n)]
    scale = mean / (sum(raw) / n)
    vals = [max(8, round(v * scale)) for v in raw]
    diff = mean * n - sum(vals)
    i = 0
    while diff != 0:
        step = 1 if diff > 0 else -1
        j = i % n
        if vals[j] + step >= 8:
            vals[j] += step
            diff -= step
        i += 1
    return tuple(vals)


def _status(history: list[int], weekly: int) -> tuple[tuple[int, int, int] | None, str]:
    """Garmin-like HRV status: no baseline before 19 nights; then a balanced band."""
    if len(history) < 19:
        return None, "none"
    recent = history[-60:]
    mu, sd = statistics.fmean(recent), statistics.pstdev(recent)
    lower, upper = round(mu - 0.6 * sd), round(mu + 0.6 * sd)
    low_upper = round(mu - 1.5 * sd)
    if weekly < low_upper:
        status = "low"
    elif lower <= weekly <= upper:
        status = "balanced"
    else:
        status = "unbalanced"
    return (low_upper, lower, upper), status
