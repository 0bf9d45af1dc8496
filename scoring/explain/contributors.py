"""Contributors in real units (ms, bpm, h, TRIMP) for one day, from the vectorised history.

Every window or cut-point a sentence names (the 7-day mean, the DOMS window, the EWMA spans …)
is formatted from the :class:`~readiness.scoring.thresholds.Thresholds` field the score reads.
"""

from __future__ import annotations

import math

import numpy as np
from readiness.scoring.pipeline import History
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Contributor

__all__ = ["stiffness_contributors", "stress_contributors", "top_text"]


def _known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _side(sd: float, worse: str, better: str) -> str:
    """A signed deviation in SD units, in words ("1.2 SD below")."""
    return f"{abs(sd):.1f} SD {worse if sd > 0 else better}"


def _by_points(items: list[Contributor]) -> tuple[Contributor, ...]:
    return tuple(sorted(items, key=lambda c: -(c.points if c.points is not None else -1.0)))


def _against_range(
    unit: str,
    normal_range: tuple[float, float],
    rows: tuple[tuple[str, float, str, float, float], ...],
) -> list[Contributor]:
    """One signal's contributors against its normal range, for the rows whose value exists.

    Each row is (signal, value in ``unit``, sentence, signed deviation in SD units, points).
    """
    return [
        Contributor(signal, text, value, unit, normal_range, float(sd), float(points))
        for signal, value, text, sd, points in rows
        if _known(value)
    ]


def _hrv_contributors(history: History, i: int, th: Thresholds) -> list[Contributor]:
    """The 7-day mean, last night and the trend of HRV on day ``i`` (none without a baseline)."""
    night, stress = history.night, history.stress
    hrv = night.hrv
    metric = night.hrv_metric[i] or "HRV"
    ln_mu, ln_sd = float(hrv.mu[i]), float(hrv.sigma[i])  # lnHRV baseline: median, SD (ln ms)
    if not (_known(ln_mu) and _known(ln_sd)):
        return []
    swc_sd = float(stress.k[i])  # half-width of the smallest-worthwhile-change band, SD units
    normal_ms = (math.exp(ln_mu - swc_sd * ln_sd), math.exp(ln_mu + swc_sd * ln_sd))
    mean7_ms = math.exp(float(hrv.mean7[i]))
    today_ms = math.exp(float(hrv.today[i]))
    chronic_sd, acute_sd = float(stress.d_hrv_chronic[i]), float(stress.d_hrv_acute[i])
    zeroed = stress.pattern[i] == "saturation-benign"
    out = _against_range(
        "ms",
        normal_ms,
        (
            (
                "hrv_7d",
                mean7_ms,
                f"HRV ({metric}) {th.mean_days}-day mean {mean7_ms:.0f} ms, normal range "
                f"{normal_ms[0]:.0f}–{normal_ms[1]:.0f} ms, {_side(chronic_sd, 'below', 'above')}"
                + (" (not counted: low HRV with low resting HR looks benign)" if zeroed else ""),
                chronic_sd,
                stress.p_hrv_chronic[i],
            ),
            (
                "hrv_today",
                today_ms,
                f"HRV ({metric}) last night {today_ms:.0f} ms, "
                f"{_side(acute_sd, 'below', 'above')} your normal",
                acute_sd,
                stress.p_hrv_acute[i],
            ),
        ),
    )
    trend_sd = float(stress.d_trend[i])  # SDs of fall per week
    if _known(trend_sd):
        pct_per_week = (math.exp(float(night.slope[i]) * th.mean_days) - 1.0) * 100.0
        out.append(
            Contributor(
                "hrv_trend",
                f"HRV {th.mean_days}-day mean trend {pct_per_week:+.1f} % per week over "
                f"{th.trend_days} days (Theil–Sen), {_side(trend_sd, 'of fall', 'of rise')} "
                "per week",
                value=pct_per_week,
                unit="%/week",
                sd=trend_sd,
                points=float(stress.p_trend[i]),
            )
        )
    return out


def _rhr_contributors(history: History, i: int, th: Thresholds) -> list[Contributor]:
    """Resting HR's 7-day mean and last night on day ``i`` (none without a baseline)."""
    rhr, stress = history.night.rhr, history.stress
    mu_bpm, sd_bpm = float(rhr.mu[i]), float(rhr.sigma[i])  # resting-HR baseline: median, SD
    if not (_known(mu_bpm) and _known(sd_bpm)):
        return []
    # half-width of the resting-HR smallest-worthwhile-change band, SD units
    swc_sd = th.swc_k if rhr.n[i] >= th.provisional_nights else th.swc_k_provisional
    normal_bpm = (mu_bpm - swc_sd * sd_bpm, mu_bpm + swc_sd * sd_bpm)
    mean7_bpm, today_bpm = float(rhr.mean7[i]), float(rhr.today[i])
    chronic_sd = float(stress.d_rhr_chronic[i])
    return _against_range(
        "bpm",
        normal_bpm,
        (
            (
                "rhr_7d",
                mean7_bpm,
                f"Resting HR {th.mean_days}-day mean {mean7_bpm:.0f} bpm, normal range "
                f"{normal_bpm[0]:.0f}–{normal_bpm[1]:.0f} bpm, "
                f"{_side(chronic_sd, 'above', 'below')}",
                chronic_sd,
                stress.p_rhr_chronic[i],
            ),
            (
                "rhr_today",
                today_bpm,
                f"Resting HR last night {today_bpm:.0f} bpm "
                f"({today_bpm - mu_bpm:+.0f} vs your usual {mu_bpm:.0f})",
                stress.d_rhr_acute[i],
                stress.p_rhr_acute[i],
            ),
        ),
    )


