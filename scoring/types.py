"""Result types of the scorer: frozen dataclasses, each with ``to_dict()`` for the JSON contract."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from readiness.scoring.evidence import Evidence
from readiness.scoring.thresholds import DEFAULT

__all__ = [
    "ACTIONS",
    "DISCLAIMER",
    "Action",
    "Calibration",
    "Contributor",
    "DataFreshness",
    "DayReadiness",
    "PersonalCalibration",
    "Recommendation",
    "StiffnessScore",
    "StressScore",
    "Warmth",
]

Action = Literal[
    "physiotherapy_assessment",
    "rest",
    "relaxation_massage",
    "therapeutic_massage",
    "massage_then_stretching",
    "light_movement_then_stretching",
    "assisted_stretching",
    "none",
    "no_recent_data",
]
#: Every action, in the order of :data:`Action`.
ACTIONS: tuple[Action, ...] = get_args(Action)

DISCLAIMER = (
    "Not medical advice: readiness compares your own wearable data with your own baselines and "
    "diagnoses nothing. Pain that persists, worsens or keeps returning, or feeling unwell, "
    "needs a qualified professional."
)


def _num(value: float | None, digits: int = 1) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


@dataclass(frozen=True, slots=True)
class Contributor:
    """One input to a sub-score, in real units, with the points it added (0–100 scale)."""

    signal: str
    text: str
    value: float | None = None
    unit: str = ""
    normal_range: tuple[float, float] | None = None
    #: Signed deviation from the athlete's normal in SD units: positive is the worrying
    #: direction (HRV below, resting HR above), negative the reassuring one.
    sd: float | None = None
    points: float | None = None
    #: How the number was computed, for the curious (method names live here, not in ``text``).
    method: str | None = None
    weight: float | None = None  # its share of the score when personal weights are active

    @property
    def direction(self) -> Literal["below", "within", "above"] | None:
        """Where ``value`` sits against ``normal_range``, in plain words (None without both)."""
        if self.normal_range is None or self.value is None or not math.isfinite(self.value):
            return None
        low, high = self.normal_range
        if self.value < low:
            return "below"
        return "above" if self.value > high else "within"

    def to_dict(self) -> dict[str, Any]:
        personal = {} if self.weight is None else {"weight": _num(self.weight, 3)}
        return {
            "signal": self.signal,
            "value": _num(self.value, 2),
            "unit": self.unit,
            "normal_range": (
                [_num(self.normal_range[0], 2), _num(self.normal_range[1], 2)]
                if self.normal_range
                else None
            ),
            "sd": _num(self.sd, 2),
            "direction": self.direction,
            "points": _num(self.points),
            **personal,
            "text": self.text,
            "method": self.method,
        }


def confidence_level(
    value: float, high: float = DEFAULT.conf_high, medium: float = DEFAULT.conf_medium
) -> str:
    """High ≥ ``high`` · Medium ≥ ``medium`` · Low below (docs/scoring.md, "Confidence and
    calibration"; the defaults are the Thresholds defaults, 0.8 and 0.5)."""
    if value >= high:
        return "High"
    if value >= medium:
        return "Medium"
    return "Low"


@dataclass(frozen=True, slots=True)
class StressScore:
    """``nervous_system_stress``: how guarded the autonomic nervous system looks (0–100)."""

    score: float
    band: str
    confidence: float
    confidence_level: str
    pattern: str | None
    contributors: tuple[Contributor, ...]
    provisional: bool

    def to_dict(self) -> dict[str, Any]:
        return _subscore_dict(self, after_provisional={"pattern": self.pattern})


@dataclass(frozen=True, slots=True)
class StiffnessScore:
    """``physical_stiffness``: how much the tissue needs work, typed ``load`` or ``inactivity``."""

    score: float
    band: str
    type: Literal["load", "inactivity"]
    confidence: float
    confidence_level: str
    contributors: tuple[Contributor, ...]
    provisional: bool

    def to_dict(self) -> dict[str, Any]:
        return _subscore_dict(self, after_band={"type": self.type})


def _subscore_dict(
    sub: StressScore | StiffnessScore,
    *,
    after_band: dict[str, Any] | None = None,
    after_provisional: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A 0–100 sub-score as JSON; each type's own keys stand where its contract puts them."""
    return {
        "score": _num(sub.score),
        "band": sub.band,
        **(after_band or {}),
        "confidence": _num(sub.confidence, 2),
        "confidence_level": sub.confidence_level,
        "provisional": sub.provisional,
        **(after_provisional or {}),
        "contributors": [c.to_dict() for c in sub.contributors],
    }


@dataclass(frozen=True, slots=True)
class Warmth:
    """Readiness to stretch now: 100·exp(−minutes since the last qualifying bout / 20)."""

    score: float
    band: str
    minutes_since_activity: float | None
    evaluated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": _num(self.score),
            "band": self.band,
            "minutes_since_activity": _num(self.minutes_since_activity),
            "evaluated_at": self.evaluated_at.astimezone(datetime.UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
        }


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The day's one action, the rule that chose it, and why."""

    action: Action
    rule: str
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    options: tuple[Action, ...]
    rule_action: Action
    calibrated: bool
    disclaimer: str = DISCLAIMER

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "rule": self.rule,
            "reasons": list(self.reasons),
            "notes": list(self.notes),
            "evidence": [item.to_dict() for item in self.evidence],
            "options": list(self.options),
            "rule_action": self.rule_action,
            "calibrated": self.calibrated,
            "disclaimer": self.disclaimer,
        }


@dataclass(frozen=True, slots=True)
class PersonalCalibration:
    """Personal weights of ``nervous_system_stress`` learned from check-ins (docs/scoring.md,
    "Personal weights from check-ins"): ``none`` (no check-ins yet), ``learning`` (the fixed
    formula stands: too few check-in days, or the personal weights did not validate) or
    ``active``. ``weights`` are those the day's score used (the fixed formula's unless active),
    ``learned`` the latest personal weights, ``validation`` how both tracked the check-ins."""

    state: Literal["none", "learning", "active"]
    checkin_days: int
    weights: dict[str, float]
    learned: dict[str, float] | None
    metric: str
    fixed: float | None
    personal: float | None
    fitted_on: int | None  # check-in days the latest model was fitted on
    reason: str
    standard: dict[str, float] = field(default_factory=dict)  # the fixed formula's

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "checkin_days": self.checkin_days,
            "weights": {k: _num(v, 3) for k, v in self.weights.items()},
            "learned": ({k: _num(v, 3) for k, v in self.learned.items()} if self.learned else None),
            "validation": {
                "metric": self.metric,
                "fixed": _num(self.fixed, 3),
                "personal": _num(self.personal, 3),
                "fitted_on": self.fitted_on,
            },
            "reason": self.reason,
            "standard": {k: _num(v, 3) for k, v in self.standard.items()},
        }


