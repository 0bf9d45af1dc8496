"""Helpers shared by the vendor-export reader tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

__all__ = ["day_row", "file_params"]


def file_params(paths: list[Path]) -> list[object]:
    """One param per real file; a single placeholder (the test skips) when they are absent."""
    if not paths:
        return [pytest.param(None, id="real-fixtures-absent")]
    return [pytest.param(p, id=p.parent.name) for p in paths]


def day_row(frame: pd.DataFrame, day: str) -> pd.Series:
    """The one row of ``frame`` dated ``day`` (asserting there is exactly one)."""
    hit = frame.loc[frame["date"] == pd.Timestamp(day)]
    assert len(hit) == 1, f"{len(hit)} rows on {day}"
    return hit.iloc[0]
