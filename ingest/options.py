"""Options every reader takes: the athlete's timezone and heart-rate profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = ["DEFAULT_HR_MAX", "DEFAULT_HR_REST", "ReadOptions"]

#: Used for TRIMP when neither the file nor the athlete profile gives a value (documented).
DEFAULT_HR_REST = 60.0
DEFAULT_HR_MAX = 190.0


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a file for one athlete.

    ``tz`` assigns instants to the athlete's local calendar. When it is ``None`` a reader
    uses the file's own local offset if it has one, else UTC with a warning.
    ``hr_rest``, ``hr_max`` and ``sex`` feed Banister TRIMP; a file's own user profile is used
    when these are ``None``.
    """

    tz: ZoneInfo | None = None
    hr_rest: float | None = None
    hr_max: float | None = None
    sex: Literal["male", "female"] | None = None
