"""Who is calling: Notify API keys (for /v2) and the admin secret (for /admin)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from tidings.domain.errors import AuthError
from tidings.domain.models import ApiKey, ServiceBundle
from tidings.domain.tokens import NO_ISS, SignatureMismatch, bearer_token, unverified_claims, verify_hs256

ADMIN_ISSUER = "tidings-admin"
REVOKED_KEYS_TRIED_FOR = timedelta(days=7)


@dataclass(frozen=True)
class Caller:
    """An authenticated /v2 caller: its service (with settings) and the key that signed the token."""

    bundle: ServiceBundle
    key: ApiKey

    @property
    def service_id(self) -> str:
        return self.bundle.service.id


def authenticate_api_key(
    header: str | None, load_bundle: Callable[[str], ServiceBundle | None], now: datetime
) -> Caller:
    token = bearer_token(header)
    issuer = unverified_claims(token).get("iss")
    if issuer is None:
        raise AuthError(NO_ISS)
    try:
        service_id = str(UUID(str(issuer)))
    except ValueError as error:
        raise AuthError("Invalid token: service id is not the right data type") from error
    bundle = load_bundle(service_id)
    if bundle is None:
        raise AuthError("Invalid token: service not found")
    candidates = [key for key in bundle.api_keys if _still_tried(key, now)]
    if not candidates:
        raise AuthError("Invalid token: service has no API keys")
    if not bundle.service.active:
        raise AuthError("Invalid token: service is archived")
    for key in candidates:
        try:
            verify_hs256(token, key.secret, now)
        except SignatureMismatch:
            continue
        if key.revoked_at is not None:
            raise AuthError("Invalid token: API key revoked")
        return Caller(bundle=bundle, key=key)
    raise AuthError("Invalid token: API key not found")


def authenticate_admin(header: str | None, admin_secret: str, now: datetime) -> None:
    token = bearer_token(header)
    issuer = unverified_claims(token).get("iss")
    if issuer is None:
        raise AuthError(NO_ISS)
    if issuer != ADMIN_ISSUER:
        raise AuthError(f"Invalid token: iss must be {ADMIN_ISSUER}")
    try:
        verify_hs256(token, admin_secret, now)
    except SignatureMismatch as error:  # a wrong secret, or no iat (which Notify answers as no key matched)
        if "iat" not in unverified_claims(token):
            raise AuthError("Invalid token: admin token has no iat") from error
        raise AuthError("Invalid token: admin token not signed with the admin secret") from error


def _still_tried(key: ApiKey, now: datetime) -> bool:
    return key.revoked_at is None or now - key.revoked_at <= REVOKED_KEYS_TRIED_FOR
