"""Refuse request bodies over the upload limit while they stream (never trusting headers).

Starlette reads a multipart body completely before a route runs, so the limit has to be
enforced in the ASGI ``receive`` channel: this middleware counts body bytes as they arrive and,
once past the limit, stops the application from reading further and answers 413 (problem+json).
A ``Content-Length`` over the limit is refused before reading anything. The rest of an oversized
body is drained (up to :data:`DRAIN_FACTOR` × the limit, at most :data:`MAX_DRAIN` bytes) so that
clients see the 413 instead of a reset connection. An answer the application gives before it
has read the whole body (a 401 or 429 from authentication, which runs before the route streams
anything) is sent with ``Connection: close``: the server closes the connection instead of
reading and dropping the rest of an unauthenticated body. The route itself streams the body to a
spool file and removes it when the read is aborted, so nothing of a refused upload is kept.
"""

from __future__ import annotations

import json
from typing import Any

from readiness.api.errors import PROBLEM_TYPE, UploadTooLargeError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimitMiddleware"]

DRAIN_FACTOR = 4
#: The most of a refused body read (and dropped) before answering; past it the connection closes.
MAX_DRAIN = 64 * 1024 * 1024
#: Room for the multipart boundary and part headers around the file itself.
MULTIPART_SLACK = 64 * 1024


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Limit the body of ``POST`` requests to ``paths`` to ``limit`` bytes (+ multipart slack)."""

    def __init__(self, app: ASGIApp, *, limit: int, paths: tuple[str, ...]) -> None:
        self.app = app
        self.limit = limit
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        allowed = self.limit + MULTIPART_SLACK
        declared = _content_length(scope)
        if declared is not None and declared > allowed:
            await self._refuse(scope, send, receive, drain=declared <= self._drain_budget())
            return
        state = {"seen": 0, "over": False, "more": True, "started": False}

        async def counting_receive() -> Message:
            if state["over"]:
                raise _TooLarge
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                state["more"] = bool(message.get("more_body", False))
                if state["seen"] > allowed:
                    state["over"] = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            if state["over"]:
                return  # the app's own answer to the aborted read is replaced by the 413
            if message["type"] == "http.response.start":
                state["started"] = True
                if state["more"]:  # answered before the body was read: do not drain it
                    headers = [*message.get("headers", []), (b"connection", b"close")]
                    message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            state["over"] = True
        if state["over"] and not state["started"]:
            await self._refuse(scope, send, receive, drain=bool(state["more"]))

    def _drain_budget(self) -> int:
        return min(self.limit * DRAIN_FACTOR, MAX_DRAIN)

    async def _refuse(self, scope: Scope, send: Send, receive: Receive, *, drain: bool) -> None:
        if drain:
            budget = self._drain_budget()
            while budget > 0:
                message = await receive()
                if message["type"] != "http.request":
                    break
                budget -= len(message.get("body", b""))
                if not message.get("more_body", False):
                    break
        problem = UploadTooLargeError(
            f"the upload is larger than the limit of {self.limit} bytes",
            max_bytes=self.limit,
        )
        body = json.dumps(problem.body(scope["path"])).encode()
        headers: list[tuple[bytes, bytes]] = [
            (b"content-type", PROBLEM_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    headers: list[Any] = scope.get("headers", [])
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
