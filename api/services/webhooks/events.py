"""Webhook events, written in the transaction of the change they report (an outbox).

:func:`emit` adds one ``webhook_deliveries`` row per webhook subscribed to the event, in the
caller's unit of work: the event exists if and only if the change was committed (no lost and no
phantom events). Once committed, the new deliveries are announced to the sender
(:data:`ANNOUNCE`: it wakes the SQLite worker, or defers the delivery jobs on PostgreSQL); a
delivery whose announcement was lost is still found by the sender's sweep.

The events: ``upload.done`` (an upload was read and stored), ``upload.failed`` (an upload's
job failed), ``readiness.changed`` (today's action differs from the one last reported for the
athlete), ``gate.pain`` / ``gate.illness`` (today's call became the pain/injury or the illness
gate). The last two and ``readiness.changed`` are checked by :func:`track_today` after every
write that re-scored the athlete (an upload, a check-in, feedback), and by the sender's
periodic sweep (:mod:`.sweep`) for days that change with no write (the data going stale, a new
local day); both tell them with :func:`tell_today`.

The webhooks of an event are the athlete's own and those of the teams the athlete is a member
of when the event is written (:func:`owners_of`): once they leave a team, its webhooks hear
nothing more of them. A team webhook's payload carries no more than the team's coaches read in
the triage (:func:`team_data`): no upload's file name, counts or error, only the first reason
of a gate, no previous action.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Final

from readiness.api.services.webhooks import EVENTS
from readiness.api.storage.inserts import insert_if_absent
from readiness.api.storage.models import (
    ReadinessRow,
    TeamMember,
    Upload,
    Webhook,
    WebhookDelivery,
    WebhookMark,
    utcnow,
)
from readiness.api.storage.unit_of_work import UnitOfWork
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

__all__ = [
    "ANNOUNCE",
    "EVENTS",
    "GATES",
    "Announcer",
    "emit",
    "owners_of",
    "team_data",
    "tell_today",
    "today_hooks",
    "track_today",
    "upload_data",
]

_log = logging.getLogger("readiness.api")

#: The decision table's gate rules and the event each one fires.
GATES: Final = {"R0": "gate.pain", "R1": "gate.illness"}
_TODAY_EVENTS: Final = ("readiness.changed", *GATES.values())


class Announcer:
    """Where committed deliveries are announced (set by whoever runs the sender)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._to: Callable[[Sequence[str]], object] | None = None

    def set(self, to: Callable[[Sequence[str]], object] | None) -> None:
        with self._lock:
            self._to = to

    def __call__(self, delivery_ids: Sequence[str]) -> None:
        to = self._to
        if to is None:
            return  # no sender in this process (the CLI): the sender's sweep finds them
        try:
            to(delivery_ids)
        except Exception:  # the sweep sends them later
            _log.warning("could not announce webhook deliveries", exc_info=True)


#: The process's announcer.
ANNOUNCE = Announcer()


def owners_of(athlete_id: int) -> Any:
    """The condition on ``webhooks`` that selects those told about ``athlete_id``'s events:
    the athlete's own and those of the teams they are a member of now."""
    teams = select(TeamMember.team_id).where(TeamMember.athlete_id == athlete_id)
    return or_(Webhook.athlete_id == athlete_id, Webhook.team_id.in_(teams))


#: What a team webhook's ``data`` keeps of each event's (besides ``athlete_id`` and
#: ``team_id``): the triage's fields. Gates keep their first reason only (the triage's
#: ``reason``; the others may name more pain sites and red flags).
_TEAM_FIELDS: Final = {
    "upload.done": ("upload",),
    "upload.failed": ("upload",),
    "readiness.changed": ("date", "action", "rule"),
    "gate.pain": ("date", "action", "rule", "reasons"),
    "gate.illness": ("date", "action", "rule", "reasons"),
}


def team_data(event: str, data: dict[str, Any]) -> dict[str, Any]:
    """The part of an event's ``data`` a team webhook is sent: no more than its coaches read in
    the triage (an upload's status only; a gate's first reason; no previous action)."""
    out = {k: data[k] for k in _TEAM_FIELDS[event] if k in data}
    if "upload" in out:
        out["upload"] = {"status": out["upload"].get("status")}
    if "reasons" in out:
        out["reasons"] = list(out["reasons"])[:1]
    return out


def _subscribed(session: Session, athlete_id: int, events: Sequence[str]) -> list[Webhook]:
    hooks = session.scalars(
        select(Webhook).where(owners_of(athlete_id)).order_by(Webhook.created, Webhook.id)
    ).all()
    return [h for h in hooks if set(h.events) & set(events)]


def emit(work: UnitOfWork, athlete_id: int, event: str, data: dict[str, Any]) -> list[str]:
    """Write the deliveries of ``event`` about ``athlete_id`` (one per subscribed webhook) in
    the unit of work; returns their ids. They are announced once it commits."""
    assert event in EVENTS, event
    return _emit(work, _subscribed(work.session, athlete_id, [event]), athlete_id, event, data)


