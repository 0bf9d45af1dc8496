"""Benchmark: stream a generated 200 MB Apple Health ``export.xml`` through the reader.

Usage::

    .venv/bin/python benchmarks/apple_health.py [--mb 200] [--zip]

The file is generated into a temporary folder (deleted afterwards) with a realistic record mix:
mostly heart-rate samples, steps and active energy (which the reader skips or sums), plus
nightly sleep stages, HRV (SDNN) readings with their beat lists, a daily resting heart rate and
workouts with statistics. ``--zip`` also reads it as ``export.zip`` (deflated, macOS layout).
Prints throughput (MB/s of XML) and the process's peak RSS. Targets: ≥ 20 MB/s, < 300 MB.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from readiness.ingest import ReadOptions, read_path

_DEVICE = (
    "&lt;&lt;HKDevice: 0x3012772a0&gt;, name:Apple Watch, manufacturer:Apple Inc., "
    "model:Watch, hardware:Watch6,7, software:10.2&gt;"
)
_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate value CDATA #REQUIRED>
<!ELEMENT Me EMPTY>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED
  sourceName CDATA #REQUIRED sourceVersion CDATA #IMPLIED device CDATA #IMPLIED
  creationDate CDATA #IMPLIED startDate CDATA #REQUIRED endDate CDATA #REQUIRED>
]>
<HealthData locale="en_NL">
 <ExportDate value="2024-06-01 08:10:05 +0200"/>
 <Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexMale"/>
"""
_TZ = timezone(timedelta(hours=2))


def _d(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S +0200")


def _record(kind: str, unit: str, value: object, start: datetime, end: datetime, src: str) -> str:
    return (
        f' <Record type="{kind}" sourceName="{src}" sourceVersion="10.2" device="{_DEVICE}" '
        f'unit="{unit}" creationDate="{_d(end)}" startDate="{_d(start)}" endDate="{_d(end)}" '
        f'value="{value}"'
    )


def _day(day: datetime, rng: random.Random) -> list[str]:
    out: list[str] = []
    hk = "HKQuantityTypeIdentifier"
    watch, phone = "Ann's Apple Watch", "Ann's iPhone"
    # Night: stages from 23:00 the evening before to ~07:00.
    t = day - timedelta(hours=1)
    stages = ("AsleepCore", "AsleepDeep", "AsleepCore", "AsleepREM", "Awake")
    while t < day + timedelta(hours=7):
        dur = timedelta(minutes=rng.randint(5, 40))
        out.append(
            f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="{watch}" '
            f'sourceVersion="10.2" device="{_DEVICE}" creationDate="{_d(t + dur)}" '
            f'startDate="{_d(t)}" endDate="{_d(t + dur)}" '
            f'value="HKCategoryValueSleepAnalysis{rng.choice(stages)}">\n'
            '  <MetadataEntry key="HKTimeZone" value="Europe/Amsterdam"/>\n </Record>'
        )
        t += dur
    for h in (2, 4, 10, 16):
        s = day + timedelta(hours=h, minutes=rng.randint(0, 50))
        beats = "".join(
            f'\n   <InstantaneousBeatsPerMinute bpm="{rng.randint(50, 80)}" '
            f'time="{h}:0{i}:41.86 AM"/>'
            for i in range(8)
        )
        out.append(
            _record(
                hk + "HeartRateVariabilitySDNN", "ms", round(rng.uniform(25, 90), 3), s, s, watch
            )
            + f">\n  <HeartRateVariabilityMetadataList>{beats}"
            "\n  </HeartRateVariabilityMetadataList>"
            "\n </Record>"
        )
    out.append(
        _record(hk + "RestingHeartRate", "count/min", rng.randint(45, 60), day, day, watch) + "/>"
    )
    # Day: heart rate every ~5 min, steps and energy every ~10 min from two sources.
    t = day + timedelta(hours=7)
    while t < day + timedelta(hours=23):
        out.append(
            _record(hk + "HeartRate", "count/min", rng.randint(55, 140), t, t, watch)
            + '>\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>'
            + "\n </Record>"
        )
        if t.minute % 10 < 5:
            e = t + timedelta(minutes=4)
            for src in (watch, phone):
                out.append(
                    _record(hk + "StepCount", "count", rng.randint(0, 600), t, e, src) + "/>"
                )
            out.append(
                _record(hk + "ActiveEnergyBurned", "kcal", round(rng.uniform(0, 9), 3), t, e, watch)
                + "/>"
            )
            out.append(
                _record(
                    hk + "DistanceWalkingRunning", "km", round(rng.uniform(0, 0.4), 4), t, e, phone
                )
                + "/>"
            )
        t += timedelta(minutes=rng.randint(4, 6))
    ws = day + timedelta(hours=18)
    out.append(
        f' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="45.5" '
        f'durationUnit="min" sourceName="{watch}" sourceVersion="10.2" device="{_DEVICE}" '
        f'creationDate="{_d(ws)}" startDate="{_d(ws)}" '
        f'endDate="{_d(ws + timedelta(minutes=46))}">\n'
        f'  <WorkoutStatistics type="{hk}HeartRate" startDate="{_d(ws)}" endDate="{_d(ws)}" '
        'average="148.2" minimum="95" maximum="176" unit="count/min"/>\n </Workout>'
    )
    return out


def generate(path: Path, megabytes: int) -> int:
    """Write an export.xml of at least ``megabytes`` MB; return the number of days."""
    rng = random.Random(42)
    target = megabytes * 1_000_000
    day = datetime(2019, 1, 1, tzinfo=_TZ)
    days = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write(_HEAD)
        written = len(_HEAD)
        while written < target:
            chunk = "\n".join(_day(day, rng)) + "\n"
            fh.write(chunk)
            written += len(chunk)
            day += timedelta(days=1)
            days += 1
        fh.write("</HealthData>\n")
    return days


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _bench(path: Path, size: int, label: str) -> None:
    t0, c0 = time.perf_counter(), time.process_time()
    result = read_path(path, ReadOptions())
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"{label}: {size / 1e6:.1f} MB of XML in {elapsed:.2f} s = "
        f"{size / 1e6 / elapsed:.1f} MB/s (CPU {cpu:.2f} s = {size / 1e6 / cpu:.1f} MB/s); "
        f"{len(result.daily)} days, {len(result.sessions)} workouts; "
        f"peak RSS so far {_peak_rss_mb():.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of export.xml in MB")
    parser.add_argument("--zip", action="store_true", help="also read it as export.zip")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="readiness-bench-") as tmp:
        xml = Path(tmp) / "export.xml"
        t0 = time.perf_counter()
        days = generate(xml, args.mb)
        size = xml.stat().st_size
        print(
            f"generated {size / 1e6:.1f} MB export.xml ({days} days) in "
            f"{time.perf_counter() - t0:.1f} s; peak RSS before reading {_peak_rss_mb():.0f} MB"
        )
        _bench(xml, size, "export.xml")
        if args.zip:
            zpath = Path(tmp) / "export.zip"
            with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                zf.write(xml, "apple_health_export/export.xml")
                zf.writestr("__MACOSX/apple_health_export/._export.xml", b"\0" * 64)
            xml.unlink()
            print(f"zipped to {zpath.stat().st_size / 1e6:.1f} MB")
            _bench(zpath, size, "export.zip")
    peak = _peak_rss_mb()
    print(f"peak RSS {peak:.0f} MB (target < 300 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
