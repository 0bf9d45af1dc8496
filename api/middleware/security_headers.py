"""Security headers for the dashboard: it holds an API key, so scripts may come only from here.

The Content-Security-Policy allows scripts, styles, images and requests from the service's own
origin only (uPlot sets styles through the CSSOM, which CSP does not restrict). ``/docs`` is
left alone: FastAPI's Swagger UI page starts the (vendored, same-origin) bundle with an inline
script, which this policy would block. (``/redoc`` is not served.)
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["DASHBOARD_CSP", "SecurityHeadersMiddleware"]

DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)
_SKIP = ("/docs", "/redoc")


class SecurityHeadersMiddleware:
    """Add ``nosniff``, ``no-referrer`` and, outside the API docs, the CSP above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = not str(scope.get("path", "")).startswith(_SKIP)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                if csp:
                    headers.append((b"content-security-policy", DASHBOARD_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
