"""Format detection by content (never by file name) and the registry of readers.

Each :class:`Format` has a cheap ``sniff`` on the first bytes and a ``read`` that turns the
whole file into an :class:`~readiness.ingest.result.IngestResult`. The first format whose sniff
matches reads the file. Add a vendor by adding one entry to :data:`FORMATS`. Zip archives are
a format too: their members are judged by this same :func:`detect`, handed to the container
reader (:mod:`readiness.ingest.containers.zip`) so that containers never import the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from readiness.ingest.containers import zip as archive
from readiness.ingest.fit import reading as fit
from readiness.ingest.options import ReadOptions
from readiness.ingest.result import IngestResult
from readiness.ingest.vendors import (
    apple_health,
    fitbit,
    generic_csv,
    hrv4training,
    intervals_icu,
    oura_membership,
    whoop,
)
from readiness.ingest.vendors import garmin_account as garmin_connect_json
from readiness.ingest.vendors import garmin_activities as garmin_connect
from readiness.ingest.vendors import oura_legacy as oura

__all__ = ["FORMATS", "HEAD_BYTES", "Format", "detect"]

#: Looks at the first :data:`HEAD_BYTES` bytes of a file.
Sniff = Callable[[bytes], bool]
#: Reads a whole file from a binary stream positioned at 0. Large formats stream; the others
#: may call ``stream.read()``.
Read = Callable[[BinaryIO, str, ReadOptions], IngestResult]

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Format:
    """One readable format."""

    name: str
    description: str
    sniff: Sniff
    read: Read


def _read_zip(stream: BinaryIO, name: str, options: ReadOptions) -> IngestResult:
    """A zip archive whose members are judged by :func:`detect` like any file."""
    return archive.read_zip(stream, name, options, detector=_MEMBERS)


FORMATS: tuple[Format, ...] = (
    Format(
        "fit",
        "Garmin/ANT FIT file (activity, monitoring, sleep, HRV status)",
        fit.looks_like_fit,
        fit.read_fit,
    ),
    Format(
        "garmin_activities_csv",
        "Garmin Connect Activities.csv (any language)",
        garmin_connect.looks_like_garmin_activities,
        garmin_connect.read_garmin_activities,
    ),
    Format(
        "garmin_connect_json",
        "Garmin Connect account export JSON (daily summaries, sleep, HRV status, activities)",
        garmin_connect_json.looks_like_garmin_connect_json,
        garmin_connect_json.read_garmin_connect_json,
    ),
    Format(
        "fitbit_json",
        "Fitbit / Google Takeout JSON (sleep-*.json, resting_heart_rate-*.json, exercise-*.json)",
        fitbit.looks_like_fitbit_json,
        fitbit.read_fitbit_json,
    ),
    Format(
        "fitbit_csv",
        "Fitbit / Google Takeout CSV (sleep_score.csv, Daily Heart Rate Variability Summary)",
        fitbit.looks_like_fitbit_csv,
        fitbit.read_fitbit_csv,
    ),
    Format(
        "apple_health",
        "Apple Health export.xml (HRV SDNN, resting HR, sleep, steps, workouts)",
        apple_health.looks_like_apple_health,
        apple_health.read_apple_health,
    ),
    Format(
        "zip",
        "zip archive of any of these formats (nested zips too), e.g. Apple's export.zip",
        archive.looks_like_zip,
        _read_zip,
    ),
    Format(
        "whoop_csv",
        "WHOOP export CSV (physiological_cycles, sleeps, workouts, journal_entries)",
        whoop.looks_like_whoop,
        whoop.read_whoop,
    ),
    Format(
        "oura_trends_csv",
        "Oura Trends CSV (legacy cloud export)",
        oura.looks_like_oura_trends,
        oura.read_oura_trends,
    ),
    Format(
        "oura_json",
        "Oura account JSON (legacy, API v1 sleep/activity/readiness)",
        oura.looks_like_oura_json,
        oura.read_oura_json,
    ),
    Format(
        "oura_membership_csv",
        "Oura 2024+ export CSV (sleepmodel, dailysleep, dailyreadiness, dailyactivity, workout)",
        oura_membership.looks_like_oura_membership,
        oura_membership.read_oura_membership,
    ),
    Format(
        "hrv4training_csv",
        "HRV4Training measurements CSV",
        hrv4training.looks_like_hrv4training,
        hrv4training.read_hrv4training,
    ),
    Format(
        "intervals_wellness_csv",
        "intervals.icu wellness CSV",
        intervals_icu.looks_like_intervals_wellness,
        intervals_icu.read_intervals_wellness,
    ),
    Format(
        "generic_csv",
        "readiness generic CSV (daily, sessions or check-ins)",
        generic_csv.looks_like_generic_csv,
        generic_csv.read_generic_csv,
    ),
)


def detect(head: bytes) -> Format | None:
    """The format of a file judged by its first bytes (its content), or ``None``."""
    for fmt in FORMATS:
        if fmt.sniff(head):
            return fmt
    return None


#: How the zip reader judges its members: by the same detection as any file.
_MEMBERS = archive.Detector(detect=detect, head_bytes=HEAD_BYTES)
