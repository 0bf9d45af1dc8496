"""PURE: the sample athlete's scripted story as data (no files are written here).

``build_story(seed=...)`` gives, for each of the 120 athlete-local days, the physiology the FIT
files will carry (night, 15-minute monitoring slots, workouts with 5-s heart rate and RR
intervals, check-in) and the three schema frames (``daily``, ``sessions``, ``checkins``) passed
through :func:`readiness.ingest.schema.tables.normalize`: exactly what a correct reader should
give back from the generated files (within rounding), so scenario tests can use them directly.

Every random draw comes from :class:`random.Random` seeded with ``f"{seed}:{purpose}:{key}"``,
so the story is identical on every machine and one part can change without shifting the rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

import pandas as pd
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    normalize,
)

from .day_slots import Slot, activity_summary, day_slots, night_resp
from .episodes import EPISODES, EpisodePlan
from .night import Night, make_night
from .plan import (
    N_DAYS,
    START,
    TZ,
    CheckinPlan,
    checkin_plan,
    offsets,
    rng,
    sessions_planned,
)
from .workout import Session, make_session

__all__ = ["DEFAULT_SEED", "Athlete", "Day", "Episode", "Slot", "Story", "build_story"]

DEFAULT_SEED = 20260202


@dataclass(frozen=True, slots=True)
class Athlete:
    """Who the story is about (the profile the files and the manifest carry)."""

    name: str = "Ingrid Sample"
    timezone: str = "Europe/Oslo"
    hr_rest: float = 48.0
    hr_max: float = 190.0
    sex: Literal["male", "female"] = "female"
    rmssd_ms: float = 65.0
    rhr_bpm: float = 48.0
    sleep_min: float = 450.0
    resp_rate: float = 14.0
    device: str = "garmin fenix (synthetic)"


@dataclass(frozen=True, slots=True)
class Day:
    """One athlete-local date: the night ending on it, its slots, workouts and check-in."""

    date: date
    night: Night
    rhr: int
    rhr_7d: int
    slots: tuple[Slot, ...]
    sessions: tuple[Session, ...]
    checkin: CheckinPlan | None
    episodes: tuple[str, ...]
    steps: int
    active_min: float
    sedentary_min: float
    longest_sedentary_bout_min: float
    stress_avg: float
    resp_rate: float


@dataclass(frozen=True, slots=True)
class Episode:
    """A story episode: dates, the expected call, and the instants to evaluate it at."""

    name: str
    start: date
    end: date
    expected_action: str | None
    acceptable: tuple[str, ...]
    evaluate_rule: str
    evaluate_at: tuple[datetime, ...]  # aware, Europe/Oslo
    description: str
    expected_confidence: str | None = None


@dataclass(frozen=True, eq=False)
class Story:
    """The whole story: athlete, days, episodes and the schema frames."""

    seed: int
    athlete: Athlete
    days: tuple[Day, ...]
    episodes: tuple[Episode, ...]
    daily: pd.DataFrame = field(repr=False)
    sessions: pd.DataFrame = field(repr=False)
    checkins: pd.DataFrame = field(repr=False)

    def day(self, d: date) -> Day:
        """The :class:`Day` of a local date."""
        return self.days[(d - self.days[0].date).days]

    def episode(self, name: str) -> Episode:
        """The episode called ``name``."""
        for e in self.episodes:
            if e.name == name:
                return e
        raise KeyError(name)


def build_story(seed: int = DEFAULT_SEED, n_days: int = N_DAYS) -> Story:
    """Build the deterministic story (see module docstring); ``n_days`` longer than the sample's
    120 continues the plain training weeks after the last episode (benchmark inputs)."""
    ath = Athlete()
    dates = [START + timedelta(days=i) for i in range(n_days)]
    sessions = {d: _sessions(seed, ath, d) for d in [*dates, dates[-1] + timedelta(days=1)]}
    nights: dict[date, Night] = {}
    rhr: dict[date, int] = {}
    history: list[int] = []
    for d in [*dates, dates[-1] + timedelta(days=1)]:
        prev = sessions.get(d - timedelta(days=1), ())
        hard = any(s.kind in ("intervals", "tempo", "long", "race") for s in prev)
        load = sum(s.trimp for s in prev)
        off = offsets(d, hard, load)
        r = rng(seed, "night", d)
        noise = max(-2.0, min(2.0, r.gauss(0.0, 1.0))) * off.noise_scale
        ln = math.log(ath.rmssd_ms) + off.ln_rmssd + 0.08 * noise
        rmssd = round(math.exp(ln))
        rhr[d] = round(
            ath.rhr_bpm + off.rhr + max(-2.0, min(2.0, r.gauss(0, 1.0))) * off.noise_scale
        )
        nights[d] = make_night(seed, d, ath.sleep_min, off, rmssd, history, rhr[d], ath.resp_rate)
        history.append(rmssd)
    slots_of = {d: day_slots(seed, ath.rhr_bpm, d, nights, sessions, rhr) for d in dates}
    days: list[Day] = []
    for i, d in enumerate(dates):
        slots = slots_of[d]
        nightly = night_resp(nights[d], [*slots_of.get(d - timedelta(days=1), ()), *slots])
        prev = sessions.get(d - timedelta(days=1), ())
        hard = any(s.kind in ("intervals", "tempo", "long", "race") for s in prev)
        skip = i >= 10 and rng(seed, "skip", d).random() < 0.12
        act = activity_summary(slots)
        window = [rhr[d - timedelta(days=k)] for k in range(7) if d - timedelta(days=k) in rhr]
        days.append(
            Day(
                date=d,
                night=nights[d],
                rhr=rhr[d],
                rhr_7d=round(sum(window) / len(window)),
                slots=slots,
                sessions=sessions[d],
                checkin=checkin_plan(d, hard, skip),
                episodes=tuple(e.name for e in EPISODES if e.start <= d <= e.end),
                resp_rate=nightly,
                steps=act.steps,
                active_min=act.active_min,
                sedentary_min=act.sedentary_min,
                longest_sedentary_bout_min=act.longest_sedentary_bout_min,
                stress_avg=act.stress_avg,
            )
        )
    episodes = tuple(_episode(p, sessions) for p in EPISODES)
    return Story(
        seed=seed,
        athlete=ath,
        days=tuple(days),
        episodes=episodes,
        daily=_daily_frame(ath, days),
        sessions=_sessions_frame(ath, days),
        checkins=_checkins_frame(days),
    )


def _sessions(seed: int, ath: Athlete, d: date) -> tuple[Session, ...]:
    return tuple(
        make_session(seed, p, ath.hr_rest, ath.hr_max, ath.sex) for p in sessions_planned(d)
    )


def _episode(p: EpisodePlan, sessions: dict[date, tuple[Session, ...]]) -> Episode:
    """Resolve an episode plan's evaluation rule into instants (walk/race end + minutes)."""
    instants: list[datetime] = []
    d = p.start
    while d <= p.end:
        instants += [datetime.combine(d, t, tzinfo=TZ) for t in p.local_times]
        d += timedelta(days=1)
    for anchor, minutes in p.instants_minutes_after:
        kind = "walk" if anchor == "walk_end" else "race"
        end = next(s.end for ss in sessions.values() for s in ss if s.kind == kind)
        instants.append((end + timedelta(minutes=minutes)).astimezone(TZ))
    return Episode(
        name=p.name,
        start=p.start,
        end=p.end,
        expected_action=p.expected_action,
        acceptable=p.acceptable,
        evaluate_rule=p.evaluate_rule,
        evaluate_at=tuple(instants),
        description=p.description,
        expected_confidence=p.expected_confidence,
    )


