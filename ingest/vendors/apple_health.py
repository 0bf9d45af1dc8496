"""Apple Health ``export.xml``, alone or inside ``export.zip``
(:mod:`readiness.ingest.containers.zip`).

The file is streamed with ``defusedxml``'s :func:`iterparse` (the stdlib parser with entity
declarations and external references refused, so a billion-laughs file fails at its first
``<!ENTITY>`` with :class:`CorruptFileError`; Apple's own DTD declares no entities). Each
top-level element is cleared once handled, so memory stays flat for multi-gigabyte exports.
Only a few record types are kept, aggregated per day as they stream by:

* ``HeartRateVariabilitySDNN`` → ``hrv_sdnn_ms`` (it is **SDNN**, never RMSSD): the mean of the
  readings inside the main sleep of that night (``hrv_context = nocturnal``); on a date with no
  sleep reading, the mean of that date's readings with no context.
* ``RestingHeartRate`` → ``resting_hr_bpm``, mean per local date of the record.
* ``SleepAnalysis`` → the main sleep: per source, asleep/awake intervals closer than two hours
  form one sleep; the sleep with stage data and the most asleep minutes is the night. Asleep
  stages (``Asleep``, ``AsleepUnspecified``, ``AsleepCore``, ``AsleepDeep``, ``AsleepREM``) are
  summed (overlaps counted once) to ``sleep_total_min``; the night goes to the local date of
  its end (the wake date). iPhone ``InBed`` intervals alone make no sleep.
* ``RespiratoryRate`` inside the main sleep → ``respiratory_rate_bpm``.
* ``StepCount`` → ``steps``: summed per source and day; the source with the most steps counts
  (iPhone and Watch both count the same steps).
* ``Workout`` → ``sessions`` (average and maximum heart rate from ``WorkoutStatistics`` when the
  export has them).

Every Apple date carries its own offset (``2020-01-01 07:00:00 +0100``): instants become UTC,
days follow ``ReadOptions.tz`` when given, else the record's own offset.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import BinaryIO

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from readiness.ingest.errors import CorruptFileError, EmptyFileError, TruncatedFileError
from readiness.ingest.findings import IngestWarning
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.schema.tables import DAILY, SESSIONS, normalize

__all__ = ["looks_like_apple_health", "read_apple_health"]

_HK = "HKQuantityTypeIdentifier"
_HRV = _HK + "HeartRateVariabilitySDNN"
_RHR = _HK + "RestingHeartRate"
_STEPS = _HK + "StepCount"
_RESP = _HK + "RespiratoryRate"
_SLEEP = "HKCategoryTypeIdentifierSleepAnalysis"
_WANTED = frozenset({_HRV, _RHR, _STEPS, _RESP, _SLEEP})
_ASLEEP = frozenset({"Asleep", "AsleepUnspecified", "AsleepCore", "AsleepDeep", "AsleepREM"})
_STAGED = frozenset({"AsleepCore", "AsleepDeep", "AsleepREM"})
_SLEEP_PREFIX = "HKCategoryValueSleepAnalysis"
_SLEEP_GAP = timedelta(hours=2)
_DURATION_UNITS = {"min": 60.0, "s": 1.0, "sec": 1.0, "hr": 3600.0, "h": 3600.0}
_EXPECTED = "an Apple Health export.xml (<HealthData> with <Record> elements)"


def looks_like_apple_health(head: bytes) -> bool:
    """An XML document whose root (or doctype) is ``HealthData``."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<") and (b"<HealthData" in head or b"<!DOCTYPE HealthData" in head)


@dataclass(frozen=True, slots=True)
class _Interval:
    kind: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class _Sleep:
    start: datetime
    end: datetime
    asleep_min: float
    deep_min: float
    rem_min: float
    staged: bool
    device: str


