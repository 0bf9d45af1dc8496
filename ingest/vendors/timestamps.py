"""Local wall-clock times and UTC offsets of the vendor exports, turned into UTC instants and
athlete-local dates.

* :func:`parse_utc_offset`: an offset written as text (WHOOP's ``UTC-04:00``).
* :func:`to_utc` / :func:`local_date`: one naive local time and its row's offset.
* :func:`local_to_utc`: a column of naive local times in the athlete's timezone (Garmin, Fitbit).
* :func:`plausible`: parsed times outside 1970–2100 become NaT (a year 6018 parses, then
  overflows pandas' nanosecond arithmetic).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

__all__ = ["local_date", "local_to_utc", "parse_utc_offset", "plausible", "to_utc"]

_EARLIEST = pd.Timestamp("1970-01-01")
_LATEST = pd.Timestamp("2100-01-01")


def plausible(times: pd.Series) -> pd.Series:
    """Naive parsed times, with those outside 1970–2100 (no wearable's data) made NaT."""
    ok = times.notna() & (times >= _EARLIEST) & (times < _LATEST)
    return pd.to_datetime(times.where(ok), errors="coerce").astype("datetime64[ns]")


_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$", re.IGNORECASE)


def parse_utc_offset(text: str) -> timedelta:
    """``UTC-04:00`` / ``UTC+05:30`` / ``UTC`` → a timedelta; ``ValueError`` otherwise."""
    m = _OFFSET.match(text.strip())
    if not m or not text.strip():
        raise ValueError(text)
    sign, hours, minutes = m.groups()
    if sign is None:
        return timedelta(0)
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        raise ValueError(text)
    return -delta if sign == "-" else delta


def to_utc(local: datetime | None, offset: timedelta | None) -> datetime | None:
    """A naive local wall-clock time and its UTC offset → an aware UTC instant."""
    if local is None or offset is None:
        return None
    return (local - offset).replace(tzinfo=UTC)


def local_date(
    instant: datetime | None, offset: timedelta | None, tz: ZoneInfo | None
) -> date | None:
    """The athlete-local date of a UTC instant: in ``tz`` when given, else at the row's offset."""
    if instant is None:
        return None
    if tz is not None:
        return instant.astimezone(tz).date()
    if offset is None:
        return None
    return (instant + offset).date()


def local_to_utc(naive: pd.Series, tz: tzinfo | None) -> pd.Series:
    """Naive local wall-clock times → UTC instants in ``tz`` (UTC when ``tz`` is None).

    Non-existent times (spring-forward gap) move forward; ambiguous ones (fall-back hour) are
    read as standard time.
    """
    if tz is None:
        return naive.dt.tz_localize("UTC")
    flags = np.zeros(len(naive), dtype=bool)
    return naive.dt.tz_localize(tz, ambiguous=flags, nonexistent="shift_forward").dt.tz_convert(
        "UTC"
    )
