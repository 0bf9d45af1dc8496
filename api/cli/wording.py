"""Plain-language labels for the scorer's action codes (CLI and dashboard use the same words)."""

from __future__ import annotations

from typing import Any

from readiness.scoring import ACTION_WORDS, action_words, duration_text

__all__ = [
    "ACTION_WORDS",
    "action_words",
    "data_line",
    "evidence_line",
    "since_activity",
    "summary_lines",
]


def _sub(label: str, obj: dict[str, Any] | None) -> str:
    if not obj:
        return f"  {label}: not enough data yet"
    score = obj.get("score")
    band = obj.get("band", "")
    conf = obj.get("confidence_level") or obj.get("confidence")
    extra = f", type {obj['type']}" if obj.get("type") else ""
    return f"  {label}: {score} ({band}{extra}; confidence {conf})"


def data_line(data: dict[str, Any]) -> str:
    """The day's ``data`` object in words: the latest night and activity, and whether it is old."""
    night = data.get("last_night") or "none"
    activity = data.get("last_activity") or "none"
    text = f"data: last night {night}, last activity {activity}"
    if data.get("stale"):
        return text + " — too old for a call: sync your device or upload a newer export"
    return text


def evidence_line(evidence: list[dict[str, Any]]) -> str | None:
    """The works a call cites, by short key, and where they are given in full."""
    keys = [str(item.get("key")) for item in evidence if isinstance(item, dict)]
    return f"evidence: {', '.join(keys)} (in full: docs/evidence.md)" if keys else None


def since_activity(minutes: float | None) -> str:
    """ ", 1 day 15 h since activity" (empty when unknown)."""
    return "" if minutes is None else f", {duration_text(minutes)} since activity"


def summary_lines(day: dict[str, Any]) -> list[str]:
    """A readable summary of one day object (``DayReadiness.to_dict()``)."""
    rec = day.get("recommendation") or {}
    lines = [f"{day.get('date')}: {action_words(str(rec.get('action', 'none')))}"]
    for reason in rec.get("reasons") or []:
        lines.append(f"  - {reason}")
    for note in rec.get("notes") or []:
        lines.append(f"  note: {note}")
    cited = evidence_line(rec.get("evidence") or [])
    if cited:
        lines.append(f"  {cited}")
    lines.append(_sub("nervous-system stress", day.get("nervous_system_stress")))
    lines.append(_sub("physical stiffness", day.get("physical_stiffness")))
    warmth = day.get("warmth") or {}
    if warmth:
        since = since_activity(warmth.get("minutes_since_activity"))
        lines.append(f"  warmth: {warmth.get('score')} ({warmth.get('band', '')}{since})")
    if day.get("data"):
        lines.append("  " + data_line(day["data"]))
    cal = day.get("calibration") or {}
    if cal:
        lines.append(f"  baseline: {cal.get('state')} ({cal.get('valid_nights')} valid nights)")
    if rec.get("disclaimer"):
        lines.append(str(rec["disclaimer"]))
    return lines
