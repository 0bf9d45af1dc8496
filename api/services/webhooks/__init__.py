"""Webhooks: subscriptions, the events written with the changes they report, their delivery.

* :mod:`.targets` — which receivers may be called (no loopback or private addresses unless
  the operator allows them) and the signed HTTP call itself, pinned to the checked address;
* :mod:`.subscriptions` — create, list and delete webhooks (an athlete's or a team's), read
  their delivery log;
* :mod:`.events` — the events: delivery rows written in the transaction of the change (an
  outbox), announced to the sender once committed;
* :mod:`.sweep` — the sender's periodic check of today's calls (changes with no write);
* :mod:`.deliveries` — sending a delivery, retries with back-off, the SQLite worker thread.
"""

from typing import Final

__all__ = ["EVENTS"]

#: The events a webhook may subscribe to (here, free of imports, so the CLI can name them).
EVENTS: Final = ("upload.done", "upload.failed", "readiness.changed", "gate.pain", "gate.illness")
