"""Admin request bodies. Unknown fields are refused so typos never pass silently, and so is null (leave a field
out to keep it), except where null empties a field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from tidings.api.http import canonical_id, json_body
from tidings.domain.callbacks import HEADER_TEXT
from tidings.domain.errors import ValidationFailed
from tidings.domain.models import MAX_SMS_LIVE_TIME, CallbackType, KeyType, Permission, TemplateType

Name = Field(min_length=1, max_length=255)
OptionalName = Field(default=None, min_length=1, max_length=255)
MAX_LIMIT = 10**12  # beyond any real volume, and within what DynamoDB's numbers hold (38 digits)
Limit = Field(default=None, ge=0, le=MAX_LIMIT)
EmailLocalPart = Field(default=None, pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")


# Numbers are JSON numbers: "5", true and 5.0 are refused rather than read as 5, 1 and 5.
class AdminRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)  # built when first used
    NULL_CLEARS: ClassVar[frozenset[str]] = frozenset()  # fields a null empties; elsewhere null is refused


Days = Field(default=7, ge=1, le=90)


class RetentionDays(AdminRequest):
    """Days each channel's notifications are kept; the channels left out keep theirs (or Notify's 7)."""

    sms: StrictInt = Days
    email: StrictInt = Days
    letter: StrictInt = Days


class ServiceSettings(AdminRequest):
    restricted: StrictBool | None = None
    active: StrictBool | None = None
    rate_limit: StrictInt | None = Field(default=None, ge=1, le=MAX_LIMIT)
    sms_message_limit: StrictInt | None = Limit
    email_message_limit: StrictInt | None = Limit
    letter_message_limit: StrictInt | None = Limit
    international_sms_message_limit: StrictInt | None = Limit
    v1_rate_limit: StrictInt | None = Field(default=None, ge=1, le=MAX_LIMIT)
    permissions: list[Permission] | None = None
    email_from: str | None = EmailLocalPart
    retention_days: RetentionDays | None = None
    contact_link: str | None = Field(default=None, min_length=1, max_length=255)

    @field_validator("permissions")
    @classmethod
    def _once_each(cls, value: list[Permission] | None) -> list[Permission] | None:
        return None if value is None else list(dict.fromkeys(value))  # a set, in the order given


class CreateService(ServiceSettings):
    name: str = Name


class UpdateService(ServiceSettings):
    NULL_CLEARS = frozenset({"contact_link"})
    name: str | None = OptionalName


class CreateApiKey(AdminRequest):
    name: str = Name
    key_type: KeyType


class CreateTemplate(AdminRequest):
    name: str = Name
    type: TemplateType
    content: str
    subject: str | None = None
    created_by: str | None = Field(default=None, min_length=1, max_length=255)
    postage: Literal["first", "second", "economy"] | None = None
    letter_contact_block: str | None = None


class UpdateTemplate(AdminRequest):
    name: str | None = OptionalName
    content: str | None = None
    subject: str | None = None
    archived: StrictBool | None = None


class ReplaceGuestList(AdminRequest):
    phone_numbers: list[str] = Field(default_factory=list, max_length=100)
    email_addresses: list[str] = Field(default_factory=list, max_length=100)


class CreateSmsSender(AdminRequest):
    # The examples (in the OpenAPI document) are valid bodies: the schema cannot say what a sender, an address,
    # a callback's URL or a number must look like, which the domain checks.
    model_config = ConfigDict(json_schema_extra={"examples": [{"sms_sender": "Tidings", "sms_live_time": 7}]})
    sms_sender: str
    is_default: StrictBool = False
    sms_live_time: StrictInt | None = Field(default=None, ge=0, le=MAX_SMS_LIVE_TIME)
    test_mode: StrictBool = False
    inbound_number: str | None = None
    webhook_url: str | None = Field(default=None, max_length=2000)


class CreateReplyTo(AdminRequest):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email_address": "replies@example.gov.uk"}]})
    email_address: str
    is_default: StrictBool = False


class CreateCallback(AdminRequest):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "delivery_status",
                    "url": "https://www.example.gov.uk/notify/status",
                    "bearer_token": "a-long-random-secret",
                }
            ]
        }
    )
    type: CallbackType
    url: str = Field(min_length=1, max_length=2000)
    # The characters are checked by the domain (its message), and shown in the document here.
    bearer_token: str = Field(min_length=10, max_length=2000, json_schema_extra={"pattern": HEADER_TEXT.pattern})


class CreateAccessToken(AdminRequest):
    name: str = Name
    expires_at: AwareDatetime | None = None
    allowed_ips: list[str] = Field(default_factory=list, max_length=50)
    sms_sender_ids: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("sms_sender_ids")
    @classmethod
    def _each_sender_once(cls, value: list[str]) -> list[str]:
        """Each once, in the form ids are stored in (any form a UUID reads in names the same sender, as in paths)."""
        return list(dict.fromkeys(canonical_id(v) for v in value))

    @field_validator("expires_at")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        try:
            return None if value is None else value.astimezone(UTC)
        except OverflowError as error:  # 9999-12-31T23:59:59-12:00 is in the year 10000 in UTC
            raise PydanticCustomError("datetime_range", "Input should be within the years 1 to 9999 in UTC") from error


class NoFields(AdminRequest):
    """An action's body (a revoke): empty, or `{}`; anything else is a mistake worth saying so."""


class CreateInboundNumber(AdminRequest):
    model_config = ConfigDict(json_schema_extra={"examples": [{"number": "07700900456"}]})
    number: str


M = TypeVar("M", bound=AdminRequest)


def parse_body(app: APIGatewayHttpResolver, model: type[M]) -> M:
    """The JSON body as `model`, or a 400 ValidationError naming each bad field."""
    body = json_body(app, empty={})
    if isinstance(body, dict):
        nulls = [k for k, v in body.items() if v is None and k in model.model_fields and k not in model.NULL_CLEARS]
        if nulls:
            raise ValidationFailed([f"{name} Input should not be null (leave the field out instead)" for name in nulls])
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise ValidationFailed([_message(e) for e in error.errors()]) from error


def given(request: AdminRequest) -> dict[str, Any]:
    """The fields the caller actually set (partial updates, nested ones too), as plain data."""
    return request.model_dump(exclude_unset=True)


def _message(error: Any) -> str:
    location = ".".join(str(part) for part in error["loc"])
    return f"{location} {error['msg']}" if location else str(error["msg"])