def _emit(
    work: UnitOfWork, hooks: Sequence[Webhook], athlete_id: int, event: str, data: dict[str, Any]
) -> list[str]:
    now = utcnow()
    ids: list[str] = []
    for hook in hooks:
        if event not in hook.events:
            continue
        delivery_id = uuid.uuid4().hex
        if hook.team_id is None:
            told = {"athlete_id": athlete_id, **data}
        else:
            told = {"athlete_id": athlete_id, "team_id": hook.team_id, **team_data(event, data)}
        payload = {
            "type": event,
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "data": told,
        }
        work.session.add(
            WebhookDelivery(
                id=delivery_id,
                webhook_id=hook.id,
                athlete_id=athlete_id,
                event=event,
                payload=payload,
                status="pending",
                attempts=0,
                tries=[],
                next_attempt_at=now,
                created=now,
            )
        )
        ids.append(delivery_id)
    if ids:
        work.after_commit(lambda: ANNOUNCE(ids))
    return ids


def upload_data(upload: Upload) -> dict[str, Any]:
    """The ``data`` of an upload event: the upload as ``GET /v1/uploads/{id}`` names it."""
    out: dict[str, Any] = {
        "upload": {
            "id": upload.id,
            "filename": upload.filename,
            "format": upload.format,
            "status": upload.status,
            "days": upload.days,
            "sessions": upload.sessions,
            "checkins": upload.checkins,
            "warnings": len(upload.warnings or []),
        }
    }
    if upload.status == "failed":
        out["upload"]["error"] = upload.error
    return out


def track_today(work: UnitOfWork, athlete_id: int, today: date) -> None:
    """After a re-score: tell the athlete's webhooks (and their teams') when today's call
    changed (:func:`tell_today` with the stored day object: warmth at the end of the day, as
    ``readiness score``); nothing happens without a webhook for these events."""
    hooks = today_hooks(work, athlete_id)
    if not hooks:
        return
    data = work.session.scalar(
        select(ReadinessRow.data).where(
            ReadinessRow.athlete_id == athlete_id, ReadinessRow.date == today
        )
    )
    if data:
        tell_today(work, hooks, athlete_id, today, data.get("recommendation") or {})


def today_hooks(work: UnitOfWork, athlete_id: int) -> list[Webhook]:
    """The webhooks (the athlete's own and their teams') that hear today's call change."""
    return _subscribed(work.session, athlete_id, _TODAY_EVENTS)


def tell_today(
    work: UnitOfWork,
    hooks: Sequence[Webhook],
    athlete_id: int,
    today: date,
    recommendation: dict[str, Any],
) -> list[str]:
    """Write the events of today's call (``recommendation``: the day object's) to ``hooks``;
    returns the new deliveries' ids.

    ``readiness.changed`` when today's action differs from the last one reported (or none was);
    ``gate.pain`` / ``gate.illness`` when today's rule is that gate and the last call reported
    was not that gate on this day. The athlete's mark (the last call reported) is moved first,
    on the condition that it is still the one read: of two callers racing with the same change
    (two senders' sweeps, a sweep and a write), only the one that moved it writes the events."""
    session = work.session
    action, rule = str(recommendation.get("action")), str(recommendation.get("rule"))
    mark = session.get(WebhookMark, athlete_id, populate_existing=True)
    before = (mark.date, mark.action, mark.rule) if mark is not None else None
    after = (today, action, rule)
    if before == after or not _move_mark(session, athlete_id, before, after):
        return []
    day = {"date": today.isoformat(), "action": action, "rule": rule}
    ids: list[str] = []
    if before is None or before[1] != action:
        previous = before[1] if before is not None else None
        changed = {**day, "previous_action": previous}
        ids += _emit(work, hooks, athlete_id, "readiness.changed", changed)
    gate = GATES.get(rule)
    if gate is not None and (before is None or before[0] != today or before[2] != rule):
        reasons = list(recommendation.get("reasons") or [])
        ids += _emit(work, hooks, athlete_id, gate, {**day, "reasons": reasons})
    return ids


def _move_mark(
    session: Session,
    athlete_id: int,
    before: tuple[date, str, str] | None,
    after: tuple[date, str, str],
) -> bool:
    """Set the athlete's mark to ``after`` if it still is ``before`` (``None``: no mark);
    whether it moved."""
    values = {"date": after[0], "action": after[1], "rule": after[2]}
    if before is None:
        return insert_if_absent(session, WebhookMark, {"athlete_id": athlete_id, **values})
    done = session.execute(
        update(WebhookMark)
        .where(
            WebhookMark.athlete_id == athlete_id,
            WebhookMark.date == before[0],
            WebhookMark.action == before[1],
            WebhookMark.rule == before[2],
        )
        .values(**values)
    )
    return bool(getattr(done, "rowcount", 0))
