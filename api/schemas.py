"""Request and response bodies (pydantic), kept apart from the database tables.

Row models for ``daily``, ``sessions`` and ``checkins`` are generated from
:mod:`readiness.ingest.schema.tables`, so the OpenAPI document names every column with its unit.

Stored text is free of control characters: :data:`Line` (an athlete's name, a check-in's
``pain_site``) refuses every C0/C1 control character and DEL, :data:`Note` (a feedback ``note``)
allows tab and line breaks but no other; either answers 422 naming the field. A file name
arriving with an upload is cleaned instead (:func:`without_controls`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, AliasChoices, BaseModel, ConfigDict, Field, create_model
from readiness.ingest import (
    CHECKINS,
    DAILY,
    SESSIONS,
    Table,
)
from readiness.scoring import Action

__all__ = [
    "ApiKeyIssued",
    "AthleteCreate",
    "AthleteCreated",
    "AthletePublic",
    "CalendarTokenIssued",
    "CheckinIn",
    "CheckinPublic",
    "CoachCreate",
    "CoachCreated",
    "DailyPublic",
    "DataFreshnessPublic",
    "DayReadinessPublic",
    "EvidencePublic",
    "FeedbackIn",
    "FeedbackPublic",
    "Health",
    "InvitationCreate",
    "InvitationIssued",
    "Line",
    "Note",
    "Problem",
    "SessionPublic",
    "TeamCreate",
    "TeamPublic",
    "Timezone",
    "TriageRow",
    "UploadPublic",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookDeliveryPublic",
    "WebhookEvent",
    "WebhookPublic",
    "page_of",
    "without_controls",
]

#: C0 and C1 control characters and DEL.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same but tab, line feed and carriage return.
_NOTE_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _refuse(pattern: re.Pattern[str], what: str) -> Any:
    def check(value: str) -> str:
        found = pattern.search(value)
        if found is not None:
            raise ValueError(
                f"contains the control character U+{ord(found.group()):04X} at index "
                f"{found.start()}; {what}"
            )
        return value

    return AfterValidator(check)


#: One line of text: no control characters at all.
Line = Annotated[str, _refuse(_CONTROLS, "no control characters are allowed")]
#: Free text: tab and line breaks allowed, no other control characters.
Note = Annotated[str, _refuse(_NOTE_CONTROLS, "only tab and line breaks are allowed")]


def without_controls(text: str) -> str:
    """``text`` with every control character removed (for names that are cleaned, not refused)."""
    return _CONTROLS.sub("", text)


def _check_zone(value: str) -> str:
    if value not in available_timezones():
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r} (e.g. Europe/Oslo)") from exc
    return value


#: An IANA timezone name such as ``Europe/Oslo``.
Timezone = Annotated[
    str,
    Field(min_length=1, max_length=64, examples=["Europe/Oslo"]),
    AfterValidator(_check_zone),
]
Scale = Annotated[float, Field(ge=1, le=5)]


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None


class Health(BaseModel):
    status: Literal["ok"]
    database: Literal["ok"]


class AthleteCreate(BaseModel):
    """A new athlete. ``hr_rest``, ``hr_max`` and ``sex`` feed Banister TRIMP when given."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=200)
    timezone: Timezone
    hr_rest: float | None = Field(default=None, ge=25, le=150)
    hr_max: float | None = Field(default=None, ge=80, le=250)
    sex: Literal["male", "female"] | None = None


class AthleteCreated(BaseModel):
    id: int
    api_key: str = Field(description="Shown once; only its hash is stored")


class ApiKeyIssued(BaseModel):
    api_key: str = Field(
        description="Shown once; only its hash is stored. Earlier keys are revoked"
    )
    prefix: str = Field(description="The key's first characters, to tell keys apart")
    created: datetime


class AthletePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    timezone: str
    hr_rest: float | None
    hr_max: float | None
    sex: Literal["male", "female"] | None
    created: datetime
    first_day: date | None = Field(default=None, description="First local day with data")
    last_day: date | None = Field(default=None, description="Last local day with data")
    now: datetime | None = Field(
        default=None,
        description="The service's current instant (UTC): the real clock, or READINESS_NOW",
    )
    today: date | None = Field(
        default=None, description="Your local day at `now`: what /v1/readiness/today returns"
    )
    clock_pinned: bool = Field(
        default=False,
        description="True when the service's clock is pinned (READINESS_NOW, e.g. the demo)",
    )


