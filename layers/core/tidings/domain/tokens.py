"""HS256 bearer tokens, checked exactly as GOV.UK Notify checks them (spec §2.3).

One code path serves the public API keys and the admin secret. PyJWT compares signatures with
`hmac.compare_digest`, so secrets are compared in constant time; time claims are checked here against
an injected clock so tests never sleep.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt

from tidings.domain.errors import AuthError

DOCS = "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
NO_TOKEN = "Unauthorized: authentication token must be provided"  # noqa: S105 (a message)
NOT_BEARER = "Unauthorized: authentication bearer scheme must be used"
GENERAL = f"Invalid token: make sure your API token matches the example at {DOCS}"
CLOCK = "Error: Your system clock must be accurate to within 30 seconds"
ALGORITHM = "Invalid token: algorithm used is not HS256"
NO_ISS = "Invalid token: iss field not provided"
CLOCK_LEEWAY_SECONDS = 30

_CLAIM_OPTIONS: Any = {"verify_exp": False, "verify_nbf": False, "verify_iat": False}


class SignatureMismatch(Exception):
    """This secret did not sign the token (or the token has no iat): try the next key."""


def bearer_token(header: str | None) -> str:
    if not header:
        raise AuthError(NO_TOKEN, 401)
    if header[:7].title() != "Bearer ":
        raise AuthError(NOT_BEARER, 401)
    return header[7:]


def unverified_claims(token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise AuthError(GENERAL) from error
    return claims


def verify_hs256(token: str, secret: str, now: datetime) -> dict[str, Any]:
    """Verify signature and time claims; raise SignatureMismatch when another secret may match."""
    try:
        claims: dict[str, Any] = jwt.decode(token, key=secret.encode(), algorithms=["HS256"], options=_CLAIM_OPTIONS)
    except jwt.InvalidAlgorithmError as error:
        raise AuthError(ALGORITHM) from error
    except jwt.InvalidSignatureError as error:
        raise SignatureMismatch from error
    except jwt.PyJWTError as error:
        raise AuthError(GENERAL) from error
    _check_time_claims(claims, int(now.timestamp()))  # whole seconds, as Notify's epoch_seconds(): inclusive
    return claims


def _check_time_claims(claims: dict[str, Any], now: int) -> None:
    if "iat" not in claims:
        raise SignatureMismatch
    iat = claims["iat"]
    if not _is_int(iat) or not now - CLOCK_LEEWAY_SECONDS <= iat <= now + CLOCK_LEEWAY_SECONDS:
        raise AuthError(CLOCK)
    nbf = claims.get("nbf")  # Notify's PyJWT checks nbf with the same 30 s leeway: not yet valid is GENERAL
    if nbf is not None and (not _is_int(nbf) or nbf > now + CLOCK_LEEWAY_SECONDS):
        raise AuthError(GENERAL)
    exp = claims.get("exp")
    if exp is not None and (not _is_int(exp) or exp < now - CLOCK_LEEWAY_SECONDS):
        raise AuthError(GENERAL)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
