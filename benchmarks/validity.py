"""Validity of personal weights (issue 12): does the stress score track how each athlete feels?

Synthetic athletes whose felt stress follows different hidden weights (HRV-, resting-HR-,
sleep- and load-driven, and noise-only; ``tests/scoring/felt.py``) check in on the first 60 %
of their days. On the last 40 % (no check-ins, so the score is the objective part alone) the
mean within-athlete Spearman ρ of the stress score with the hidden felt stress is reported for
the fixed formula and with personal weights.

Target: personal ≥ fixed + 0.10 on the structured athletes (each kind), and ≥ fixed − 0.02 on
the noise-only ones. Run: ``.venv/bin/python benchmarks/validity.py [athletes per kind]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scoring.felt import KINDS, STRUCTURED, athlete  # noqa: E402


def rho_pair(kind: str, seed: int, n_days: int = 360) -> tuple[float, float, bool]:
    """(fixed ρ, personal ρ, personal weights active at the end) for one athlete."""
    import pandas as pd
    from readiness.scoring import score_history

    daily, sessions, checkins, felt, cut = athlete(kind, seed, n_days)
    out = []
    for personal in (False, True):
        frame = score_history(daily, sessions, checkins, personal=personal)
        score = frame["nervous_system_stress"].to_numpy()[cut:]
        out.append(float(pd.Series(score).corr(pd.Series(felt[cut:]), method="spearman")))
    active = bool(frame["stress_personal"].to_numpy()[-1])
    return out[0], out[1], active


def run(per_kind: int, n_days: int = 360) -> dict[str, tuple[float, float, float]]:
    """Per kind: (mean fixed ρ, mean personal ρ, share of athletes on personal weights)."""
    results: dict[str, tuple[float, float, float]] = {}
    for kind in KINDS:
        rows = [rho_pair(kind, seed, n_days) for seed in range(per_kind)]
        columns = zip(*rows, strict=True)
        fixed, personal, active = (np.array(column, dtype=float) for column in columns)
        results[kind] = (float(fixed.mean()), float(personal.mean()), float(active.mean()))
    return results


def meets_target(results: dict[str, tuple[float, float, float]]) -> bool:
    structured = all(results[k][1] >= results[k][0] + 0.10 for k in STRUCTURED)
    return structured and results["noise"][1] >= results["noise"][0] - 0.02


def main() -> int:
    per_kind = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    started = time.perf_counter()
    results = run(per_kind)
    print(
        f"personal weights: {per_kind} synthetic athletes per kind, 360 days, check-ins on the "
        "first 60 %; mean within-athlete Spearman ρ with the hidden felt stress on the last 40 %"
    )
    print(f"  {'kind':<8}{'fixed':>8}{'personal':>10}{'gain':>8}{'on personal':>13}")
    for kind, (fixed, personal, active) in results.items():
        print(
            f"  {kind:<8}{fixed:>+8.3f}{personal:>+10.3f}{personal - fixed:>+8.3f}{active:>12.0%}"
        )
    ok = meets_target(results)
    print(f"  ({time.perf_counter() - started:.1f} s)")
    print(
        "  target: personal ≥ fixed + 0.10 on every structured kind, ≥ fixed − 0.02 on noise: "
        + ("PASS" if ok else "FAIL")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
