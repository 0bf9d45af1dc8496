"""A fresh SQLite database per test, migrated, for the in-process storage tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from readiness.api.settings import Settings
from readiness.api.storage.engine import Database, open_database


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(
        Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 's.db'}")  # type: ignore[call-arg]
    )
    yield database
    database.dispose()