def _daily_frame(ath: Athlete, days: list[Day]) -> pd.DataFrame:
    rows = []
    for d in days:
        n = d.night
        rows.append(
            {
                "date": pd.Timestamp(d.date),
                "hrv_rmssd_ms": float(n.rmssd_ms),
                "hrv_context": "nocturnal",
                "resting_hr_bpm": float(d.rhr),
                "sleep_total_min": n.total_min,
                "sleep_in_bed_min": n.in_bed_min,
                "sleep_efficiency_pct": round(100 * n.total_min / n.in_bed_min, 1),
                "sleep_deep_min": n.deep_min,
                "sleep_rem_min": n.rem_min,
                "sleep_score": float(n.score),
                "sleep_start": n.start,
                "sleep_end": n.end,
                "respiratory_rate_bpm": d.resp_rate,
                "steps": d.steps,
                "active_min": d.active_min,
                "sedentary_min": d.sedentary_min,
                "longest_sedentary_bout_min": d.longest_sedentary_bout_min,
                "stress_avg": d.stress_avg,
            }
        )
    frame, _ = normalize(
        DAILY, pd.DataFrame(rows), file="story", defaults={"source": "fit", "device": ath.device}
    )
    return frame


def _sessions_frame(ath: Athlete, days: list[Day]) -> pd.DataFrame:
    rows = [
        {
            "start": s.start,
            "end": s.end,
            "date": pd.Timestamp(d.date),
            "sport": s.sport,
            "duration_s": (s.end - s.start).total_seconds(),
            "avg_hr_bpm": float(s.avg_hr),
            "max_hr_bpm": float(s.max_hr),
            "trimp": s.trimp,
            "vendor_load": s.vendor_load,
            "rmssd_ms": s.rmssd_ms,
        }
        for d in days
        for s in d.sessions
    ]
    frame, _ = normalize(
        SESSIONS, pd.DataFrame(rows), file="story", defaults={"source": "fit", "device": ath.device}
    )
    return frame


def _checkins_frame(days: list[Day]) -> pd.DataFrame:
    rows = [
        {"date": pd.Timestamp(d.date), **checkin_row(d.checkin)}
        for d in days
        if d.checkin is not None
    ]
    frame, _ = normalize(CHECKINS, pd.DataFrame(rows), file="story", defaults={"source": "csv"})
    return frame


def checkin_row(c: CheckinPlan) -> dict[str, object]:
    """A check-in as the generic CSV's columns (``sick`` as yes/no)."""
    return {
        "soreness": c.soreness,
        "stress": c.stress,
        "stiffness": c.stiffness,
        "pain": c.pain,
        "pain_site": c.pain_site,
        "sick": "yes" if c.sick else "no",
        "fatigue": c.fatigue,
        "mood": c.mood,
        "sleep_quality": c.sleep_quality,
    }
