"""Validity of personal weights (issue 12): does the stress score track how each athlete feels?

Synthetic athletes whose felt stress follows different hidden weights (HRV-, resting-HR-,
sleep- and load-driven, and noise-only; ``tests/scoring/felt.py``) check in on the first 60 %
of their days. On the last 40 % (no check-ins, so the score is the objective part alone) the
mean within-athlete Spearman ρ of the stress score with the hidden felt stress is reported for
the fixed formula and with personal weights.

Target: personal ≥ fixed + 0.10 on the structured athletes (each kind), and ≥ fixed − 0.02 on
the noise-only ones. The same is reported for physical stiffness from soreness and stiffness
check-ins (session-driven and noise-only soreness; no gain target: personal weights are used only
where validation supports them, and must not make the score worse).
Run: ``.venv/bin/python benchmarks/validity.py [athletes per kind]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scoring.felt import KINDS, SORENESS_KINDS, STRUCTURED, athlete  # noqa: E402

#: (check-in item, score column, personal-weights column) per sub-score.
SUBSCORES = {
    "stress": ("stress", "nervous_system_stress", "stress_personal"),
    "stiffness": ("soreness", "physical_stiffness", "stiffness_personal"),
}


def rho_pair(
    kind: str, seed: int, n_days: int = 360, subscore: str = "stress"
) -> tuple[float, float, bool]:
    """(fixed ρ, personal ρ, personal weights active at the end) for one athlete."""
    import pandas as pd
    from readiness.scoring import score_history

    item, column, flag = SUBSCORES[subscore]
    daily, sessions, checkins, felt, cut = athlete(kind, seed, n_days, item=item)
    out = []
    for personal in (False, True):
        frame = score_history(daily, sessions, checkins, personal=personal)
        score = frame[column].to_numpy()[cut:]
        out.append(float(pd.Series(score).corr(pd.Series(felt[cut:]), method="spearman")))
    active = bool(frame[flag].to_numpy()[-1])
    return out[0], out[1], active


def run(
    per_kind: int, n_days: int = 360, subscore: str = "stress"
) -> dict[str, tuple[float, float, float]]:
    """Per kind: (mean fixed ρ, mean personal ρ, share of athletes on personal weights)."""
    results: dict[str, tuple[float, float, float]] = {}
    for kind in KINDS if subscore == "stress" else SORENESS_KINDS:
        rows = [rho_pair(kind, seed, n_days, subscore) for seed in range(per_kind)]
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
        "first 60 %; mean within-athlete Spearman ρ with the hidden felt rating on the last 40 %"
    )
    _table("nervous_system_stress (stress and fatigue check-ins)", results)
    stiffness = run(per_kind, subscore="stiffness")
    _table("physical_stiffness (soreness and stiffness check-ins)", stiffness)
    ok = meets_target(results) and stiffness["noise"][1] >= stiffness["noise"][0] - 0.02
    print(f"  ({time.perf_counter() - started:.1f} s)")
    print(
        "  target: stress personal ≥ fixed + 0.10 on every structured kind, ≥ fixed − 0.02 on "
        "noise (stiffness too): " + ("PASS" if ok else "FAIL")
    )
    return 0 if ok else 1


def _table(title: str, results: dict[str, tuple[float, float, float]]) -> None:
    print(f"  {title}")
    print(f"    {'kind':<8}{'fixed':>8}{'personal':>10}{'gain':>8}{'on personal':>13}")
    for kind, (fixed, personal, active) in results.items():
        gain = personal - fixed
        print(f"    {kind:<8}{fixed:>+8.3f}{personal:>+10.3f}{gain:>+8.3f}{active:>12.0%}")


if __name__ == "__main__":
    sys.exit(main())
