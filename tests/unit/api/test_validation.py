"""Schema messages built the way Notify builds them (spec §5.2)."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.api.notify_v2.template_views import LIST_QUERY, PREVIEW_REQUEST
from tidings.api.validation import Schema
from tidings.domain.errors import ValidationFailed

SMS_LIKE = Schema(
    {
        "type": "object",
        "properties": {
            "phone_number": {"type": "string", "format": "phone_number"},
            "email_address": {"type": "string", "format": "email_address"},
            "template_id": {"type": "string", "format": "uuid", "validationMessage": "is not a valid UUID"},
            "personalisation": {"type": "object"},
            "reference": {"type": "string", "maxLength": 5},
        },
        "required": ["phone_number", "template_id"],
        "additionalProperties": False,
    }
)


def messages(schema: Schema, instance: Any) -> list[str]:
    with pytest.raises(ValidationFailed) as error:
        schema.check(instance)
    return error.value.messages


def test_required_fields_are_reported_together_in_order() -> None:
    assert messages(SMS_LIKE, {}) == [
        "phone_number is a required property",
        "template_id is a required property",
    ]


def test_additional_properties_without_quotes() -> None:
    found = messages(
        SMS_LIKE,
        {
            "phone_number": "07700900123",
            "template_id": "5a2f0c4e-0e37-4a6f-9c5d-1b2a3c4d5e6f",
            "foo": 1,
            "bar": 2,
        },
    )
    assert found == ["Additional properties are not allowed (bar, foo were unexpected)"]


@pytest.mark.parametrize("value", ["abc", 12, None])
def test_a_validation_message_wins_for_any_failure(value: Any) -> None:
    assert "template_id is not a valid UUID" in messages(
        SMS_LIKE, {"phone_number": "07700900123", "template_id": value}
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("personalisation", ["a"], "personalisation [a] is not of type object"),
        ("personalisation", None, "personalisation None is not of type object"),
        ("reference", "toolong", "reference toolong is too long"),
        ("reference", None, "reference None is not of type string"),
        ("phone_number", "123", "phone_number Not enough digits"),
        ("phone_number", 7700900855, "phone_number 7700900855 is not of type string"),
        ("email_address", "not-an-email", "email_address Not a valid email address"),
    ],
)
def test_field_messages(field: str, value: Any, message: str) -> None:
    instance = {
        "phone_number": "07700900123",
        "template_id": "5a2f0c4e-0e37-4a6f-9c5d-1b2a3c4d5e6f",
        field: value,
    }
    assert messages(SMS_LIKE, instance) == [message]


def test_template_list_query() -> None:
    assert messages(LIST_QUERY, {"type": "fax"}) == ["type fax is not one of [sms, email, letter]"]
    assert messages(LIST_QUERY, {"x": "1"}) == ["Additional properties are not allowed (x was unexpected)"]
    LIST_QUERY.check({"type": "sms"})


def test_preview_request() -> None:
    assert messages(PREVIEW_REQUEST, {"id": "bad"}) == ["id is not a valid UUID"]
    assert messages(PREVIEW_REQUEST, {"id": "5a2f0c4e-0e37-4a6f-9c5d-1b2a3c4d5e6f", "personalisation": None}) == [
        "personalisation None is not of type object"
    ]


def test_every_request_schema_is_valid_json_schema() -> None:
    from jsonschema import Draft7Validator  # noqa: PLC0415

    from tidings.api.notify_v2 import notification_views, template_views  # noqa: PLC0415

    schemas = [
        notification_views.SMS_REQUEST, notification_views.EMAIL_REQUEST, notification_views.LIST_QUERY,
        template_views.LIST_QUERY, template_views.PREVIEW_REQUEST,
    ]  # fmt: skip
    for schema in schemas:
        Draft7Validator.check_schema(schema.schema)


UNSUBSCRIBE = Schema(
    {"type": "object", "properties": {"url": {"type": "string", "format": "https_url"}}, "additionalProperties": False}
)


@pytest.mark.parametrize(
    "url",
    [
        "HTTPS://x.com/u",  # Notify's ^https is case-sensitive
        "http://x.com/u",
        "https://",
        "https:x.com",
        "https://x.com/<script>",
        'https://x.com/a"b',
        "https://x.com/ü",  # an IRI, not a URI: percent-encode it
        "https://x.com/%zz",
        "https://x.com/{a}",
        "https://x.com/a|b",
        "https://x.com/a\\b",
        "https://x.com/#a#b",
        "https://x.com/a b",
        "https://[::1",
    ],
)
def test_unsubscribe_urls_that_are_no_https_uri(url: str) -> None:
    assert messages(UNSUBSCRIBE, {"url": url}) == ["url is not a valid https url"]


@pytest.mark.parametrize(
    "url",
    ["https://x.com/u?t=1", "https://x.com/%C3%BC", "https://x.com:8443/a;b=c/@d!$&'()*+,~#frag", "https://[::1]/u"],
)
def test_https_uris_are_valid_unsubscribe_urls(url: str) -> None:
    UNSUBSCRIBE.check({"url": url})
