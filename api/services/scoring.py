"""The bridge to :mod:`readiness.scoring`: stored tables in, JSON-ready day objects out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
from readiness.api.storage.models import Athlete
from readiness.ingest import IngestResult
from readiness.scoring import AthleteProfile, score_days

__all__ = ["jsonable", "profile_of", "score"]


def profile_of(athlete: Athlete) -> AthleteProfile:
    """What is known of a stored athlete's heart (for TRIMP)."""
    return AthleteProfile(
        hr_rest=athlete.hr_rest,
        hr_max=athlete.hr_max,
        sex=athlete.sex,  # type: ignore[arg-type]
    )


def jsonable(value: Any) -> Any:
    """``value`` with NaN → ``None`` and numpy scalars → Python, so any database's JSON takes it."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def score(
    tables: IngestResult,
    feedback: pd.DataFrame,
    athlete: Athlete,
    dates: Sequence[date],
    *,
    at: datetime | None = None,
) -> dict[date, dict[str, Any]]:
    """Score ``dates`` for ``athlete``; each value is ``DayReadiness.to_dict()``, JSON-safe."""
    if not dates:
        return {}
    days = score_days(
        tables.daily,
        tables.sessions,
        tables.checkins,
        dates=list(dates),
        at=at,
        profile=profile_of(athlete),
        timezone=athlete.timezone,
        feedback=feedback if not feedback.empty else None,
    )
    return {d: jsonable(day.to_dict()) for d, day in zip(dates, days, strict=True)}
