"""Admin request bodies. Unknown fields are refused so typos never pass silently."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, ValidationError

from tidings.api.http import json_body
from tidings.domain.errors import ValidationFailed
from tidings.domain.models import CallbackType, KeyType, Permission, Retention, TemplateType

Name = Field(min_length=1, max_length=255)
OptionalName = Field(default=None, min_length=1, max_length=255)
MAX_LIMIT = 10**12  # beyond any real volume, and within what DynamoDB's numbers hold (38 digits)
Limit = Field(default=None, ge=0, le=MAX_LIMIT)
EmailLocalPart = Field(default=None, pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")


class AdminRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)  # built when first used


class ServiceSettings(AdminRequest):
    restricted: StrictBool | None = None
    active: StrictBool | None = None
    rate_limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT)
    sms_message_limit: int | None = Limit
    email_message_limit: int | None = Limit
    letter_message_limit: int | None = Limit
    international_sms_message_limit: int | None = Limit
    v1_rate_limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT)
    permissions: list[Permission] | None = None
    email_from: str | None = EmailLocalPart
    retention_days: Retention | None = None
    contact_link: str | None = Field(default=None, min_length=1, max_length=255)


class CreateService(ServiceSettings):
    name: str = Name


class UpdateService(ServiceSettings):
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
    sms_sender: str
    is_default: StrictBool = False
    sms_live_time: int | None = Field(default=None, ge=0, le=30)
    test_mode: StrictBool = False
    inbound_number: str | None = None
    webhook_url: str | None = Field(default=None, max_length=2000)


class CreateReplyTo(AdminRequest):
    email_address: str
    is_default: StrictBool = False


class CreateCallback(AdminRequest):
    type: CallbackType
    url: str = Field(min_length=1, max_length=2000)
    bearer_token: str = Field(min_length=10, max_length=2000)


class CreateAccessToken(AdminRequest):
    name: str = Name
    expires_at: AwareDatetime | None = None
    allowed_ips: list[str] = Field(default_factory=list, max_length=50)
    sms_sender_ids: list[str] = Field(default_factory=list, max_length=100)


class CreateInboundNumber(AdminRequest):
    number: str


M = TypeVar("M", bound=AdminRequest)


def parse_body(app: APIGatewayHttpResolver, model: type[M]) -> M:
    """The JSON body as `model`, or a 400 ValidationError naming each bad field."""
    body = json_body(app, empty={})
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise ValidationFailed([_message(e) for e in error.errors()]) from error


def given(request: AdminRequest) -> dict[str, Any]:
    """The fields the caller actually set (partial updates), as plain data."""
    return request.model_dump(exclude_unset=True, exclude_none=True)


def _message(error: Any) -> str:
    location = ".".join(str(part) for part in error["loc"])
    return f"{location} {error['msg']}" if location else str(error["msg"])
