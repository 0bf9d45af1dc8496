"""Options every reader takes: the athlete's timezone and what is known of their heart."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from readiness.ingest.physiology import AthleteProfile

__all__ = ["ReadOptions"]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a file for one athlete.

    ``tz`` assigns instants to the athlete's local calendar. When it is ``None`` a reader
    uses the file's own local offset if it has one, else UTC with a warning.
    ``profile`` feeds Banister TRIMP; where a value in it is ``None`` the file's own user
    profile is used, else the defaults of :mod:`readiness.ingest.physiology`.
    """

    tz: ZoneInfo | None = None
    profile: AthleteProfile = field(default_factory=AthleteProfile)
