"""``readiness score PATH... [--tz] [--date D | --start D --end D] [--at ISO] [--json]``.

Reads the exports, scores the requested days (default: the last day with data) and prints the
recommendation. Warmth is evaluated at ``--at`` (default: the end of each day, local time).
Exit 0 on success, 2 on bad input (unreadable files, bad dates or timezone, nothing to score).
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from readiness.api.cli.common import (
    EXIT_BAD_INPUT,
    print_error,
    print_json,
    tz_arg,
)
from readiness.api.cli.wording import data_line, evidence_line, since_activity
from readiness.ingest import ReadOptions, read_paths
from readiness.scoring import AthleteProfile, DayReadiness, score_days

__all__ = ["register"]

MAX_DAYS = 3660


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date {value!r} (expected YYYY-MM-DD)") from exc


def _instant(value: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"not an ISO 8601 instant {value!r} (e.g. 2026-03-05T18:10:00+01:00)"
        ) from exc


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "score",
        help="score days: nervous-system stress, stiffness, warmth and one recommendation",
        description="Score days from exports. Not medical advice.",
        usage="readiness score PATH... [--tz TZ] [--date D | --start D --end D] "
        "[--at ISO-INSTANT] [--json]",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--tz", type=tz_arg, default=None, help="athlete's IANA timezone")
    p.add_argument("--date", type=_date, default=None, help="day to score (YYYY-MM-DD)")
    p.add_argument("--start", type=_date, default=None, help="first day of a range")
    p.add_argument("--end", type=_date, default=None, help="last day of a range")
    p.add_argument("--at", type=_instant, default=None, help="instant for warmth (ISO 8601)")
    p.add_argument("--hr-rest", type=float, default=None, help="resting HR, bpm (for TRIMP)")
    p.add_argument("--hr-max", type=float, default=None, help="maximum HR, bpm (for TRIMP)")
    p.add_argument("--sex", choices=("male", "female"), default=None, help="for TRIMP factors")
    p.add_argument(
        "--feedback",
        type=Path,
        default=None,
        help="CSV of date,action,helped(1-5),note for per-athlete calibration",
    )
    p.add_argument("--json", action="store_true", help='print {"days": [...]}')
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"readiness score: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _dates(args: argparse.Namespace) -> list[datetime.date] | str | None:
    if args.date is not None and (args.start is not None or args.end is not None):
        return "use either --date or --start/--end, not both"
    if (args.start is None) != (args.end is None):
        return "--start and --end go together"
    if args.start is not None:
        if args.end < args.start:
            return f"--end {args.end} is before --start {args.start}"
        n = (args.end - args.start).days + 1
        if n > MAX_DAYS:
            return f"the range has {n} days; at most {MAX_DAYS}"
        return [args.start + datetime.timedelta(days=k) for k in range(n)]
    if args.date is not None:
        return [args.date]
    return None


def _read_feedback(path: Path) -> pd.DataFrame | str:
    try:
        frame = pd.read_csv(path, dtype=str)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        return f"cannot read feedback {path}: {exc}"
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = {"date", "action", "helped"} - set(frame.columns)
    if missing:
        return f"feedback {path} lacks column(s): {', '.join(sorted(missing))}"
    return frame


def run(args: argparse.Namespace) -> int:
    dates = _dates(args)
    if isinstance(dates, str):
        return _fail(dates)
    tz: ZoneInfo | None = args.tz
    at: datetime.datetime | None = args.at
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=tz or datetime.UTC)
    feedback = None
    if args.feedback is not None:
        fb = _read_feedback(args.feedback)
        if isinstance(fb, str):
            return _fail(fb)
        feedback = fb
    profile = AthleteProfile(hr_rest=args.hr_rest, hr_max=args.hr_max, sex=args.sex)
    report = read_paths(args.paths, ReadOptions(tz=tz, profile=profile))
    if report.errors:
        for err in report.errors:
            print_error(err)
        return EXIT_BAD_INPUT
    res = report.result
    if res.is_empty:
        return _fail("nothing to score: the files hold no daily, session or check-in rows")
    try:
        days = score_days(
            res.daily,
            res.sessions,
            res.checkins,
            dates=dates,
            at=at,
            profile=profile,
            timezone=str(tz) if tz is not None else "UTC",
            feedback=feedback,
        )
    except ValueError as exc:
        return _fail(str(exc))
    if args.json:
        print_json({"days": [d.to_dict() for d in days]})
    else:
        for d in days:
            print(_summary(d))
    return 0


def _fmt(score: float | None) -> str:
    return "–" if score is None else f"{score:.0f}"


def _summary(d: DayReadiness) -> str:
    st, sf, w, rec = (
        d.nervous_system_stress,
        d.physical_stiffness,
        d.warmth,
        d.recommendation,
    )
    lines = [f"== {d.date.isoformat()}: {rec.action.replace('_', ' ')} ({rec.rule})"]
    if st is not None:
        pattern = f", {st.pattern}" if st.pattern else ""
        lines.append(
            f"  nervous-system stress {_fmt(st.score)}/100 {st.band}{pattern} "
            f"(confidence {st.confidence_level})"
        )
    else:
        lines.append("  nervous-system stress: not available yet")
    if sf is not None:
        lines.append(
            f"  physical stiffness {_fmt(sf.score)}/100 {sf.band}, {sf.type} "
            f"(confidence {sf.confidence_level})"
        )
    else:
        lines.append("  physical stiffness: not available")
    lines.append(f"  warmth {_fmt(w.score)}/100 {w.band}{since_activity(w.minutes_since_activity)}")
    lines += [f"  why: {r}" for r in rec.reasons]
    lines += [f"  note: {n}" for n in rec.notes]
    cited = evidence_line([e.to_dict() for e in rec.evidence])
    if cited:
        lines.append(f"  {cited}")
    lines.append(f"  calibration: {d.calibration.state}, {d.calibration.valid_nights} valid nights")
    lines += [f"    {r}" for r in d.calibration.reasons]
    for name, personal in (
        ("stress", d.calibration.personal),
        ("stiffness", d.calibration.personal_stiffness),
    ):
        if personal is not None and personal.state != "none":
            lines.append(f"  personal {name} weights ({personal.state}): {personal.reason}")
    lines.append("  " + data_line(d.data.to_dict()))
    lines.append(f"  {rec.disclaimer}")
    return "\n".join(lines)
