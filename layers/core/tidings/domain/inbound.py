"""Inbound (two-way) SMS: find the service by the number texted, keep the message, honour STOP and START."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, uuid5

from tidings.domain.models import InboundSms, OptOut, ServiceBundle
from tidings.domain.phone import PhoneNumberError, parse_phone_number

OPT_OUT_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_KEYWORDS = frozenset({"START"})
RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class IncomingText:
    from_number: str
    to_number: str
    body: str
    received_at: datetime
    message_id: str  # the provider's id for this text: the same on every delivery of it


def normalised(number: str) -> str:
    try:
        return parse_phone_number(number).e164
    except PhoneNumberError:
        return number.lstrip("+")


def as_notify_shows_its_number(number: str) -> str:
    """Notify shows its own (UK) inbound number in national form, `07700900456`, and the sender's as `44…`
    (spec §3.8 and the inbound callback's `destination_number`, §9)."""
    return f"0{number[2:]}" if number.startswith("44") else number


def keyword(body: str) -> str:
    words = body.strip().split()
    return words[0].upper() if words else ""


def build_inbound(bundle: ServiceBundle, text: IncomingText) -> InboundSms:
    """The message to keep. Its id comes from the provider's, so a text delivered twice (a retry, or SNS's
    at-least-once) is stored once, under one id."""
    return InboundSms(
        id=str(uuid5(NAMESPACE_URL, f"tidings:inbound:{bundle.service.id}:{text.message_id}")),
        service_id=bundle.service.id,
        notify_number=as_notify_shows_its_number(normalised(text.to_number)),
        user_number=normalised(text.from_number),
        content=text.body,
        created_at=text.received_at,
        expires_at=text.received_at + RETENTION,
    )


def opt_out_change(text: IncomingText) -> OptOut | bool | None:
    """An OptOut to add (STOP and friends), True to remove the sender's (START), None for anything else."""
    word = keyword(text.body)
    if word in OPT_OUT_KEYWORDS:
        return OptOut(number=normalised(text.from_number), created_at=text.received_at)
    if word in OPT_IN_KEYWORDS:
        return True
    return None
