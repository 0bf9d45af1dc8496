"""Contributors in real units (ms, bpm, h, TRIMP) for one day, from the vectorised history."""

from __future__ import annotations

import math

import numpy as np
from readiness.scoring.pipeline import History
from readiness.scoring.thresholds import Thresholds
from readiness.scoring.types import Contributor

__all__ = ["stiffness_contributors", "stress_contributors", "top_text"]


def _f(x: float) -> bool:
    return x is not None and math.isfinite(x)


def _side(d: float, worse: str, better: str) -> str:
    return f"{abs(d):.1f} SD {worse if d > 0 else better}"


def _by_points(items: list[Contributor]) -> tuple[Contributor, ...]:
    return tuple(sorted(items, key=lambda c: -(c.points if c.points is not None else -1.0)))


def stress_contributors(h: History, i: int, th: Thresholds) -> tuple[Contributor, ...]:
    """What moved ``nervous_system_stress`` on day ``i``."""
    night, st = h.night, h.stress
    hrv, rhr = night.hrv, night.rhr
    k = float(st.k[i])  # half-width of the HRV smallest-worthwhile-change band, SD units
    # d below: each component's signed deviation, SD units (positive = the worrying direction)
    out: list[Contributor] = []
    metric = night.hrv_metric[i] or "HRV"
    mu, sg = float(hrv.mu[i]), float(hrv.sigma[i])  # lnHRV baseline: median and SD (ln ms)
    if _f(mu) and _f(sg):
        lo, hi = math.exp(mu - k * sg), math.exp(mu + k * sg)
        m7 = float(hrv.mean7[i])
        if _f(m7):
            d = float(st.d_hrv_chronic[i])
            zeroed = st.pattern[i] == "saturation-benign"
            out.append(
                Contributor(
                    "hrv_7d",
                    f"HRV ({metric}) 7-day mean {math.exp(m7):.0f} ms, normal range "
                    f"{lo:.0f}–{hi:.0f} ms, {_side(d, 'below', 'above')}"
                    + (
                        " (not counted: low HRV with low resting HR looks benign)" if zeroed else ""
                    ),
                    math.exp(m7),
                    "ms",
                    (lo, hi),
                    d,
                    float(st.p_hrv_chronic[i]),
                )
            )
        ln_today = float(hrv.today[i])  # last night's lnHRV, ln ms
        if _f(ln_today):
            d = float(st.d_hrv_acute[i])
            out.append(
                Contributor(
                    "hrv_today",
                    f"HRV ({metric}) last night {math.exp(ln_today):.0f} ms, "
                    f"{_side(d, 'below', 'above')} your normal",
                    math.exp(ln_today),
                    "ms",
                    (lo, hi),
                    d,
                    float(st.p_hrv_acute[i]),
                )
            )
        d_tr = float(st.d_trend[i])
        if _f(d_tr):
            pct = (math.exp(float(night.slope[i]) * th.mean_days) - 1.0) * 100.0
            out.append(
                Contributor(
                    "hrv_trend",
                    f"HRV 7-day mean trend {pct:+.1f} % per week over {th.trend_days} days "
                    f"(Theil–Sen), {_side(d_tr, 'of fall', 'of rise')} per week",
                    pct,
                    "%/week",
                    None,
                    d_tr,
                    float(st.p_trend[i]),
                )
            )
    rmu, rsg = float(rhr.mu[i]), float(rhr.sigma[i])  # resting-HR baseline: median, SD (bpm)
    if _f(rmu) and _f(rsg):
        # kr: half-width of the resting-HR smallest-worthwhile-change band, SD units
        kr = th.swc_k if rhr.n[i] >= th.provisional_nights else th.swc_k_provisional
        rng = (rmu - kr * rsg, rmu + kr * rsg)
        r7 = float(rhr.mean7[i])
        if _f(r7):
            d = float(st.d_rhr_chronic[i])
            out.append(
                Contributor(
                    "rhr_7d",
                    f"Resting HR 7-day mean {r7:.0f} bpm, normal range {rng[0]:.0f}–{rng[1]:.0f} "
                    f"bpm, {_side(d, 'above', 'below')}",
                    r7,
                    "bpm",
                    rng,
                    d,
                    float(st.p_rhr_chronic[i]),
                )
            )
        rhr_today = float(rhr.today[i])  # bpm
        if _f(rhr_today):
            d = float(st.d_rhr_acute[i])
            out.append(
                Contributor(
                    "rhr_today",
                    f"Resting HR last night {rhr_today:.0f} bpm "
                    f"({rhr_today - rmu:+.0f} vs your usual {rmu:.0f})",
                    rhr_today,
                    "bpm",
                    rng,
                    d,
                    float(st.p_rhr_acute[i]),
                )
            )
    sl = night.sleep
    if _f(float(st.p_sleep[i])):
        parts = [
            f"sleep debt {sl.debt7_h[i]:.1f} h over 7 nights (need {sl.need_min[i] / 60:.1f} h)"
        ]
        if _f(float(sl.tst_min[i])):
            parts.append(f"last night {sl.tst_min[i] / 60:.1f} h")
        if _f(float(sl.efficiency[i])):
            parts.append(f"efficiency {sl.efficiency[i]:.0f} %")
        out.append(
            Contributor(
                "sleep",
                "Sleep: " + ", ".join(parts),
                float(sl.debt7_h[i]),
                "h",
                None,
                None,
                float(st.p_sleep[i]),
            )
        )
    stress_ci = float(h.checkin["stress"][i])
    if _f(stress_ci):
        out.append(_checkin(h, i, "stress", th))
    return _by_points(out)


