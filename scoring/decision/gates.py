"""Gates, evaluated before anything else and never learned (docs/scoring.md, "Gates").

* **Pain / injury → physiotherapy assessment** if any: pain ≥ 4/5 today; pain ≥ 3/5 at the
  same site on ≥ 3 of the last 14 days; ≥ 2 separate episodes at one site within 30 days
  ("keeps returning", cf. OSTRC, Clarsen 2013); one episode at a site lasting > 7 days
  (outside the DOMS course, Cheung 2003); a red flag reported (optional check-in column
  ``red_flags``: swelling, numbness/tingling, night or rest pain, locking/giving way). The
  site-based rules apply while that site still hurts: its last pain ≥ 2 report is within the
  last 3 days and no later check-in reported pain 1 (none) there or without a site.
  An episode is a run of pain ≥ 2 reports at one site; ≥ 3 pain-free days end it.
  Every site is tracked on its own: pain reported at another site neither ends nor hides it,
  and the day lists every site whose rule holds (:class:`SiteFinding`).
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

__all__ = ["GateArrays", "SiteFinding", "gates"]

PAIN_REASONS = ("pain_acute", "red_flag", "pain_recurrent", "pain_returning", "pain_persisting")
#: The site-based pain rules, strongest first.
SITE_REASONS = PAIN_REASONS[2:]


@dataclass(frozen=True, slots=True)
class SiteFinding:
    """One pain site whose site-based rule holds on a day."""

    site: str
    reason: str  # the first of SITE_REASONS that holds there
    days14: int  # reports ≥ pain_recurrent at the site within pain_recurrent_window days
    episodes30: int  # episodes at the site within episode_window days


@dataclass(frozen=True, slots=True)
class GateArrays:
    """Per-day gate flags and why they fired."""

    pain: np.ndarray  # bool
    pain_reason: np.ndarray  # object: first matching reason or None
    pain_site: np.ndarray  # object: the site concerned or None
    pain_days14: np.ndarray  # reports ≥ 3 at that site in 14 days
    pain_episodes30: np.ndarray  # episodes at that site in 30 days
    #: object: per day, a tuple of every SiteFinding (strongest rule first, then most days)
    pain_findings: np.ndarray
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


#: One site's rules per day: (index into SITE_REASONS of the first that holds, or −1; reports
#: ≥ pain_recurrent within pain_recurrent_window days; episodes within episode_window days).
_SiteArrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def _strongest(per_site: dict[str, _SiteArrays], n_days: int) -> np.ndarray:
    """Per day, the strongest site rule that holds at any site (index into SITE_REASONS, −1
    where none)."""
    if not per_site:
        return np.full(n_days, -1, dtype="int64")
    codes = np.stack([code for code, _, _ in per_site.values()])
    best = np.where(codes >= 0, codes, len(SITE_REASONS)).min(axis=0)
    out: np.ndarray = np.where(best < len(SITE_REASONS), best, -1)
    return out


def _findings(per_site: dict[str, _SiteArrays], days: np.ndarray, n_days: int) -> np.ndarray:
    """Per day, the tuple of every site whose rule holds (strongest rule first, then most
    reports, then by name); only ``days`` can have any."""
    out = np.empty(n_days, dtype=object)
    out.fill(())
    for day in days:
        found = [
            SiteFinding(s, SITE_REASONS[code[day]], int(n14[day]), int(n30[day]))
            for s, (code, n14, n30) in per_site.items()
            if code[day] >= 0
        ]
        found.sort(key=lambda f: (SITE_REASONS.index(f.reason), -f.days14, f.site))
        out[day] = tuple(found)
    return out


def _pain_sites(
    pain: np.ndarray, site: np.ndarray, th: Thresholds
) -> tuple[dict[str, _SiteArrays], np.ndarray, np.ndarray]:
    """Each site's rules, on its own: per site (reason code or −1, 14-day count, 30-day
    episodes), and per day the 14-day count and episodes of that day's reported site."""
    n_days = len(pain)
    present = pain >= th.pain_present
    none = np.isfinite(pain) & ~present  # pain 1: no pain (there, or anywhere without a site)
    idx = np.arange(n_days)
    per_site: dict[str, _SiteArrays] = {}
    days14 = np.zeros(n_days, dtype="int64")
    episodes30 = np.zeros(n_days, dtype="int64")
    for s in sorted({x for x in site[present] if x}):
        here = present & (site == s)
        high = here & (pain >= th.pain_recurrent)
        last = last_true_index(here)
        last_quiet = last_true_index(none & ((site == s) | (site == "")))
        active = (last >= 0) & (idx - last < th.episode_active_days) & (last > last_quiet)
        prev_last = np.concatenate([[-1], last[:-1]])
        starts = here & ((prev_last < 0) | (idx - prev_last > th.episode_gap_days))
        ep_start = last_true_index(starts)
        n14 = trailing_sum(high.astype("int64"), th.pain_recurrent_window)
        n30 = trailing_sum(starts.astype("int64"), th.episode_window)
        rec = active & (n14 >= th.pain_recurrent_days)
        ret = active & (n30 >= th.episode_count)
        per = active & (ep_start >= 0) & (last - ep_start >= th.pain_persist_days)
        code = np.select([rec, ret, per], [0, 1, 2], default=-1)
        per_site[s] = (code, n14, n30)
        days14 = np.where(here, n14, days14)
        episodes30 = np.where(here, n30, episodes30)
    return per_site, days14, episodes30


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
    per_site, days14, episodes30 = _pain_sites(pain, site, th)
    strongest = _strongest(per_site, n_days)
    findings = _findings(per_site, np.flatnonzero(strongest >= 0), n_days)
    conds = [acute, red, *(strongest == k for k in range(len(SITE_REASONS)))]
    reason = np.select(conds, list(PAIN_REASONS), default="")
    # the site concerned: today's reported site, unless a site rule is the day's first reason
    site_of = np.full(n_days, None, dtype=object)
    site_of[present] = site[present]
    for day in np.flatnonzero((strongest >= 0) & ~acute & ~red):
        first = findings[day][0]
        site_of[day], days14[day], episodes30[day] = first.site, first.days14, first.episodes30
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
        pain_findings=findings,
        illness=illness,
        sick=sick,
        sign_temp=sign_temp,
        sign_resp=sign_resp,
        sign_rhr=sign_rhr,
    )
