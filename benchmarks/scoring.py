"""Benchmark: score a 5-year daily history (every day, every sub-score), and a batch of athletes.

Targets (issue 3): one 5-year history ≤ 50 ms; ≥ 10,000 athlete-days/s in batch — both without
personal weights (``personal=False``, the fixed formula). With personal weights (issue 12) the
cost of a 5-year history with a stress and fatigue check-in every day is printed beside it: the
first scoring of a history (every refit point fitted) and the next one (fits from the cache).
Run: ``.venv/bin/python benchmarks/scoring.py``.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TZ = "Europe/Oslo"


def _synthetic():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "scoring_synthetic", ROOT / "tests" / "scoring" / "synthetic.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    from readiness.scoring import AthleteProfile, score_history

    sy = _synthetic()
    days = 5 * 365 + 1
    daily = sy.daily(days, seed=1)
    sessions = sy.sessions(days, seed=1)
    checkins = sy.checkins(
        [{"date": sy.day(i), "soreness": 2, "stress": 2, "stiffness": 2} for i in range(0, days, 3)]
    )
    profile = AthleteProfile(hr_rest=48, hr_max=190, sex="female")
    fixed = {"profile": profile, "timezone": TZ, "personal": False}
    score_history(daily, sessions, checkins, **fixed)  # warm-up
    runs = []
    for _ in range(15):
        t = time.perf_counter()
        frame = score_history(daily, sessions, checkins, **fixed)
        runs.append(time.perf_counter() - t)
    assert len(frame) == days
    best, median = min(runs), statistics.median(runs)
    print(f"5-year history: {days} days, {len(sessions)} sessions, {len(checkins)} check-ins")
    print(
        f"  one history: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms (target ≤ 50 ms)"
    )
    athletes = 20
    histories = [
        (sy.daily(days, seed=k), sy.sessions(days, seed=k), checkins) for k in range(athletes)
    ]
    t = time.perf_counter()
    for d, s, c in histories:
        score_history(d, s, c, **fixed)
    elapsed = time.perf_counter() - t
    rate = athletes * days / elapsed
    print(
        f"  batch: {athletes} athletes × {days} days in {elapsed:.2f} s = "
        f"{rate:,.0f} athlete-days/s (target ≥ 10,000)"
    )
    _personal_cost(sy, profile, days)
    _feedback_refresh(sy, profile)
    ok = median <= 0.050 and rate >= 10_000
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


def _personal_cost(sy, profile, days: int) -> None:  # type: ignore[no-untyped-def]
    """The same 5-year history with a varied stress and fatigue check-in every day: without
    personal weights, with them on first sight (every refit point fitted), and again (cached)."""
    import numpy as np
    from readiness.scoring import score_history
    from readiness.scoring.calibration import personal

    rng = np.random.default_rng(5)
    daily, sessions = sy.daily(days, seed=1), sy.sessions(days, seed=1)
    rows = [
        {"date": sy.day(i), "stress": int(rng.integers(1, 6)), "fatigue": int(rng.integers(1, 6))}
        for i in range(days)
    ]
    checkins = sy.checkins(rows)
    kw = {"profile": profile, "timezone": TZ}
    score_history(daily, sessions, checkins, **kw)  # warm-up (and the scikit-learn import)
    off, cold, warm = [], [], []
    for _ in range(5):
        t = time.perf_counter()
        score_history(daily, sessions, checkins, personal=False, **kw)
        off.append(time.perf_counter() - t)
        personal._CACHE.clear()
        t = time.perf_counter()
        frame = score_history(daily, sessions, checkins, **kw)
        cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        score_history(daily, sessions, checkins, **kw)
        warm.append(time.perf_counter() - t)
    fits = len(personal.refit_sizes(days, sy_thresholds()))
    active = int(frame["stress_personal"].sum())
    print(
        f"  personal weights, {days} daily check-ins ({fits} refit points, {active} days on "
        "personal weights), median of 5:"
    )
    print(
        f"    without {statistics.median(off) * 1000:.1f} ms | first scoring "
        f"{statistics.median(cold) * 1000:.1f} ms | next scoring (cached fits) "
        f"{statistics.median(warm) * 1000:.1f} ms"
    )


def sy_thresholds():  # type: ignore[no-untyped-def]
    from readiness.scoring import DEFAULT

    return DEFAULT


def _feedback_refresh(sy, profile) -> None:  # type: ignore[no-untyped-def]
    """What the service does after an upload: explain every day of two years, with feedback."""
    import pandas as pd
    from readiness.scoring import score_days

    days = 730
    daily, sessions = sy.daily(days, seed=3), sy.sessions(days, seed=3)
    actions = ("assisted_stretching", "massage_then_stretching", "relaxation_massage")
    feedback = pd.DataFrame(
        {
            "date": [sy.day(i) for i in range(days)],
            "action": [actions[i % 3] for i in range(days)],
            "helped": [1 + (i * 7) % 5 for i in range(days)],
        }
    )
    dates = [sy.day(i) for i in range(days)]
    score_days(
        daily, sessions, None, dates=dates[:40], profile=profile, timezone=TZ, feedback=feedback
    )
    t = time.perf_counter()
    score_days(daily, sessions, None, dates=dates, profile=profile, timezone=TZ, feedback=feedback)
    elapsed = time.perf_counter() - t
    print(f"  2-year refresh with daily feedback: {days} days explained in {elapsed:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
