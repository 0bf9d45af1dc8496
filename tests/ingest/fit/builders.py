"""Build small FIT files with known values for the FIT tests (garmin-fit-sdk's Encoder).

Times are given as Unix seconds (UTC) and written as FIT seconds. ``hrv.time`` is always
written as 5 slots padded with 65.535 s (0xFFFF, what Garmin devices do); readers must treat
the pads as missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from garmin_fit_sdk import Encoder, Profile

FIT_EPOCH = 631_065_600
RR_PAD = 65.535
MESG = Profile["mesg_num"]


def fit_s(unix_s: float) -> int:
    """Unix seconds → FIT seconds (what the encoder writes for date_time fields)."""
    return round(unix_s) - FIT_EPOCH


def _file_id(enc: Encoder, file_type: str | int, t: float, maker: str = "garmin") -> None:
    product = 3287 if maker == "garmin" else 28
    enc.on_mesg(
        MESG["FILE_ID"],
        {
            "type": file_type,
            "manufacturer": maker,
            "product": product,
            "serial_number": 4242,
            "time_created": fit_s(t),
        },
    )


@dataclass
class Activity:
    """An activity: HR records (t, hr or None), RR intervals in s, one session."""

    start: float
    records: Sequence[tuple[float, int | None]]
    rr_s: Sequence[float] = ()
    sport: str = "running"
    training_load_peak: float | None = None
    training_stress_score: float | None = None
    profile: tuple[int, int, str] | None = None  # (resting HR, max HR, gender)
    local_offset_s: int | None = None
    maker: str = "garmin"
    avg_hr: int | None = None
    max_hr: int | None = None
    #: (start, end, sport) per session; default: one session over all records
    sessions: Sequence[tuple[float, float, str]] | None = None
    #: written instead of end − start as the sessions' total_elapsed_time / total_timer_time
    elapsed_s: float | None = None
    timer_s: float | None = None

    @property
    def end(self) -> float:
        return max(t for t, _ in self.records)

    def build(self) -> bytes:
        enc = Encoder()
        _file_id(enc, "activity", self.start, self.maker)
        if self.profile is not None:
            rest, hmax, gender = self.profile
            enc.on_mesg(
                MESG["USER_PROFILE"],
                {"resting_heart_rate": rest, "default_max_heart_rate": hmax, "gender": gender},
            )
        rr = list(self.rr_s)
        chunks = [rr[i : i + 5] for i in range(0, len(rr), 5)]
        per_record = max(1, len(self.records) // max(1, len(chunks)))
        for i, (t, hr) in enumerate(self.records):
            rec: dict[str, object] = {"timestamp": fit_s(t)}
            if hr is not None:
                rec["heart_rate"] = hr
            enc.on_mesg(MESG["RECORD"], rec)
            if chunks and i % per_record == 0:
                chunk = chunks.pop(0)
                enc.on_mesg(MESG["HRV"], {"time": chunk + [RR_PAD] * (5 - len(chunk))})
        for chunk in chunks:
            enc.on_mesg(MESG["HRV"], {"time": chunk + [RR_PAD] * (5 - len(chunk))})
        sessions = list(self.sessions or [(self.start, self.end, self.sport)])
        for s, e, sport in sessions:
            ses: dict[str, object] = {
                "timestamp": fit_s(e),
                "start_time": fit_s(s),
                "total_elapsed_time": e - s if self.elapsed_s is None else self.elapsed_s,
                "total_timer_time": e - s if self.timer_s is None else self.timer_s,
                "sport": sport,
            }
            for key, value in (
                ("training_load_peak", self.training_load_peak),
                ("training_stress_score", self.training_stress_score),
                ("avg_heart_rate", self.avg_hr),
                ("max_heart_rate", self.max_hr),
            ):
                if value is not None:
                    ses[key] = value
            enc.on_mesg(MESG["SESSION"], ses)
        act: dict[str, object] = {"timestamp": fit_s(self.end), "num_sessions": len(sessions)}
        if self.local_offset_s is not None:
            act["local_timestamp"] = fit_s(self.end) + self.local_offset_s
        enc.on_mesg(MESG["ACTIVITY"], act)
        return bytes(enc.close())


@dataclass
class MonitoringDay:
    """A Garmin-style monitoring file for one local day (see the monitoring test)."""

    start: float  # UTC seconds of local midnight
    local_offset_s: int
    # (minute, activity type code, intensity, cumulative cycles or None, cumulative active s)
    states: Sequence[tuple[int, int, int, float | None, float | None]]
    hr: Sequence[tuple[int, int]]  # (minute, bpm), written with timestamp_16 only
    stress: Sequence[tuple[int, int]]
    respiration: Sequence[tuple[int, float]]
    rhr: tuple[int, int]  # (current-day resting HR, 7-day resting HR), stamped next midnight
    summary: Sequence[tuple[str, float, float]]  # (activity type, cycles, active s) at midnight

    def build(self) -> bytes:
        enc = Encoder()
        _file_id(enc, "monitoring_b", self.start)
        enc.on_mesg(
            MESG["MONITORING_INFO"],
            {
                "timestamp": fit_s(self.start),
                "local_timestamp": fit_s(self.start) + self.local_offset_s,
            },
        )
        events: list[tuple[float, int, dict[str, object]]] = []
        for minute, code, intensity, cycles, active in self.states:
            t = self.start + 60 * minute
            box = code | (intensity << 5)
            if cycles is None:
                events.append(
                    (
                        t,
                        MESG["MONITORING"],
                        {"timestamp": fit_s(t), "current_activity_type_intensity": box},
                    )
                )
            else:
                events.append(
                    (
                        t,
                        MESG["MONITORING"],
                        {
                            "timestamp_16": fit_s(t) & 0xFFFF,
                            "cycles": cycles,
                            "active_time": active,
                            "current_activity_type_intensity": box,
                        },
                    )
                )
        for minute, bpm in self.hr:
            t = self.start + 60 * minute + 1
            events.append(
                (t, MESG["MONITORING"], {"timestamp_16": fit_s(t) & 0xFFFF, "heart_rate": bpm})
            )
        for minute, value in self.stress:
            t = self.start + 60 * minute
            events.append(
                (
                    t,
                    MESG["STRESS_LEVEL"],
                    {"stress_level_time": fit_s(t), "stress_level_value": value},
                )
            )
        for minute, value in self.respiration:
            t = self.start + 60 * minute
            events.append(
                (t, MESG["RESPIRATION_RATE"], {"timestamp": fit_s(t), "respiration_rate": value})
            )
        events.sort(key=lambda e: e[0])
        for _, num, mesg in events:
            enc.on_mesg(num, mesg)
        midnight = fit_s(self.start + 86400)
        for atype, cycles, active in self.summary:
            enc.on_mesg(
                MESG["MONITORING"],
                {
                    "timestamp": midnight,
                    "activity_type": atype,
                    "cycles": cycles,
                    "active_time": active,
                    "duration_min": 1440,
                },
            )
        enc.on_mesg(
            MESG["MONITORING_HR_DATA"],
            {
                "timestamp": midnight,
                "current_day_resting_heart_rate": self.rhr[0],
                "resting_heart_rate": self.rhr[1],
            },
        )
        return bytes(enc.close())


def sleep_file(stages: Sequence[tuple[float, str]], score: int) -> bytes:
    """A sleep file (type 49): stage changes (UTC seconds, level) and an overall score."""
    enc = Encoder()
    _file_id(enc, 49, stages[-1][0])
    enc.on_mesg(MESG["SLEEP_ASSESSMENT"], {"overall_sleep_score": score})
    for t, level in stages:
        enc.on_mesg(MESG["SLEEP_LEVEL"], {"timestamp": fit_s(t), "sleep_level": level})
    return bytes(enc.close())


def hrv_status_file(t: float, last_night: float, weekly: float, values: Sequence[float]) -> bytes:
    """An HRV-status file (type 68): 5-minute values through the night, then the summary."""
    enc = Encoder()
    _file_id(enc, 68, t)
    for i, v in enumerate(values):
        enc.on_mesg(
            MESG["HRV_VALUE"], {"timestamp": fit_s(t - 300 * (len(values) - i)), "value": v}
        )
    enc.on_mesg(
        MESG["HRV_STATUS_SUMMARY"],
        {
            "timestamp": fit_s(t),
            "last_night_average": last_night,
            "weekly_average": weekly,
            "status": "balanced",
        },
    )
    return bytes(enc.close())


def developer_field_activity(start: float, hr: Sequence[int]) -> bytes:
    """A 1-Hz activity whose records also carry a developer field (a second power meter)."""
    dev_id = {"developer_data_index": 0, "application_id": [7] * 16, "application_version": 1}
    desc = {
        "developer_data_index": 0,
        "field_definition_number": 0,
        "fit_base_type_id": 0x84,
        "field_name": "Power2",
        "units": "W",
        "native_mesg_num": 20,
    }
    enc = Encoder(
        field_descriptions={0: {"developer_data_id_mesg": dev_id, "field_description_mesg": desc}}
    )
    _file_id(enc, "activity", start, "development")
    enc.on_mesg(MESG["DEVELOPER_DATA_ID"], dev_id)
    enc.on_mesg(MESG["FIELD_DESCRIPTION"], desc)
    for i, bpm in enumerate(hr):
        rec = {
            "timestamp": fit_s(start + i),
            "heart_rate": bpm,
            "developer_fields": {0: 180 + i % 50},
        }
        enc.on_mesg(MESG["RECORD"], rec)
    end = start + len(hr) - 1
    enc.on_mesg(
        MESG["SESSION"],
        {
            "timestamp": fit_s(end),
            "start_time": fit_s(start),
            "total_elapsed_time": end - start,
            "sport": "cycling",
        },
    )
    return bytes(enc.close())
