"""Every number the scorer uses, named once, with its reference (see ``docs/scoring.md``).

``Thresholds()`` holds the defaults; tests and callers may pass a modified copy
(``dataclasses.replace``). Section names in the comments are those of ``docs/scoring.md``;
``docs/evidence.md`` gives each short citation in full.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT", "Thresholds"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Named choices of the scoring model. Units are in the field names."""

    # --- baselines ("Baselines") ---------------------------------------------------------
    baseline_days: int = 60  # normal range over days t-60..t-1 (HRV4Training, Altini)
    swc_k: float = 0.5  # smallest worthwhile change, in SD (Vesterinen 2016, Javaloyes 2019)
    swc_k_provisional: float = 1.0  # band widened while provisional
    mean_days: int = 7  # rolling mean window (Plews 2013)
    mean_min_valid: int = 3  # valid nights needed for a 7-day mean (Plews 2014)
    baseline_min_nights: int = 3  # below this there is no baseline at all
    provisional_nights: int = 14  # provisional below this many (WHOOP 4 n., HRV4Training 60 d)
    full_nights: int = 28  # full after this many (4 weeks, Vesterinen 2016)
    mad_scale: float = 1.4826  # MAD → SD for normal data
    shrink_n0: float = 7.0  # empirical-Bayes prior weight for σ, in nights
    pop_sd_ln_hrv: float = 0.15  # prior day-to-day SD of lnRMSSD/lnSDNN (Plews 2012 CV ≈ 3–6 %)
    pop_sd_rhr_bpm: float = 2.5  # prior day-to-day SD of resting HR (Quer 2020)
    pop_sd_resp_bpm: float = 0.6  # prior SD of sleeping respiratory rate
    pop_sd_temp_c: float = 0.25  # prior SD of skin temperature deviation

    # --- points mapping ("nervous_system_stress") ------------------------------------------
    points_span_sd: float = 2.0  # P(d) = clip(100·(d − k)/span); 100 at k + 2 SD

    # --- nervous-system stress (autonomic strain) weights ("nervous_system_stress") --------
    w_hrv_chronic: float = 0.30
    w_hrv_acute: float = 0.15
    w_rhr_chronic: float = 0.15
    w_rhr_acute: float = 0.10
    w_sleep: float = 0.20
    w_trend: float = 0.10
    checkin_stress_share: float = 0.15  # AS = 0.85·AS_obj + 0.15·25·(stress − 1)
    stress_escalate_from: float = 4.0  # stress ≥ 4 floors AS at 25·(stress − 1) (Saw 2016)
    trend_days: int = 21  # Theil–Sen slope of the 7-day mean over 21 days (Plews 2012)
    trend_min_points: int = 7
    acute_dip_sd: float = 1.0  # today below μ − 1 SD (Kiviniemi 2007)
    rhr_band_sd: float = 0.5  # RHR 7-day mean above μ + 0.5 SD = strain
    cv_change_sd: float = 1.0  # CV7 beyond its own μ ± 1 SD (Flatt & Esco 2015; Plews 2012)

    # --- sleep ("nervous_system_stress") -------------------------------------------------
    sleep_need_floor_min: float = 420.0  # 7 h adult floor (Walsh 2021)
    sleep_need_cap_min: float = 540.0  # 9 h upper end of guidance
    sleep_need_quantile: float = 0.75  # upper quartile of past nights (NOOP #456)
    sleep_need_min_nights: int = 7
    sleep_debt_full_h: float = 10.5  # 7-night debt that gives full points (1.5 h/night)
    sleep_last_full_h: float = 3.0  # last night short by 3 h gives full points
    sleep_eff_good_pct: float = 85.0  # Oura: ≥ 85 % good
    sleep_eff_span_pct: float = 15.0  # 70 % gives full points
    sleep_w_debt: float = 0.5
    sleep_w_last: float = 0.3
    sleep_w_eff: float = 0.2

    # --- bands and confidence ("Confidence and calibration") -----------------------------
    band_elevated: float = 33.0  # settled < 33 ≤ elevated < 67 ≤ guarded (WHOOP cut-points)
    band_guarded: float = 67.0
    conf_high: float = 0.8
    conf_medium: float = 0.5
    conf_withhold: float = 0.15  # below this the sub-score is null ("calibrating")
    provisional_max_confidence: float = 0.45  # a provisional score is never above "Low"

    # --- training load ("physical_stiffness") --------------------------------------------
    ewma_acute_span: int = 7  # fatigue: Williams 2017 EWMA, λ = 2/(N+1)
    ewma_chronic_span: int = 28  # fitness (chronic)
    ratio_lag_days: int = 7  # uncoupled ratio E7(t) / E28(t − 7) (Lolli 2019)
    ratio_min_days: int = 28  # ratio hidden before 28 days of history
    load_maturity_days: int = 42
    typical_day_floor_au: float = 20.0  # floor of the "typical day" (TRIMP/day) in L1
    l1_min_history_days: int = 7  # a "typical day" needs a week of training history
    doms_early_h: float = 12.0  # DOMS window 12–72 h (Cheung 2003)
    doms_late_h: float = 72.0
    doms_end_h: float = 120.0
    doms_peak_from_h: float = 24.0  # soreness peaks 24–72 h after the session (Cheung 2003)
    doms_early_weight: float = 0.6
    l1_span: float = 2.0  # L1 = clip(100·(r − 1)/2): 3× a typical day = 100
    spike_span: float = 0.5  # L2 = clip(100·(ratio − 1)/0.5)
    monotony_from: float = 1.5  # Foster 1998; Runalyze warn 1.5, critical 2.0
    monotony_span: float = 1.0
    monotony_cap: float = 5.0
    deload_fraction: float = 0.7  # 7-day mean < 0.7 × chronic: deload week, monotony muted
    w_l1: float = 0.5
    w_l2: float = 0.25
    w_l3: float = 0.25
    checkin_floor_per_point: float = 25.0  # soreness/stiffness 4 → ≥ 75 (Saw 2016)
    trimp_rpe_scale: float = 0.1  # CR-10 RPE 6 ≈ 60 % heart-rate reserve (Foster 2001)
    trimp_default_hrr: float = 0.5  # duration only: assume moderate, low confidence

    # --- inactivity ("physical_stiffness") -----------------------------------------------
    inactive_from_min: float = 480.0  # Oura: < 8 h inactive is fine
    inactive_span_min: float = 240.0  # 12 h → 100
    bout_from_min: float = 50.0  # Oura inactivity alert after 50 min
    bout_span_min: float = 130.0  # 3 h → 100 (Beach 2005: 2 h of sitting)

    # Coverage and exposure ("Coverage and sedentary exposure"): a day's inactivity reads only
    # measured time; < 10 h of monitoring is not a valid day (accelerometry wear-time rule,
    # Troiano 2008). Inactive time is an exposure over days, as sitting is measured in
    # physical-activity research (average daily sitting over the last 7 days, IPAQ, Craig
    # 2003): an EWMA over measured days, λ = 2/(N+1), N = 7 (the acute span of the load EWMA,
    # Williams 2017), so one odd day moves I1 by a quarter of its own swing.
    coverage_valid_min: float = 600.0
    sedentary_ewma_span: int = 7

    # --- freshness ("Freshness") ---------------------------------------------------------------
    # A signal older than its window (days from its last measurement to the scored day) does
    # not feed that day's sub-scores; within the window missing nights lower the stress
    # confidence (completeness) and each day without any recording costs the load pathway
    # 1/(window + 1) of its confidence. Nightly HRV, resting HR, sleep, respiratory rate:
    # 3 days (a 7-day mean needs 3 of 7 nights, Plews 2014). Daily activity (inactive time,
    # sitting bouts): 0 days, the day's own measurement (sitting is a same-day exposure;
    # another day's is never filled in).
    # Training load: 3 days since any objective data (days without a session count as rest
    # only while the device is still recording something).
    fresh_night_days: int = 3
    fresh_activity_days: int = 0
    fresh_load_days: int = 3

    # --- warmth ("warmth") ----------------------------------------------------------------
    warmth_tau_min: float = 20.0  # W = 100·exp(−Δt/20) (Kapnia 2022; West 2013)
    warm_from: float = 60.0
    cooling_from: float = 30.0
    bout_min_duration_min: float = 10.0
    moderate_hrr: float = 0.40  # ACSM moderate: 40–59 % HRR …
    moderate_hrmax: float = 0.64  # … or 64–76 % HRmax
    moderate_rpe: float = 3.0  # CR-10 "moderate"

    # --- gates ("Gates") ------------------------------------------------------------------
    pain_acute: float = 4.0
    pain_recurrent: float = 3.0
    pain_recurrent_days: int = 3
    pain_recurrent_window: int = 14
    pain_present: float = 2.0  # 1 = none
    episode_gap_days: int = 3  # a new episode starts after ≥ 3 pain-free days at that site
    episode_window: int = 30
    episode_count: int = 2  # ≥ 2 episodes at one site in 30 days (OSTRC, Clarsen 2013)
    episode_active_days: int = 3
    pain_persist_days: int = 7  # > 7 days: outside the DOMS course (Cheung 2003)
    temp_one_night_c: float = 0.5  # Smarr 2020; Oura
    temp_two_nights_c: float = 0.3
    resp_sd: float = 2.0  # Miller 2020
    resp_min_rise: float = 1.0
    rhr_rise_bpm: float = 5.0  # Section 11 red; Oura
    illness_signs: int = 2

    # --- decision table ("Decision table") -------------------------------------------------
    rest_stress: float = 80.0  # R2 overreaching (Plews 2012; Le Meur 2013)
    rest_sleep_debt_h: float = 7.0  # R2: a night's sleep lost over the week (Van Dongen 2003)
    rest_fatigue: float = 4.0  # R2: fatigue check-in 4–5 of 5
    deep_tissue_wait_h: float = 24.0  # R3: deep tissue deferred while guarded (Moyer 2004)
    shift_fatigue: float = 4.0
    benign_wellness_max: float = 2.0
    deescalate_max_components: int = 1
    deescalate_sd: float = 1.5
    deescalate_stress_max: float = 2.0
    pre_event_h: float = 4.0
    checkin_personal_min: int = 14  # after 14 check-ins, also a personal z-score
    checkin_usual_sd: float = 0.5  # "worse than usual" beyond 0.5 SD (Flatt, Esco & Nakamura 2018)
    # Soreness against the recent session's load (docs/scoring.md, "Check-ins"): a report of
    # 4–5 of 5 after a light load counts (self-report escalates, Saw 2016); one of ≤ 2 after a
    # heavy load may still turn (soreness peaks 24–72 h after the session, Cheung 2003).
    soreness_high: float = 4.0
    soreness_low: float = 2.0

    # --- calibration from feedback ("Calibration from feedback") --------------------------
    feedback_min_days: int = 30
    feedback_min_per_class: int = 5
    feedback_helped_from: float = 4.0  # "did it help?" ≥ 4 of 5 = helped
    feedback_margin: float = 0.10  # an alternative must beat the rule's action by 10 points
    feedback_c: float = 0.5  # L2 strength of the logistic regression
    feedback_splits: int = 3
    # The model is refitted when the labelled history has grown by ≥ 20 % (and ≥ 10 days) since
    # the last fit, so scoring two years of days fits ~20 models, not one per day.
    feedback_refit_growth: float = 0.20
    feedback_refit_min_step: int = 10

    # --- personal weights from check-ins ("Personal weights from check-ins") --------------
    # A sub-score's parts are re-weighted per athlete once ≥ 30 days with a matching check-in
    # lie before the scored day (the same start as feedback calibration); refits every 14 new
    # check-in days, or 10 % growth when that is more. The learned weights are shrunk toward
    # the fixed formula's: n0 = 30 check-in days of prior weight. They are used only when
    # time-ordered validation (4 folds) gives a mean Spearman ρ ≥ the fixed formula's + 0.05
    # and beyond chance: ρ ≥ 2/√m over the m days validated (≈ 2 standard errors of ρ = 0).
    personal_min_days: int = 30
    personal_refit_step: int = 14
    personal_refit_growth: float = 0.10
    personal_n0: float = 30.0
    personal_alpha: float = 0.05  # ridge strength per check-in day, on standardised parts
    personal_splits: int = 4
    personal_margin: float = 0.05
    personal_chance_z: float = 2.0


DEFAULT = Thresholds()
