"""Typed errors of the use cases: what was refused, in words for the user, with its context.

The tree::

    ServiceError
    ├── InvalidInputError   well-formed input the use case cannot accept (a day out of range)
    ├── MissingError        no such resource for this athlete (or outside a coach's teams)
    └── NotAllowedError     the caller may know the resource, but their role cannot do this

``detail`` is one sentence for the user; ``context`` holds the values it is about (named as the
request names them). The HTTP layer maps each class to its problem response.
"""

from __future__ import annotations

from typing import Any

__all__ = ["InvalidInputError", "MissingError", "NotAllowedError", "ServiceError"]


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, detail: str, **context: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.context = context


class InvalidInputError(ServiceError):
    """The input is well-formed but the use case cannot accept it."""


class MissingError(ServiceError):
    """The resource does not exist for this athlete."""


class NotAllowedError(ServiceError):
    """The caller may know the resource, but their role cannot do this with it (a coach
    writing an athlete's data, an athlete reading their team's triage)."""
