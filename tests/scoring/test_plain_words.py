"""Plain words (docs/scoring.md, "Plain words"): what the athlete reads names no method, says
durations as a person does, gets its plurals right and compares a value with the normal range in
the signal's own unit — over the sample athlete, the real vendor exports and generated
histories (gaps, illness, pain, a device change, feedback, stale days)."""

from __future__ import annotations

import datetime
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from readiness.ingest import read_paths
from readiness.scoring import DayReadiness, score_days
from readiness.scoring.words import against_normal, days_text, duration_text, plural, the_last

from tests.conftest import SHARED
from tests.scoring import synthetic as sy

ROOT = Path(__file__).resolve().parents[2]

#: Method names and formula words that belong in ``method``, never in what the athlete reads.
METHOD_WORDS = re.compile(
    r"Theil|Sen\b|MinCovDet|Mahalanobis|EWMA|\bMAD\b|z-score|\bSD\b|\bSDs\b|\bln\b|lnHRV|"
    r"Brier|robust|uncoupled|logistic|regression|quantile|\bDOMS\b|[a-z]_[a-z]"
)
#: A count then a singular noun ("3 night"); "1 nights" is the other way round.
SINGULAR_AFTER_MANY = re.compile(
    r"(?<![\d.–-])(?!1\b)\d+ (night|day|week|rating|episode|session|rated day)\b(?!s)"
)
PLURAL_AFTER_ONE = re.compile(r"(?<![\d.–-])\b1 (nights|days|weeks|ratings|episodes|sessions)\b")
#: A standalone duration: "75 min" must be said as "1 h 15 min", "30 h" as "1 day 6 h".
MINUTES = re.compile(r"(?<![\d.–-])\b(\d+) min\b")
HOURS = re.compile(r"(?<![\d.–≥-])\b(\d+) h\b(?! after)")


def _sentences(day: DayReadiness) -> Iterator[tuple[str, str]]:
    """(where, sentence) of everything the athlete reads in one day object."""
    for name in ("nervous_system_stress", "physical_stiffness"):
        sub = getattr(day, name)
        for c in sub.contributors if sub is not None else ():
            yield f"{name}.{c.signal}", c.text
    rec = day.recommendation
    for kind in ("reasons", "notes"):
        for text in getattr(rec, kind):
            yield f"recommendation.{kind}", text
    for text in day.calibration.reasons:
        yield "calibration.reasons", text
    yield "calibration.feedback", day.calibration.feedback


def _problems(text: str) -> list[str]:
    found = [f"method word {m.group()!r}" for m in METHOD_WORDS.finditer(text)]
    found += [f"plural {m.group()!r}" for m in SINGULAR_AFTER_MANY.finditer(text)]
    found += [f"plural {m.group()!r}" for m in PLURAL_AFTER_ONE.finditer(text)]
    found += [
        f"{m.group()!r} is an hour or more" for m in MINUTES.finditer(text) if int(m.group(1)) >= 60
    ]
    found += [
        f"{m.group()!r} is a day or more"
        for m in HOURS.finditer(text)
        if int(m.group(1)) >= 24 and not text[m.end() : m.end() + 9].startswith(" after")
    ]
    found += [f"a missing number {m.group()!r}" for m in re.finditer(r"\bnan\b|\bNone\b", text)]
    if "TRIMP" in text and "TRIMP (training load" not in text:
        found.append("TRIMP without its explanation")
    return found


def _check(days: list[DayReadiness]) -> int:
    bad = [
        f"{d.date} {where}: {problem} in {text!r}"
        for d in days
        for where, text in _sentences(d)
        for problem in _problems(text)
    ]
    assert not bad, "\n".join(bad[:20])
    for d in days:
        for name in ("nervous_system_stress", "physical_stiffness"):
            sub = getattr(d, name)
            for c in sub.contributors if sub is not None else ():
                _check_against_range(c)
    return sum(1 for d in days for _ in _sentences(d))


