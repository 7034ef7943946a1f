"""The domain's records. Pydantic models double as the stored item shapes (adapters map them 1:1)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

KeyType = Literal["normal", "team", "test"]
TemplateType = Literal["sms", "email", "letter"]
Postage = Literal["first", "second", "economy", "europe", "rest-of-world"]
CallbackType = Literal["delivery_status", "inbound_sms"]


MAX_SMS_LIVE_TIME = 30  # days a /v1 sender keeps each SMS, at most (Notifea's rule)
V1_REQUESTS_PER_MINUTE = 120  # Notifea's /v1 limit per client IP, unless raised for a service


class Permission(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"
    INTERNATIONAL_SMS = "international_sms"
    INBOUND_SMS = "inbound_sms"
    SMS_TO_UK_LANDLINES = "sms_to_uk_landlines"
    INTERNATIONAL_LETTERS = "international_letters"


# Notify gives new services these (international SMS included); admins can narrow them.
DEFAULT_PERMISSIONS = [Permission.SMS, Permission.EMAIL, Permission.LETTER, Permission.INTERNATIONAL_SMS]


class Record(BaseModel):
    # Validators are built when a record is first used, not at import: a function uses only a few kinds.
    # A record that fails validation (a stored item, a stream image) names the field, never its value: the
    # error reaches the logs, and records hold numbers, addresses and message bodies.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True, hide_input_in_errors=True)


class Retention(Record):
    """Days each channel's notifications are kept (Notify's default is 7)."""

    sms: int = Field(default=7, ge=1, le=90)
    email: int = Field(default=7, ge=1, le=90)
    letter: int = Field(default=7, ge=1, le=90)


class Service(Record):
    id: str
    name: str
    restricted: bool = True
    active: bool = True
    rate_limit: int = 3000
    sms_message_limit: int = 250_000
    email_message_limit: int = 250_000
    letter_message_limit: int = 20_000
    international_sms_message_limit: int = 100
    v1_rate_limit: int = V1_REQUESTS_PER_MINUTE
    permissions: list[Permission] = Field(default_factory=lambda: list(DEFAULT_PERMISSIONS))
    email_from: str
    retention_days: Retention = Field(default_factory=Retention)
    contact_link: str | None = None  # a URL, email address or phone number; sending files by email needs one
    created_at: datetime

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


class ApiKey(Record):
    id: str
    service_id: str
    name: str
    key_type: KeyType
    secret: str
    created_at: datetime
    revoked_at: datetime | None = None


class GuestList(Record):
    """Team members and guest-list recipients, stored normalised (E.164 digits, lowercased emails)."""

    phone_numbers: list[str] = Field(default_factory=list)
    email_addresses: list[str] = Field(default_factory=list)


class ReplyTo(Record):
    id: str
    email_address: str
    is_default: bool = False
    created_at: datetime


class Callback(Record):
    id: str
    type: CallbackType
    url: str
    bearer_token: str
    created_at: datetime


class AccessToken(Record):
    """A /v1 bearer token: a JWT signed with `secret`, limited by expiry, client IPs and senders."""

    id: str
    service_id: str
    name: str
    secret: str
    expires_at: datetime | None = None
    allowed_ips: list[str] = Field(default_factory=list)
    sms_sender_ids: list[str] = Field(default_factory=list)
    created_at: datetime
    revoked_at: datetime | None = None

    def allows_sender(self, sender_id: str) -> bool:
        """A token that names its senders may send only through those; one that names none, through any of its
        service's. (Only sending: Notifea's checks 23-27 have such a token list, rename and delete every sender.)"""
        return not self.sms_sender_ids or sender_id in self.sms_sender_ids


class InboundNumber(Record):
    number: str
    service_id: str
    created_at: datetime


class OptOut(Record):
    """A number that sent STOP (or a like keyword) to one of the service's inbound numbers."""

    number: str
    created_at: datetime


class InboundSms(Record):
    id: str
    service_id: str
    notify_number: str  # the service's inbound number
    user_number: str  # the sender, as the provider gave it
    content: str
    created_at: datetime  # when the provider received it
    expires_at: datetime


class ServiceBundle(Record):
    """Everything auth and the accept path need about one service, read in one query."""

    service: Service
    api_keys: list[ApiKey] = Field(default_factory=list)
    guest_list: GuestList = Field(default_factory=GuestList)
    reply_tos: list[ReplyTo] = Field(default_factory=list)
    callbacks: list[Callback] = Field(default_factory=list)
    access_tokens: list[AccessToken] = Field(default_factory=list)
    inbound_numbers: list[InboundNumber] = Field(default_factory=list)
    opt_outs: list[OptOut] = Field(default_factory=list)

    def callback(self, kind: CallbackType) -> Callback | None:
        return next((c for c in self.callbacks if c.type == kind), None)

    def opted_out(self, number: str) -> bool:
        return any(o.number == number for o in self.opt_outs)

    def stops_sms_to(self, number: str, simulated: bool) -> bool:
        """Whether an opt-out stops an SMS to `number`: a real send only, since a simulated one ends as its
        number says (spec §6)."""
        return not simulated and self.opted_out(number)


class Template(Record):
    """One version of a template. `archived` and `name` belong to the template as a whole."""

    id: str
    service_id: str
    type: TemplateType
    name: str
    version: int
    content: str
    subject: str | None = None
    created_at: datetime
    updated_at: datetime | None = None
    created_by: str
    archived: bool = False
    postage: Postage | None = None
    letter_contact_block: str | None = None


class SmsSender(Record):
    id: str
    service_id: str
    sms_sender: str
    is_default: bool = False
    sms_live_time: int | None = Field(default=None, ge=0, le=MAX_SMS_LIVE_TIME)
    test_mode: bool = False
    inbound_number: str | None = None
    webhook_url: str | None = None  # /v1: gets the SMS object on each status change
    created_at: datetime
