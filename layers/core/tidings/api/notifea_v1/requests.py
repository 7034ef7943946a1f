"""/v1 request bodies and query parameters. Failures answer 422 `validation.failed` naming the fields."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from tidings.api.http import json_body, query_pairs
from tidings.domain.errors import Refused
from tidings.domain.models import MAX_SMS_LIVE_TIME

SENDER_NAME = r"^[A-Za-z0-9_-]{1,11}$"
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"  # Laravel's `uuid` rule
INVALID = "The given data was invalid."


def _a_number(value: object) -> object:
    """JSON's true and false are no numbers (pydantic would take them as 1 and 0); 0/1 and "0"/"1" are. Nor is
    "1_0", which Python's int() reads as 10 and PHP's is_numeric (Laravel's rule) refuses."""
    if isinstance(value, bool):
        raise ValueError("a number, not a boolean")
    if isinstance(value, str) and "_" in value:
        raise ValueError("a number, not digits grouped by _")
    return value


Number = Annotated[int, BeforeValidator(_a_number)]


class V1Request(BaseModel):
    # Strings are trimmed before the rules see them, as Laravel's TrimStrings middleware (Notifea's) does
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, defer_build=True)  # built when first used


class SenderCreate(V1Request):
    sender_name: str = Field(pattern=SENDER_NAME, description="≤ 11 letters, digits, - or _; unique")
    sms_live_time: Number = Field(
        default=MAX_SMS_LIVE_TIME, ge=0, le=MAX_SMS_LIVE_TIME, description="days each SMS is shown; 0: none once sent"
    )
    test_mode: Number = Field(default=0, ge=0, le=1, description="1: never handed to a carrier")
    webhook_url: str | None = Field(default=None, description="gets the SMS object on each status change")


class SenderUpdate(V1Request):
    sender_name: str = Field(pattern=SENDER_NAME)
    sms_live_time: Number = Field(ge=0, le=MAX_SMS_LIVE_TIME)
    test_mode: Number | None = Field(default=None, ge=0, le=1)
    webhook_url: str | None = None


class SmsCreate(V1Request):
    # A valid body, in the OpenAPI document: the schema cannot say that the sender must be the caller's own.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sms_sender_id": "0b6e4a53-1c2d-4f5e-8a9b-0c1d2e3f4a5b",
                    "content": "Your code is 1234",
                    "recipient": "+421902739429",
                }
            ]
        }
    )
    # in any case, as Laravel's rule takes it (and MySQL compares it); ours are lower case
    sms_sender_id: Annotated[str, AfterValidator(str.lower)] = Field(pattern=UUID, description="the sender's uuid")
    content: str
    recipient: str = Field(min_length=1, description="a mobile number in E.164, with + and the country code")


class PageQuery(V1Request):
    page: int = Field(default=1, ge=1)
    pageSize: int = Field(default=10, ge=1, le=100)  # noqa: N815 (Notifea's name)


class SmsQuery(V1Request):
    live_result: int = Field(default=0, ge=0, le=1)


class PriceQuery(V1Request):
    countryCode: str | None = Field(  # noqa: N815 (Notifea's name)
        default=None, description="ISO 3166-1 alpha-3 (e.g. SVK, any case): that country's price; none: the highest"
    )


M = TypeVar("M", bound=V1Request)


def parse_body(app: APIGatewayHttpResolver, model: type[M]) -> M:
    body = json_body(app, empty={})
    if not isinstance(body, dict):
        raise Refused("validation.failed", INVALID, fields=[])
    return _validated(model, body)


def parse_query(app: APIGatewayHttpResolver, model: type[M]) -> M:
    return _validated(model, dict(query_pairs(app)))  # the last of repeats wins, as in PHP's $_GET


def _validated(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        fields = list(dict.fromkeys(str(e["loc"][0]) for e in error.errors() if e["loc"]))
        raise Refused("validation.failed", INVALID, fields=fields) from error