@dataclass(frozen=True, slots=True)
class Calibration:
    """How far the athlete's baselines are, and why anything is null or provisional."""

    valid_nights: int
    state: Literal["none", "provisional", "building", "full"]
    segment: str | None
    reasons: tuple[str, ...]
    feedback: str
    #: The feedback model's figures (validation scores), for the curious; None without a model.
    feedback_method: str | None = None
    personal: PersonalCalibration | None = None  # nervous_system_stress
    personal_stiffness: PersonalCalibration | None = None  # physical_stiffness

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid_nights": self.valid_nights,
            "state": self.state,
            "segment": self.segment,
            "reasons": list(self.reasons),
            "feedback": self.feedback,
            "feedback_method": self.feedback_method,
            "personal": self.personal.to_dict() if self.personal else None,
            "personal_stiffness": (
                self.personal_stiffness.to_dict() if self.personal_stiffness else None
            ),
        }


@dataclass(frozen=True, slots=True)
class DataFreshness:
    """How recent the objective data behind the day is (docs/scoring.md, "Freshness")."""

    last_night: datetime.date | None  # latest night (HRV, resting HR, sleep…) on or before the day
    last_activity: datetime.date | None  # latest activity day or workout on or before the day
    days_since_data: int | None  # days from the later of the two to the day
    stale: bool  # no fresh objective data: the call is ``no_recent_data`` unless a gate applies

    def to_dict(self) -> dict[str, Any]:
        return {
            "last_night": self.last_night.isoformat() if self.last_night else None,
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "days_since_data": self.days_since_data,
            "stale": self.stale,
        }


@dataclass(frozen=True, slots=True)
class DayReadiness:
    """One day's call: the three sub-scores, the recommendation, and calibration state."""

    date: datetime.date
    nervous_system_stress: StressScore | None
    physical_stiffness: StiffnessScore | None
    warmth: Warmth
    recommendation: Recommendation
    calibration: Calibration
    data: DataFreshness

    def to_dict(self) -> dict[str, Any]:
        """Exactly the per-day object of ``readiness score --json``."""
        return {
            "date": self.date.isoformat(),
            "nervous_system_stress": (
                self.nervous_system_stress.to_dict() if self.nervous_system_stress else None
            ),
            "physical_stiffness": (
                self.physical_stiffness.to_dict() if self.physical_stiffness else None
            ),
            "warmth": self.warmth.to_dict(),
            "recommendation": self.recommendation.to_dict(),
            "calibration": self.calibration.to_dict(),
            "data": self.data.to_dict(),
        }
