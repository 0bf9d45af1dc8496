"""The readiness service: HTTP API, storage, CLI and dashboard.

``create_app(settings)`` builds the FastAPI application; nothing is created at import. The web
stack is imported on first use of ``create_app`` / ``Settings``, so the CLI's offline commands
(``readiness ingest``, ``readiness score``) do not load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from readiness.api.app import create_app
    from readiness.api.settings import Settings

__all__ = ["Settings", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from readiness.api.app import create_app

        return create_app
    if name == "Settings":
        from readiness.api.settings import Settings

        return Settings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
