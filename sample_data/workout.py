"""PURE: one workout of the sample athlete — 5-second heart rate, RR intervals and load."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .plan import SessionPlan, sport_of

__all__ = ["SAMPLE_S", "Session", "banister_trimp", "make_session"]

#: Seconds between heart-rate records in the activity files.
SAMPLE_S = 5
#: Kinds recorded with a chest strap (so the file carries RR intervals).
_STRAP = {"intervals", "tempo", "long", "race"}


@dataclass(frozen=True, slots=True)
class Session:
    """A workout: UTC start/end, HR every ``SAMPLE_S`` s, RR intervals (ms) when strapped."""

    kind: str
    sport: str
    start: datetime
    end: datetime
    hr: tuple[int, ...]
    rr_ms: tuple[int, ...]
    avg_hr: int
    max_hr: int
    trimp: float
    vendor_load: float
    training_effect: float
    rmssd_ms: float | None

    def hr_between(self, t0: datetime, t1: datetime) -> int:
        """Mean HR of the samples in [t0, t1) (rounded)."""
        i0 = max(0, int((t0 - self.start).total_seconds() // SAMPLE_S))
        i1 = min(len(self.hr), int((t1 - self.start).total_seconds() // SAMPLE_S))
        chunk = self.hr[i0:i1] or self.hr
        return round(sum(chunk) / len(chunk))


def _targets(kind: str, n: int) -> list[float]:
    """Target HR per sample for a session kind (before lag and noise)."""
    per_min = 60 // SAMPLE_S
    out: list[float] = []
    for i in range(n):
        m = i / per_min  # minutes in
        left = (n - i) / per_min
        if kind == "walk":
            hr = 116.0
        elif kind == "easy":
            hr = 138.0 + 4 * m / max(1, n / per_min)
        elif kind == "bike":
            hr = 128.0
        elif kind == "strength":
            hr = 138.0 if int(m) % 4 < 1 else 108.0
        elif kind == "tempo":
            hr = 165.0 if m >= 10 and left > 8 else 135.0
        elif kind == "intervals":
            k = m - 12
            hr = 178.0 if k >= 0 and k < 25 and k % 5 < 3 and left > 8 else 136.0
        elif kind == "long":
            hr = 146.0 + 10 * m / max(1, n / per_min)
        else:  # race
            hr = 172.0 if left > 20 else 178.0
            if left < 3:
                hr = 186.0
        if m < 6 and kind != "walk":
            hr = 100.0 + (hr - 100.0) * m / 6
        out.append(hr)
    return out


def banister_trimp(hr: list[int], hr_rest: float, hr_max: float, sex: str, dt_s: float) -> float:
    """Banister TRIMP summed over samples ``dt_s`` apart.

    Per minute: x·a·e^(b·x), x = heart-rate reserve fraction; female a=0.86, b=1.67; male
    a=0.64, b=1.92.
    """
    a, b = (0.86, 1.67) if sex == "female" else (0.64, 1.92)
    total = 0.0
    for h in hr:
        x = min(1.0, max(0.0, (h - hr_rest) / (hr_max - hr_rest)))
        total += dt_s / 60 * x * a * math.exp(b * x)
    return total


def _rr(r: random.Random, hr: list[int]) -> list[int]:
    """Beat-to-beat RR intervals (ms) following the HR samples, with small beat-to-beat noise."""
    out: list[int] = []
    elapsed = 0.0
    total = len(hr) * SAMPLE_S
    while elapsed < total:
        h = hr[min(len(hr) - 1, int(elapsed // SAMPLE_S))]
        rr = 60000.0 / h * (1 + r.gauss(0, 0.012))
        out.append(round(rr))
        elapsed += rr / 1000
    return out


def _rmssd(rr: list[int]) -> float | None:
    if len(rr) < 3:
        return None
    diffs = [(b - a) ** 2 for a, b in itertools.pairwise(rr)]
    return round(math.sqrt(sum(diffs) / len(diffs)), 2)


def make_session(seed: int, plan: SessionPlan, hr_rest: float, hr_max: float, sex: str) -> Session:
    """Simulate one planned workout (deterministic for a seed and plan)."""
    start = plan.start_local.astimezone(UTC)
    r = random.Random(f"{seed}:session:{start.isoformat()}")
    n = plan.minutes * 60 // SAMPLE_S
    hr: list[int] = []
    cur = 95.0
    alpha = 1 - math.exp(-SAMPLE_S / 25)  # ~25 s heart-rate lag
    for target in _targets(plan.kind, n):
        cur += alpha * (target - cur)
        hr.append(int(min(hr_max, max(hr_rest + 20, round(cur + r.gauss(0, 1.5))))))
    rr = _rr(r, hr) if plan.kind in _STRAP else []
    trimp = round(banister_trimp(hr, hr_rest, hr_max, sex, SAMPLE_S), 1)
    return Session(
        kind=plan.kind,
        sport=sport_of(plan.kind),
        start=start,
        end=start + timedelta(seconds=n * SAMPLE_S),
        hr=tuple(hr),
        rr_ms=tuple(rr),
        avg_hr=round(sum(hr) / len(hr)),
        max_hr=max(hr),
        trimp=trimp,
        vendor_load=round(trimp * 1.15),
        training_effect=round(min(5.0, 1.0 + trimp / 70), 1),
        rmssd_ms=_rmssd(rr),
    )
