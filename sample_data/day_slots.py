"""PURE: the 15-minute monitoring slots of one local day, and the daily values they give."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .night import Night
from .plan import TZ, offsets, rng
from .workout import Session

__all__ = [
    "RESP_STEP",
    "SLOT",
    "Activity",
    "Slot",
    "activity_summary",
    "day_slots",
    "local_midnight",
    "night_resp",
]

SLOT = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Slot:
    """One 15-minute monitoring interval (UTC start). ``activity`` ``sleep`` is sedentary in FIT."""

    start: datetime
    activity: str  # sleep, sedentary, walking, running, cycling, generic
    intensity: int  # 0..4
    steps: int
    heart_rate: int
    stress: int  # 0..100, or -1 / -2 sentinels (Garmin: off wrist / too much motion)
    respiration: tuple[float, ...]  # br/min every 3 min from start; -1.0 = sentinel


def local_midnight(d: date) -> datetime:
    """Local midnight of ``d`` as a UTC instant."""
    return datetime(d.year, d.month, d.day, tzinfo=TZ).astimezone(UTC)


def _asleep(t: datetime, nights: dict[date, Night], d: date) -> bool:
    for key in (d, d + timedelta(days=1)):
        n = nights.get(key)
        if n is not None and n.start <= t < n.end:
            return True
    return False


def _session_at(t: datetime, sessions: tuple[Session, ...]) -> Session | None:
    mid = t + SLOT / 2
    for s in sessions:
        if s.start <= mid < s.end:
            return s
    return None


_ACT = {
    "running": "running",
    "cycling": "cycling",
    "walking": "walking",
    "training": "fitness_equipment",
}
#: Respiration samples per slot (every 3 minutes).
RESP_STEP = timedelta(minutes=3)


def day_slots(
    seed: int,
    rest_hr: float,
    d: date,
    nights: dict[date, Night],
    sessions: dict[date, tuple[Session, ...]],
    rhr: dict[date, int],
) -> tuple[Slot, ...]:
    """The 15-minute slots of local day ``d`` (92/96/100 of them: DST days differ).

    The first slot after waking and the last before sleep are light activity (getting up,
    getting ready for bed), so the waking day is bounded by movement as a wrist sees it.
    """
    r = rng(seed, "slots", d)
    t, end = local_midnight(d), local_midnight(d + timedelta(days=1))
    todays = sessions.get(d, ())
    off = offsets(d, False, 0.0)
    base_hr = rhr.get(d, round(rest_hr))
    out: list[Slot] = []
    while t < end:
        local = t.astimezone(TZ)
        hour = local.hour + local.minute / 60
        s = _session_at(t, todays)
        night = nights[d] if local.hour < 12 else nights[d + timedelta(days=1)]
        resp = _resp(r, t, night)
        if s is not None:
            hr = s.hr_between(t, t + SLOT)
            act = _ACT[s.sport]
            cadence = {"running": 168, "walking": 118}.get(act, 0)
            steps = round(cadence * 15 * r.uniform(0.95, 1.0)) if cadence else 0
            intensity = 4 if s.kind in ("intervals", "tempo", "race") else 3
            out.append(Slot(t, act, intensity, steps, hr, -2, tuple(-1.0 for _ in resp)))
        elif _asleep(t, nights, d):
            hr = round(base_hr + 4 + r.gauss(0, 1.5))
            stress = round(max(1, 12 + off.stress * 0.5 + r.gauss(0, 3)))
            out.append(Slot(t, "sleep", 0, 0, hr, stress, resp))
        else:
            edge = _asleep(t - SLOT, nights, d) or _asleep(t + SLOT, nights, d)
            if edge or _moving(r, hour, off.desk, local.minute):
                steps = round(r.uniform(150, 420) if not off.desk else r.uniform(350, 750))
                hr = round(base_hr + 40 + r.gauss(0, 6))
                stress = -2 if r.random() < 0.5 else round(max(1, 22 + off.stress + r.gauss(0, 6)))
                out.append(Slot(t, "walking", 2, steps, hr, stress, resp))
            else:
                hr = round(base_hr + 18 + r.gauss(0, 4))
                stress = round(min(99, max(1, 28 + off.stress + r.gauss(0, 7))))
                if r.random() < 0.04:
                    stress = -1
                out.append(Slot(t, "sedentary", 0, 0, hr, stress, resp))
        t += SLOT
    return tuple(out)


def _resp(r: random.Random, t: datetime, night: Night) -> tuple[float, ...]:
    """Respiration samples every 3 min in the slot: sleeping rate inside the night, else awake."""
    out: list[float] = []
    for k in range(int(SLOT / RESP_STEP)):
        ts = t + k * RESP_STEP
        if r.random() < 0.04:
            out.append(-1.0)
        elif night.start <= ts < night.end:
            out.append(round(night.resp_target + r.gauss(0, 0.3), 2))
        else:
            out.append(round(15.5 + r.gauss(0, 0.8), 2))
    return tuple(out)


def _moving(r: random.Random, hour: float, desk: bool, minute: int) -> bool:
    """Is the athlete up and about in this awake slot (light activity)?"""
    if desk:  # deadline week: up only for commute, lunch, home and dinner
        return any(abs(hour - h) < 0.01 for h in (7.75, 12.0, 17.0, 18.5))
    if minute == 0 and 8 <= hour <= 22:  # breaks every hour
        return True
    return r.random() < 0.12


def night_resp(night: Night, slots: list[Slot]) -> float:
    vals = [
        v
        for s in slots
        for k, v in enumerate(s.respiration)
        if v > 0 and night.start <= s.start + k * RESP_STEP < night.end
    ]
    return round(sum(vals) / len(vals), 2) if vals else float("nan")


@dataclass(frozen=True, slots=True)
class Activity:
    steps: int
    active_min: float
    sedentary_min: float
    longest_sedentary_bout_min: float
    stress_avg: float


def activity_summary(slots: tuple[Slot, ...]) -> Activity:
    """Daily activity values from the slots (sleep slots are not waking time)."""
    minutes = SLOT.total_seconds() / 60
    awake = [s for s in slots if s.activity != "sleep"]
    sedentary = [s.activity == "sedentary" for s in awake]
    longest = run = 0
    for s in slots:
        if s.activity == "sedentary":
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    stress = [s.stress for s in slots if s.stress >= 0]
    return Activity(
        steps=sum(s.steps for s in slots),
        active_min=sum(not x for x in sedentary) * minutes,
        sedentary_min=sum(sedentary) * minutes,
        longest_sedentary_bout_min=longest * minutes,
        stress_avg=round(sum(stress) / max(1, len(stress)), 2),
    )
