"""The story's episodes: dates, the call a coach would expect, and when to evaluate it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

__all__ = ["EPISODES", "EpisodePlan", "episodes_on"]


@dataclass(frozen=True, slots=True)
class EpisodePlan:
    """One marked stretch of the story and what a coach would expect on it."""

    name: str
    start: date
    end: date
    expected_action: str | None
    acceptable: tuple[str, ...]
    evaluate_rule: str
    description: str
    expected_confidence: str | None = None
    local_times: tuple[time, ...] = ()
    instants_minutes_after: tuple[tuple[str, float], ...] = ()


EPISODES: tuple[EpisodePlan, ...] = (
    EpisodePlan(
        "calibration",
        date(2026, 2, 2),
        date(2026, 2, 11),
        None,
        (),
        "daily 08:00 local",
        "First 10 days of data: no personal baseline yet. Any sub-score must be provisional "
        "and confidence low (the HRV normal range needs >= 14 valid nights).",
        expected_confidence="low",
        local_times=(time(8, 0),),
    ),
    EpisodePlan(
        "build_block",
        date(2026, 2, 16),
        date(2026, 3, 8),
        "none",
        ("none", "light_movement_then_stretching", "assisted_stretching"),
        "daily 08:00 local",
        "Progressive training (6 sessions a week, +6 %/week), normal sleep, HRV and RHR inside "
        "the normal range, low check-ins. Nothing needed beyond maintenance mobility.",
        local_times=(time(8, 0),),
    ),
    EpisodePlan(
        "desk_week",
        date(2026, 3, 10),
        date(2026, 3, 15),
        "light_movement_then_stretching",
        ("light_movement_then_stretching",),
        "daily 20:00 local",
        "Deadline week at the desk: no training, ~2,000-3,500 steps, sitting bouts of 4-5 h, "
        "stiffness check-ins 3-4, calm nervous system (HRV/RHR/sleep normal, stress 1-2). "
        "In the evening the body is cold: a short brisk walk first, then stretching.",
        local_times=(time(20, 0),),
    ),
    EpisodePlan(
        "desk_week_after_walk",
        date(2026, 3, 12),
        date(2026, 3, 12),
        "assisted_stretching",
        ("assisted_stretching",),
        "10 min after the end of the 22-min brisk walk (activity file of that day)",
        "Same stiff, calm desk-week day, but evaluated 10 minutes after a 22-minute brisk walk: "
        "the tissue is warm, so assisted stretching now.",
        instants_minutes_after=(("walk_end", 10.0),),
    ),
    EpisodePlan(
        "stress_week",
        date(2026, 3, 23),
        date(2026, 3, 29),
        None,
        (),
        "daily 08:00 local",
        "A stressful work week: ~6.5 h sleep a night (about an hour short of need), HRV "
        "~12-16 % down night by night, RHR +3-4 bpm, stress check-ins 4, fatigue 3, only easy "
        "training. Moderate, not run-down. Crosses the DST change (2026-03-29).",
        local_times=(time(8, 0),),
    ),
    EpisodePlan(
        "stress_week_guarded",
        date(2026, 3, 26),
        date(2026, 3, 29),
        "relaxation_massage",
        ("relaxation_massage",),
        "daily 08:00 local",
        "Days 4-7 of the stress week: HRV 7-day mean clearly below the normal range (-12 to "
        "-14 %), RHR up 3-4 bpm, 5-9 h of 7-night sleep debt, stress 4, fatigue only 3, "
        "respiratory rate normal (not ill). A guarded nervous system that is not run down (not "
        "a rest day): relaxation massage (moderate pressure), not deep tissue or stretching.",
        local_times=(time(8, 0),),
    ),
    EpisodePlan(
        "race",
        date(2026, 4, 18),
        date(2026, 4, 18),
        None,
        (),
        "race start 09:00 local, 175 min",
        "30 km trail race after a one-week taper: the biggest session of the story "
        "(several times a typical day's load).",
    ),
    EpisodePlan(
        "post_race_doms",
        date(2026, 4, 19),
        date(2026, 4, 20),
        "therapeutic_massage",
        ("therapeutic_massage",),
        "24 h and 46 h after the end of the race",
        "24-48 h after the race: soreness 5 then 4 (DOMS), load of the last 72 h far above a "
        "typical day, HRV/RHR roughly normal and stress low: therapeutic (sports) massage.",
        instants_minutes_after=(("race_end", 24 * 60.0), ("race_end", 46 * 60.0)),
    ),
    EpisodePlan(
        "knee_pain_first",
        date(2026, 4, 28),
        date(2026, 4, 30),
        None,
        (),
        "daily 08:00 local",
        "First left-knee niggle after a long run: pain 3, 3, 2. A coach would note it and "
        "watch; not yet a physio case.",
        local_times=(time(8, 0),),
    ),
    EpisodePlan(
        "knee_pain_returns",
        date(2026, 5, 9),
        date(2026, 5, 12),
        "physiotherapy_assessment",
        ("physiotherapy_assessment",),
        "daily 08:00 local",
        "The left knee comes back after 8 pain-free days (pain 3, 3, 3, 2): a second episode at "
        "the same site within 30 days. Pain that keeps returning: physiotherapy assessment.",
        local_times=(time(8, 0),),
    ),
    EpisodePlan(
        "illness",
        date(2026, 5, 14),
        date(2026, 5, 17),
        "rest",
        ("rest",),
        "daily 08:00 local",
        "A cold: sick=yes check-ins and same-night signs (respiratory rate +2 br/min, RHR "
        "+6-8 bpm, HRV ~25 % down). Rest; no massage or stretching session.",
        local_times=(time(8, 0),),
    ),
    EpisodePlan(
        "knee_pain_worse",
        date(2026, 5, 26),
        date(2026, 5, 29),
        "physiotherapy_assessment",
        ("physiotherapy_assessment",),
        "daily 08:00 local",
        "Third left-knee episode, worse (pain 3, 4, 4, 4): physiotherapy assessment; no deep "
        "tissue or stretching on the knee.",
        local_times=(time(8, 0),),
    ),
)


def episodes_on(day: date) -> tuple[str, ...]:
    """Names of the episodes covering ``day``."""
    return tuple(e.name for e in EPISODES if e.start <= day <= e.end)
