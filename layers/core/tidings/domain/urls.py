"""URLs a client gives us: whether they are URIs at all, and whether their host is one we will call.

A callback or webhook URL is called from inside the platform with a service's data and bearer token, so it must
name a public host: an IP literal must be a global address, and a name must look like a DNS name under a
top-level domain (which leaves out `localhost`, `0` and `0x7f000001`, which resolvers read as local addresses).
What a name resolves to is checked when it is called (`is_callable_address`), on the address then connected to."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

from tidings.domain.errors import ValidationFailed

# What a URI may hold (RFC 3986 §2): unreserved and reserved characters, and percent-encoded octets.
URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*")
DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
TOP_LEVEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
MAX_CALLBACK_URL_LENGTH = 2000  # as Notify's callback schema; also /v1 webhooks'
# IPv6 ranges that carry an IPv4 address a translator or relay may forward to (NAT64, 6to4, IPv4-compatible):
# Python counts them global whatever IPv4 address they hold, so they are refused outright.
CARRY_IPV4 = tuple(ipaddress.ip_network(n) for n in ("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "::/96"))


def is_uri_text(value: str) -> bool:
    """Only characters a URI holds, and at most one fragment (so no `\\`, space, `<`, `"` or non-ASCII)."""
    return URI_CHARACTERS.fullmatch(value) is not None and value.count("#") <= 1


def is_public_host(host: str) -> bool:
    """`host` as urlsplit gives it (lower case, IPv6 without brackets)."""
    try:
        return _is_global(ipaddress.ip_address(host))
    except ValueError:
        labels = host.removesuffix(".").split(".")
        names = len(labels) >= 2 and all(DNS_LABEL.fullmatch(label) for label in labels)
        return names and TOP_LEVEL.fullmatch(labels[-1]) is not None


def hostname_of(url: str) -> str | None:
    """The host urlsplit reads (lower case, IPv6 without brackets); None when there is none or it is broken."""
    parts = _split(url)
    return parts.hostname if parts else None


def check_callback_url(url: str, allow_loopback_http: bool, field: str = "url") -> None:
    """Callbacks carry PII and a bearer token: https to a public host only (plain http to loopback in local
    mode), written with a URI's characters, so the host we check is the host an HTTP client connects to. No
    user name or password in it (they would show wherever the URL does; the bearer token is for that), and a
    port, if any, from 1 to 65535."""
    parts = _split(url) if len(url) <= MAX_CALLBACK_URL_LENGTH and is_uri_text(url) else None
    host = parts.hostname if parts else None
    if parts and host and "@" not in parts.netloc and _has_usable_port(parts):
        if parts.scheme == "https" and is_public_host(host):
            return
        if allow_loopback_http and parts.scheme == "http" and _is_loopback(host):
            return
    raise ValidationFailed([f"{field} Must be a valid https URL"])


def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url)
    except ValueError:  # an IPv6 literal left open, "https://[::1"
        return None


def _has_usable_port(parts: SplitResult) -> bool:
    try:
        port = parts.port  # raises for one out of range or not a number
    except ValueError:
        return False
    return port != 0


def is_callable_address(address: str, allow_loopback: bool) -> bool:
    """An address a callback may connect to, as getaddrinfo gives it: a global one (loopback too in local mode).
    A scoped IPv6 address ("fe80::1%eth0") is never one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return _is_global(ip) or (allow_loopback and ip.is_loopback)


def _is_global(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not (ip.version == 6 and any(ip in network for network in CARRY_IPV4))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