def stress_contributors(history: History, i: int, th: Thresholds) -> tuple[Contributor, ...]:
    """What moved ``nervous_system_stress`` on day ``i`` (nights older than their freshness
    window are not shown: they did not count)."""
    out = (
        _hrv_contributors(history, i, th) + _rhr_contributors(history, i, th)
        if history.fresh.night_fresh[i]
        else []
    )
    sleep = history.night.sleep
    parts = [
        f"sleep debt {sleep.debt7_h[i]:.1f} h over {th.mean_days} nights "
        f"(need {sleep.need_min[i] / 60:.1f} h)"
    ]
    if _known(float(sleep.tst_min[i])):
        parts.append(f"last night {sleep.tst_min[i] / 60:.1f} h")
    if _known(float(sleep.efficiency[i])):
        parts.append(f"efficiency {sleep.efficiency[i]:.0f} %")
    sleep_text = "Sleep: " + ", ".join(parts)
    out += _scored_parts((("sleep", history.stress.p_sleep[i], sleep_text, sleep.debt7_h[i], "h"),))
    if _known(float(history.checkin["stress"][i])):
        out.append(_checkin(history, i, "stress", th))
    return _by_points(out)


def _checkin(history: History, i: int, key: str, th: Thresholds) -> Contributor:
    """A 1–5 check-in, and — after 14 earlier reports — how it compares with the athlete's usual.

    Someone who always reports 3 is not the same as someone who usually reports 1 (docs/scoring.md,
    "Check-ins").
    """
    rating = float(history.checkin[key][i])  # today's rating, 1–5
    before = history.checkin[key][:i]
    before = before[np.isfinite(before)][-th.baseline_days :]
    text = f"You rated {key} {rating:.0f}/5"
    usual_range: tuple[float, float] | None = None
    z_usual: float | None = None  # today's rating against the athlete's usual, SD units
    if len(before) >= th.checkin_personal_min:
        mean = float(before.mean())
        sd = max(float(before.std(ddof=1)), th.checkin_usual_sd)  # of the earlier ratings
        z_usual = (rating - mean) / sd
        about_sd = th.checkin_usual_sd  # "about usual" half-width, SD units
        usual = (
            "worse than usual"
            if z_usual > about_sd
            else ("better than usual" if z_usual < -about_sd else "about usual")
        )
        text += f" — {usual} (you usually report {mean:.1f})"
        usual_range = (mean - about_sd * sd, mean + about_sd * sd)
    return Contributor(
        f"{key}_checkin",
        text,
        rating,
        "1–5",
        usual_range,
        z_usual,
        th.checkin_floor_per_point * (rating - 1.0),
    )


def stiffness_contributors(history: History, i: int, th: Thresholds) -> tuple[Contributor, ...]:
    """What moved ``physical_stiffness`` on day ``i`` (both pathways)."""
    load, stiffness = history.load, history.stiffness
    if _known(float(load.l1_hours[i])):
        session = (
            f"Session of {load.l1_load[i]:.0f} TRIMP ended {load.l1_hours[i]:.0f} h ago; "
            f"weighted {load.l1_ratio[i]:.1f}× a typical day (DOMS window "
            f"{th.doms_early_h:g}–{th.doms_late_h:g} h)"
        )
    else:
        session = f"No session in the last {th.doms_end_h:g} h"
    deload = " (deload week: not counted)" if load.deload[i] else ""
    # (signal, points, sentence, value, unit) of each part; a part without points is left out
    load_parts = (
        ("session_vs_typical_day", stiffness.l1[i], session, load.l1_ratio[i], "× typical day"),
        (
            "load_spike",
            stiffness.l2[i],
            f"Acute:chronic load {load.ratio[i]:.2f} (uncoupled EWMA {th.ewma_acute_span}/"
            f"{th.ewma_chronic_span}; descriptive, not an injury-risk estimate)",
            load.ratio[i],
            "ratio",
        ),
        (
            "monotony",
            stiffness.l3[i],
            f"Training monotony {load.monotony[i]:.1f} over {th.mean_days} days{deload}",
            load.monotony[i],
            "mean/SD",
        ),
    )
    inactivity_parts = (
        (
            "inactive_time",
            stiffness.i1[i],
            f"Inactive waking time {stiffness.sedentary_min[i] / 60:.1f} h today, "
            f"{stiffness.exposure_min[i] / 60:.1f} h averaged over recent days "
            f"(counts from {th.inactive_from_min / 60:.0f} h)",
            stiffness.exposure_min[i],
            "min",
        ),
        (
            "longest_sedentary_bout",
            stiffness.i2[i],
            f"Longest sitting bout {stiffness.bout_min[i]:.0f} min "
            f"(counts from {th.bout_from_min:.0f} min)",
            stiffness.bout_min[i],
            "min",
        ),
    )
    checkins = [
        _checkin(history, i, key, th)
        for key in ("soreness", "stiffness")
        if _known(float(history.checkin[key][i]))
    ]
    return _by_points(_scored_parts(load_parts) + checkins + _scored_parts(inactivity_parts))


def _scored_parts(parts: tuple[tuple[str, float, str, float, str], ...]) -> list[Contributor]:
    """Contributors (no normal range, no SD) for the parts whose points exist."""
    return [
        Contributor(signal, text, float(value), unit, None, None, float(points))
        for signal, points, text, value, unit in parts
        if _known(float(points))
    ]


def top_text(items: tuple[Contributor, ...]) -> str:
    """The leading contributor's sentence, lower-cased for use inside a reason."""
    if not items:
        return ""
    text = items[0].text
    if len(text) > 1 and text[1].islower():  # "Session …" → "session …", but keep "HRV …"
        return text[0].lower() + text[1:]
    return text
