"""The words of the decision table: one day's facts, and each rule's reasons in plain words.

Every number in a sentence is either the athlete's own value or formatted from the
:class:`~readiness.scoring.thresholds.Thresholds` the rule reads, so changing a threshold changes
the words (docs/scoring.md, "Decision table").
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

from readiness.scoring.decision.gates import SiteFinding
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.words import count_text, days_text, duration_text, hours_text, plural

__all__ = [
    "RELAXATION_LATER",
    "DayFacts",
    "Reasons",
    "illness_reasons",
    "massage_then_stretching_reasons",
    "move_first_reasons",
    "no_intervention_reasons",
    "no_recent_data_reasons",
    "overreaching_reasons",
    "pain_reasons",
    "relaxation_reasons",
    "stress_unknown_reason",
    "stretch_now_reasons",
    "therapeutic_reasons",
]

#: Rest (decision table row R2), with an optional short relaxation massage later in the day.
RELAXATION_LATER = (
    "Optional: a short relaxation massage later in the day (moderate pressure, 20–30 min) — "
    "no deep tissue, no stretching session."
)


@dataclass(frozen=True, slots=True)
class DayFacts:
    """One day as the rules' words read it (NaN or None where unknown)."""

    stress: float  # nervous-system stress, 0–100
    stiffness: float  # physical stiffness, 0–100
    load_stiffness: float  # the training-load pathway of stiffness (TL_load), 0–100
    is_load: bool  # stiffness type: training load (else inactivity)
    warmth: float  # 0–100
    minutes_since_bout: float  # minutes since the last qualifying bout
    pattern: str | None  # HRV pattern label
    sleep_debt_h: float  # 7-night sleep debt, hours
    fatigue: float  # fatigue check-in, 1–5
    pain: float  # pain check-in, 1–5
    pain_reason: str | None  # which pain rule fired
    pain_site: str | None
    pain_days: int  # reports ≥ pain_recurrent at that site within pain_recurrent_window days
    pain_episodes: int  # episodes at that site within episode_window days
    sick: bool  # the athlete reported feeling ill
    illness_signs: tuple[str, ...]  # the gate's night signs that fired (sign_temp, …)
    stress_lead: str  # the leading stress contributor's sentence
    stiffness_lead: str  # the leading stiffness contributor's sentence
    #: other pain sites whose site rule holds that day (each is named in the pain reasons)
    other_pain_sites: tuple[SiteFinding, ...] = ()
    last_data: str | None = None  # ISO date of the latest objective data on or before the day
    days_since_data: float = math.nan  # days from that date to the day


#: A rule's reasons: the day's facts and the thresholds in, sentences out.
Reasons = Callable[[DayFacts, Thresholds], list[str]]


def _known(value: float) -> bool:
    return math.isfinite(value)


def _score(value: float, unknown: str) -> str:
    return f"{value:.0f}/100" if _known(value) else unknown


def _stress(facts: DayFacts) -> str:
    return _score(facts.stress, "not yet known")


def _stiffness(facts: DayFacts) -> str:
    return _score(facts.stiffness, "not known")


def _kind(facts: DayFacts) -> str:
    return "training load" if facts.is_load else "inactivity"


def _warmth(facts: DayFacts) -> str:
    since = (
        f", {duration_text(facts.minutes_since_bout)} since you were last active"
        if _known(facts.minutes_since_bout)
        else ", no recent activity"
    )
    return f"warmth {facts.warmth:.0f}/100" + since


def _pain(facts: DayFacts, th: Thresholds) -> str:
    site = facts.pain_site or "same site"
    if facts.pain_reason == "pain_acute":
        return f"you report pain {facts.pain:.0f}/5" + (
            f" ({facts.pain_site})" if facts.pain_site else ""
        )
    if facts.pain_reason == "red_flag":
        return "you report a red flag (swelling, numbness, night pain, locking or giving way)"
    if facts.pain_reason == "pain_recurrent":
        return (
            f"pain at your {site} on {facts.pain_days} of the last "
            f"{plural(th.pain_recurrent_window, 'day')}"
        )
    if facts.pain_reason == "pain_returning":
        return (
            f"pain at your {site} keeps coming back: "
            f"{plural(facts.pain_episodes, 'separate episode')} in "
            f"{days_text(th.episode_window)} — pain that returns after temporary relief "
            "needs an assessment, not more passive treatment"
        )
    return (
        f"pain at your {site} has lasted more than {days_text(th.pain_persist_days)} — longer "
        f"than post-exercise soreness ({th.doms_peak_from_h:g}–{th.doms_late_h:g} h)"
    )


def pain_reasons(facts: DayFacts, th: Thresholds) -> list[str]:
    """R0: the pain gate — the first reason, then every other site whose rule holds."""
    others = [
        _pain(
            dataclasses.replace(
                facts,
                pain_reason=f.reason,
                pain_site=f.site,
                pain_days=f.days14,
                pain_episodes=f.episodes30,
            ),
            th,
        )
        for f in facts.other_pain_sites
    ]
    first = _pain(facts, th) + " — see a physiotherapist before more massage or stretching"
    return [first, *others]


def _sign_text(sign: str, th: Thresholds) -> str:
    return {
        "sign_temp": "skin temperature up",
        "sign_resp": "sleeping respiratory rate up",
        "sign_rhr": f"resting HR {th.rhr_rise_bpm:g}+ bpm over your usual with HRV below its range",
    }[sign]


