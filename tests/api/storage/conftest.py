"""Shared fixtures of the in-process storage tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from readiness.api.settings import Settings
from readiness.api.storage.engine import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite database in the test's folder."""
    database = open_database(
        Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'storage.db'}")  # type: ignore[call-arg]
    )
    yield database
    database.dispose()
