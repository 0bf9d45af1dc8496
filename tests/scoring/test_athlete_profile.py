"""One athlete profile and one TRIMP formula, shared by ingest (at import) and scoring."""

from __future__ import annotations

import dataclasses
import datetime

import numpy as np
import pandas as pd
import pytest
from readiness.ingest import AthleteProfile as IngestProfile
from readiness.ingest import ReadOptions
from readiness.ingest.fit.reading import available_backends, decode_fit, extract
from readiness.ingest.physiology import (
    DEFAULT_HR_MAX_BPM,
    DEFAULT_HR_REST_BPM,
    AthleteProfile,
    banister_trimp,
)
from readiness.scoring import AthleteProfile as ScoringProfile
from readiness.scoring import Thresholds
from readiness.scoring.load import session_trimp
from readiness.scoring.pipeline import compute
from readiness.scoring.thresholds import DEFAULT

from tests.ingest.fit.builders import Activity

START = datetime.datetime(2024, 5, 4, 6, 30, tzinfo=datetime.UTC).timestamp()


def _avg_hr_trimp(minutes: float, avg_hr: float, profile: AthleteProfile) -> float:
    """Scoring's load of a session known only by its duration and average heart rate."""
    one = np.ones(1)
    load, basis = session_trimp(
        trimp=one * np.nan,
        duration_min=one * minutes,
        avg_hr=one * avg_hr,
        rpe=one * np.nan,
        hr_rest=one * (profile.hr_rest or DEFAULT_HR_REST_BPM),
        hr_max=one * (profile.hr_max or DEFAULT_HR_MAX_BPM),
        sex=profile.sex,
        th=DEFAULT,
    )
    assert basis[0] == "avg_hr"
    return float(load[0])


def test_one_profile_type_everywhere() -> None:
    assert IngestProfile is AthleteProfile is ScoringProfile
    assert ReadOptions().profile == AthleteProfile()


@pytest.mark.parametrize("sex", ["male", "female", None])
@pytest.mark.parametrize("hr", [95.0, 140.0, 171.0])
def test_constant_heart_rate_gives_one_trimp_through_ingest_and_scoring(
    sex: str | None, hr: float
) -> None:
    profile = AthleteProfile(hr_rest=52.0, hr_max=188.0, sex=sex)  # type: ignore[arg-type]
    t = np.arange(0.0, 3601.0)  # one sample a second for an hour
    from_samples = banister_trimp(
        t, np.full_like(t, hr), hr_rest=52.0, hr_max=188.0, sex=profile.sex
    )
    assert from_samples == pytest.approx(_avg_hr_trimp(60.0, hr, profile), rel=1e-12)


def test_unknown_sex_takes_the_neutral_coefficients_in_both() -> None:
    t = np.arange(0.0, 1801.0)
    hr = np.full_like(t, 150.0)
    neutral = banister_trimp(t, hr, hr_rest=60.0, hr_max=180.0, sex=None)
    male = banister_trimp(t, hr, hr_rest=60.0, hr_max=180.0, sex="male")
    female = banister_trimp(t, hr, hr_rest=60.0, hr_max=180.0, sex="female")
    assert min(male, female) < neutral < max(male, female)
    assert neutral == pytest.approx(_avg_hr_trimp(30.0, 150.0, AthleteProfile()), rel=1e-12)


def test_the_defaults_are_written_once() -> None:
    names = {f.name for f in dataclasses.fields(Thresholds)}
    assert not {n for n in names if "hr_rest" in n or "hr_max" in n}
    assert (DEFAULT_HR_REST_BPM, DEFAULT_HR_MAX_BPM) == (60.0, 180.0)


@pytest.mark.parametrize("backend", available_backends())
def test_ingest_fallback_equals_the_scoring_floor(backend: str) -> None:
    """A file with no user profile: ingest's TRIMP (its defaults) equals scoring's TRIMP from the
    average heart rate (no resting HR known, HRmax floored), so the defaults agree."""
    records = [(START + i, 150) for i in range(3601)]
    data = Activity(start=START, records=records, avg_hr=150, max_hr=150).build()
    res = extract(decode_fit(data, "no-profile.fit", backend), ReadOptions())
    row = res.sessions.iloc[0]
    (warn,) = [w for w in res.warnings if w.column == "trimp"]
    assert f"max HR {DEFAULT_HR_MAX_BPM:g} bpm" in warn.message
    assert f"resting HR {DEFAULT_HR_REST_BPM:g} bpm" in warn.message
    without_trimp = res.sessions.assign(trimp=pd.Series([np.nan], dtype="Float64"))
    history = compute(None, without_trimp, None)
    assert history.prepared.sessions["load_basis"][0] == "avg_hr"
    assert float(history.prepared.sessions["load"][0]) == pytest.approx(
        float(row["trimp"]), rel=1e-9
    )
