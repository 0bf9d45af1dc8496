"""The bands a score falls in, as integer enums; the output writes each band's name in lower case.

* :class:`Band` — stress and stiffness (0–100): settled < ``band_elevated`` ≤ elevated <
  ``band_guarded`` ≤ guarded; ``UNKNOWN`` where the score is NaN.
* :class:`WarmthBand` — warmth (0–100): cold < ``cooling_from`` ≤ cooling < ``warm_from`` ≤ warm.

The cut-points are :class:`~readiness.scoring.thresholds.Thresholds` fields (docs/scoring.md,
"nervous_system_stress" and "warmth").
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["Band", "WarmthBand", "band_labels", "warmth_labels"]


class _Labelled(IntEnum):
    """An integer band code whose output name is its member name in lower case."""

    @property
    def label(self) -> str:
        """The band's name in the output ("settled", "cooling", …)."""
        return self.name.lower()


class Band(_Labelled):
    """Band of a stress or stiffness score (the int is the vectorised code)."""

    UNKNOWN = -1
    SETTLED = 0
    ELEVATED = 1
    GUARDED = 2


class WarmthBand(_Labelled):
    """Band of a warmth score (the int is the vectorised code)."""

    COLD = 0
    COOLING = 1
    WARM = 2


#: Output name per band code, indexed by ``code − Band.UNKNOWN`` (unknown → None).
_BAND_LABELS = np.array([None if b is Band.UNKNOWN else b.label for b in Band], dtype=object)
_WARMTH_LABELS = np.array([b.label for b in WarmthBand], dtype=object)


def band_labels(codes: np.ndarray) -> np.ndarray:
    """Band names of an array of :class:`Band` codes (None where unknown)."""
    out: np.ndarray = _BAND_LABELS[np.asarray(codes, dtype="int64") - int(Band.UNKNOWN)]
    return out


def warmth_labels(codes: np.ndarray) -> np.ndarray:
    """Band names of an array of :class:`WarmthBand` codes."""
    out: np.ndarray = _WARMTH_LABELS[np.asarray(codes, dtype="int64") - int(WarmthBand.COLD)]
    return out
