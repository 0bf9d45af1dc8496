"""Plain words for the athlete: durations as a person says them, counts with the right plural,
and a value against its normal range in the signal's own unit (docs/scoring.md, "Plain words").

Every sentence the scorer shows (contributor ``text``, ``reasons``, ``notes``, calibration
reasons) formats its durations, counts and ranges here, so "52028 min" or "1 valid nights" can
not come back in one place while being fixed in another.
"""

from __future__ import annotations

import math

__all__ = [
    "ACTION_WORDS",
    "action_words",
    "against_normal",
    "count_text",
    "days_text",
    "duration_text",
    "hours_text",
    "plural",
    "the_last",
]

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_DAY_MIN = 24 * 60


def plural(count: float, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, plural unless the count is exactly one ("1 night", "3 nights")."""
    shown = f"{count:g}" if isinstance(count, float) else str(count)
    return f"{shown} {word if count == 1 else (many or word + 's')}"


def count_text(count: float) -> str:
    """A small count in words ("two"), larger ones in digits."""
    whole = int(count)
    small = whole == count and 0 <= whole < len(_NUMBER_WORDS)
    return _NUMBER_WORDS[whole] if small else f"{count:g}"


def days_text(days: float) -> str:
    """A span of days: "1 day", "a week", "2 weeks" (whole weeks up to 8), else "N days"."""
    if days == 7:
        return "a week"
    if days > 7 and days % 7 == 0 and days <= 56:
        return plural(int(days // 7), "week")
    return plural(int(days) if days == int(days) else days, "day")


def the_last(days: float) -> str:
    """ "the last week", "the last 3 weeks", "the last 5 days", "the last day"."""
    if days == 1:
        return "the last day"
    text = days_text(days)
    return "the last " + (text[2:] if text.startswith("a ") else text)


def duration_text(minutes: float, step: int = 1) -> str:
    """A duration as a person says it: "45 min", "3 h 20 min", "1 day 6 h", "4 days".

    Under an hour in minutes; under a day in hours and minutes (rounded to ``step`` minutes);
    under three days in days and hours; from three days on in whole days.
    """
    if not math.isfinite(minutes):
        return "an unknown time"
    total = round(max(minutes, 0.0) / step) * step
    if total < 1:
        return "less than a minute"
    if total < 60:
        return f"{total} min"
    if total < _DAY_MIN:
        hours, mins = divmod(total, 60)
        return f"{hours} h" + (f" {mins} min" if mins else "")
    if total < 3 * _DAY_MIN:
        days, hours = divmod(round(total / 60), 24)
        return plural(days, "day") + (f" {hours} h" if hours else "")
    return plural(round(total / _DAY_MIN), "day")


def hours_text(hours: float) -> str:
    """:func:`duration_text` of a span given in hours."""
    return duration_text(hours * 60.0)


def _range_digits(value: float, low: float, high: float) -> int:
    """The fewest decimals (0–2) at which the rounded value sits on the same side of the rounded
    range as the exact one ("49 bpm" must not look inside "47–49 bpm" when it is above)."""
    side = (value > high) - (value < low)
    for digits in (0, 1, 2):
        v, lo, hi = (round(x, digits) for x in (value, low, high))
        if (v > hi) - (v < lo) == side:
            return digits
    return 2


def against_normal(
    value: float, normal: tuple[float, float], unit: str, *, sd: float | None = None
) -> tuple[str, str]:
    """``value`` and where it sits against the athlete's ``normal`` range, in ``unit``.

    Returns (the value with its unit, the comparison): e.g. ("57 ms", "below your normal
    (60–66 ms)"). ``sd`` (the deviation in SD units, any sign) adds how far in words: "a little"
    under 1 SD, "well" from 2 SD.
    """
    low, high = normal
    digits = _range_digits(value, low, high)
    shown = f"{value:.{digits}f} {unit}"
    span = f"({low:.{digits}f}–{high:.{digits}f} {unit})"
    if low <= value <= high:
        return shown, f"within your normal {span}"
    side = "above" if value > high else "below"
    size = abs(sd) if sd is not None and math.isfinite(sd) else None
    degree = "" if size is None else ("a little " if size < 1 else ("well " if size >= 2 else ""))
    return shown, f"{degree}{side} your normal {span}"


#: The decision table's actions as a person says them (the dashboard's words.js uses the same).
ACTION_WORDS: dict[str, str] = {
    "physiotherapy_assessment": "See a physiotherapist",
    "rest": "Rest today",
    "relaxation_massage": "Book a relaxation massage",
    "therapeutic_massage": "Book a therapeutic (sports) massage",
    "massage_then_stretching": "Massage, then assisted stretching",
    "light_movement_then_stretching": "Move lightly first, then stretch",
    "assisted_stretching": "Assisted stretching",
    "none": "Nothing needed today",
    "no_recent_data": "No recent data: sync your device or upload a newer export",
}


def action_words(action: str) -> str:
    """The action code in the words the CLI, the calendar feed and the dashboard show."""
    return ACTION_WORDS.get(action, action.replace("_", " ").capitalize())
