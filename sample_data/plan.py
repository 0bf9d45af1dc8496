"""The sample athlete's calendar: episodes, training plan, physiology offsets and check-ins.

Everything here is plain data keyed by the athlete-local date; :mod:`sample_data.story` turns it
into per-day physiology. Dates were chosen so that the story crosses the Europe/Oslo DST change
(2026-03-29, inside the stress week).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .episodes import episodes_on

__all__ = [
    "END",
    "N_DAYS",
    "RACE_START_LOCAL",
    "START",
    "TZ",
    "WALK_START_LOCAL",
    "CheckinPlan",
    "Offsets",
    "SessionPlan",
    "checkin_plan",
    "offsets",
    "rng",
    "sessions_planned",
]

TZ = ZoneInfo("Europe/Oslo")
START = date(2026, 2, 2)
N_DAYS = 120
END = START + timedelta(days=N_DAYS - 1)  # 2026-06-01

RACE_START_LOCAL = datetime(2026, 4, 18, 9, 0, tzinfo=TZ)
RACE_MINUTES = 175
WALK_START_LOCAL = datetime(2026, 3, 12, 17, 30, tzinfo=TZ)
WALK_MINUTES = 22


def rng(seed: int, purpose: str, key: object) -> random.Random:
    """A reproducible generator for one purpose and key (e.g. a date)."""
    return random.Random(f"{seed}:{purpose}:{key}")


def _in(day: date, start: tuple[int, int], end: tuple[int, int]) -> bool:
    return date(2026, *start) <= day <= date(2026, *end)


@dataclass(frozen=True, slots=True)
class Offsets:
    """Deviations from the athlete's normal physiology for one wake date."""

    ln_rmssd: float = 0.0
    rhr: float = 0.0
    resp: float = 0.0
    sleep_min: float | None = None  # total sleep target; None = normal
    bedtime_shift_min: float = 0.0
    awakenings: float = 0.0
    stress: float = 0.0  # added to all-day stress
    desk: bool = False
    noise_scale: float = 1.0


# A moderately stressful work week (guarded, not run-down): HRV ~12-16 % below normal night
# by night, RHR +3-4 bpm, ~6.5 h sleep (an hour short of the athlete's ~7.7 h need).
_STRESS_LN = (-0.08, -0.13, -0.16, -0.17, -0.17, -0.16, -0.15)
_STRESS_RHR = (2.5, 3.0, 3.5, 4.0, 4.0, 4.0, 3.5)
_STRESS_SLEEP = (395.0, 390.0, 380.0, 395.0, 385.0, 390.0, 400.0)
_ILL = {  # wake date -> (ln_rmssd, rhr, resp)
    date(2026, 5, 14): (-0.22, 7.0, 2.2),
    date(2026, 5, 15): (-0.30, 8.0, 2.4),
    date(2026, 5, 16): (-0.27, 7.0, 2.1),
    date(2026, 5, 17): (-0.18, 6.0, 1.6),
    date(2026, 5, 18): (-0.08, 3.0, 0.6),
    date(2026, 5, 19): (-0.03, 1.0, 0.2),
}


def offsets(day: date, hard_yesterday: bool, load_yesterday: float) -> Offsets:
    """Physiology offsets for the night ending on ``day`` (the wake date)."""
    stress_start = date(2026, 3, 23)
    k = (day - stress_start).days
    if 0 <= k < 7:
        return Offsets(
            ln_rmssd=_STRESS_LN[k],
            rhr=_STRESS_RHR[k],
            sleep_min=_STRESS_SLEEP[k],
            bedtime_shift_min=20.0,  # asleep ~23:20 (never after 23:45), awake ~06:20
            stress=20.0,  # Garmin all-day stress up, not maxed
            noise_scale=0.4,
        )
    if k in (7, 8):  # rebound after the stress week
        return Offsets(ln_rmssd=(-0.08, -0.03)[k - 7], rhr=(2.0, 1.0)[k - 7], noise_scale=0.5)
    if day in _ILL:
        ln, rhr, resp = _ILL[day]
        ill = day <= date(2026, 5, 17)
        return Offsets(
            ln_rmssd=ln,
            rhr=rhr,
            resp=resp,
            sleep_min=500.0 if ill else None,
            awakenings=3.0 if ill else 0.0,
            stress=12.0 if ill else 0.0,
            noise_scale=0.3,
        )
    if day == date(2026, 4, 19):  # night after the race
        return Offsets(ln_rmssd=-0.07, rhr=2.0, noise_scale=0.3)
    if day == date(2026, 4, 20):
        return Offsets(ln_rmssd=-0.02, rhr=1.0, noise_scale=0.3)
    desk = _in(day, (3, 9), (3, 15))
    if desk:
        return Offsets(desk=True, noise_scale=0.5)
    ln = -0.05 if hard_yesterday else 0.0
    return Offsets(ln_rmssd=ln, rhr=1.0 if load_yesterday > 150 else 0.0)


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """A planned workout: its kind (HR profile), sport, local start and length."""

    kind: str  # easy, tempo, intervals, long, race, bike, strength, walk
    start_local: datetime
    minutes: int


_SPORT = {
    "easy": "running",
    "tempo": "running",
    "intervals": "running",
    "long": "running",
    "race": "running",
    "bike": "cycling",
    "strength": "training",
    "walk": "walking",
}


def sport_of(kind: str) -> str:
    """The FIT sport of a session kind."""
    return _SPORT[kind]


