"""Shared fixtures: where the real (not committed) fixtures live, and skip reasons."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "fixtures"
SAMPLE_DATA = ROOT / "sample_data"


def shared_dir(*parts: str) -> Path:
    """A folder of the shared real-file fixtures, or skip the test when it is absent.

    The real files are not committed (most have no licence); CI always has them beside the
    clone, a user's clone usually does not.
    """
    path = SHARED.joinpath(*parts)
    if not path.is_dir():
        pytest.skip(f"real fixtures not found at {path} (they live outside the repository)")
    return path


@pytest.fixture
def shared_fit_dir() -> Path:
    return shared_dir("fit")


@pytest.fixture
def shared_exports_dir() -> Path:
    return shared_dir("exports")
