"""Every pain site is tracked on its own: pain at a new site never hides a recurring one."""

from __future__ import annotations

import pandas as pd
from readiness.scoring import score_days
from readiness.scoring.decision.gates import SiteFinding
from readiness.scoring.pipeline import compute

from tests.scoring import synthetic as sy

DAILY = sy.daily(60)
#: Left knee 3/5 on five of the fourteen days up to day 55 (days 51–55).
KNEE = [(i, 3.0, "left knee") for i in range(51, 56)]


def _checkins(rows: list[tuple[int, float, str]]) -> pd.DataFrame:
    return sy.checkins([{"date": sy.day(i), "pain": p, "pain_site": s} for i, p, s in rows])


def _day(rows: list[tuple[int, float, str]], day: int) -> tuple[str, list[str]]:
    out = score_days(DAILY, None, _checkins(rows), dates=[sy.day(day)])[0]  # type: ignore[arg-type]
    return out.recommendation.rule, list(out.recommendation.reasons)


def test_a_new_site_does_not_hide_a_recurring_one() -> None:
    rows = [*KNEE, (56, 4.0, "right shoulder")]
    # the day after the shoulder report (no check-in that day): the knee still recurs
    rule, reasons = _day(rows, 57)
    assert rule == "R0"
    assert reasons[0].startswith("pain at your left knee on 5 of the last 14 days")
    # the shoulder's own day: its 4/5 comes first, and the knee is named with its count
    rule, reasons = _day(rows, 56)
    assert rule == "R0"
    assert reasons[0].startswith("you report pain 4/5 (right shoulder)")
    assert "pain at your left knee on 5 of the last 14 days" in reasons[1:]
    # control: without the knee history, a single shoulder report at 2/5 is no gate
    assert _day([(56, 2.0, "right shoulder")], 57)[0] != "R0"
    # ... and the knee history alone still gates on day 57 (what the shoulder must not change)
    assert _day(KNEE, 57)[0] == "R0"


def test_a_lighter_pain_elsewhere_keeps_the_recurring_site_first() -> None:
    rule, reasons = _day([*KNEE, (56, 2.0, "right shoulder")], 56)
    assert rule == "R0"
    assert reasons == [
        "pain at your left knee on 5 of the last 14 days — see a physiotherapist before more "
        "massage or stretching"
    ]


def test_every_site_whose_rule_holds_is_listed() -> None:
    # one check-in a day: the knee on even days 46–54, the shoulder on days 51, 53 and 55
    knee = [(i, 3.0, "left knee") for i in range(46, 55, 2)]
    shoulder = [(i, 3.0, "right shoulder") for i in range(51, 56, 2)]
    rows = [*knee, *shoulder]
    history = compute(DAILY, None, _checkins(rows))
    day = 55
    assert history.gates.pain_findings[day] == (
        SiteFinding("left knee", "pain_recurrent", 5, 1),
        SiteFinding("right shoulder", "pain_recurrent", 3, 1),
    )
    assert history.gates.pain_site[day] == "left knee"
    assert history.gates.pain_days14[day] == 5
    rule, reasons = _day(rows, day)
    assert rule == "R0"
    assert "pain at your right shoulder on 3 of the last 14 days" in reasons[1:]


def test_pain_free_reports_quiet_their_own_site_or_every_site() -> None:
    # "pain 1" at the shoulder says nothing about the knee
    assert _day([*KNEE, (56, 1.0, "right shoulder")], 57)[0] == "R0"
    # "pain 1" at the knee, or without a site (no pain anywhere), lets the knee go
    assert _day([*KNEE, (56, 1.0, "Left Knee")], 57)[0] != "R0"
    assert _day([*KNEE, (56, 1.0, "")], 57)[0] != "R0"


def test_a_site_lapses_on_its_own_clock() -> None:
    # the knee's last report is day 55: active through day 57, not on day 58 — reports at
    # another site neither extend nor end that
    rows = [*KNEE, *((i, 2.0, "right shoulder") for i in range(56, 59))]
    assert _day(rows, 57)[0] == "R0"
    assert _day(rows, 58)[0] != "R0"
    assert _day(KNEE, 58)[0] != "R0"
