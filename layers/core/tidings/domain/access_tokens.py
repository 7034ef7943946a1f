"""/v1 access tokens: JWTs naming their service and token id, signed with a per-token secret."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

import jwt

from tidings.domain.errors import NotFound, Refused, ValidationFailed
from tidings.domain.models import AccessToken, ServiceBundle
from tidings.ports import Clock, SenderStore, ServiceStore


@dataclass(frozen=True)
class IssuedToken:
    record: AccessToken
    token: str  # the bearer JWT: shown once


def issue_access_token(
    *,
    services: ServiceStore,
    senders: SenderStore,
    clock: Clock,
    bundle: ServiceBundle,
    name: str,
    expires_at: datetime | None,
    allowed_ips: list[str],
    sms_sender_ids: list[str],
) -> IssuedToken:
    now = clock.now()
    problems = [f"allowed_ips.{i} {ip} is not a CIDR range" for i, ip in enumerate(allowed_ips) if not _is_cidr(ip)]
    if expires_at is not None and expires_at <= now:
        problems.append("expires_at Must be in the future")
    own = {s.id for s in senders.list_for_service(bundle.service.id)}
    problems += [
        f"sms_sender_ids.{i} {s} is not a sender of this service" for i, s in enumerate(sms_sender_ids) if s not in own
    ]
    if problems:
        raise ValidationFailed(problems)
    record = AccessToken(
        id=str(uuid4()),
        service_id=bundle.service.id,
        name=name,
        secret=secrets.token_urlsafe(32),
        expires_at=expires_at,
        allowed_ips=[str(ipaddress.ip_network(ip, strict=False)) for ip in allowed_ips],
        sms_sender_ids=sms_sender_ids,
        created_at=now,
    )
    services.put_access_token(record)
    claims: dict[str, object] = {"iss": record.service_id, "jti": record.id, "iat": int(now.timestamp())}
    if expires_at is not None:
        claims["exp"] = int(expires_at.timestamp())
    return IssuedToken(record=record, token=jwt.encode(claims, record.secret, algorithm="HS256"))


def _is_cidr(value: str) -> bool:
    """A network written as addresses are: a client's address carries no IPv6 zone (`fe80::1%eth0`), which only
    names an interface of the machine that wrote it (and whose length nothing bounds)."""
    if "%" in value:
        return False
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


MAX_ISSUER_LENGTH = 64
UNAUTHORIZED = Refused("unauthorized", "Unauthorized", 401)
NOT_A_JWT = Refused("authorization.header.invalid.type", "Authorization header is not valid JWT", 422)


def authenticate_access_token(
    header: str | None, load_bundle: Callable[[str], ServiceBundle | None], now: datetime, client_ip: str
) -> tuple[ServiceBundle, AccessToken]:
    """A /v1 bearer token: it names its service (iss) and itself (jti); signed with the token's own secret."""
    if not header or header[:7].lower() != "bearer ":
        raise UNAUTHORIZED
    token = header[7:].strip()
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise NOT_A_JWT from error
    service_id = _service_id(claims.get("iss"))
    bundle = load_bundle(service_id) if service_id else None
    record = next((t for t in bundle.access_tokens if t.id == claims.get("jti")), None) if bundle else None
    if bundle is None or record is None or record.revoked_at is not None or not bundle.service.active:
        raise UNAUTHORIZED  # a deactivated service's tokens stop with it, as its /v2 keys do
    try:
        jwt.decode(token, record.secret, algorithms=["HS256"], options={"verify_exp": False, "verify_iat": False})
    except jwt.PyJWTError as error:
        raise UNAUTHORIZED from error
    if record.expires_at is not None and record.expires_at <= now:
        raise Refused("access.token.expired", "Access token expired", 403)
    if record.allowed_ips and not _allowed(client_ip, record.allowed_ips):
        raise Refused("access.token.ip.not.whitelisted", "You are using an IP that is not whitelisted", 403)
    return bundle, record


def _service_id(issuer: object) -> str | None:
    """The service id an `iss` names. Ids are 36-character UUIDs: a longer string is never looked up (DynamoDB
    refuses keys over 2048 bytes with an error, which would answer 500 instead of 401)."""
    return issuer if isinstance(issuer, str) and 0 < len(issuer) <= MAX_ISSUER_LENGTH else None


def revoke_access_token(services: ServiceStore, bundle: ServiceBundle, token_id: str, now: datetime) -> AccessToken:
    record = next((t for t in bundle.access_tokens if t.id == token_id), None)
    if record is None:
        raise NotFound()
    if record.revoked_at is None:
        record = record.model_copy(update={"revoked_at": now})
        services.put_access_token(record)
    return record


def _allowed(client_ip: str, ranges: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(cidr) for cidr in ranges)