def _check_against_range(c: Any) -> None:
    """A sentence with "your normal (lo–hi unit)" says the side the value is on."""
    found = re.search(r"(below|within|above) your normal \(([-\d.]+)–([-\d.]+) (\S+)\)", c.text)
    if c.normal_range is None or c.signal.endswith("_checkin"):
        return
    assert found, c.text
    side, lo, hi, unit = found.groups()
    assert unit == c.unit and side == c.direction, (c.text, c.direction)
    assert float(lo) == pytest.approx(c.normal_range[0], abs=0.051 if "." in lo else 0.51)
    assert float(hi) == pytest.approx(c.normal_range[1], abs=0.051 if "." in hi else 0.51)


def _all_days(daily: pd.DataFrame, sessions: pd.DataFrame, extra: int = 0) -> list[datetime.date]:
    dates = [pd.to_datetime(daily["date"]).min(), pd.to_datetime(daily["date"]).max()]
    if sessions is not None and not sessions.empty:
        dates += [pd.to_datetime(sessions["date"]).min(), pd.to_datetime(sessions["date"]).max()]
    dates = [d for d in dates if pd.notna(d)]
    first, last = min(dates).date(), max(dates).date()
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1 + extra)]


# --- the helper -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (0.2, "less than a minute"),
        (1, "1 min"),
        (45, "45 min"),
        (59.6, "1 h"),
        (75, "1 h 15 min"),
        (200, "3 h 20 min"),
        (1440, "1 day"),
        (2330, "1 day 15 h"),
        (2880, "2 days"),
        (52028, "36 days"),
    ],
)
def test_durations_as_a_person_says_them(minutes: float, said: str) -> None:
    assert duration_text(minutes) == said


def test_plurals_and_spans_of_days() -> None:
    assert [plural(n, "night") for n in (0, 1, 2)] == ["0 nights", "1 night", "2 nights"]
    assert plural(1, "separate episode") == "1 separate episode"
    assert [days_text(d) for d in (1, 3, 7, 14, 30)] == [
        "1 day",
        "3 days",
        "a week",
        "2 weeks",
        "30 days",
    ]
    assert [the_last(d) for d in (1, 7, 21, 5)] == [
        "the last day",
        "the last week",
        "the last 3 weeks",
        "the last 5 days",
    ]


def test_a_value_against_its_normal_is_on_the_side_it_reads() -> None:
    assert against_normal(57.0, (60.1, 66.04), "ms", sd=1.06) == (
        "57 ms",
        "below your normal (60–66 ms)",
    )
    assert against_normal(63.0, (60.1, 66.04), "ms") == ("63 ms", "within your normal (60–66 ms)")
    # rounded to whole bpm, 49 would look inside 47–49: one more decimal keeps the side
    assert against_normal(49.0, (47.26, 48.74), "bpm", sd=0.67) == (
        "49.0 bpm",
        "a little above your normal (47.3–48.7 bpm)",
    )
    assert (
        against_normal(40.0, (60.0, 66.0), "ms", sd=2.5)[1] == "well below your normal (60–66 ms)"
    )


# --- the findings this test was written for ---------------------------------------------------


def test_the_named_findings_are_gone() -> None:
    """ "MinCovDet over 52 nights", "uncoupled EWMA 7/28", "Theil–Sen", "52028 min since your
    last bout", "only 1 valid HRV nights" — each situation scored, and each said plainly."""
    daily = sy.daily(120)
    # nights 100–119: sick nights make the day cautious, so the unusual-night check runs
    daily.loc[110:, "skin_temp_dev_c"] = 1.2
    daily.loc[110:, "respiratory_rate_bpm"] = 18.0
    # only one valid HRV night in the last week
    daily.loc[113:118, "hrv_rmssd_ms"] = np.nan
    sessions = sy.sessions(60)  # the last workout ends ~60 days before the last day
    days = score_days(daily, sessions, sy.checkins([]), dates=[sy.day(119)])
    text = " | ".join(t for _, t in _sentences(days[0]))
    assert "MinCovDet" not in text and "EWMA" not in text and "Theil" not in text
    assert not re.search(r"\d{3,} min", text) and "valid HRV nights" not in text
    assert "only 1 night with a valid HRV reading in the last 7 nights" in text
    by = {c.signal: c for c in days[0].nervous_system_stress.contributors}  # type: ignore[union-attr]
    unusual = by["unusual_night"]
    assert "more unusual than" in unusual.text and unusual.method is not None
    assert "MinCovDet" in unusual.method
    assert "Theil–Sen" in (by["hrv_trend"].method or "")
    assert _check(days) > 0


