"""Contributors in real units (ms, bpm, h, TRIMP) for one day, from the vectorised history.

Every window or cut-point a sentence names (the 7-day average, the soreness window, the load
spans …) is formatted from the :class:`~readiness.scoring.thresholds.Thresholds` field the score
reads. The sentence (``text``) speaks to the athlete in plain words
(:mod:`readiness.scoring.words`); how a number is computed is in ``method``.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from readiness.scoring.pipeline import History
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Contributor
from readiness.scoring.words import against_normal, duration_text, hours_text, plural, the_last

__all__ = ["stiffness_contributors", "stress_contributors", "top_text"]


def _known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _by_points(items: list[Contributor]) -> tuple[Contributor, ...]:
    return tuple(sorted(items, key=lambda c: -(c.points if c.points is not None else -1.0)))


#: One contributor against a normal range: (signal, value in the unit, what it is, signed
#: deviation in SD units, points, method).
_Row = tuple[str, float, str, float, float, str]


def _against_range(
    unit: str, normal_range: tuple[float, float], rows: tuple[_Row, ...]
) -> list[Contributor]:
    """One signal's contributors against its normal range, for the rows whose value exists.

    Each sentence is "<what> <value>, <below|within|above> your normal (<range>)", in ``unit``.
    """
    out = []
    for signal, value, what, sd, points, method in rows:
        if not _known(value):
            continue
        shown, where = against_normal(value, normal_range, unit, sd=sd)
        text = f"{what} {shown}, {where}"
        out.append(
            Contributor(signal, text, value, unit, normal_range, float(sd), float(points), method)
        )
    return out


def _baseline_method(what: str, th: Thresholds, unit: str) -> str:
    return (
        f"{what}; normal range = robust baseline (median ± {th.mad_scale:g}·MAD over the previous "
        f"{th.baseline_days} days) ± the smallest worthwhile change, in {unit}; sd = deviation "
        "in baseline SDs, positive = the worrying direction"
    )


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
                f"HRV ({metric}) {th.mean_days}-day average",
                chronic_sd,
                stress.p_hrv_chronic[i],
                _baseline_method(f"mean of ln {metric} over {th.mean_days} days", th, "ms"),
            ),
            (
                "hrv_today",
                today_ms,
                f"HRV ({metric}) last night",
                acute_sd,
                stress.p_hrv_acute[i],
                _baseline_method(f"last night's ln {metric}", th, "ms"),
            ),
        ),
    )
    if zeroed and out and out[0].signal == "hrv_7d":
        first = out[0]
        out[0] = dataclasses.replace(
            first, text=first.text + " — not counted: low HRV with a low resting HR looks benign"
        )
    trend_sd = float(stress.d_trend[i])  # SDs of fall per week
    if _known(trend_sd):
        pct_per_week = (math.exp(float(night.slope[i]) * th.mean_days) - 1.0) * 100.0
        shown = f"{abs(pct_per_week):.1f}"
        moving = "steady" if float(shown) == 0 else ("rising" if pct_per_week > 0 else "falling")
        size = f" {shown} % per week" if moving != "steady" else ""
        out.append(
            Contributor(
                "hrv_trend",
                f"HRV {th.mean_days}-day average {moving}{size} over {the_last(th.trend_days)}",
                value=pct_per_week,
                unit="%/week",
                sd=trend_sd,
                points=float(stress.p_trend[i]),
                method=(
                    f"Theil–Sen slope of the {th.mean_days}-day mean of ln HRV over "
                    f"{th.trend_days} days (Plews 2012); sd = baseline SDs of fall per week"
                ),
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
    return _against_range(
        "bpm",
        normal_bpm,
        (
            (
                "rhr_7d",
                mean7_bpm,
                f"Resting HR {th.mean_days}-day average",
                float(stress.d_rhr_chronic[i]),
                stress.p_rhr_chronic[i],
                _baseline_method(f"mean of resting HR over {th.mean_days} days", th, "bpm"),
            ),
            (
                "rhr_today",
                today_bpm,
                "Resting HR last night",
                float(stress.d_rhr_acute[i]),
                stress.p_rhr_acute[i],
                _baseline_method("last night's resting HR", th, "bpm"),
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
    debt_h = float(sleep.debt7_h[i])
    short = (
        f"{duration_text(debt_h * 60, 5)} short"
        if _known(debt_h) and round(debt_h * 60) >= 5
        else "no sleep debt"
    )
    parts = [
        f"{short} over the last {plural(th.mean_days, 'night')} (you need about "
        f"{duration_text(float(sleep.need_min[i]), 5)} a night)"
    ]
    if _known(float(sleep.tst_min[i])):
        parts.append(f"last night {duration_text(float(sleep.tst_min[i]))}")
    if _known(float(sleep.efficiency[i])):
        parts.append(f"asleep {sleep.efficiency[i]:.0f} % of your time in bed")
    sleep_text = "Sleep: " + ", ".join(parts)
    sleep_method = (
        f"sleep debt = sum over {th.mean_days} nights of need − sleep (need: the "
        f"{th.sleep_need_quantile:.0%} quantile of your past {th.baseline_days} nights, "
        f"{th.sleep_need_floor_min / 60:g}–{th.sleep_need_cap_min / 60:g} h); efficiency = "
        "sleep ÷ time in bed"
    )
    out += _scored_parts(
        (("sleep", history.stress.p_sleep[i], sleep_text, sleep.debt7_h[i], "h", sleep_method),)
    )
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
        None
        if z_usual is None
        else (
            f"sd = today's rating against your last {th.baseline_days} ratings (mean, SD ≥ "
            f'{th.checkin_usual_sd:g}); "about usual" within ±{th.checkin_usual_sd:g} SD'
        ),
    )


def stiffness_contributors(history: History, i: int, th: Thresholds) -> tuple[Contributor, ...]:
    """What moved ``physical_stiffness`` on day ``i`` (both pathways)."""
    load, stiffness = history.load, history.stiffness
    doms = f"{th.doms_early_h:g}–{th.doms_late_h:g} h"
    if _known(float(load.l1_hours[i])):
        session = (
            f"Workout of {load.l1_load[i]:.0f} TRIMP (training load from heart rate and time) "
            f"ended {hours_text(float(load.l1_hours[i]))} ago: it counts as "
            f"{load.l1_ratio[i]:.1f}× a typical day's load, weighted for the {doms} after "
            "exercise when muscle soreness builds"
        )
    else:
        session = f"No workout in the last {hours_text(th.doms_end_h)}"
    deload = "; not counted in a deload (planned lighter) week" if load.deload[i] else ""
    # (signal, points, sentence, value, unit, method) of each part; a part without points is
    # left out
    load_parts = (
        (
            "session_vs_typical_day",
            stiffness.l1[i],
            session,
            load.l1_ratio[i],
            "× typical day",
            f"Banister TRIMP of the heaviest recent session ÷ your typical day's load, weighted "
            f"by a soreness window of {doms} (Cheung 2003)",
        ),
        (
            "load_spike",
            stiffness.l2[i],
            f"Training load of {the_last(th.ewma_acute_span)} is {load.ratio[i]:.2f}× your "
            f"usual of {the_last(th.ewma_chronic_span)} "
            "(a description, not an injury-risk estimate)",
            load.ratio[i],
            "ratio",
            f"acute:chronic workload ratio, uncoupled EWMA {th.ewma_acute_span}/"
            f"{th.ewma_chronic_span} days (Williams 2017)",
        ),
        (
            "monotony",
            stiffness.l3[i],
            (
                f"Training monotony {load.monotony[i]:.1f} over {the_last(th.mean_days)} (higher "
                "means the days' loads were more alike)"
                if _known(float(load.monotony[i]))
                else f"Training monotony over {the_last(th.mean_days)} not known"
            )
            + deload,
            load.monotony[i],
            "mean/SD",
            f"Foster monotony: mean ÷ SD of the last {th.mean_days} daily loads (Foster 1998)",
        ),
    )
    inactivity_parts = (
        (
            "inactive_time",
            stiffness.i1[i],
            f"Inactive waking time {duration_text(float(stiffness.sedentary_min[i]))} today, "
            f"{duration_text(float(stiffness.exposure_min[i]))} on recent days on average "
            f"(counts from {duration_text(th.inactive_from_min)})",
            stiffness.exposure_min[i],
            "min",
            f"exposure = EWMA (span {th.sedentary_ewma_span} days) of measured inactive waking "
            "minutes over measured days",
        ),
        (
            "longest_sedentary_bout",
            stiffness.i2[i],
            f"Longest time sitting without a break {duration_text(float(stiffness.bout_min[i]))} "
            f"(counts from {duration_text(th.bout_from_min)})",
            stiffness.bout_min[i],
            "min",
            None,
        ),
    )
    checkins = [
        _checkin(history, i, key, th)
        for key in ("soreness", "stiffness")
        if _known(float(history.checkin[key][i]))
    ]
    return _by_points(_scored_parts(load_parts) + checkins + _scored_parts(inactivity_parts))


def _scored_parts(
    parts: tuple[tuple[str, float, str, float, str, str | None], ...],
) -> list[Contributor]:
    """Contributors (no normal range, no SD) for the parts whose points exist."""
    return [
        Contributor(signal, text, float(value), unit, None, None, float(points), method)
        for signal, points, text, value, unit, method in parts
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
