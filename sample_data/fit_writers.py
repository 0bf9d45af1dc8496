"""Write the story's days, nights and workouts as FIT files with ``fit-tool`` (a test extra).

Layout follows real Garmin exports (see ``/work/shared/research/fit.md`` §2–3):

* monitoring (file type ``monitoring_b``), one per local day: ``monitoring_info`` at local
  midnight, a ``monitoring`` message per 15 minutes (heart_rate, activity_type, intensity, and
  for walking/running ``cycles`` = the day's *cumulative* steps of that activity type, as Garmin
  writes them), most with ``timestamp_16`` only; ``stress_level`` (−1/−2 sentinels),
  ``respiration_rate`` (−1.0 sentinel), and one ``monitoring_hr_data`` stamped at the end of the
  day (next local midnight, as in real files) with the 7-day and today's resting HR;
* sleep (file type 49): sleep events start/stop, ``sleep_level`` at each stage change (the last
  one marks the wake-up) and one ``sleep_assessment``;
* HRV status (file type 68): ``hrv_value`` every 5 min and one ``hrv_status_summary``;
* activity: timer events, ``record`` (HR every 5 s), ``hrv`` (RR in exactly 5-slot arrays padded
  with ``None``) for chest-strap sessions, lap, session (``training_load_peak``), activity.

fit-tool traps handled: ``date_time`` values are Unix **milliseconds**; ``local_date_time`` are
FIT-epoch seconds; file types 49 and 68 are passed as ints.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fit_tool.data_message import DataMessage
from fit_tool.field import Field
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.common_fields import TimestampField
from fit_tool.profile.messages.event_message import EventMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.hrv_message import HrvMessage, HrvTimeField
from fit_tool.profile.messages.hrv_status_summary_message import HrvStatusSummaryMessage
from fit_tool.profile.messages.hrv_value_message import HrvValueMessage, HrvValueValueField
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.monitoring_hr_data_message import MonitoringHrDataMessage
from fit_tool.profile.messages.monitoring_info_message import MonitoringInfoMessage
from fit_tool.profile.messages.monitoring_message import (
    MonitoringActivityTypeField,
    MonitoringCyclesField,
    MonitoringHeartRateField,
    MonitoringIntensityField,
    MonitoringMessage,
    MonitoringTimestamp16Field,
)
from fit_tool.profile.messages.record_message import RecordHeartRateField, RecordMessage
from fit_tool.profile.messages.respiration_rate_message import (
    RespirationRateMessage,
    RespirationRateRespirationRateField,
)
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.messages.sleep_assessment_message import SleepAssessmentMessage
from fit_tool.profile.messages.sleep_level_message import (
    SleepLevelMessage,
    SleepLevelSleepLevelField,
)
from fit_tool.profile.messages.stress_level_message import (
    StressLevelMessage,
    StressLevelStressLevelTimeField,
    StressLevelStressLevelValueField,
)
from fit_tool.profile.messages.user_profile_message import UserProfileMessage
from fit_tool.profile.profile_type import (
    ActivityType,
    Event,
    EventType,
    FileType,
    Gender,
    HrvStatus,
    Manufacturer,
    SleepLevel,
    Sport,
    SubSport,
)

from .day_slots import RESP_STEP
from .night import Night
from .plan import TZ
from .story import Athlete, Day
from .workout import SAMPLE_S, Session

__all__ = ["activity_file", "hrv_status_file", "monitoring_file", "sleep_file"]

FIT_EPOCH_OFFSET = 631_065_600
PRODUCT = 1
SERIAL = 3_900_000_123
_SLEEP_EVENT = 74  # "sleep" event number in Garmin sleep files (not in fit-tool's enum)
_FILE_SLEEP = 49
_FILE_HRV_STATUS = 68

_ACTIVITY = {
    "sleep": ActivityType.SEDENTARY,
    "sedentary": ActivityType.SEDENTARY,
    "walking": ActivityType.WALKING,
    "running": ActivityType.RUNNING,
    "cycling": ActivityType.CYCLING,
    "generic": ActivityType.GENERIC,
    "fitness_equipment": ActivityType.FITNESS_EQUIPMENT,
}
_LEVEL = {
    "awake": SleepLevel.AWAKE,
    "light": SleepLevel.LIGHT,
    "deep": SleepLevel.DEEP,
    "rem": SleepLevel.REM,
}
_STATUS = {
    "none": HrvStatus.NONE,
    "low": HrvStatus.LOW,
    "unbalanced": HrvStatus.UNBALANCED,
    "balanced": HrvStatus.BALANCED,
}
_SPORT = {
    "running": (Sport.RUNNING, SubSport.GENERIC),
    "cycling": (Sport.CYCLING, SubSport.ROAD),
    "walking": (Sport.WALKING, SubSport.GENERIC),
    "training": (Sport.TRAINING, SubSport.STRENGTH_TRAINING),
}


def _ms(t: datetime) -> int:
    """Unix milliseconds (fit-tool's representation of FIT ``date_time``)."""
    return int(t.timestamp()) * 1000


def _lean(message: type, pairs: list[tuple[type[Field], object]]) -> DataMessage:
    """A data message holding only the given fields (in profile order).

    fit-tool's typed messages build every field of the profile on construction, which makes
    writing ~10^5 messages slow; the bytes written are the same (same definition, same values).
    """
    fields = [cls(size=0, growable=True) for cls, value in pairs if value is not None]
    m = DataMessage(name=message.NAME, global_id=message.ID, fields=fields)  # type: ignore[attr-defined]
    values = list(zip(fields, [v for _, v in pairs if v is not None], strict=True))
    # fields with sub-fields last, so the field that selects the sub-field is already set
    for f, value in sorted(values, key=lambda fv: bool(fv[0].sub_fields)):
        if isinstance(value, list):
            f.set_values(value)
        else:
            f.set_value(0, value, f.get_valid_sub_field(fields))
    return m


def _fit_s(t: datetime) -> int:
    return int(t.timestamp()) - FIT_EPOCH_OFFSET


def _local_fit_s(t: datetime) -> int:
    """FIT ``local_date_time``: local wall clock as FIT-epoch seconds."""
    local = t.astimezone(TZ)
    offset = local.utcoffset()
    assert offset is not None
    return _fit_s(t) + int(offset.total_seconds())


def _file_id(b: FitFileBuilder, file_type: FileType | int, created: datetime) -> None:
    m = FileIdMessage()
    m.type = file_type
    m.manufacturer = Manufacturer.DEVELOPMENT.value
    m.product = PRODUCT
    m.serial_number = SERIAL
    m.time_created = _ms(created)
    b.add(m)


def monitoring_file(day: Day, next_midnight: datetime) -> bytes:
    """The day's wellness/monitoring file."""
    b = FitFileBuilder(auto_define=True)
    midnight = day.slots[0].start
    _file_id(b, FileType.MONITORING_B, midnight)
    info = MonitoringInfoMessage()
    info.timestamp = _ms(midnight)
    info.local_timestamp = _local_fit_s(midnight)
    info.activity_type = [ActivityType.WALKING, ActivityType.RUNNING]
    info.cycles_to_distance = [1.6, 2.4]
    info.cycles_to_calories = [0.045, 0.14]
    info.resting_metabolic_rate = 1450
    b.add(info)
    cumulative = {"walking": 0, "running": 0}
    for i, slot in enumerate(day.slots):
        steps = None
        if slot.activity in cumulative:
            cumulative[slot.activity] += slot.steps
            steps = cumulative[slot.activity]  # steps sub-field (walking/running): raw = steps
        full = i % 8 == 0
        b.add(
            _lean(
                MonitoringMessage,
                [
                    (TimestampField, _ms(slot.start) if full else None),
                    (MonitoringCyclesField, steps),
                    (MonitoringActivityTypeField, _ACTIVITY[slot.activity]),
                    (MonitoringTimestamp16Field, None if full else _fit_s(slot.start) & 0xFFFF),
                    (MonitoringHeartRateField, slot.heart_rate),
                    (MonitoringIntensityField, slot.intensity),
                ],
            )
        )
        b.add(
            _lean(
                StressLevelMessage,
                [
                    (StressLevelStressLevelValueField, slot.stress),
                    (StressLevelStressLevelTimeField, _ms(slot.start)),
                ],
            )
        )
        for k, value in enumerate(slot.respiration):
            b.add(
                _lean(
                    RespirationRateMessage,
                    [
                        (TimestampField, _ms(slot.start + k * RESP_STEP)),
                        (RespirationRateRespirationRateField, value),
                    ],
                )
            )
    hr = MonitoringHrDataMessage()
    hr.timestamp = _ms(next_midnight)
    hr.resting_heart_rate = day.rhr_7d
    hr.current_day_resting_heart_rate = day.rhr
    b.add(hr)
    return bytes(b.build().to_bytes())


def _sleep_event(b: FitFileBuilder, t: datetime, kind: EventType) -> None:
    e = EventMessage()
    e.timestamp = _ms(t)
    e.event = _SLEEP_EVENT
    e.event_type = kind
    e.data = _local_fit_s(t)
    b.add(e)


def sleep_file(night: Night) -> bytes:
    """The night's sleep file (file type 49), named by the wake date."""
    b = FitFileBuilder(auto_define=True)
    created = night.end + timedelta(minutes=40)
    _file_id(b, _FILE_SLEEP, created)
    _sleep_event(b, night.start, EventType.START)
    for t, level in night.stages:
        b.add(
            _lean(
                SleepLevelMessage,
                [(TimestampField, _ms(t)), (SleepLevelSleepLevelField, _LEVEL[level])],
            )
        )
    _sleep_event(b, night.end, EventType.STOP)
    a = SleepAssessmentMessage()
    a.overall_sleep_score = night.score
    a.sleep_duration_score = min(100, round(100 * night.total_min / 480))
    a.deep_sleep_score = min(100, round(100 * night.deep_min / 90))
    a.rem_sleep_score = min(100, round(100 * night.rem_min / 110))
    a.awakenings_count = sum(1 for _, level in night.stages[1:-1] if level == "awake")
    a.average_stress_during_sleep = night.avg_stress
    b.add(a)
    return bytes(b.build().to_bytes())


def hrv_status_file(night: Night) -> bytes:
    """The night's HRV status file (file type 68): 5-min values and the summary."""
    b = FitFileBuilder(auto_define=True)
    created = night.end + timedelta(minutes=40)
    _file_id(b, _FILE_HRV_STATUS, created)
    for k, value in enumerate(night.rmssd_5min):
        t = night.start + timedelta(minutes=5 * (k + 1))
        b.add(
            _lean(HrvValueMessage, [(TimestampField, _ms(t)), (HrvValueValueField, float(value))])
        )
    s = HrvStatusSummaryMessage()
    s.timestamp = _ms(created)
    s.weekly_average = float(night.weekly_avg)
    s.last_night_average = float(night.rmssd_ms)
    s.last_night_5_min_high = float(max(night.rmssd_5min))
    if night.baseline is not None:
        low_upper, lower, upper = night.baseline
        s.baseline_low_upper = float(low_upper)
        s.baseline_balanced_lower = float(lower)
        s.baseline_balanced_upper = float(upper)
    s.status = _STATUS[night.status]
    b.add(s)
    return bytes(b.build().to_bytes())


def _timer(b: FitFileBuilder, t: datetime, kind: EventType) -> None:
    e = EventMessage()
    e.timestamp = _ms(t)
    e.event = Event.TIMER
    e.event_type = kind
    b.add(e)


def activity_file(session: Session, athlete: Athlete) -> bytes:
    """One workout as a FIT activity file."""
    b = FitFileBuilder(auto_define=True)
    _file_id(b, FileType.ACTIVITY, session.start)
    u = UserProfileMessage()
    u.gender = Gender.FEMALE if athlete.sex == "female" else Gender.MALE
    u.resting_heart_rate = round(athlete.hr_rest)
    u.default_max_heart_rate = round(athlete.hr_max)
    b.add(u)
    _timer(b, session.start, EventType.START)
    beats = list(session.rr_ms)
    beat_t = 0.0
    bi = 0
    pending: list[float | None] = []
    for i, hr in enumerate(session.hr):
        t = session.start + timedelta(seconds=i * SAMPLE_S)
        b.add(_lean(RecordMessage, [(TimestampField, _ms(t)), (RecordHeartRateField, hr)]))
        horizon = (i + 1) * SAMPLE_S
        while bi < len(beats) and beat_t + beats[bi] / 1000 <= horizon:
            beat_t += beats[bi] / 1000
            pending.append(beats[bi] / 1000)
            bi += 1
            if len(pending) == 5:
                _hrv(b, pending)
                pending = []
    if pending:
        _hrv(b, pending + [None] * (5 - len(pending)))
    _timer(b, session.end, EventType.STOP_ALL)
    elapsed = (session.end - session.start).total_seconds()
    sport, sub = _SPORT[session.sport]
    lap = LapMessage()
    lap.timestamp = _ms(session.end)
    lap.start_time = _ms(session.start)
    lap.total_elapsed_time = elapsed
    lap.total_timer_time = elapsed
    lap.avg_heart_rate = session.avg_hr
    lap.max_heart_rate = session.max_hr
    lap.sport = sport
    b.add(lap)
    s = SessionMessage()
    s.timestamp = _ms(session.end)
    s.start_time = _ms(session.start)
    s.sport = sport
    s.sub_sport = sub
    s.total_elapsed_time = elapsed
    s.total_timer_time = elapsed
    s.avg_heart_rate = session.avg_hr
    s.max_heart_rate = session.max_hr
    s.training_load_peak = session.vendor_load
    s.total_training_effect = session.training_effect
    s.num_laps = 1
    s.first_lap_index = 0
    b.add(s)
    a = ActivityMessage()
    a.timestamp = _ms(session.end)
    a.total_timer_time = elapsed
    a.num_sessions = 1
    a.local_timestamp = _local_fit_s(session.end)
    b.add(a)
    return bytes(b.build().to_bytes())


def _hrv(b: FitFileBuilder, values: list[float | None]) -> None:
    b.add(_lean(HrvMessage, [(HrvTimeField, values)]))
