"""Which resolved addresses a callback may connect to."""

from __future__ import annotations

import pytest

from tidings.domain.urls import is_callable_address


@pytest.mark.parametrize(
    ("address", "local", "ok"),
    [
        ("8.8.8.8", False, True),
        ("2001:4860:4860::8888", False, True),
        ("10.0.0.7", False, False),
        ("172.16.0.1", False, False),
        ("192.168.1.1", False, False),
        ("100.64.0.1", False, False),  # carrier-grade NAT
        ("169.254.169.254", False, False),  # link-local: instance metadata
        ("fd00::1", False, False),  # unique local
        ("fe80::1%eth0", False, False),  # scoped link-local
        ("::ffff:10.0.0.7", False, False),  # a private IPv4 address written as IPv6
        ("64:ff9b::a9fe:a9fe", False, False),  # NAT64 of 169.254.169.254
        ("2002:a00:7::1", False, False),  # 6to4 of 10.0.0.7
        ("::a00:7", False, False),  # IPv4-compatible 10.0.0.7
        ("127.0.0.1", False, False),
        ("::1", False, False),
        ("127.0.0.1", True, True),  # local mode's receivers are on this machine
        ("::1", True, True),
        ("10.0.0.7", True, False),  # but local mode opens nothing else
        ("0.0.0.0", True, False),  # noqa: S104 (the unspecified address, which reaches this machine)
        ("not-an-address", True, False),
    ],
)
def test_callable_addresses(address: str, local: bool, ok: bool) -> None:
    assert is_callable_address(address, local) is ok
