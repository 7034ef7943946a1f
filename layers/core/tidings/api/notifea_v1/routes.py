"""Every /v1 route, so unknown paths answer 404 and known paths with another method 405."""

from __future__ import annotations

import re

V1_ROUTES: list[tuple[str, str]] = [
    ("GET", "/"),
    ("GET", "/v1"),
    ("GET", "/v1/prices/{type}"),
    ("GET", "/v1/prices/sms/supported-countries"),
    ("GET", "/v1/sms"),
    ("POST", "/v1/sms"),
    ("GET", "/v1/sms/{uuid}"),
    ("DELETE", "/v1/sms/{uuid}"),
    ("GET", "/v1/user-sms-senders"),
    ("POST", "/v1/user-sms-senders"),
    ("GET", "/v1/user-sms-senders/{uuid}"),
    ("PUT", "/v1/user-sms-senders/{uuid}"),
    ("DELETE", "/v1/user-sms-senders/{uuid}"),
]
# The reference Notifea serves beside its API (E13): its errors are the API's too (spec §2).
DOCS_ROUTES: list[tuple[str, str]] = [("GET", "/docs"), ("GET", "/docs/openapi.json")]


def allowed_methods(path: str) -> list[str]:
    """The methods `path` answers to (none for an unknown path): a 405's `Allow` header (RFC 9110 §15.5.6)."""
    routes = V1_ROUTES + DOCS_ROUTES
    return sorted({method for method, route in routes if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", route), path)})
