"""API keys: 256 random bits, shown once, stored as their SHA-256.

A key has high entropy, so a fast hash is enough (no password stretching needed) and lets the
service find the key's row by its hash in one indexed lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["KEY_PREFIX", "hash_key", "new_key", "tokens_equal"]

KEY_PREFIX = "rdy_"


def new_key() -> str:
    """A fresh API key: ``rdy_`` followed by 43 URL-safe characters (256 bits)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    """The stored form of a key (hex SHA-256)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def tokens_equal(given: str, expected: str) -> bool:
    """Constant-time comparison, for the admin token."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
