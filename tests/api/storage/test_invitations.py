"""Invitations in-process: a code is stored as its hash, and cannot be accepted once expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from readiness.api.security import hash_key
from readiness.api.services.errors import MissingError
from readiness.api.services.teams import ADMIN, Caller, accept_invitation, create_team, invite
from readiness.api.storage.engine import Database
from readiness.api.storage.models import Invitation
from readiness.api.storage.unit_of_work import unit_of_work


def test_an_invitation_expires_and_is_stored_hashed(db: Database) -> None:
    from readiness.api.services.accounts import create_athlete

    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with unit_of_work(db.sessions) as work:
        team_id = create_team(work, ADMIN, name="Expiring").id
        athlete, _ = create_athlete(work, name="Late", timezone="UTC")
        late = Caller("athlete", athlete.id, athlete.name, athlete)
        old = invite(work, ADMIN, team_id, now=now, days=3).code
        fresh = invite(work, ADMIN, team_id, now=now, days=3).code
    with unit_of_work(db.sessions) as work:
        stored: list[Any] = list(work.session.scalars(sa.select(Invitation.code_hash)))
        assert sorted(stored) == sorted([hash_key(old), hash_key(fresh)])
    with unit_of_work(db.sessions) as work, pytest.raises(MissingError):
        accept_invitation(work, late, old, now=now + timedelta(days=3, seconds=1))
    with unit_of_work(db.sessions) as work:
        joined = accept_invitation(work, late, fresh, now=now + timedelta(days=2, hours=23))
    assert [m.id for m in joined.members] == [athlete.id]
