"""``score_days``: the public entry point — vectorised history, then one explanation per day."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from readiness.ingest import AthleteProfile
from readiness.scoring.bands import Band, WarmthBand
from readiness.scoring.calibration.feedback import FeedbackCache, choose_action
from readiness.scoring.decision.rules import RULES
from readiness.scoring.evidence import evidence
from readiness.scoring.explain.advice import NOTES, day_facts, disagreements
from readiness.scoring.explain.contributors import stiffness_contributors, stress_contributors
from readiness.scoring.explain.personal import (
    personal_calibration,
    stress_with_personal_weights,
    with_personal_weights,
)
from readiness.scoring.explain.unusual_night import unusual_night
from readiness.scoring.pipeline import History, compute
from readiness.scoring.subscores.stress import band_code
from readiness.scoring.subscores.warmth import warmth_band
from readiness.scoring.thresholds import DEFAULT, Thresholds
from readiness.scoring.types import (
    Calibration,
    DataFreshness,
    DayReadiness,
    Recommendation,
    StiffnessScore,
    StressScore,
    Warmth,
    confidence_level,
)
from readiness.scoring.words import days_text, duration_text, plural

__all__ = ["last_date_with_data", "score_days"]


def last_date_with_data(
    daily: pd.DataFrame | None,
    sessions: pd.DataFrame | None,
    checkins: pd.DataFrame | None,
    tz: str = "UTC",
) -> datetime.date | None:
    """The latest athlete-local date present in any table, or None when all are empty."""
    found: list[pd.Timestamp] = []
    for frame in (daily, checkins):
        if frame is not None and not frame.empty and "date" in frame:
            dates = pd.to_datetime(frame["date"], errors="coerce").dropna()
            if not dates.empty:
                found.append(dates.max())
    if sessions is not None and not sessions.empty and "start" in sessions:
        starts = pd.to_datetime(sessions["start"], utc=True, errors="coerce").dropna()
        if not starts.empty:
            found.append(starts.dt.tz_convert(ZoneInfo(tz)).dt.tz_localize(None).max())
    if not found:
        return None
    last: datetime.date = max(found).date()
    return last


def _state(valid_nights: int, has_segment: bool, th: Thresholds) -> str:
    if not has_segment:
        return "none"
    if valid_nights < th.provisional_nights:
        return "provisional"
    if valid_nights < th.full_nights:
        return "building"
    return "full"


def _calibration_reasons(history: History, i: int, th: Thresholds) -> list[str]:
    hrv = history.night.hrv
    seg = int(hrv.seg[i])
    valid_nights = int(hrv.n[i])
    out: list[str] = []
    if seg < 0:
        out.append("no HRV recorded yet: the stress score rests on resting HR, sleep and check-ins")
    else:
        label = hrv.labels[seg]
        other = np.nonzero((hrv.seg[: i + 1] != seg) & (hrv.seg[: i + 1] >= 0))[0]
        if len(other):
            start = history.prepared.days[int(other[-1]) + 1]
            old = hrv.labels[int(hrv.seg[int(other[-1])])]
            out.append(
                f"new HRV baseline since {start}: {label} is never compared with {old}"
                " (a device or metric change is not read as stress)"
            )
        if valid_nights < th.provisional_nights:
            out.append(
                f"provisional: {plural(valid_nights, 'valid night')} of {label} so far — your "
                f"normal range is kept {th.swc_k_provisional / th.swc_k:g}× as wide until "
                f"{plural(th.provisional_nights, 'night')} and is complete at {th.full_nights}"
            )
        elif valid_nights < th.full_nights:
            out.append(
                f"building: {valid_nights} of {plural(th.full_nights, 'valid night')} of {label}"
            )
        valid7 = int(hrv.valid7[i])
        if valid7 < th.mean_min_valid:
            out.append(
                f"only {plural(valid7, 'night')} with a valid HRV reading in the last "
                f"{plural(th.mean_days, 'night')} (a {th.mean_days}-day average needs "
                f"{th.mean_min_valid}); gaps lower confidence and are never filled in"
            )
    out += _freshness_reasons(history, i, th)
    if not np.isfinite(history.stress.score[i]):
        out.append(
            "nervous-system stress has no score for this day: not enough recent nights (or no "
            "HRV, resting HR, sleep or stress check-in)"
        )
    if not np.isfinite(history.stiffness.score[i]):
        out.append(
            "physical stiffness has no score for this day: no recent training history, measured "
            "activity or soreness/stiffness check-in"
        )
    if history.fresh.stale[i]:
        out.append("warmth: no recent activity data — assumed cold")
    elif not np.isfinite(history.warmth.minutes[i]):
        out.append(
            f"warmth: no activity of at least {duration_text(th.bout_min_duration_min)} at "
            "moderate effort or more recorded — assumed cold"
        )
    return out


def _freshness_reasons(history: History, i: int, th: Thresholds) -> list[str]:
    """Why a kind of data does not count on day ``i`` (too old, or too little of the day)."""
    fresh, days = history.fresh, history.prepared.days
    out: list[str] = []
    last_night = int(fresh.last_night[i])
    if last_night >= 0 and not fresh.night_fresh[i]:
        out.append(
            f"last night recorded on {days[last_night]} ({plural(i - last_night, 'day')} before "
            f"this day): nights older than {days_text(th.fresh_night_days)} do not count"
        )
    elif last_night >= 0 and i > last_night:
        out.append(
            f"no night recorded for {plural(i - last_night, 'day')}: the stress score leans on "
            "older nights and its confidence is lower"
        )
    stiffness = history.stiffness
    if stiffness.too_little_coverage[i]:
        out.append(
            f"only {duration_text(float(stiffness.coverage_min[i]))} of this day were measured "
            f"(inactive time needs {duration_text(th.coverage_valid_min)} of wear): the day's "
            "sitting is not scored"
        )
    if not fresh.load_fresh[i] and history.load.history_days[i] >= 0:
        out.append(
            f"training load not counted: no data from your device for more than "
            f"{days_text(th.fresh_load_days)}, so days without a workout cannot be told from days "
            "without a recording"
        )
    return out


def _band(score: float, th: Thresholds) -> str:
    """The band name of a finite sub-score (settled, elevated, guarded)."""
    return Band(int(band_code(np.array([score]), th)[0])).label


def _day(
    history: History,
    i: int,
    feedback: pd.DataFrame | None,
    th: Thresholds,
    cache: FeedbackCache,
) -> DayReadiness:
    day = history.prepared.days[i]
    stress_arrays, stiffness_arrays = history.stress, history.stiffness
    stress_items = stress_with_personal_weights(stress_contributors(history, i, th), history, i, th)
    stiffness_items = with_personal_weights(
        stiffness_contributors(history, i, th), history.personal_stiffness, i
    )
    rule = RULES[int(history.rule_index[i])]
    if rule.cautious or history.gates.illness[i]:
        extra = unusual_night(history.night, i, th)
        if extra is not None:
            stress_items = (*stress_items, extra)
    stress = None
    if np.isfinite(stress_arrays.score[i]):
        stress = StressScore(
            score=float(stress_arrays.score[i]),
            band=_band(float(stress_arrays.score[i]), th),
            confidence=float(stress_arrays.confidence[i]),
            confidence_level=confidence_level(
                float(stress_arrays.confidence[i]), th.conf_high, th.conf_medium
            ),
            pattern=stress_arrays.pattern[i],
            contributors=stress_items,
            provisional=bool(stress_arrays.provisional[i]),
        )
    stiffness = None
    if np.isfinite(stiffness_arrays.score[i]):
        stiffness = StiffnessScore(
            score=float(stiffness_arrays.score[i]),
            band=_band(float(stiffness_arrays.score[i]), th),
            type="load" if stiffness_arrays.is_load[i] else "inactivity",
            confidence=float(stiffness_arrays.confidence[i]),
            confidence_level=confidence_level(
                float(stiffness_arrays.confidence[i]), th.conf_high, th.conf_medium
            ),
            contributors=stiffness_items,
            provisional=bool(stiffness_arrays.provisional[i]),
        )
    w_score = float(history.warmth.score[i])
    minutes = float(history.warmth.minutes[i])
    warmth = Warmth(
        score=w_score,
        band=WarmthBand(int(warmth_band(np.array([w_score]), th)[0])).label,
        minutes_since_activity=(
            minutes if np.isfinite(minutes) and not history.fresh.stale[i] else None
        ),
        evaluated_at=datetime.datetime.fromtimestamp(int(history.prepared.at_s[i]), datetime.UTC),
    )
    choice = choose_action(
        feedback,
        history.frame,
        day=day,
        rule_action=rule.action,
        options=rule.options,
        stress=float(stress_arrays.score[i]),
        stiffness=float(stiffness_arrays.score[i]),
        warmth=w_score,
        th=th,
        cache=cache,
    )
    facts = day_facts(history, i, stress_items, stiffness_items)
    reasons = rule.explain(facts, th) + disagreements(history, i, th)
    if choice.reason:
        reasons.append(choice.reason)
    notes = NOTES[choice.action]
    if choice.action == rule.action:
        notes = (*notes, *rule.notes)
    rec = Recommendation(
        action=choice.action,
        rule=rule.id,
        reasons=tuple(reasons),
        notes=notes,
        evidence=evidence(rule.evidence),
        options=rule.options,
        rule_action=rule.action,
        calibrated=choice.calibrated,
    )
    seg = int(history.night.hrv.seg[i])
    cal = Calibration(
        valid_nights=int(history.night.hrv.n[i]),
        state=_state(int(history.night.hrv.n[i]), seg >= 0, th),  # type: ignore[arg-type]
        segment=history.night.hrv.labels[seg] if seg >= 0 else None,
        reasons=tuple(_calibration_reasons(history, i, th)),
        feedback=choice.state,
        feedback_method=choice.method,
        personal=personal_calibration(history.personal_stress, i),
        personal_stiffness=personal_calibration(history.personal_stiffness, i),
    )
    return DayReadiness(
        date=datetime.date.fromisoformat(str(day)),
        nervous_system_stress=stress,
        physical_stiffness=stiffness,
        warmth=warmth,
        recommendation=rec,
        calibration=cal,
        data=_data(history, i),
    )


def _data(history: History, i: int) -> DataFreshness:
    """The day's ``data`` object: the latest night and activity, and whether the day is stale."""
    fresh, days = history.fresh, history.prepared.days

    def date_of(index: int) -> datetime.date | None:
        return datetime.date.fromisoformat(str(days[index])) if index >= 0 else None

    since = float(fresh.days_since_data[i])
    return DataFreshness(
        last_night=date_of(int(fresh.last_night[i])),
        last_activity=date_of(int(fresh.last_activity[i])),
        days_since_data=int(since) if np.isfinite(since) else None,
        stale=bool(fresh.stale[i]),
    )


