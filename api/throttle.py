"""The failed-authentication throttle: at most N wrong keys per client address per minute.

A moving window of :mod:`limits` counts the wrong API keys and admin tokens each client address
presented; a request without credentials is not counted. Past
``READINESS_AUTH_FAILURES_PER_MINUTE`` failures within the last 60 s, every request from that
address that presents credentials — a correct key included, so the throttle cannot be used to
tell a right guess from a wrong one — is answered 429 with ``Retry-After`` (the seconds until
the oldest counted failure leaves the window). Nothing locks a valid user out for longer: once
the failures stop, the address is served again within a minute.

Where the failures are counted is ``READINESS_RATE_LIMIT_STORAGE``, a ``limits`` storage URI:
``memory://`` (the default) is the process's memory, so with several API processes each counts
its own and an address may try up to ``processes × N`` keys a minute; ``redis://host:6379/0``
is shared by every process and machine using it, so the limit is N for the whole deployment.
Keys start with ``READINESS_RATE_LIMIT_PREFIX`` (deployments may share one Redis).

**A shared store that cannot be reached fails open to the process's own count**: the request is
served (or refused) as with ``memory://``, a warning is logged once per outage, and the shared
store is tried again every :data:`RETRY_SHARED_S`. Refusing every authenticated request because
the throttle's store is down would turn a Redis outage into an outage of the whole API, while
the throttle is a brake on guessing, not what keeps keys safe (a key has 256 random bits);
counting in memory meanwhile keeps that brake at its per-process strength. A store that does
not answer is given up after :data:`STORE_TIMEOUT_S`, so it never holds a request for long.

The address is the connection's peer (``request.client``); behind a reverse proxy run uvicorn
with ``--proxy-headers`` and ``--forwarded-allow-ips`` so that it is the client's.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, MovingWindowSupport, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from readiness.api.errors import TooManyFailuresError
from readiness.api.settings import Settings

__all__ = ["RETRY_SHARED_S", "STORE_TIMEOUT_S", "AuthThrottle"]

_log = logging.getLogger("readiness.api")
_T = TypeVar("_T")

#: Seconds a shared store may take to connect or answer before it counts as unreachable.
STORE_TIMEOUT_S = 0.5
#: Seconds the process counts on its own after the shared store failed, before trying it again.
RETRY_SHARED_S = 5.0


def _shared_storage(uri: str) -> Storage:
    """The ``limits`` storage of ``uri``, its errors wrapped as ``StorageError``; Redis with
    short timeouts and no retries (an unreachable store is answered by the fallback)."""
    options: dict[str, float | str | bool] = {"wrap_exceptions": True}
    if uri.split(":", 1)[0].startswith(("redis", "valkey")):
        options |= {"socket_connect_timeout": STORE_TIMEOUT_S, "socket_timeout": STORE_TIMEOUT_S}
    storage = storage_from_string(uri, **options)
    if not isinstance(storage, Storage) or not isinstance(storage, MovingWindowSupport):
        raise ValueError(
            f"READINESS_RATE_LIMIT_STORAGE={uri!r}: a synchronous storage with moving windows "
            "is needed (memory://, redis://, valkey:// or mongodb://)"
        )
    return storage


class AuthThrottle:
    """Counts failed authentications per address; raises 429 once an address is over."""

    def __init__(
        self, failures_per_minute: int, storage: str = "memory://", prefix: str = "readiness"
    ) -> None:
        self._item = RateLimitItemPerMinute(failures_per_minute)
        self._prefix = prefix
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared = (
            None
            if storage.startswith("memory://")
            else MovingWindowRateLimiter(_shared_storage(storage))
        )
        self._uri = storage
        self._lock = threading.Lock()
        self._retry_at = 0.0  # monotonic instant before which the shared store is not tried

    @classmethod
    def of(cls, settings: Settings) -> AuthThrottle:
        return cls(
            settings.auth_failures_per_minute,
            settings.rate_limit_storage,
            settings.rate_limit_prefix,
        )

    def check(self, address: str) -> None:
        """429 when ``address`` is over its limit (called before the credentials are checked)."""
        if not self._use(lambda lim: lim.test(self._item, *self._key(address))):
            raise self._refusal(address)

    def failed(self, address: str) -> None:
        """Count one failure of ``address``; 429 when it is one too many."""
        if not self._use(lambda lim: lim.hit(self._item, *self._key(address))):
            raise self._refusal(address)

    def _key(self, address: str) -> tuple[str, str, str]:
        return (self._prefix, "auth-failures", address)

    def _use(self, op: Callable[[MovingWindowRateLimiter], _T]) -> _T:
        """``op`` on the shared limiter when there is one and it answers, else on the local."""
        if self._shared is not None and time.monotonic() >= self._retry_at:
            try:
                result = op(self._shared)
            except StorageError as exc:
                with self._lock:
                    first = self._retry_at == 0.0
                    self._retry_at = time.monotonic() + RETRY_SHARED_S
                if first:
                    _log.warning(
                        "the rate-limit store %s is unreachable (%s); failed authentications "
                        "are counted per process until it answers",
                        self._uri_for_log(),
                        exc.storage_error,
                    )
            else:
                with self._lock:
                    back = self._retry_at != 0.0
                    self._retry_at = 0.0
                if back:
                    _log.warning("the rate-limit store %s answers again", self._uri_for_log())
                return result
        return op(self._local)

    def _uri_for_log(self) -> str:
        """The store's URI without a password."""
        scheme, _, rest = self._uri.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"

    def _refusal(self, address: str) -> TooManyFailuresError:
        stats = self._use(lambda lim: lim.get_window_stats(self._item, *self._key(address)))
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return TooManyFailuresError(
            "too many failed authentications from this address; retry later",
            retry_after=retry_after,
            limit_per_minute=self._item.amount,
        )
