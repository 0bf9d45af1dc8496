"""The sender's periodic sweep of today's calls: days that change with no write.

Today's call changes without an upload, a check-in or feedback when a new local day starts —
most often the athlete's data going stale (``no_recent_data``: sync your device). Every
``READINESS_WEBHOOK_SWEEP_S`` the process that sends deliveries (the SQLite delivery thread,
or each PostgreSQL worker) calls :meth:`TodaySweep.run`: for each athlete with a webhook (their
own, or a team's they are a member of), today's day object in the athlete's calendar — the
stored one, or scored for the sweep when today is not stored (:func:`read_range`, as every
read) — is handed to :func:`~.events.tell_today`, as after a write. Its mark is moved by a
conditional update, so senders sweeping at once write each event once.

Athletes are read in batches of :data:`BATCH` ids and each is checked in its own unit of work:
a failure is logged and the sweep goes on with the next athlete.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from readiness.api.services.readiness import local_today, read_range
from readiness.api.services.webhooks.events import tell_today, today_hooks
from readiness.api.storage.models import Athlete, TeamMember, Webhook
from readiness.api.storage.unit_of_work import unit_of_work
from sqlalchemy import select, union
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["BATCH", "TodaySweep"]

_log = logging.getLogger("readiness.api")
#: Athletes read per query of the sweep.
BATCH: Final = 200


@dataclass(frozen=True, slots=True)
class TodaySweep:
    """Tells the webhooks about today's calls that changed with no write."""

    sessions: sessionmaker[Session]
    clock: Callable[[], datetime]
    batch: int = BATCH

    def run(self) -> int:
        """One sweep over every athlete with a webhook; returns how many deliveries it wrote."""
        now = self.clock()
        written = 0
        after = 0
        while True:
            ids = self._athletes(after)
            for athlete_id in ids:
                try:
                    written += self.check(athlete_id, now)
                except Exception:
                    _log.warning("webhook sweep: athlete %d failed", athlete_id, exc_info=True)
            if len(ids) < self.batch:
                return written
            after = ids[-1]

    def _athletes(self, after: int) -> list[int]:
        """The next ids (above ``after``) of athletes some webhook may hear about."""
        teams = select(Webhook.team_id).where(Webhook.team_id.is_not(None))
        ids = union(
            select(Webhook.athlete_id.label("id")).where(Webhook.athlete_id > after),
            select(TeamMember.athlete_id.label("id")).where(
                TeamMember.team_id.in_(teams), TeamMember.athlete_id > after
            ),
        ).subquery()
        with unit_of_work(self.sessions) as work:
            found = work.session.scalars(select(ids.c.id).order_by(ids.c.id).limit(self.batch))
            return [int(i) for i in found]

    def check(self, athlete_id: int, now: datetime) -> int:
        """Tell the athlete's webhooks if today's call at ``now`` is not the one they were
        last told; returns how many deliveries were written."""
        with unit_of_work(self.sessions) as work:
            hooks = today_hooks(work, athlete_id)
            athlete = work.session.get(Athlete, athlete_id)
            if not hooks or athlete is None:
                return 0
            today = local_today(athlete, now)
            days, _ = read_range(work, athlete, today, today, limit=1, offset=0, now=now)
            if not days:
                return 0  # no data on or before today: no call
            recommendation = days[0].get("recommendation") or {}
            return len(tell_today(work, hooks, athlete_id, today, recommendation))