@dataclass
class _Acc:
    """Per-day aggregates built while the XML streams by."""

    tz: tzinfo | None
    hrv: list[tuple[datetime, float, str]] = field(default_factory=list)
    resp: list[tuple[datetime, float]] = field(default_factory=list)
    rhr: dict[date, list[float]] = field(default_factory=lambda: defaultdict(list))
    rhr_device: dict[date, str] = field(default_factory=dict)
    steps: dict[tuple[date, str], float] = field(default_factory=lambda: defaultdict(float))
    sleep: dict[str, list[_Interval]] = field(default_factory=lambda: defaultdict(list))
    sessions: list[dict[str, object]] = field(default_factory=list)
    bad_dates: int = 0

    def local_date(self, dt: datetime) -> date:
        return (dt.astimezone(self.tz) if self.tz is not None else dt).date()


def _instant(text: str | None) -> datetime | None:
    """``2024-01-01 01:01:36 +0200`` → an aware datetime keeping that offset."""
    if not text or len(text) < 25:
        return None
    try:
        return datetime.fromisoformat(text[:19] + text[20:])
    except ValueError:
        return None


_NAME = re.compile(r"name:([^,>]+)")
_HARDWARE = re.compile(r"hardware:([A-Za-z]+\d+,\d+|[^,>]+)")
_POSSESSIVE = re.compile(r"^.*?['’]s\s+")


def _device(device: str | None, source: str | None) -> str:
    """``apple watch (watch6,7)`` from the device string; else the source app without names."""
    if device:
        name = _NAME.search(device)
        hardware = _HARDWARE.search(device)
        if name:
            label = name.group(1).strip()
            if hardware:
                label += f" ({hardware.group(1).strip()})"
            return label.lower()
    if source:
        return _POSSESSIVE.sub("", source).strip().lower() or "apple health"
    return "apple health"


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _record(acc: _Acc, elem: ET.Element) -> None:
    kind = elem.get("type")
    if kind not in _WANTED:
        return
    start_text = elem.get("startDate")
    if kind == _STEPS and acc.tz is None and start_text:
        # Fast path: the local date is written in the record itself.
        value = _float(elem.get("value"))
        try:
            day = date.fromisoformat(start_text[:10])
        except ValueError:
            acc.bad_dates += 1
            return
        if value is not None:
            src = elem.get("sourceName") or ""
            acc.steps[(day, src)] += value
        return
    start = _instant(start_text)
    if start is None:
        acc.bad_dates += 1
        return
    if kind == _SLEEP:
        end = _instant(elem.get("endDate"))
        if end is None:
            acc.bad_dates += 1
            return
        stage = (elem.get("value") or "").removeprefix(_SLEEP_PREFIX)
        acc.sleep[_device(elem.get("device"), elem.get("sourceName"))].append(
            _Interval(stage, start, end)
        )
        return
    value = _float(elem.get("value"))
    if value is None:
        return
    if kind == _HRV:
        acc.hrv.append((start, value, _device(elem.get("device"), elem.get("sourceName"))))
    elif kind == _RESP:
        acc.resp.append((start, value))
    elif kind == _RHR:
        day = acc.local_date(start)
        acc.rhr[day].append(value)
        acc.rhr_device.setdefault(day, _device(elem.get("device"), elem.get("sourceName")))
    else:  # steps with a timezone option
        acc.steps[(acc.local_date(start), elem.get("sourceName") or "")] += value


def _workout(acc: _Acc, elem: ET.Element) -> None:
    start = _instant(elem.get("startDate"))
    end = _instant(elem.get("endDate"))
    if start is None:
        acc.bad_dates += 1
        return
    duration = _float(elem.get("duration"))
    unit = _DURATION_UNITS.get(elem.get("durationUnit") or "min")
    if duration is not None and unit is not None:
        duration_s: float | None = duration * unit
    else:
        duration_s = (end - start).total_seconds() if end is not None else None
    avg_hr = max_hr = None
    for child in elem:
        if (
            child.tag == "WorkoutStatistics"
            and child.get("type") == _HK + "HeartRate"
            and child.get("unit") in (None, "count/min")
        ):
            avg_hr = _float(child.get("average"))
            max_hr = _float(child.get("maximum"))
    sport = (elem.get("workoutActivityType") or "").removeprefix("HKWorkoutActivityType")
    acc.sessions.append(
        {
            "start": start,
            "end": end,
            "date": pd.Timestamp(acc.local_date(start)),
            "sport": sport.lower() or None,
            "duration_s": duration_s,
            "avg_hr_bpm": avg_hr,
            "max_hr_bpm": max_hr,
            "device": _device(elem.get("device"), elem.get("sourceName")),
        }
    )


