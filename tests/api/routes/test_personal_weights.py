"""Personal weights through the running service, on both databases: the stored check-ins (from
files and from the app) feed ``calibration.personal`` of the day object."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Any

import httpx

from tests.api.builders import upload
from tests.api.conftest import Server

DAYS = 120
CHECKINS = 60


def _files(end: date, seed: int = 7) -> tuple[bytes, bytes]:
    """``DAYS`` nights ending ``end`` and ``CHECKINS`` check-ins (the days before ``end``) whose
    stress follows last night's HRV: the lower it is, the more stressed the athlete feels."""
    rng = random.Random(seed)
    nights = ["date,hrv_rmssd_ms,hrv_context,resting_hr_bpm,sleep_total_min,sleep_in_bed_min"]
    answers = ["date,stress,fatigue"]
    for i in range(DAYS):
        d = end - timedelta(days=DAYS - 1 - i)
        z = rng.gauss(0, 1)
        sleep = 450 + rng.gauss(0, 30)
        nights.append(
            f"{d},{math.exp(math.log(60) + 0.08 * z):.1f},nocturnal,{50 + rng.gauss(0, 1.5):.1f},"
            f"{sleep:.0f},{sleep + 30:.0f}"
        )
        if DAYS - 1 - CHECKINS <= i < DAYS - 1:
            felt = min(5, max(1, round(3 - 1.2 * z + rng.gauss(0, 0.4))))
            answers.append(f"{d},{felt},{felt}")
    return ("\n".join(nights) + "\n").encode(), ("\n".join(answers) + "\n").encode()


def _personal(client: httpx.Client, day: date) -> dict[str, Any]:
    r = client.get(f"/v1/readiness/{day}")
    assert r.status_code == 200, r.text
    personal: dict[str, Any] = r.json()["calibration"]["personal"]
    return personal


def test_stored_checkins_feed_personal_weights(server: Server) -> None:
    a = server.athlete("personal weights")
    end = a.today() - timedelta(days=1)
    nights, answers = _files(end)
    with server.client(a.key) as c:
        assert upload(c, nights, "nights.csv").status_code == 201
        before = _personal(c, end)
        assert (before["state"], before["checkin_days"]) == ("none", 0)
        assert before["weights"]["hrv_7d"] == 0.3 and before["weights"]["load"] == 0.0
        assert before["reason"]
        assert upload(c, answers, "checkins.csv").status_code == 201
        after = _personal(c, end)
        assert after["checkin_days"] == CHECKINS  # all before the day
        assert after["state"] in ("learning", "active"), after
        assert after["reason"]
        validation = after["validation"]
        assert validation["metric"] and validation["fitted_on"] >= 30
        assert all(isinstance(validation[k], float) for k in ("fixed", "personal"))
        learned = after["learned"]
        assert math.isclose(sum(learned.values()), 1.0, abs_tol=0.01)
        assert all(0.0 <= w <= 1.0 for w in learned.values())
        if after["state"] == "active":
            assert after["weights"] == learned
            stress = c.get(f"/v1/readiness/{end}").json()["nervous_system_stress"]
            weighed = {x["signal"]: x["weight"] for x in stress["contributors"] if "weight" in x}
            assert weighed and all(weighed[s] == learned[s] for s in weighed)
        # a check-in given in the app, on a day before, counts too
        first = end - timedelta(days=CHECKINS + 5)
        r = c.post("/v1/checkins", json={"date": str(first), "stress": 2, "fatigue": 2})
        assert r.status_code == 201, r.text
        assert _personal(c, end)["checkin_days"] == CHECKINS + 1
        # an earlier day keeps its state: later check-ins never reach it
        assert _personal(c, first)["state"] == "none"
