"""Which webhook receivers may be called: the URL's form, and every address its host resolves
to (loopback, private, link-local, multicast, reserved addresses refused unless allowed)."""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from typing import get_args

import pytest
from readiness.api.schemas import WebhookEvent
from readiness.api.services.webhooks import EVENTS
from readiness.api.services.webhooks.targets import (
    TargetRefusedError,
    check_url,
    refused_reason,
    resolve_target,
)
from readiness.api.settings import Settings

PUBLIC = "93.184.216.34"


@pytest.mark.parametrize(
    ("address", "what"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
    ],
)
def test_non_public_addresses_are_refused(address: str, what: str) -> None:
    why = refused_reason(ip_address(address), [])
    assert why is not None and what in why, why


def test_public_addresses_and_allowed_networks_pass() -> None:
    assert refused_reason(ip_address(PUBLIC), []) is None
    assert refused_reason(ip_address("2606:4700::1111"), []) is None
    allowed = [ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8")]
    assert refused_reason(ip_address("127.0.0.1"), allowed) is None
    assert refused_reason(ip_address("::ffff:10.9.9.9"), allowed) is None
    assert refused_reason(ip_address("127.0.0.2"), allowed) is not None
    assert refused_reason(ip_address("::1"), allowed) is not None


def test_every_resolved_address_is_checked() -> None:
    target = resolve_target("https://hooks.example/x", [], lambda h, p: [PUBLIC])
    assert str(target.address) == PUBLIC and target.url.host == "hooks.example"
    with pytest.raises(TargetRefusedError, match=r"10\.0\.0\.1 is a private"):
        resolve_target("https://hooks.example/x", [], lambda h, p: [PUBLIC, "10.0.0.1"])

    def fails(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(TargetRefusedError, match="does not resolve"):
        resolve_target("https://nowhere.example/x", [], fails)
    seen: list[tuple[str, int]] = []
    resolve_target("http://hooks.example/x", [], lambda h, p: seen.append((h, p)) or [PUBLIC])
    resolve_target("https://hooks.example:8443/x", [], lambda h, p: seen.append((h, p)) or [PUBLIC])
    assert seen == [("hooks.example", 80), ("hooks.example", 8443)]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example/x", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("https://user:pw@hooks.example/x", "user name or password"),
        ("https:///x", "no host"),
        ("not a url", "only http and https"),
        ("https://hooks.example/" + "x" * 3000, "longer than"),
    ],
)
def test_url_forms_are_refused(url: str, why: str) -> None:
    with pytest.raises(TargetRefusedError, match=why):
        check_url(url)


def test_the_allow_setting_reads_addresses_networks_or_true() -> None:
    def allowed(value: str) -> list[str]:
        settings = Settings(_env_file=None, READINESS_WEBHOOK_ALLOW_PRIVATE=value)  # type: ignore[call-arg]
        return [str(n) for n in settings.webhook_allow_private]

    assert allowed("127.0.0.1") == ["127.0.0.1/32"]
    assert allowed("127.0.0.1, 10.0.0.0/8") == ["127.0.0.1/32", "10.0.0.0/8"]
    assert allowed("true") == ["0.0.0.0/0", "::/0"]
    assert allowed("") == []
    with pytest.raises(ValueError, match="does not appear to be"):
        allowed("intranet")


def test_the_api_names_the_services_events() -> None:
    assert get_args(WebhookEvent) == EVENTS