class WarningPublic(BaseModel):
    model_config = ConfigDict(extra="allow")

    file: str
    message: str


class UploadPublic(BaseModel):
    """An upload, its job, and what reading it gave.

    ``status``: ``queued`` → ``processing`` → ``done`` | ``failed`` (with ``error``, the
    problem). ``progress_bytes`` is how much of the file the job has read; ``attempts`` how
    often a worker took it (a job whose worker died is taken again). ``queued_at`` equals
    ``created`` and ``finished_at`` equals ``finished``.
    """

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: str
    sha256: str
    filename: str
    bytes: int
    format: str | None
    status: Literal["queued", "processing", "done", "failed"]
    days: int
    sessions: int
    checkins: int
    warnings: list[WarningPublic]
    error: dict[str, Any] | None = None
    created: datetime
    finished: datetime | None = None
    progress_bytes: int = 0
    attempts: int = 0
    queued_at: datetime = Field(validation_alias=AliasChoices("queued_at", "created"))
    started_at: datetime | None = None
    finished_at: datetime | None = Field(
        default=None, validation_alias=AliasChoices("finished_at", "finished")
    )


_PY: dict[str, Any] = {
    "date": date,
    "instant": datetime,
    "float": float,
    "int": int,
    "str": str,
    "bool": bool,
}


