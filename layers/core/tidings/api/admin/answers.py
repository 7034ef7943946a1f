"""JSON Schemas of /admin's successful answers, for the OpenAPI document: what `views.py` and the admin functions
build, each inside `{"data": ...}` (tests/integration/test_admin_answer_schemas.py checks real answers against
them, and the fuzzer checks every answer it gets). Secrets appear only in a create's answer."""

from __future__ import annotations

from typing import Any, get_args

from tidings.api.notify_v2.answers import TYPE
from tidings.api.schema_parts import (
    BOOLEAN,
    INTEGER,
    STRING,
    STRING_OR_NULL,
    STRINGS,
    TIME,
    TIME_OR_NULL,
    UUID,
    object_of,
    one_of,
)
from tidings.domain.limits import DAILY_CHANNELS
from tidings.domain.models import CallbackType, KeyType, Permission
from tidings.domain.notifications import Notification

DAYS = {"type": "integer", "minimum": 1}
KEY_TYPE = one_of(*get_args(KeyType))


def data(schema: dict[str, Any]) -> dict[str, Any]:
    return object_of({"data": schema})


SERVICE = object_of(
    {
        "id": UUID,
        "name": STRING,
        "restricted": BOOLEAN,
        "active": BOOLEAN,
        "rate_limit": INTEGER,
        "sms_message_limit": INTEGER,
        "email_message_limit": INTEGER,
        "letter_message_limit": INTEGER,
        "international_sms_message_limit": INTEGER,
        "v1_rate_limit": INTEGER,
        "permissions": {"type": "array", "items": one_of(*(p.value for p in Permission))},
        "email_from": STRING,
        "retention_days": object_of({"sms": DAYS, "email": DAYS, "letter": DAYS}),
        "contact_link": STRING_OR_NULL,
        "created_at": TIME,
    }
)
API_KEY = object_of({"id": UUID, "name": STRING, "key_type": KEY_TYPE, "created_at": TIME, "revoked_at": TIME_OR_NULL})
NEW_API_KEY = object_of({"id": UUID, "name": STRING, "key_type": KEY_TYPE, "key": STRING})  # the only sight of it
GUEST_LIST = object_of({"phone_numbers": STRINGS, "email_addresses": STRINGS})
REPLY_TO = object_of({"id": UUID, "email_address": STRING, "is_default": BOOLEAN, "created_at": TIME})
CALLBACK = object_of({"id": UUID, "type": one_of(*get_args(CallbackType)), "url": STRING, "created_at": TIME})
ACCESS_TOKEN_FIELDS: dict[str, Any] = {
    "id": UUID,
    "name": STRING,
    "expires_at": TIME_OR_NULL,
    "allowed_ips": STRINGS,
    "sms_sender_ids": STRINGS,
    "created_at": TIME,
    "revoked_at": TIME_OR_NULL,
}
ACCESS_TOKEN = object_of(ACCESS_TOKEN_FIELDS)
NEW_ACCESS_TOKEN = object_of(ACCESS_TOKEN_FIELDS | {"token": STRING})  # the only sight of it
SMS_SENDER = object_of(
    {
        "id": UUID,
        "service_id": UUID,
        "sms_sender": STRING,
        "is_default": BOOLEAN,
        "sms_live_time": {"type": ["integer", "null"], "minimum": 0},
        "test_mode": BOOLEAN,
        "inbound_number": STRING_OR_NULL,
        "webhook_url": STRING_OR_NULL,
        "created_at": TIME,
    }
)
OPT_OUT = object_of({"number": STRING, "created_at": TIME})
BUNDLE = object_of(
    SERVICE["properties"]
    | {
        "api_keys": {"type": "array", "items": API_KEY},
        "guest_list": GUEST_LIST,
        "email_reply_to": {"type": "array", "items": REPLY_TO},
        "callbacks": {"type": "array", "items": CALLBACK},
        "access_tokens": {"type": "array", "items": ACCESS_TOKEN},
        "inbound_numbers": STRINGS,
        "opt_outs": STRINGS,
        "usage_today": object_of({channel: {"type": "integer", "minimum": 0} for channel in DAILY_CHANNELS}),
    }
)
INBOUND_NUMBER = object_of({"number": STRING, "service_id": UUID})
OPT_OUTS = {"type": "array", "items": OPT_OUT}
OPTED_BACK_IN = object_of({"number": STRING, "removed": {"const": True}})
SUPPORT_NOTIFICATION = object_of(
    {
        "id": UUID,
        "type": TYPE,
        "status": STRING,
        "failure_reason": STRING_OR_NULL,
        "created_at": TIME,
        "sent_at": TIME_OR_NULL,
        "updated_at": TIME_OR_NULL,
        "key_type": KEY_TYPE,
        "dialect": one_of(*get_args(Notification.model_fields["dialect"].annotation)),
    }
)
