"""``readiness coaches create`` and ``readiness teams create|invite|list``: the codes and keys
they print work through the services, as an athlete and a coach would use them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from readiness.api.services.accounts import create_athlete
from readiness.api.services.teams import (
    Caller,
    accept_invitation,
    caller_by_key,
    list_teams,
)
from readiness.api.settings import Settings
from readiness.api.storage.engine import open_database
from readiness.api.storage.models import utcnow
from readiness.api.storage.unit_of_work import unit_of_work

from tests.cli.conftest import Runner


def test_create_invite_and_list(
    run: Runner, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    db = tmp_path_factory.mktemp("db") / "teams.db"
    made = run(["coaches", "create", "--name", "Coach Kim"], db, tmp_path)
    assert made.returncode == 0, made.stderr
    coach_id = re.search(r"coach (\d+) created", made.stdout).group(1)  # type: ignore[union-attr]
    key = re.search(r"API key .*: (rdy_\S+)", made.stdout).group(1)  # type: ignore[union-attr]

    created = run(["teams", "create", "--name", "Rowing", "--coach", coach_id], db, tmp_path)
    assert created.returncode == 0, created.stderr
    assert "Coach Kim" in created.stdout
    team_id = re.search(r"team (\d+) created", created.stdout).group(1)  # type: ignore[union-attr]
    unknown = run(["teams", "create", "--name", "X", "--coach", "999"], db, tmp_path)
    assert unknown.returncode == 2 and "no coach 999" in unknown.stderr

    invited = run(["teams", "invite", "--team", team_id], db, tmp_path)
    assert invited.returncode == 0, invited.stderr
    code = invited.stdout.strip().rsplit(" ", 1)[-1]
    missing = run(["teams", "invite", "--team", "999"], db, tmp_path)
    assert missing.returncode == 2 and "no team 999" in missing.stderr
    too_long = run(["teams", "invite", "--team", team_id, "--days", "31"], db, tmp_path)
    assert too_long.returncode == 2

    database = open_database(Settings(_env_file=None, database_url=f"sqlite:///{db}"))  # type: ignore[call-arg]
    try:
        with unit_of_work(database.sessions) as work:
            coach = caller_by_key(work, key)
            assert coach is not None and coach.role == "coach" and coach.id == int(coach_id)
            athlete, _ = create_athlete(work, name="Ann", timezone="Europe/Oslo")
            me = Caller("athlete", athlete.id, athlete.name, athlete)
            joined = accept_invitation(work, me, code, now=utcnow())
            assert [m.name for m in joined.members] == ["Ann"]
            assert [t.id for t in list_teams(work, coach)] == [int(team_id)]
    finally:
        database.dispose()

    listed = run(["teams", "list", "--json"], db, tmp_path)
    assert listed.returncode == 0, listed.stderr
    (only,) = json.loads(listed.stdout)
    assert only["name"] == "Rowing" and [m["name"] for m in only["members"]] == ["Ann"]
    assert [c["id"] for c in only["coaches"]] == [int(coach_id)]
    plain = run(["teams", "list"], db, tmp_path)
    assert "Rowing" in plain.stdout and "members: 1" in plain.stdout and "1 team(s)" in plain.stdout
