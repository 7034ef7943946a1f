"""Service management (the admin API's use cases): settings, keys, guest list, reply-to, callbacks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from tidings.domain.callbacks import check_bearer_token
from tidings.domain.email_address import EmailAddressError, normalise_email_address
from tidings.domain.errors import BadRequest, NotFound, ValidationFailed
from tidings.domain.models import (
    ApiKey,
    Callback,
    CallbackType,
    GuestList,
    InboundNumber,
    KeyType,
    ReplyTo,
    Service,
    ServiceBundle,
)
from tidings.domain.phone import PhoneNumberError, parse_phone_number
from tidings.domain.sender_admin import sent_from_by_another
from tidings.domain.urls import check_callback_url
from tidings.ports import Clock, SenderStore, ServiceStore

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
EMAIL_FROM_MAX = 64  # an address's local part (RFC 5321)


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKey
    combined: str  # `{name}-{service_id}-{secret}`: shown once, never stored as such


def load_bundle(store: ServiceStore, service_id: str) -> ServiceBundle:
    bundle = store.load(service_id)
    if bundle is None:
        raise NotFound()
    return bundle


def create_service(store: ServiceStore, clock: Clock, settings: dict[str, Any]) -> Service:
    """A service sends email from an address no other service has: one given that is taken is a 409; one made
    from the name (two services may share a name) gets the service id's first characters when taken."""
    fields = {"email_from": default_email_from(settings["name"]), **settings}
    service = Service.model_validate({**fields, "id": str(uuid4()), "created_at": clock.now()})
    if store.create_service(service):
        return service
    if "email_from" not in settings:
        own = f"{service.email_from[: EMAIL_FROM_MAX - 9].rstrip('.')}.{service.id[:8]}"
        service = service.model_copy(update={"email_from": own})
        if store.create_service(service):
            return service
    raise _address_taken(service.email_from)


def update_service(store: ServiceStore, service_id: str, changes: dict[str, Any]) -> Service:
    current = load_bundle(store, service_id).service
    if "retention_days" in changes:  # partial too: the channels not named keep their days
        changes = {**changes, "retention_days": {**current.retention_days.model_dump(), **changes["retention_days"]}}
    service = Service.model_validate({**current.model_dump(), **changes})
    if not store.save_service(service, current.email_from):
        raise _address_taken(service.email_from)
    return service


def _address_taken(email_from: str) -> BadRequest:
    return BadRequest(f"email_from {email_from} is already in use by another service", status=409)


def default_email_from(name: str) -> str:
    """The name as an address's local part: what an explicit `email_from` may be (64 characters at most)."""
    return _NOT_SLUG.sub(".", name.lower()).strip(".")[:EMAIL_FROM_MAX].rstrip(".") or "service"


def create_api_key(store: ServiceStore, clock: Clock, service_id: str, name: str, key_type: KeyType) -> NewApiKey:
    load_bundle(store, service_id)
    key = ApiKey(
        id=str(uuid4()),
        service_id=service_id,
        name=name,
        key_type=key_type,
        secret=str(uuid4()),
        created_at=clock.now(),
    )
    store.put_api_key(key)
    slug = _NOT_SLUG.sub("_", name.lower()).strip("_") or "key"
    return NewApiKey(key=key, combined=f"{slug}-{service_id}-{key.secret}")


def revoke_api_key(store: ServiceStore, clock: Clock, service_id: str, key_id: str) -> ApiKey:
    key = next((k for k in load_bundle(store, service_id).api_keys if k.id == key_id), None)
    if key is None:
        raise NotFound()
    if key.revoked_at is None:
        key = key.model_copy(update={"revoked_at": clock.now()})
        store.put_api_key(key)
    return key


def replace_guest_list(
    store: ServiceStore, service_id: str, phone_numbers: list[str], email_addresses: list[str]
) -> GuestList:
    load_bundle(store, service_id)
    problems: list[str] = []
    phones = [_normalised(parse_phone_number, n, f"phone_numbers.{i}", problems) for i, n in enumerate(phone_numbers)]
    emails = [
        _normalised(normalise_email_address, e, f"email_addresses.{i}", problems).lower()
        for i, e in enumerate(email_addresses)
    ]
    if problems:
        raise ValidationFailed(problems)
    guest_list = GuestList(phone_numbers=list(dict.fromkeys(phones)), email_addresses=list(dict.fromkeys(emails)))
    store.put_guest_list(service_id, guest_list)
    return guest_list


def add_reply_to(store: ServiceStore, clock: Clock, service_id: str, email_address: str, is_default: bool) -> ReplyTo:
    bundle = load_bundle(store, service_id)
    try:
        address = normalise_email_address(email_address)
    except EmailAddressError as error:
        raise ValidationFailed([f"email_address {error}"]) from error
    if any(other.email_address.lower() == address.lower() for other in bundle.reply_tos):  # as Notify's admin
        raise BadRequest(f"Your service already uses ‘{address}’ as an email reply-to address.")
    reply_to = ReplyTo(
        id=str(uuid4()),
        email_address=address,
        is_default=is_default or not bundle.reply_tos,
        created_at=clock.now(),
    )
    if reply_to.is_default:
        for other in bundle.reply_tos:
            if other.is_default:
                store.put_reply_to(service_id, other.model_copy(update={"is_default": False}))
    store.put_reply_to(service_id, reply_to)
    return reply_to


def set_callback(
    store: ServiceStore,
    clock: Clock,
    *,
    service_id: str,
    callback_type: CallbackType,
    url: str,
    bearer_token: str,
    allow_loopback_http: bool = False,
) -> Callback:
    load_bundle(store, service_id)
    check_callback_url(url, allow_loopback_http)
    check_bearer_token(bearer_token)
    callback = Callback(id=str(uuid4()), type=callback_type, url=url, bearer_token=bearer_token, created_at=clock.now())
    store.put_callback(service_id, callback)  # one per type: a new one replaces the old
    return callback


def add_inbound_number(
    store: ServiceStore, senders: SenderStore, clock: Clock, service_id: str, raw_number: str
) -> InboundNumber:
    """Refused while another service owns the number, or sends as it: that service's recipients' replies and
    STOPs would reach this one. (Senders check the other way round: see `sender_admin.owned_by_another`.) A
    number the service has already is the answer again, unchanged, as a retried request expects."""
    bundle = load_bundle(store, service_id)
    try:
        number = parse_phone_number(raw_number).e164
    except PhoneNumberError as error:
        raise ValidationFailed([f"number {error}"]) from error
    inbound = InboundNumber(number=number, service_id=service_id, created_at=clock.now())
    if not sent_from_by_another(senders, number, service_id) and store.claim_inbound_number(inbound):
        return inbound
    held = next((own for own in bundle.inbound_numbers if own.number == number), None)
    if held is None:
        raise BadRequest(f"Inbound number {number} is already in use", status=409)
    return held


def _normalised(parse: Any, raw: str, field: str, problems: list[str]) -> str:
    try:
        value = parse(raw)
    except ValueError as error:
        problems.append(f"{field} {error}")
        return ""
    return value if isinstance(value, str) else str(value.e164)