def _checkin(h: History, i: int, key: str, th: Thresholds) -> Contributor:
    """A 1–5 check-in, and — after 14 earlier reports — how it compares with the athlete's usual.

    Someone who always reports 3 is not the same as someone who usually reports 1 (docs/scoring.md,
    "Check-ins").
    """
    v = float(h.checkin[key][i])  # today's rating, 1–5
    before = h.checkin[key][:i]
    before = before[np.isfinite(before)][-th.baseline_days :]
    text = f"You rated {key} {v:.0f}/5"
    rng: tuple[float, float] | None = None
    z: float | None = None
    if len(before) >= th.checkin_personal_min:
        mean = float(before.mean())
        sd = max(float(before.std(ddof=1)), th.checkin_usual_sd)
        z = (v - mean) / sd  # today's rating against the athlete's usual, SD units
        k = th.checkin_usual_sd  # "about usual" half-width, SD units
        usual = "worse than usual" if z > k else ("better than usual" if z < -k else "about usual")
        text += f" — {usual} (you usually report {mean:.1f})"
        rng = (mean - k * sd, mean + k * sd)
    return Contributor(
        f"{key}_checkin", text, v, "1–5", rng, z, th.checkin_floor_per_point * (v - 1.0)
    )


def stiffness_contributors(h: History, i: int, th: Thresholds) -> tuple[Contributor, ...]:
    """What moved ``physical_stiffness`` on day ``i`` (both pathways)."""
    lh, sf = h.load, h.stiffness
    out: list[Contributor] = []
    if _f(float(sf.l1[i])):
        if _f(float(lh.l1_hours[i])):
            text = (
                f"Session of {lh.l1_load[i]:.0f} TRIMP ended {lh.l1_hours[i]:.0f} h ago; "
                f"weighted {lh.l1_ratio[i]:.1f}× a typical day (DOMS window 12–72 h)"
            )
        else:
            text = "No session in the last 120 h"
        out.append(
            Contributor(
                "session_vs_typical_day",
                text,
                float(lh.l1_ratio[i]),
                "× typical day",
                None,
                None,
                float(sf.l1[i]),
            )
        )
    if _f(float(sf.l2[i])):
        out.append(
            Contributor(
                "load_spike",
                f"Acute:chronic load {lh.ratio[i]:.2f} (uncoupled EWMA 7/28; descriptive, "
                "not an injury-risk estimate)",
                float(lh.ratio[i]),
                "ratio",
                None,
                None,
                float(sf.l2[i]),
            )
        )
    if _f(float(sf.l3[i])):
        deload = bool(lh.deload[i])
        out.append(
            Contributor(
                "monotony",
                f"Training monotony {lh.monotony[i]:.1f} over 7 days"
                + (" (deload week: not counted)" if deload else ""),
                float(lh.monotony[i]),
                "mean/SD",
                None,
                None,
                float(sf.l3[i]),
            )
        )
    for key in ("soreness", "stiffness"):
        if _f(float(h.checkin[key][i])):
            out.append(_checkin(h, i, key, th))
    if _f(float(sf.i1[i])):
        out.append(
            Contributor(
                "inactive_time",
                f"Inactive waking time {sf.sedentary_min[i] / 60:.1f} h "
                f"(counts from {th.inactive_from_min / 60:.0f} h)",
                float(sf.sedentary_min[i]),
                "min",
                None,
                None,
                float(sf.i1[i]),
            )
        )
    if _f(float(sf.i2[i])):
        out.append(
            Contributor(
                "longest_sedentary_bout",
                f"Longest sitting bout {sf.bout_min[i]:.0f} min "
                f"(counts from {th.bout_from_min:.0f} min)",
                float(sf.bout_min[i]),
                "min",
                None,
                None,
                float(sf.i2[i]),
            )
        )
    return _by_points(out)


def top_text(items: tuple[Contributor, ...]) -> str:
    """The leading contributor's sentence, lower-cased for use inside a reason."""
    if not items:
        return ""
    t = items[0].text
    if len(t) > 1 and t[1].islower():  # "Session …" → "session …", but keep "HRV …"
        return t[0].lower() + t[1:]
    return t
