"""/v1 access tokens: JWTs naming their service and token id, signed with a per-token secret."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

import jwt

from tidings.domain.errors import ValidationFailed
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
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True