def score_days(
    daily: pd.DataFrame,
    sessions: pd.DataFrame,
    checkins: pd.DataFrame,
    *,
    dates: Sequence[datetime.date] | None = None,
    at: datetime.datetime | None = None,
    profile: AthleteProfile | None = None,
    timezone: str = "UTC",
    feedback: pd.DataFrame | None = None,
    thresholds: Thresholds = DEFAULT,
) -> list[DayReadiness]:
    """Score the requested days (default: the last date with data), one result per requested
    date in the order given.

    ``at`` (tz-aware) is the instant warmth is evaluated at, for the requested day it falls
    in (athlete-local); other days use their local end of day. With ``at`` and no ``dates``,
    the day scored is the local date of ``at``. ``feedback`` (date, action, helped 1–5, note)
    lets calibration choose among the options a rule allows, using only earlier feedback.
    ``profile`` is what is known of the athlete's heart (for TRIMP); ``timezone`` (IANA) sets
    the day boundaries and each day's end. Raises ``ValueError`` for a naive ``at``.
    """
    tz = ZoneInfo(timezone)
    at_map: dict[datetime.date, datetime.datetime] | None = None
    if at is not None:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("'at' must be timezone-aware (e.g. 2026-03-05T18:10:00+01:00)")
        at_day = at.astimezone(tz).date()
        at_map = {at_day: at}
        if dates is None:
            dates = [at_day]
    if dates is None:
        last = last_date_with_data(daily, sessions, checkins, timezone)
        if last is None:
            return []
        dates = [last]
    wanted = sorted(set(dates))
    history = compute(
        daily,
        sessions,
        checkins,
        profile=profile,
        timezone=timezone,
        at=at_map,
        extra_dates=tuple(wanted),
        th=thresholds,
    )
    first = history.prepared.days[0]
    cache = FeedbackCache(feedback)
    by_date: dict[datetime.date, DayReadiness] = {}
    for date in wanted:
        i = int((np.datetime64(date, "D") - first).astype("int64"))  # the date's calendar index
        by_date[date] = _day(history, i, feedback, thresholds, cache)
    return [by_date[date] for date in dates]