def test_warmth_after_a_long_break_is_said_in_days() -> None:
    sessions = sy.sessions(40)
    (day,) = score_days(sy.daily(77), sessions, None, dates=[sy.day(76)])  # type: ignore[arg-type]
    assert day.warmth.minutes_since_activity is not None
    days = round(day.warmth.minutes_since_activity / 1440)
    said = [r for r in day.recommendation.reasons if "since you were last active" in r]
    assert said == [] or f"{days} days since you were last active" in said[0]
    _check([day])


# --- real and generated histories -----------------------------------------------------------


def test_the_sample_athlete_reads_plainly() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from sample_data.story import build_story

    story = build_story()
    dates = _all_days(story.daily, story.sessions, extra=6)  # and six stale days after
    days = score_days(
        story.daily, story.sessions, story.checkins, dates=dates, timezone=story.athlete.timezone
    )
    assert _check(days) > 1000


VENDORS = (
    sorted(p.name for p in (SHARED / "exports").iterdir() if p.is_dir())
    if (SHARED / "exports").is_dir()
    else []
)


@pytest.mark.parametrize("vendor", VENDORS or ["(none)"])
def test_real_exports_read_plainly(vendor: str) -> None:
    if not VENDORS:
        pytest.skip(f"real fixtures not found at {SHARED}")
    result = read_paths([SHARED / "exports" / vendor]).result
    daily, sessions, checkins = result.daily, result.sessions, result.checkins
    frames = [f for f in (daily, checkins) if f is not None and not f.empty]
    if not frames and (sessions is None or sessions.empty):
        pytest.skip(f"{vendor}: no rows")
    base = frames[0] if frames else sessions
    dates = _all_days(base, sessions, extra=3)
    days = score_days(daily, sessions, checkins, dates=dates)
    assert _check(days) > 0


def _feedback(n: int, start: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    actions = np.where(np.arange(n) % 2 == 0, "assisted_stretching", "massage_then_stretching")
    return pd.DataFrame(
        {
            "date": [sy.day(start + i) for i in range(n)],
            "action": actions,
            "helped": rng.integers(1, 6, n),
            "note": None,
        }
    )


def test_generated_histories_read_plainly() -> None:
    total = 0
    # a short, provisional history with a device change and gaps
    short = sy.daily(20)
    short.loc[10:, "device"] = "apple watch"
    short.loc[5:8, ["hrv_rmssd_ms", "resting_hr_bpm"]] = np.nan
    total += _check(score_days(short, sy.sessions(20), None, dates=[sy.day(i) for i in range(26)]))  # type: ignore[arg-type]
    # pain at one site, a reported illness, stress and soreness check-ins, and feedback
    rows: list[dict[str, object]] = [
        {"date": sy.day(i), "pain": 3, "pain_site": "left knee"} for i in range(70, 80)
    ]
    rows += [{"date": sy.day(85), "sick": True}, {"date": sy.day(86), "pain": 5}]
    rows += [{"date": sy.day(i), "stress": 1 + i % 5, "soreness": 1 + i % 4} for i in range(90)]
    by_day: dict[object, dict[str, object]] = {}
    for row in rows:
        by_day.setdefault(row["date"], {}).update(row)
    checkins = sy.checkins(list(by_day.values()))
    daily = sy.daily(100)
    daily.loc[60:, "hrv_rmssd_ms"] = daily.loc[60:, "hrv_rmssd_ms"] * 0.7  # strain
    dates = [sy.day(i) for i in range(0, 104)]
    total += _check(
        score_days(daily, sy.sessions(100), checkins, dates=dates, feedback=_feedback(60, 10))
    )
    assert total > 2000
