"""``readiness webhooks add|list``: the URL is checked as the API checks it, the secret is
printed once, the list shows the athlete's (or with ``--team`` the team's) webhooks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.conftest import Runner


def test_add_and_list(run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "r.db"
    made = run(["athletes", "create", "--name", "Ada", "--tz", "Europe/Oslo"], db, tmp_path)
    assert made.returncode == 0, made.stderr
    athlete = re.search(r"athlete (\d+) created", made.stdout)
    assert athlete is not None
    aid = athlete.group(1)

    refused = run(["webhooks", "add", "--athlete", aid, "--url", "http://10.0.0.7/h"], db, tmp_path)
    assert refused.returncode == 2
    assert "10.0.0.7 is a private address" in refused.stderr
    assert "READINESS_WEBHOOK_ALLOW_PRIVATE" in refused.stderr

    monkeypatch.setenv("READINESS_WEBHOOK_ALLOW_PRIVATE", "10.0.0.0/8")
    args = ["webhooks", "add", "--athlete", aid, "--url", "http://10.0.0.7/h"]
    added = run([*args, "--event", "gate.pain", "--event", "gate.illness"], db, tmp_path)
    assert added.returncode == 0, added.stderr
    secret = re.search(r"signing secret \(shown once, store it now\): (whsec_\S+)", added.stdout)
    assert secret is not None
    assert "(gate.pain, gate.illness)" in added.stdout
    every = run(args, db, tmp_path)  # no --event: all of them
    assert every.returncode == 0 and "upload.done, upload.failed" in every.stdout

    listed = run(["webhooks", "list", "--athlete", aid, "--json"], db, tmp_path)
    assert listed.returncode == 0, listed.stderr
    hooks = json.loads(listed.stdout)
    assert [h["events"] for h in hooks] == [
        ["gate.pain", "gate.illness"],
        ["upload.done", "upload.failed", "readiness.changed", "gate.pain", "gate.illness"],
    ]
    assert all(h["url"] == "http://10.0.0.7/h" for h in hooks)
    assert secret.group(1) not in listed.stdout
    text = run(["webhooks", "list", "--athlete", aid], db, tmp_path)
    assert text.stdout.strip().endswith("2 webhook(s)")

    bad = run(
        ["webhooks", "add", "--athlete", aid, "--url", "http://x/", "--event", "no"], db, tmp_path
    )
    assert bad.returncode == 2
    assert run(["webhooks", "list", "--athlete", "999"], db, tmp_path).returncode == 2


def test_a_teams_webhook(run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "r.db"
    made = run(["teams", "create", "--name", "Rowing"], db, tmp_path)
    assert made.returncode == 0, made.stderr
    team = re.search(r"team (\d+) created", made.stdout)
    assert team is not None
    tid = team.group(1)
    monkeypatch.setenv("READINESS_WEBHOOK_ALLOW_PRIVATE", "10.0.0.0/8")
    args = ["webhooks", "add", "--team", tid, "--url", "http://10.0.0.8/t", "--event", "gate.pain"]
    added = run(args, db, tmp_path)
    assert added.returncode == 0, added.stderr
    assert f"added for team {tid}: http://10.0.0.8/t (gate.pain)" in added.stdout
    assert "signing secret (shown once, store it now): whsec_" in added.stdout
    listed = run(["webhooks", "list", "--team", tid, "--json"], db, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert [h["url"] for h in json.loads(listed.stdout)] == ["http://10.0.0.8/t"]
    # a team's webhooks are not an athlete's; a missing team is refused; one owner at a time
    athlete = run(["athletes", "create", "--name", "Ada", "--tz", "Europe/Oslo"], db, tmp_path)
    aid = re.search(r"athlete (\d+) created", athlete.stdout)
    assert aid is not None
    mine = run(["webhooks", "list", "--athlete", aid.group(1), "--json"], db, tmp_path)
    assert json.loads(mine.stdout) == []
    missing = run(["webhooks", "add", "--team", "999", "--url", "http://10.0.0.8/t"], db, tmp_path)
    assert missing.returncode == 2 and "no team 999" in missing.stderr
    both = run(["webhooks", "list", "--team", tid, "--athlete", aid.group(1)], db, tmp_path)
    assert both.returncode != 0
