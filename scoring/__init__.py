"""Score each day: nervous-system stress, physical stiffness, warmth, gates, one recommendation.

Pure: pandas, numpy and scikit-learn only; no I/O, no web framework, no database. See
``docs/scoring.md`` for every formula and threshold with its reference.
"""

from readiness.ingest import AthleteProfile
from readiness.scoring.decision.rules import RULES, Rule
from readiness.scoring.evidence import EVIDENCE, Evidence
from readiness.scoring.explain.day import last_date_with_data, score_days
from readiness.scoring.pipeline import score_history
from readiness.scoring.thresholds import DEFAULT, Thresholds
from readiness.scoring.types import (
    ACTIONS,
    DISCLAIMER,
    Action,
    Calibration,
    Contributor,
    DataFreshness,
    DayReadiness,
    PersonalCalibration,
    Recommendation,
    StiffnessScore,
    StressScore,
    Warmth,
)
from readiness.scoring.words import ACTION_WORDS, action_words, duration_text, plural

__all__ = [
    "ACTIONS",
    "ACTION_WORDS",
    "DEFAULT",
    "DISCLAIMER",
    "EVIDENCE",
    "RULES",
    "Action",
    "AthleteProfile",
    "Calibration",
    "Contributor",
    "DataFreshness",
    "DayReadiness",
    "Evidence",
    "PersonalCalibration",
    "Recommendation",
    "Rule",
    "StiffnessScore",
    "StressScore",
    "Thresholds",
    "Warmth",
    "action_words",
    "duration_text",
    "last_date_with_data",
    "plural",
    "score_days",
    "score_history",
]