def _row_model(table: Table, name: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for c in table.columns:
        unit = f" [{c.unit}]" if c.unit not in ("–", "") else ""
        typ = _PY[c.kind] if c.name == table.key else _PY[c.kind] | None
        default = ... if c.name == table.key else None
        fields[c.name] = (typ, Field(default, description=c.description + unit))
    return create_model(name, __doc__=f"One row of `{table.name}`: {table.description}", **fields)


DailyPublic = _row_model(DAILY, "DailyPublic")
SessionPublic = _row_model(SESSIONS, "SessionPublic")
CheckinPublic = _row_model(CHECKINS, "CheckinPublic")


def page_of(item: Any, name: str) -> type[BaseModel]:
    """``{data: [item], count}``: one page and the total number of matching rows."""
    return create_model(name, data=(list[item], ...), count=(int, Field(ge=0)))


class CheckinIn(BaseModel):
    """How you feel today (1–5). 5 is worst for soreness, stress, stiffness, pain, fatigue;
    best for mood and sleep quality. Each field given is the day's answer, over an uploaded
    file's answer to it (``null`` clears it); fields left out keep the day's answers."""

    model_config = ConfigDict(extra="forbid")

    date: date
    soreness: Scale | None = None
    stress: Scale | None = None
    stiffness: Scale | None = None
    pain: Scale | None = None
    pain_site: Line | None = Field(default=None, max_length=200)
    sick: bool | None = None
    fatigue: Scale | None = None
    mood: Scale | None = None
    sleep_quality: Scale | None = None


class FeedbackIn(BaseModel):
    """Did the recommended action help? ``helped``: 1 (not at all) to 5 (a lot)."""

    model_config = ConfigDict(extra="forbid")

    date: date
    action: Action = Field(
        description="One of the actions a call recommends", examples=["relaxation_massage"]
    )
    helped: int = Field(ge=1, le=5)
    note: Note | None = Field(default=None, max_length=2000)


class FeedbackPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    date: date
    action: str
    helped: int
    note: str | None
    created: datetime


class _Open(BaseModel):
    """Documented members; the scorer may add more (kept as they are)."""

    model_config = ConfigDict(extra="allow")


class ContributorPublic(_Open):
    """One input to a sub-score, in real units, with a sentence in plain words."""

    signal: str = Field(examples=["hrv_today"])
    text: str = Field(
        description="A sentence for the athlete, in plain words (no method names)",
        examples=["HRV (RMSSD) last night 57 ms, below your normal (60–66 ms)"],
    )
    value: float | None = Field(default=None, description="The value, in `unit`")
    unit: str = ""
    normal_range: list[float | None] | None = Field(
        default=None, description="Your normal range [low, high], in `unit`"
    )
    sd: float | None = Field(
        default=None,
        description=(
            "Deviation from your normal in baseline SDs, signed so that positive is the "
            "worrying direction (HRV below, resting HR above, a check-in worse than usual); "
            "negative is the reassuring one. For above/below see `direction`"
        ),
    )
    direction: Literal["below", "within", "above"] | None = Field(
        default=None, description="Where `value` sits against `normal_range` (null without one)"
    )
    points: float | None = Field(default=None, description="Points added to the sub-score")
    method: str | None = Field(
        default=None,
        description="How the number was computed, for the curious (method names live here)",
        examples=["Theil–Sen slope of the 7-day mean of ln HRV over 21 days (Plews 2012)"],
    )
    weight: float | None = Field(
        default=None,
        description="Its share of the score (0–1); present only while personal weights are active",
    )


class SubScorePublic(_Open):
    score: float | None
    band: str
    confidence: float | None = None
    confidence_level: str | None = None
    contributors: list[ContributorPublic] = []


class WarmthPublic(_Open):
    score: float | None
    band: str
    minutes_since_activity: float | None = None
    evaluated_at: str | None = Field(default=None, description="Instant warmth was evaluated at")


class EvidencePublic(BaseModel):
    """One cited work: its short key, its full citation, and its entry in docs/evidence.md."""

    key: str = Field(examples=["Cheung 2003"])
    citation: str = Field(
        examples=[
            "Cheung K, Hume PA, Maxwell L (2003). Delayed onset muscle soreness: treatment "
            "strategies and performance factors. Sports Medicine 33(2):145–64."
        ]
    )
    url: str = Field(
        description="The entry in the repository's docs/evidence.md (path#anchor)",
        examples=["docs/evidence.md#cheung-2003"],
    )


class RecommendationPublic(_Open):
    action: Action = Field(examples=["relaxation_massage"])
    rule: str
    reasons: list[str] = Field(description="Why, in plain words")
    notes: list[str] = []
    evidence: list[EvidencePublic] = Field(
        default=[], description="The works the rule rests on (docs/evidence.md)"
    )
    disclaimer: str


class PersonalValidationPublic(_Open):
    """How the fixed and the personal weights tracked the athlete's check-ins (time-ordered)."""

    metric: str
    fixed: float | None = Field(description="The fixed formula's score on the metric")
    personal: float | None = Field(description="The personal weights' score on the metric")
    fitted_on: int | None = Field(description="Check-in days the latest model was fitted on")


class PersonalCalibrationPublic(_Open):
    """Personal weights of a sub-score, learned from check-ins."""

    state: Literal["none", "learning", "active"]
    checkin_days: int = Field(description="Days with a matching check-in before the day")
    weights: dict[str, float | None] = Field(
        description="Weight of each signal in the day's score (the fixed formula's unless active)"
    )
    learned: dict[str, float | None] | None = Field(
        description="The latest personal weights, used or not"
    )
    validation: PersonalValidationPublic
    reason: str
    standard: dict[str, float | None] = Field(
        default={}, description="The fixed formula's weights, the prior personal weights shrink to"
    )


class CalibrationPublic(_Open):
    valid_nights: int
    state: str
    reasons: list[str] = Field(
        default=[], description="Why anything is null or provisional, in plain words"
    )
    feedback: str | None = Field(
        default=None, description="What your feedback changed, in plain words"
    )
    feedback_method: str | None = Field(
        default=None, description="The feedback model's validation figures, for the curious"
    )
    personal: PersonalCalibrationPublic | None = Field(
        default=None, description="Personal weights of the nervous-system stress score"
    )
    personal_stiffness: PersonalCalibrationPublic | None = Field(
        default=None, description="Personal weights of the physical stiffness score"
    )


class DataFreshnessPublic(_Open):
    """How recent the objective data behind the day is; ``stale``: none is fresh, so the action
    is ``no_recent_data`` unless a pain or illness check-in gate applies."""

    last_night: date | None = Field(description="Latest night (HRV, resting HR, sleep) ≤ the day")
    last_activity: date | None = Field(description="Latest activity day or workout ≤ the day")
    days_since_data: int | None = Field(description="Days from the later of the two to the day")
    stale: bool


class DayReadinessPublic(_Open):
    """One day's call — exactly the per-day object of ``readiness score --json``."""

    date: date
    nervous_system_stress: SubScorePublic | None
    physical_stiffness: SubScorePublic | None
    warmth: WarmthPublic
    recommendation: RecommendationPublic
    calibration: CalibrationPublic
    data: DataFreshnessPublic


# --- teams, coaches, invitations, triage and the calendar feed ---


class CoachCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=200)


