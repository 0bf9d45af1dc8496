"""Webhook receivers: which URLs may be called, and the signed call itself.

A target URL is ``http`` or ``https`` with a host and no user name or password. Its host is
resolved, and every address it resolves to must be public: loopback, private, shared,
link-local, multicast, reserved and unspecified addresses are refused (so a webhook cannot
probe the operator's own network) unless ``READINESS_WEBHOOK_ALLOW_PRIVATE`` names a network
holding them. The check runs when the webhook is created and again before every attempt, and
the request goes to the address just checked (the URL's host is sent as ``Host`` and, over
TLS, as the server name the certificate is checked against), so a name that resolves
differently later (DNS rebinding) cannot reach a refused address.

:func:`post` sends one delivery with httpx: a total time limit, redirects never followed,
proxies from the environment ignored, and at most :data:`MAX_ANSWER_BYTES` of the answer read
(for at most the timeout once the status has arrived).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from typing import Any

import httpx
from readiness.api.services.errors import InvalidInputError

__all__ = [
    "MAX_ANSWER_BYTES",
    "Answer",
    "Resolver",
    "Target",
    "TargetRefusedError",
    "check_url",
    "post",
    "refused_reason",
    "resolve_target",
    "system_resolver",
]

#: Bytes of a receiver's answer that are read (the rest is dropped unread).
MAX_ANSWER_BYTES = 4096
#: Characters of the answer kept in the delivery log.
KEPT_ANSWER_CHARS = 200
MAX_URL_CHARS = 2048

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
#: ``getaddrinfo``-like: host and port to the addresses they resolve to.
Resolver = Callable[[str, int], list[str]]


class TargetRefusedError(InvalidInputError):
    """The webhook's URL is not one the service may call."""


@dataclass(frozen=True, slots=True)
class Target:
    """A checked receiver: the URL as given and the address the request goes to."""

    url: httpx.URL
    address: Address


@dataclass(frozen=True, slots=True)
class Answer:
    """What a receiver answered: its status and the start of its body."""

    status: int
    text: str


def _refused(url: str, why: str) -> TargetRefusedError:
    return TargetRefusedError(f"the webhook URL is refused: {why}", url=url[:MAX_URL_CHARS])


def check_url(url: str) -> httpx.URL:
    """The URL if its form is acceptable (scheme, host, no credentials); no lookup yet."""
    if len(url) > MAX_URL_CHARS:
        raise _refused(url, f"it is longer than {MAX_URL_CHARS} characters")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise _refused(url, f"it is not a URL ({exc})") from None
    if parsed.scheme not in ("http", "https"):
        raise _refused(url, "only http and https URLs can receive webhooks")
    if not parsed.host:
        raise _refused(url, "it names no host")
    if parsed.userinfo:
        raise _refused(url, "it holds a user name or password; put a secret in the path instead")
    return parsed


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (the system's resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def refused_reason(address: Address, allowed: Sequence[Network]) -> str | None:
    """Why ``address`` may not receive webhooks, or ``None`` when it may."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in net for net in allowed if net.version == address.version):
        return None
    for what, hit in (
        ("a loopback", address.is_loopback),
        ("a link-local", address.is_link_local),
        ("a multicast", address.is_multicast),
        ("an unspecified", address.is_unspecified),
        ("a reserved", address.is_reserved),
        ("a private", address.is_private),
        ("a non-public", not address.is_global),
    ):
        if hit:
            return f"{address} is {what} address"
    return None


def resolve_target(
    url: str, allowed: Sequence[Network], resolve: Resolver = system_resolver
) -> Target:
    """Check ``url`` and the addresses its host resolves to; the target pinned to the first.

    ``TargetRefusedError`` (a 422) when the form is wrong, the host does not resolve, or any
    address is refused (:func:`refused_reason`)."""
    parsed = check_url(url)
    host = parsed.host
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        found = [ip_address(a.split("%", 1)[0]) for a in resolve(host, port)]
    except (OSError, UnicodeError, ValueError) as exc:
        raise _refused(url, f"its host {host!r} does not resolve ({exc})") from None
    if not found:
        raise _refused(url, f"its host {host!r} does not resolve")
    for address in found:
        why = refused_reason(address, allowed)
        if why is not None:
            raise _refused(
                url,
                f"its host {host!r} resolves to an address webhooks may not reach: {why} "
                "(the operator can allow it with READINESS_WEBHOOK_ALLOW_PRIVATE)",
            )
    return Target(parsed, found[0])


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST ``body`` to the target's checked address (may raise ``httpx.HTTPError``)."""
    url = target.url
    pinned = url.copy_with(host=str(target.address))
    sent = {
        **headers,
        "Host": url.netloc.decode("ascii"),
        "Content-Type": "application/json",
        "User-Agent": "readiness-webhooks",
    }
    extensions: dict[str, Any] = {}
    if url.scheme == "https":
        extensions["sni_hostname"] = url.host
    with (
        httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
        client.stream("POST", pinned, content=body, headers=sent, extensions=extensions) as r,
    ):
        kept = bytearray()
        deadline = time.monotonic() + timeout
        for chunk in r.iter_raw():
            kept.extend(chunk[: MAX_ANSWER_BYTES - len(kept)])
            if len(kept) >= MAX_ANSWER_BYTES or time.monotonic() > deadline:
                break
        text = bytes(kept).decode("utf-8", "replace")[:KEPT_ANSWER_CHARS]
        return Answer(r.status_code, text)
