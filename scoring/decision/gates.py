"""Gates, evaluated before anything else and never learned (docs/scoring.md, "Gates").

* **Pain / injury → physiotherapy assessment** if any: pain ≥ 4/5 today; pain ≥ 3/5 at the
  same site on ≥ 3 of the last 14 days; ≥ 2 separate episodes at one site within 30 days
  ("keeps returning", cf. OSTRC, Clarsen 2013); one episode at a site lasting > 7 days
  (outside the DOMS course, Cheung 2003); a red flag reported (optional check-in column
  ``red_flags``: swelling, numbness/tingling, night or rest pain, locking/giving way). The
  site-based rules apply while that site still hurts: its last pain ≥ 2 report is within the
  last 3 days and no later check-in reported pain 1 (none).
  An episode is a run of pain ≥ 2 reports at one site; ≥ 3 pain-free days end it.
* **Illness → rest** if reported sick, or ≥ 2 same-night signs among: skin temperature
  ≥ +0.5 °C (or ≥ +0.3 °C two nights running), respiratory rate ≥ μ + 2σ and ≥ +1 br/min,
  resting HR ≥ +5 bpm over baseline with HRV below its band (Smarr 2020; Miller 2020;
  Oura/Section 11 RHR thresholds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from readiness.scoring.baselines import last_true_index, trailing_sum
from readiness.scoring.prepare import Columns
from readiness.scoring.signals import Night
from readiness.scoring.thresholds import Thresholds

__all__ = ["GateArrays", "gates"]

PAIN_REASONS = ("pain_acute", "red_flag", "pain_recurrent", "pain_returning", "pain_persisting")


@dataclass(frozen=True, slots=True)
class GateArrays:
    """Per-day gate flags and why they fired."""

    pain: np.ndarray  # bool
    pain_reason: np.ndarray  # object: first matching reason or None
    pain_site: np.ndarray  # object: the site concerned or None
    pain_days14: np.ndarray  # reports ≥ 3 at that site in 14 days
    pain_episodes30: np.ndarray  # episodes at that site in 30 days
    illness: np.ndarray  # bool
    sick: np.ndarray  # bool: self-reported
    sign_temp: np.ndarray
    sign_resp: np.ndarray
    sign_rhr: np.ndarray


def _normalised(values: np.ndarray) -> np.ndarray:
    """Stripped, lower-case text per day ('' where missing), computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    norm = np.array([str(u).strip().lower() for u in uniques] + [""], dtype=object)
    out: np.ndarray = norm[np.where(codes >= 0, codes, len(norm) - 1)]
    return out


def _truthy(values: np.ndarray) -> np.ndarray:
    text = _normalised(values)
    out: np.ndarray = ~np.isin(text, ["", "0", "no", "false", "none", "n", "f", "0.0", "nan"])
    return out


def gates(checkins: Columns, night: Night, th: Thresholds) -> GateArrays:
    """Vectorised pain and illness gates for every calendar day."""
    pain = checkins["pain"]
    n_days = len(pain)
    site = _normalised(checkins["pain_site"])
    present = pain >= th.pain_present
    site = np.where(present & (site == ""), "unspecified site", site)
    acute = pain >= th.pain_acute
    red = (
        _truthy(checkins["red_flags"]) if "red_flags" in checkins else np.zeros(n_days, dtype=bool)
    )
    recurrent = np.zeros(n_days, dtype=bool)
    returning = np.zeros(n_days, dtype=bool)
    persisting = np.zeros(n_days, dtype=bool)
    site_of = np.full(n_days, None, dtype=object)
    days14 = np.zeros(n_days, dtype="int64")
    episodes30 = np.zeros(n_days, dtype="int64")
    idx = np.arange(n_days)
    # the most recent pain report of any kind: a later "pain 1" means that site is quiet now
    last_report = last_true_index(np.isfinite(pain))
    for s in sorted({x for x in site[present] if x}):
        here = present & (site == s)
        high = here & (pain >= th.pain_recurrent)
        last = last_true_index(here)
        active = (last >= 0) & (idx - last < th.episode_active_days) & (last == last_report)
        prev_last = np.concatenate([[-1], last[:-1]])
        starts = here & ((prev_last < 0) | (idx - prev_last > th.episode_gap_days))
        ep_start = last_true_index(starts)
        n14 = trailing_sum(high.astype("int64"), th.pain_recurrent_window)
        n30 = trailing_sum(starts.astype("int64"), th.episode_window)
        rec = active & (n14 >= th.pain_recurrent_days)
        ret = active & (n30 >= th.episode_count)
        per = active & (ep_start >= 0) & (last - ep_start >= th.pain_persist_days)
        fired = rec | ret | per
        take = fired & (site_of == None)  # noqa: E711 - elementwise on an object array
        take |= here & (site_of == None)  # noqa: E711
        site_of = np.where(take, s, site_of)
        days14 = np.where(take, n14, days14)
        episodes30 = np.where(take, n30, episodes30)
        recurrent |= rec
        returning |= ret
        persisting |= per
    conds = [acute, red, recurrent, returning, persisting]
    reason = np.select(conds, list(PAIN_REASONS), default="")
    pain_gate = reason != ""
    reasons = np.full(n_days, None, dtype=object)
    reasons[pain_gate] = reason[pain_gate]
    sick = checkins["sick"] == 1.0
    temp = night.temp
    prev_temp = np.concatenate([[np.nan], temp[:-1]])
    sign_temp = (temp >= th.temp_one_night_c) | (
        (temp >= th.temp_two_nights_c) & (prev_temp >= th.temp_two_nights_c)
    )
    resp = night.resp  # sleeping respiratory rate, br/min, with its baseline
    sign_resp = (resp.today >= resp.mu + th.resp_sd * resp.sigma) & (
        resp.today >= resp.mu + th.resp_min_rise
    )
    hrv, rhr = night.hrv, night.rhr
    # half-width of the smallest-worthwhile-change band, SD units
    swc = np.where(hrv.n >= th.provisional_nights, th.swc_k, th.swc_k_provisional)
    with np.errstate(invalid="ignore", divide="ignore"):
        hrv_below = (hrv.mu - hrv.today) / hrv.sigma > swc
    sign_rhr = (rhr.today >= rhr.mu + th.rhr_rise_bpm) & hrv_below
    signs = sign_temp.astype(int) + sign_resp.astype(int) + sign_rhr.astype(int)
    illness = sick | (signs >= th.illness_signs)
    return GateArrays(
        pain=pain_gate,
        pain_reason=reasons,
        pain_site=site_of,
        pain_days14=days14,
        pain_episodes30=episodes30,
        illness=illness,
        sick=sick,
        sign_temp=sign_temp,
        sign_resp=sign_resp,
        sign_rhr=sign_rhr,
    )
