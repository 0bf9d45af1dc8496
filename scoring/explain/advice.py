"""Practical notes for each action, the day's facts the rules word their reasons from, and where
body signals and self-report disagree (docs/scoring.md, "Check-ins")."""

from __future__ import annotations

import math

from readiness.scoring.decision.reasons import DayFacts
from readiness.scoring.explain.contributors import top_text
from readiness.scoring.pipeline import History
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Action, Contributor

__all__ = ["NOTES", "day_facts", "disagreements"]

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
}

#: The gate flags that are night signs of illness, in the order the reasons name them.
_ILLNESS_SIGNS = ("sign_temp", "sign_resp", "sign_rhr")


def _known(value: float) -> bool:
    return math.isfinite(value)


def day_facts(
    h: History,
    i: int,
    stress_items: tuple[Contributor, ...],
    stiff_items: tuple[Contributor, ...],
) -> DayFacts:
    """Day ``i`` of the history as the rules' words read it."""
    g = h.gates
    return DayFacts(
        stress=float(h.stress.score[i]),
        stiffness=float(h.stiffness.score[i]),
        load_stiffness=float(h.stiffness.tl_load[i]),
        is_load=bool(h.stiffness.is_load[i]),
        warmth=float(h.warmth.score[i]),
        minutes_since_bout=float(h.warmth.minutes[i]),
        pattern=h.stress.pattern[i],
        sleep_debt_h=float(h.night.sleep.debt7_h[i]),
        fatigue=float(h.checkin["fatigue"][i]),
        pain=float(h.checkin["pain"][i]),
        pain_reason=g.pain_reason[i],
        pain_site=g.pain_site[i],
        pain_days=int(g.pain_days14[i]),
        pain_episodes=int(g.pain_episodes30[i]),
        sick=bool(g.sick[i]),
        illness_signs=tuple(k for k in _ILLNESS_SIGNS if getattr(g, k)[i]),
        stress_lead=top_text(stress_items),
        stiffness_lead=top_text(stiff_items),
    )


def disagreements(h: History, i: int, th: Thresholds) -> list[str]:
    """Where body signals and self-report disagree, said plainly (docs/scoring.md, "Check-ins")."""
    out: list[str] = []
    obj = float(h.stress.objective[i])
    s_ci = float(h.checkin["stress"][i])
    if _known(obj) and _known(s_ci):
        if obj >= th.band_guarded and s_ci <= th.deescalate_stress_max:
            out.append(
                f"body signals suggest a guarded state ({obj:.0f}/100) while you rate stress "
                f"{s_ci:.0f}/5"
            )
        elif obj < th.band_elevated and s_ci >= th.stress_escalate_from:
            out.append(
                f"you rate stress {s_ci:.0f}/5 while your body signals look settled "
                f"({obj:.0f}/100) — your report counts"
            )
    if h.deescalated[i]:
        out.append(
            f"treated as elevated, not guarded: you gave a non-training cause "
            f"('{h.cause[i]}') and at most one body signal is beyond {th.deescalate_sd} SD"
        )
    sore = float(h.checkin["soreness"][i])
    l1 = float(h.stiffness.l1[i])
    if _known(sore) and _known(l1):
        if sore >= 4 and l1 < th.band_elevated:
            out.append(
                f"you rate soreness {sore:.0f}/5 although recent training load looks light — "
                "your report counts"
            )
        elif sore <= 2 and l1 >= th.band_guarded:
            out.append(
                f"recent training load is heavy while you rate soreness {sore:.0f}/5 — "
                "going by the load, soreness may still come (24–72 h)"
            )
    return out