def illness_reasons(facts: DayFacts, th: Thresholds) -> list[str]:
    """R1: the illness gate."""
    if facts.sick:
        out = ["you reported feeling ill — rest whatever the other scores say"]
    else:
        signs = ", ".join(_sign_text(s, th) for s in facts.illness_signs)
        out = [f"{count_text(th.illness_signs)} or more illness signs on the same night: " + signs]
    if _known(facts.stress) and facts.stress < th.band_elevated:
        out.append(
            "your stress score looks settled, but a settled score is no reason to push "
            "through an illness"
        )
    return out


#: The HRV patterns that call for rest (R2), in plain words (docs/scoring.md, "Patterns").
_PATTERN_WORDS = {
    "parasympathetic-shift": (
        "your HRV is above its normal while your resting HR is below it and you feel fatigued"
    ),
    "locked-low": "your HRV has stayed below its normal and has stopped varying from day to day",
}


def overreaching_reasons(facts: DayFacts, th: Thresholds) -> list[str]:
    """R2: rest for a run-down nervous system."""
    high = _known(facts.stress) and facts.stress >= th.rest_stress
    if facts.pattern in ("parasympathetic-shift", "locked-low") and not high:
        return [
            f"{_PATTERN_WORDS[facts.pattern]}, under a high training load — a course seen before "
            "overreaching that takes weeks to recover from; rest comes first"
        ]
    extra = []
    if _known(facts.sleep_debt_h) and facts.sleep_debt_h >= th.rest_sleep_debt_h:
        extra.append(f"{facts.sleep_debt_h:.1f} h of sleep debt this week")
    if _known(facts.fatigue) and facts.fatigue >= th.rest_fatigue:
        extra.append(f"fatigue {facts.fatigue:.0f}/5")
    return [f"nervous-system stress {_stress(facts)} with " + " and ".join(extra)]


def relaxation_reasons(facts: DayFacts, th: Thresholds) -> list[str]:
    """R3: a guarded nervous system gets a relaxation massage."""
    out = [
        f"your nervous system looks guarded ({_stress(facts)}): {facts.stress_lead} — "
        "stretching alone tends not to work then; a relaxation massage first"
    ]
    if _known(facts.load_stiffness) and facts.load_stiffness >= th.band_guarded:
        out.append(
            f"deep-tissue work waits at least {hours_text(th.deep_tissue_wait_h)}, until stress "
            f"is below {th.band_guarded:g}"
        )
    return out


def therapeutic_reasons(facts: DayFacts, th: Thresholds) -> list[str]:
    """R4: heavy training-load stiffness gets a therapeutic massage."""
    return [
        f"your muscles carry a heavy training load ({_stiffness(facts)}): {facts.stiffness_lead} — "
        f"in the {th.doms_peak_from_h:g}–{th.doms_late_h:g} h after hard work massage eases "
        "soreness; stretching does not"
    ]


def _one_sentence(template: str) -> Reasons:
    """The reasons of a rule said in one sentence about the day's scores.

    ``template`` may name ``{stress}``, ``{stiffness}``, ``{kind}`` (of stiffness), ``{warmth}``
    (with the minutes since the last bout) and ``{stiffness_lead}`` (the leading contributor).
    """

    def reasons(facts: DayFacts, th: Thresholds) -> list[str]:
        return [
            template.format(
                stress=_stress(facts),
                stiffness=_stiffness(facts),
                kind=_kind(facts),
                warmth=_warmth(facts),
                stiffness_lead=facts.stiffness_lead,
            )
        ]

    return reasons


#: R5: elevated stress and stiffness, not cold.
massage_then_stretching_reasons = _one_sentence(
    "nervous-system stress is elevated ({stress}) and you are stiff ({stiffness}, {kind}) — "
    "massage first to calm the system, then stretching while you are warm"
)

#: R6: stiff but not warm.
move_first_reasons = _one_sentence(
    "you are stiff ({stiffness}, {kind}: {stiffness_lead}) but cold ({warmth}) — move lightly "
    "first; stretching works best on warm tissue"
)

#: R7: stiff, calm and warm.
stretch_now_reasons = _one_sentence(
    "you are stiff ({stiffness}, {kind}), calm (stress {stress}) and warm ({warmth}) — a good "
    "moment for assisted stretching"
)

#: R8: nothing calls for an intervention.
no_intervention_reasons = _one_sentence(
    "nothing calls for an intervention today (stress {stress}, stiffness {stiffness})"
)


def no_recent_data_reasons(facts: DayFacts, th: Thresholds) -> list[str]:
    """R1b: no fresh objective data — say how old the latest is, and what to do."""
    if facts.last_data is None:
        return [
            "no data from your device on or before this day — sync your device or upload an export"
        ]
    days = int(facts.days_since_data) if _known(facts.days_since_data) else 0
    ago = plural(days, "day")
    return [
        f"your latest data is from {facts.last_data} ({ago} before this day), too old to "
        "judge how you are now — sync your device or upload a newer export"
    ]


def stress_unknown_reason(facts: DayFacts) -> list[str]:
    """Added by every rule that reads stress, on a day whose stress score is unknown."""
    if _known(facts.stress):
        return []
    return [
        "nervous-system stress has no score for this day yet (too few recent nights) — this "
        "advice goes by your other data and check-ins"
    ]
