"""Practical notes for each action, the day's facts the rules word their reasons from, and where
body signals and self-report disagree (docs/scoring.md, "Check-ins")."""

from __future__ import annotations

import math

from readiness.scoring.decision.reasons import DayFacts
from readiness.scoring.explain.contributors import top_text
from readiness.scoring.pipeline import History
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Action, Contributor

__all__ = ["NOTES", "day_facts", "disagreements", "last_data_date"]

NOTES: dict[Action, tuple[str, ...]] = {
    "physiotherapy_assessment": (
        "Book a physiotherapy assessment: it looks for why the pain is there, not only where.",
        "No deep-tissue work or stretching on the painful area until assessed; a relaxation "
        "massage elsewhere is fine — massage complements physiotherapy, it does not replace it.",
    ),
    "rest": (
        "No massage or stretching session today; sleep, fluids, and re-check tomorrow.",
        "If you have a fever, feel worse, or it lasts, get medical advice.",
    ),
    "relaxation_massage": (
        "Relaxation (Swedish) massage, whole body, long rhythmic strokes, 20–40 min.",
        "Moderate pressure — light pressure can be stimulating rather than calming, and it "
        "should never be painful.",
        "Drink water afterwards.",
    ),
    "therapeutic_massage": (
        "Targeted sports / deep-tissue massage on the sore areas.",
        "Deep pressure should never be outright painful: tell the therapist; mild soreness for "
        "a day or two afterwards is normal.",
        "Stretching does not reduce post-exercise soreness; keep it for range of motion later.",
        "Drink water afterwards.",
    ),
    "massage_then_stretching": (
        "About 20 min of massage first (it 'clears the path'), then assisted stretching "
        "('the movement through this path').",
        "Re-warm for 5 min (brisk walk, easy spin) if more than 20 min pass before stretching.",
        "Moderate pressure, never painful; drink water afterwards.",
    ),
    "light_movement_then_stretching": (
        "5–10 min of brisk walking or easy cycling first, then assisted stretching within "
        "about 15 min, while still warm.",
        "Hold static stretches up to 60 s per muscle if training follows; finish with dynamic "
        "movement.",
    ),
    "assisted_stretching": (
        "You are warm now: stretch within the next ~10 min, before the tissue cools.",
        "Hold static stretches up to 60 s per muscle if training follows; finish with dynamic "
        "movement.",
    ),
    "none": (
        "Nothing needed today. Optional: maintenance mobility — about once a week keeps range "
        "of motion.",
    ),
    "no_recent_data": (
        "Sync your device or upload a newer export: the call needs data from the last few "
        "days. A check-in still counts for pain and illness.",
    ),
}

#: The gate flags that are night signs of illness, in the order the reasons name them.
_ILLNESS_SIGNS = ("sign_temp", "sign_resp", "sign_rhr")


def _known(value: float) -> bool:
    return math.isfinite(value)


def day_facts(
    history: History,
    i: int,
    stress_items: tuple[Contributor, ...],
    stiff_items: tuple[Contributor, ...],
) -> DayFacts:
    """Day ``i`` of the history as the rules' words read it."""
    gate = history.gates
    return DayFacts(
        stress=float(history.stress.score[i]),
        stiffness=float(history.stiffness.score[i]),
        load_stiffness=float(history.stiffness.tl_load[i]),
        is_load=bool(history.stiffness.is_load[i]),
        warmth=float(history.warmth.score[i]),
        minutes_since_bout=float(history.warmth.minutes[i]),
        pattern=history.stress.pattern[i],
        sleep_debt_h=float(history.night.sleep.debt7_h[i]),
        fatigue=float(history.checkin["fatigue"][i]),
        pain=float(history.checkin["pain"][i]),
        pain_reason=gate.pain_reason[i],
        pain_site=gate.pain_site[i],
        pain_days=int(gate.pain_days14[i]),
        pain_episodes=int(gate.pain_episodes30[i]),
        other_pain_sites=tuple(
            f
            for f in gate.pain_findings[i]
            if (f.site, f.reason) != (gate.pain_site[i], gate.pain_reason[i])
        ),
        sick=bool(gate.sick[i]),
        illness_signs=tuple(sign for sign in _ILLNESS_SIGNS if getattr(gate, sign)[i]),
        stress_lead=top_text(stress_items),
        stiffness_lead=top_text(stiff_items),
        last_data=last_data_date(history, i),
        days_since_data=float(history.fresh.days_since_data[i]),
    )


def last_data_date(history: History, i: int) -> str | None:
    """ISO date of the latest objective data on or before day ``i`` (None without any)."""
    fresh = history.fresh
    last = max(int(fresh.last_night[i]), int(fresh.last_activity[i]))
    return str(history.prepared.days[last]) if last >= 0 else None


def disagreements(history: History, i: int, th: Thresholds) -> list[str]:
    """Where body signals and self-report disagree, said plainly (docs/scoring.md, "Check-ins")."""
    out: list[str] = []
    objective = float(history.stress.objective[i])  # stress from body signals alone, 0–100
    stress_rating = float(history.checkin["stress"][i])  # 1–5
    if _known(objective) and _known(stress_rating):
        if objective >= th.band_guarded and stress_rating <= th.deescalate_stress_max:
            out.append(
                f"body signals suggest a guarded state ({objective:.0f}/100) while you rate "
                f"stress {stress_rating:.0f}/5"
            )
        elif objective < th.band_elevated and stress_rating >= th.stress_escalate_from:
            out.append(
                f"you rate stress {stress_rating:.0f}/5 while your body signals look settled "
                f"({objective:.0f}/100) — your report counts"
            )
    if history.deescalated[i]:
        out.append(
            f"treated as elevated, not guarded: you gave a non-training cause "
            f"('{history.cause[i]}') and at most one body signal is well outside your normal "
            "range"
        )
    soreness_rating = float(history.checkin["soreness"][i])  # 1–5
    session_points = float(history.stiffness.l1[i])  # L1: the recent session's load, 0–100
    if _known(soreness_rating) and _known(session_points):
        if soreness_rating >= th.soreness_high and session_points < th.band_elevated:
            out.append(
                f"you rate soreness {soreness_rating:.0f}/5 although recent training load looks "
                "light — your report counts"
            )
        elif soreness_rating <= th.soreness_low and session_points >= th.band_guarded:
            out.append(
                f"recent training load is heavy while you rate soreness {soreness_rating:.0f}/5 — "
                f"going by the load, soreness may still come "
                f"({th.doms_peak_from_h:g}–{th.doms_late_h:g} h)"
            )
    return out
