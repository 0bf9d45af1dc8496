"""The failed-authentication throttle: at most N wrong keys per client address per minute.

A moving window of :mod:`limits` (in-memory storage) counts the wrong API keys and admin tokens
each client address presented; a request without credentials is not counted. Past
``READINESS_AUTH_FAILURES_PER_MINUTE`` failures within the last 60 s, every request from that
address that presents credentials — a correct key included, so the throttle cannot be used to
tell a right guess from a wrong one — is answered 429 with ``Retry-After`` (the seconds until
the oldest counted failure leaves the window). Nothing locks a valid user out for longer: once
the failures stop, the address is served again within a minute.

The storage is the process's memory: with several API processes each counts its own failures,
so an address may try up to ``processes × N`` keys a minute. The address is the connection's
peer (``request.client``); behind a reverse proxy run uvicorn with ``--proxy-headers`` and
``--forwarded-allow-ips`` so that it is the client's.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from readiness.api.errors import TooManyFailuresError

__all__ = ["AuthThrottle"]


class AuthThrottle:
    """Counts failed authentications per address; raises 429 once an address is over."""

    def __init__(self, failures_per_minute: int) -> None:
        self._item = RateLimitItemPerMinute(failures_per_minute)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, address: str) -> None:
        """429 when ``address`` is over its limit (called before the credentials are checked)."""
        if not self._limiter.test(self._item, address):
            raise self._refusal(address)

    def failed(self, address: str) -> None:
        """Count one failure of ``address``; 429 when it is one too many."""
        if not self._limiter.hit(self._item, address):
            raise self._refusal(address)

    def _refusal(self, address: str) -> TooManyFailuresError:
        reset = self._limiter.get_window_stats(self._item, address).reset_time
        retry_after = max(1, math.ceil(reset - time.time()))
        return TooManyFailuresError(
            "too many failed authentications from this address; retry later",
            retry_after=retry_after,
            limit_per_minute=self._item.amount,
        )