class CoachCreated(BaseModel):
    id: int
    name: str
    role: Literal["coach"] = "coach"
    api_key: str = Field(description="Shown once; only its hash is stored")


class TeamCreate(BaseModel):
    """A new team. Sent with an athlete's key, the athlete is its first member."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=200)
    coach_ids: list[int] = Field(default=[], max_length=50, description="Its coaches")


class PersonPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class MemberPublic(PersonPublic):
    joined: datetime


class TeamPublic(BaseModel):
    """A team; ``members`` lists every member for its coaches and the admin, and only you when
    you are a member."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created: datetime
    coaches: list[PersonPublic]
    members: list[MemberPublic]


class InvitationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in_days: int = Field(default=7, ge=1, le=30, description="Days it can be accepted")


class InvitationIssued(BaseModel):
    code: str = Field(description="One-time code, shown once; the athlete accepts it with a key")
    team_id: int
    expires: datetime


#: ``date`` under another name, for a field named ``date`` with a default.
_Day = date


class ScoreBandPublic(BaseModel):
    score: float | None
    band: str | None


class TriageRow(BaseModel):
    """One member's call today. ``concern``, most urgent first: ``pain_gate``, ``illness``,
    ``guarded``, ``stale_data``, ``no_data`` (nothing uploaded yet: only ``athlete`` and
    ``concern`` are set), ``elevated``, ``settled``."""

    athlete: PersonPublic
    concern: Literal[
        "pain_gate", "illness", "guarded", "stale_data", "no_data", "elevated", "settled"
    ]
    date: _Day | None = None
    action: Action | None = None
    rule: str | None = None
    nervous_system_stress: ScoreBandPublic | None = None
    physical_stiffness: ScoreBandPublic | None = None
    warmth: ScoreBandPublic | None = None
    data: DataFreshnessPublic | None = None
    reason: str | None = Field(default=None, description="The call's first reason")


class CalendarTokenIssued(BaseModel):
    token: str = Field(description="Shown once; only its hash is stored. An earlier one stops")
    url: str = Field(description="The feed to subscribe to in a calendar app")
    prefix: str
    created: datetime


#: The events a webhook may subscribe to.
WebhookEvent = Literal[
    "upload.done", "upload.failed", "readiness.changed", "gate.pain", "gate.illness"
]


class WebhookCreate(BaseModel):
    """A webhook: where to send which events, for you or (a coach) for one of your teams. The
    URL must be ``http`` or ``https``, with no user name or password, on a public address
    (unless the operator allows private ones)."""

    model_config = ConfigDict(extra="forbid")

    url: Line = Field(min_length=1, max_length=2048, examples=["https://example.com/hooks/rc"])
    events: list[WebhookEvent] = Field(min_length=1, max_length=5)
    team_id: int | None = Field(
        default=None,
        description="a team you coach: the webhook is the team's and hears its members' events",
    )


class WebhookPublic(BaseModel):
    """A webhook (its secret is shown only when it is created)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str
    events: list[WebhookEvent]
    athlete_id: int | None = None
    team_id: int | None = None
    created: datetime


class WebhookCreated(WebhookPublic):
    """A new webhook with its signing secret (``whsec_...``, shown once: store it now)."""

    secret: str


class DeliveryAttemptPublic(BaseModel):
    """One attempt of a delivery: when, what the receiver answered (``status_code``, the start
    of its body in ``response``), why it failed (``error``, ``null`` when delivered) and when
    the next attempt is due."""

    model_config = ConfigDict(extra="allow")

    attempt: int
    at: datetime
    status_code: int | None = None
    error: str | None = None
    response: str = ""
    duration_ms: float | None = None
    next_attempt_at: datetime | None = None


class WebhookDeliveryPublic(BaseModel):
    """One event sent to a webhook, and its log.

    ``status``: ``pending`` (due at ``next_attempt_at``) → ``sending`` → ``delivered`` |
    ``failed`` (every attempt failed). ``id`` is the ``webhook-id`` header of every attempt."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    webhook_id: str
    event: WebhookEvent
    status: Literal["pending", "sending", "delivered", "failed"]
    attempts: int
    tries: list[DeliveryAttemptPublic]
    payload: dict[str, Any]
    created: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None = None
