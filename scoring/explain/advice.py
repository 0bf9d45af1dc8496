"""Plain-words reasons and practical notes for each rule (from the four articles and §6)."""

from __future__ import annotations

import math

from readiness.scoring.explain.contributors import top_text
from readiness.scoring.pipeline import History
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Action, Contributor

__all__ = ["NOTES", "RELAXATION_LATER", "disagreements", "rule_reasons"]

#: §9.5 row 2: rest, with an optional short relaxation massage later in the day.
RELAXATION_LATER = (
    "Optional: a short relaxation massage later in the day (moderate pressure, 20–30 min) — "
    "no deep tissue, no stretching session."
)

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

_SIGN_TEXT = {
    "sign_temp": "skin temperature up",
    "sign_resp": "sleeping respiratory rate up",
    "sign_rhr": "resting HR 5+ bpm over your usual with HRV below its range",
}


def _num(x: float) -> bool:
    return math.isfinite(x)


def _pain_reason(h: History, i: int) -> str:
    g = h.gates
    site = g.pain_site[i] or "same site"
    pain = float(h.checkin["pain"][i])
    reason = g.pain_reason[i]
    if reason == "pain_acute":
        return f"you report pain {pain:.0f}/5" + (f" ({site})" if g.pain_site[i] else "")
    if reason == "red_flag":
        return "you report a red flag (swelling, numbness, night pain, locking or giving way)"
    if reason == "pain_recurrent":
        return f"pain at your {site} on {int(g.pain_days14[i])} of the last 14 days"
    if reason == "pain_returning":
        return (
            f"pain at your {site} keeps coming back: {int(g.pain_episodes30[i])} separate "
            "episodes in 30 days — pain that returns after temporary relief needs an "
            "assessment, not more passive treatment"
        )
    return (
        f"pain at your {site} has lasted more than a week — longer than post-exercise "
        "soreness (24–72 h)"
    )


def rule_reasons(
    h: History,
    i: int,
    rule_id: str,
    stress_items: tuple[Contributor, ...],
    stiff_items: tuple[Contributor, ...],
    th: Thresholds,
) -> list[str]:
    """Why this rule fired on day ``i``, in plain words with the numbers."""
    s = float(h.stress.score[i])
    tl = float(h.stiffness.score[i])
    w = float(h.warmth.score[i])
    mins = float(h.warmth.minutes[i])
    typ = "training load" if h.stiffness.is_load[i] else "inactivity"
    s_txt = f"{s:.0f}/100" if _num(s) else "not yet known"
    tl_txt = f"{tl:.0f}/100" if _num(tl) else "not known"
    w_txt = f"warmth {w:.0f}/100" + (
        f", {mins:.0f} min since your last bout" if _num(mins) else ", no recent bout"
    )
    out: list[str] = []
    if rule_id == "R0":
        out.append(
            _pain_reason(h, i) + " — see a physiotherapist before more massage or stretching"
        )
    elif rule_id == "R1":
        if h.gates.sick[i]:
            out.append("you reported feeling ill — rest whatever the other scores say")
        else:
            signs = [t for k, t in _SIGN_TEXT.items() if getattr(h.gates, k)[i]]
            out.append("two or more illness signs on the same night: " + ", ".join(signs))
        if _num(s) and s < th.band_elevated:
            out.append(
                "your stress score looks settled, but a settled score is no reason to push "
                "through an illness"
            )
    elif rule_id == "R2":
        debt = float(h.night.sleep.debt7_h[i])
        fat = float(h.checkin["fatigue"][i])
        pat = h.stress.pattern[i]
        if pat in ("parasympathetic-shift", "locked-low") and not (_num(s) and s >= th.rest_stress):
            out.append(
                f"your HRV pattern is '{pat}' under a high training load — a trajectory seen "
                "before non-functional overreaching; rest comes first"
            )
        else:
            extra = []
            if _num(debt) and debt >= th.rest_sleep_debt_h:
                extra.append(f"{debt:.1f} h of sleep debt this week")
            if _num(fat) and fat >= th.rest_fatigue:
                extra.append(f"fatigue {fat:.0f}/5")
            out.append(f"nervous-system stress {s_txt} with " + " and ".join(extra))
    elif rule_id == "R3":
        out.append(
            f"your nervous system looks guarded ({s_txt}): {top_text(stress_items)} — "
            "stretching alone tends not to work then; a relaxation massage first"
        )
        if _num(float(h.stiffness.tl_load[i])) and h.stiffness.tl_load[i] >= th.band_guarded:
            out.append("deep-tissue work waits ≥ 24 h, until stress is below 67")
    elif rule_id == "R4":
        out.append(
            f"your muscles carry a heavy training load ({tl_txt}): {top_text(stiff_items)} — "
            "in the 24–72 h after hard work massage eases soreness; stretching does not"
        )
    elif rule_id == "R5":
        out.append(
            f"nervous-system stress is elevated ({s_txt}) and you are stiff ({tl_txt}, {typ}) "
            "— massage first to calm the system, then stretching while you are warm"
        )
    elif rule_id == "R6":
        out.append(
            f"you are stiff ({tl_txt}, {typ}: {top_text(stiff_items)}) but cold ({w_txt}) — "
            "move lightly first; stretching works best on warm tissue"
        )
    elif rule_id == "R7":
        out.append(
            f"you are stiff ({tl_txt}, {typ}), calm (stress {s_txt}) and warm ({w_txt}) — a "
            "good moment for assisted stretching"
        )
    else:
        out.append(f"nothing calls for an intervention today (stress {s_txt}, stiffness {tl_txt})")
    if not _num(s) and rule_id not in ("R0", "R1"):
        out.append(
            "nervous-system stress could not be computed yet — this advice rests on the rest"
        )
    return out


def disagreements(h: History, i: int, th: Thresholds) -> list[str]:
    """Where body signals and self-report disagree, said plainly (§9.4.4)."""
    out: list[str] = []
    obj = float(h.stress.objective[i])
    s_ci = float(h.checkin["stress"][i])
    if _num(obj) and _num(s_ci):
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
    if _num(sore) and _num(l1):
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
