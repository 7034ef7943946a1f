"""SMS senders: the same records /v2 `sms_sender_id` and /v1 user-sms-senders refer to."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from tidings.domain.errors import BadRequest, ValidationFailed
from tidings.domain.models import ServiceBundle, SmsSender
from tidings.domain.phone import PhoneNumberError, parse_phone_number
from tidings.ports import Clock, SenderStore

ALPHANUMERIC_SENDER = re.compile(r"^[A-Za-z0-9_-]{1,11}$")
NUMERIC_SENDER = re.compile(r"^\+?[\d\s]+$")


def normalise_sender(raw: str) -> str:
    """An alphanumeric sender ID (≤ 11 of letters, digits, `-`, `_`) or a phone number (as digits)."""
    value = raw.strip()
    if NUMERIC_SENDER.match(value):
        try:
            return parse_phone_number(value).e164
        except PhoneNumberError as error:
            raise ValidationFailed([f"sms_sender {error}"]) from error
    if not ALPHANUMERIC_SENDER.match(value):
        raise ValidationFailed(["sms_sender Must be at most 11 letters, digits, - or _, or a phone number"])
    return value


def owned_by_another(sender: str, service_id: str, owner_of_number: Callable[[str], str | None]) -> bool:
    """Replies to a number reach the service that owns it, and so do its STOPs: another service sending from it
    would never hear them, and the owner would hear that service's recipients."""
    return sender.isdigit() and owner_of_number(sender) not in (None, service_id)


def sent_from_by_another(senders: SenderStore, number: str, service_id: str) -> bool:
    """Whether another service sends as `number`: SNS sends from any number the account owns, so the number is
    that service's, for its recipients' replies and for what is sent from it."""
    return bool(senders.services_sending_as(number) - {service_id})


def add_sms_sender(
    store: SenderStore,
    clock: Clock,
    bundle: ServiceBundle,
    fields: dict[str, Any],
    owner_of_number: Callable[[str], str | None],
) -> SmsSender:
    service_id = bundle.service.id
    name = normalise_sender(fields["sms_sender"])
    existing = store.list_for_service(service_id)
    if any(sender.sms_sender == name for sender in existing):
        raise BadRequest(f"SMS sender {name} already exists for this service")
    if owned_by_another(name, service_id, owner_of_number):
        raise BadRequest(f"Inbound number {name} is already in use", status=409)
    inbound = fields.get("inbound_number")
    if inbound is not None:
        inbound = _owned_inbound_number(bundle, inbound)
    sender = SmsSender.model_validate(
        {
            **fields,
            "id": str(uuid4()),
            "service_id": service_id,
            "sms_sender": name,
            "inbound_number": inbound,
            "is_default": bool(fields.get("is_default")) or not existing,
            "created_at": clock.now(),
        }
    )
    if sender.is_default:
        for other in existing:
            if other.is_default:
                store.put(other.model_copy(update={"is_default": False}))
    store.put(sender)
    return sender


def _owned_inbound_number(bundle: ServiceBundle, raw: str) -> str:
    try:
        number = parse_phone_number(raw).e164
    except PhoneNumberError as error:
        raise ValidationFailed([f"inbound_number {error}"]) from error
    if number not in {n.number for n in bundle.inbound_numbers}:
        raise BadRequest(f"inbound_number {number} is not one of this service's inbound numbers")
    return number