# weekday -> (kind, hh:mm, base minutes); Monday rest
_WEEK = {
    1: ("intervals", (18, 0), 60),
    2: ("easy", (7, 0), 45),
    3: ("tempo", (18, 0), 55),
    4: ("strength", (17, 30), 40),
    5: ("long", (9, 0), 95),
    6: ("bike", (10, 0), 70),
}


def _at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ)


def sessions_planned(day: date) -> list[SessionPlan]:
    """The workouts of ``day`` (local start times)."""
    wd = day.weekday()
    if _in(day, (3, 9), (3, 15)):  # desk week: only the Thursday walk
        return (
            [SessionPlan("walk", WALK_START_LOCAL, WALK_MINUTES)]
            if day == date(2026, 3, 12)
            else []
        )
    if _in(day, (3, 23), (3, 29)):  # stress week: easy only
        easy = {1: 35, 3: 35, 5: 50}
        return [SessionPlan("easy", _at(day, 18, 30), easy[wd])] if wd in easy else []
    if day == RACE_START_LOCAL.date():
        return [SessionPlan("race", RACE_START_LOCAL, RACE_MINUTES)]
    if _in(day, (4, 13), (4, 17)):  # taper
        taper = {1: ("intervals", 40), 3: ("easy", 30)}
        if wd in taper:
            kind, mins = taper[wd]
            return [SessionPlan(kind, _at(day, 18, 0), mins)]
        return []
    if _in(day, (4, 19), (4, 20)) or _in(day, (5, 13), (5, 17)):
        return []  # post-race rest; illness (and the day before it)
    if day == date(2026, 4, 21):
        return [SessionPlan("easy", _at(day, 18, 0), 30)]
    knee = _in(day, (4, 28), (4, 30)) or _in(day, (5, 9), (5, 12)) or day >= date(2026, 5, 26)
    recovering = _in(day, (5, 18), (5, 20)) or _in(day, (4, 22), (4, 26))
    if wd not in _WEEK:
        return []
    kind, (hh, mm), base = _WEEK[wd]
    week = (day - START).days // 7
    minutes = base
    if day < date(2026, 3, 9):
        minutes = round(base * (1 + 0.06 * min(week, 4)))
    if recovering:
        kind, minutes = ("easy", 35) if kind in ("intervals", "tempo", "long") else (kind, 40)
    if knee and sport_of(kind) == "running":
        kind, minutes = "bike", min(minutes, 60)
    if kind == "long" and day == date(2026, 4, 25):
        minutes = 70
    return [SessionPlan(kind, _at(day, hh, mm), minutes)]


@dataclass(frozen=True, slots=True)
class CheckinPlan:
    """One day's check-in (1-5 scales; ``sick`` yes/no)."""

    soreness: int
    stress: int
    stiffness: int
    pain: int
    pain_site: str
    sick: bool
    fatigue: int
    mood: int
    sleep_quality: int


_KNEE = {
    date(2026, 4, 28): 3,
    date(2026, 4, 29): 3,
    date(2026, 4, 30): 2,
    date(2026, 5, 9): 3,
    date(2026, 5, 10): 3,
    date(2026, 5, 11): 3,
    date(2026, 5, 12): 2,
    date(2026, 5, 26): 3,
    date(2026, 5, 27): 4,
    date(2026, 5, 28): 4,
    date(2026, 5, 29): 4,
    date(2026, 5, 30): 3,
    date(2026, 5, 31): 2,
    date(2026, 6, 1): 2,
}
_DESK_STIFF = (3, 4, 4, 4, 4, 4, 3)
_STRESS_CHECK = (4, 4, 4, 4, 4, 4, 4)
_DOMS = {date(2026, 4, 19): 5, date(2026, 4, 20): 4, date(2026, 4, 21): 3, date(2026, 4, 22): 2}


def checkin_plan(day: date, hard_yesterday: bool, skip: bool) -> CheckinPlan | None:
    """The check-in of ``day``; ``None`` on a skipped ordinary day (``skip``)."""
    marked = bool(episodes_on(day)) and "build_block" not in episodes_on(day)
    special = (
        day in _KNEE or day in _DOMS or _in(day, (3, 9), (3, 31)) or _in(day, (5, 13), (5, 20))
    )
    if skip and not marked and not special:
        return None
    soreness, stress, stiff, fatigue, mood, sq = (2 if hard_yesterday else 1), 2, 2, 2, 4, 4
    if _in(day, (3, 9), (3, 15)):
        stiff, soreness, stress = _DESK_STIFF[(day - date(2026, 3, 9)).days], 1, 2
    k = (day - date(2026, 3, 23)).days
    if 0 <= k < 7:
        stress, fatigue, mood, sq, stiff = _STRESS_CHECK[k], 3, 2, 2, 3
    if day in _DOMS:
        soreness, fatigue = _DOMS[day], 3 if _DOMS[day] >= 4 else 2
    sick = _in(day, (5, 14), (5, 17))
    if sick:
        fatigue, mood, sq, soreness = 4, 2, 2, 2
    pain = _KNEE.get(day, 1)
    return CheckinPlan(
        soreness=soreness,
        stress=stress,
        stiffness=stiff,
        pain=pain,
        pain_site="left knee" if pain > 1 else "",
        sick=sick,
        fatigue=fatigue,
        mood=mood,
        sleep_quality=sq,
    )