def read_apple_health(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """Stream an Apple Health export.xml (see the module docstring)."""
    acc = _Acc(tz=options.tz)
    root: ET.Element | None = None
    depth = 0
    try:
        for event, elem in iterparse(stream, events=("start", "end")):
            if event == "start":
                if root is None:
                    root = elem
                    if elem.tag != "HealthData":
                        raise CorruptFileError(
                            name, f"the XML root is <{elem.tag}>", line=1, expected=_EXPECTED
                        )
                depth += 1
                continue
            depth -= 1
            if depth == 1:
                tag = elem.tag
                if tag == "Record":
                    _record(acc, elem)
                elif tag == "Workout":
                    _workout(acc, elem)
                assert root is not None
                root.clear()
    except DefusedXmlException as exc:
        raise CorruptFileError(
            name,
            f"XML declares entities or external references ({type(exc).__name__}: {exc})",
            expected=_EXPECTED + " without <!ENTITY> declarations",
        ) from exc
    except LookupError as exc:  # the XML declaration names an encoding Python does not know
        if "encoding" not in str(exc):
            raise
        raise CorruptFileError(name, f"unreadable XML: {exc}", expected=_EXPECTED) from exc
    except ET.ParseError as exc:
        line, col = exc.position
        truncated = "no element found" in str(exc) or "unclosed token" in str(exc)
        cls = TruncatedFileError if truncated else CorruptFileError
        raise cls(
            name,
            f"broken XML at character {col}: {exc}"
            + (" (the file ends too early)" if truncated else ""),
            line=line,
            expected=_EXPECTED,
        ) from exc
    return _finish(acc, name)


def _union_minutes(intervals: list[_Interval]) -> float:
    total = 0.0
    cur_start: datetime | None = None
    cur_end: datetime | None = None
    for iv in sorted(intervals, key=lambda i: i.start):
        if cur_end is None or iv.start > cur_end:
            if cur_start is not None and cur_end is not None:
                total += (cur_end - cur_start).total_seconds()
            cur_start, cur_end = iv.start, iv.end
        elif iv.end > cur_end:
            cur_end = iv.end
    if cur_start is not None and cur_end is not None:
        total += (cur_end - cur_start).total_seconds()
    return total / 60.0


def _sleeps(acc: _Acc) -> dict[date, _Sleep]:
    """The main sleep per wake date."""
    best: dict[date, _Sleep] = {}
    for device, intervals in acc.sleep.items():
        relevant = sorted(
            (i for i in intervals if i.kind in _ASLEEP or i.kind == "Awake"),
            key=lambda i: i.start,
        )
        groups: list[list[_Interval]] = []
        group_end: datetime | None = None
        for iv in relevant:
            if groups and group_end is not None and iv.start <= group_end + _SLEEP_GAP:
                groups[-1].append(iv)
                group_end = max(group_end, iv.end)
            else:
                groups.append([iv])
                group_end = iv.end
        for group in groups:
            asleep = [i for i in group if i.kind in _ASLEEP]
            if not asleep:
                continue
            end = max(i.end for i in group)
            sleep = _Sleep(
                start=min(i.start for i in group),
                end=end,
                asleep_min=_union_minutes(asleep),
                deep_min=_union_minutes([i for i in group if i.kind == "AsleepDeep"]),
                rem_min=_union_minutes([i for i in group if i.kind == "AsleepREM"]),
                staged=any(i.kind in _STAGED for i in group),
                device=device,
            )
            day = acc.local_date(end)
            old = best.get(day)
            if old is None or (sleep.staged, sleep.asleep_min) > (old.staged, old.asleep_min):
                best[day] = sleep
    return best


def _night_means(
    readings: list[tuple[datetime, float, str]], sleeps: dict[date, _Sleep], acc: _Acc
) -> tuple[dict[date, tuple[float, str]], dict[date, tuple[float, str]]]:
    """Mean readings inside each main sleep, and per-date means of the rest."""
    night: dict[date, list[tuple[float, str]]] = defaultdict(list)
    day: dict[date, list[tuple[float, str]]] = defaultdict(list)
    for when, value, device in readings:
        local = acc.local_date(when)
        for wake in (local, local + timedelta(days=1)):
            s = sleeps.get(wake)
            if s is not None and s.start <= when <= s.end:
                night[wake].append((value, device))
                break
        else:
            day[local].append((value, device))

    def means(groups: dict[date, list[tuple[float, str]]]) -> dict[date, tuple[float, str]]:
        out = {}
        for d, vals in groups.items():
            devices = [v[1] for v in vals]
            out[d] = (
                sum(v[0] for v in vals) / len(vals),
                max(set(devices), key=devices.count),
            )
        return out

    return means(night), means(day)


def _finish(acc: _Acc, name: str) -> IngestResult:
    warnings: list[IngestWarning] = []
    if acc.bad_dates:
        warnings.append(
            IngestWarning(
                name,
                f"skipped {acc.bad_dates} record(s) with unreadable dates",
                count=acc.bad_dates,
            )
        )
    sleeps = _sleeps(acc)
    hrv_night, hrv_day = _night_means(acc.hrv, sleeps, acc)
    resp_night, _ = _night_means([(w, v, "") for w, v in acc.resp], sleeps, acc)
    steps: dict[date, float] = {}
    for (d, _src), total in acc.steps.items():
        steps[d] = max(steps.get(d, 0.0), total)
    days = sorted(set(sleeps) | set(hrv_night) | set(hrv_day) | set(acc.rhr) | set(steps))
    rows = []
    for d in days:
        s = sleeps.get(d)
        row: dict[str, object] = {"date": pd.Timestamp(d)}
        if d in hrv_night:
            row["hrv_sdnn_ms"], row["device"] = hrv_night[d]
            row["hrv_context"] = "nocturnal"
        elif d in hrv_day:
            row["hrv_sdnn_ms"], row["device"] = hrv_day[d]
        if d in acc.rhr:
            row["resting_hr_bpm"] = sum(acc.rhr[d]) / len(acc.rhr[d])
            row.setdefault("device", acc.rhr_device[d])
        if s is not None:
            in_bed = (s.end - s.start).total_seconds() / 60.0
            row |= {
                "sleep_total_min": s.asleep_min,
                "sleep_in_bed_min": in_bed,
                "sleep_efficiency_pct": 100.0 * s.asleep_min / in_bed if in_bed > 0 else None,
                "sleep_deep_min": s.deep_min if s.staged else None,
                "sleep_rem_min": s.rem_min if s.staged else None,
                "sleep_start": pd.Timestamp(s.start).tz_convert("UTC"),
                "sleep_end": pd.Timestamp(s.end).tz_convert("UTC"),
            }
            row.setdefault("device", s.device)
        if d in resp_night:
            row["respiratory_rate_bpm"] = resp_night[d][0]
        if d in steps:
            row["steps"] = steps[d]
        row.setdefault("device", "apple health")
        rows.append(row)
    if not rows and not acc.sessions:
        raise EmptyFileError(
            name,
            "no heart-rate variability, resting heart rate, sleep, steps or workouts found",
            expected="Apple Health records of those types",
        )
    defaults = {"source": "apple", "device": "apple health"}
    daily, w1 = normalize(DAILY, pd.DataFrame(rows), file=name, defaults=defaults)
    frame = pd.DataFrame(acc.sessions)
    if not frame.empty:
        frame["start"] = [pd.Timestamp(v).tz_convert("UTC") for v in frame["start"]]
        frame["end"] = [pd.Timestamp(v).tz_convert("UTC") if v else None for v in frame["end"]]
        frame = frame.drop_duplicates(subset=["start", "device"])
    sessions, w2 = normalize(SESSIONS, frame, file=name, defaults=defaults)
    return IngestResult(daily=daily, sessions=sessions, warnings=(*warnings, *w1, *w2))
