"""JSON Schemas of /v2's successful answers (spec §3), for the OpenAPI document: what the views in this package
build, field for field (tests/integration/test_v2_answer_schemas.py checks real answers against them, and the
fuzzer checks every answer it gets)."""

from __future__ import annotations

from tidings.api.schema_parts import STRING, STRING_OR_NULL, TIME, TIME_OR_NULL, URI, UUID, object_of, one_of

TYPE = one_of("sms", "email", "letter")

TEMPLATE_REFERENCE = object_of({"id": UUID, "version": {"type": "integer", "minimum": 1}, "uri": URI})
LINKS = object_of({"current": URI, "next": URI}, optional=("next",))

SENT = object_of(
    {
        "id": UUID,
        "reference": STRING_OR_NULL,
        "content": object_of(
            {
                "body": STRING,
                "from_number": STRING,  # an SMS's
                "subject": STRING,  # an email's or a letter's
                "from_email": STRING,  # an email's
                "one_click_unsubscribe_url": STRING_OR_NULL,
            },
            optional=("from_number", "subject", "from_email", "one_click_unsubscribe_url"),
        ),
        "uri": URI,
        "template": TEMPLATE_REFERENCE,
        "scheduled_for": {"type": "null"},
        "sanitised_content": {},  # an email's: its content as sent, in Notify's shape
    },
    optional=("sanitised_content",),
)
SENT_PRECOMPILED = object_of({"id": UUID, "reference": STRING_OR_NULL, "postage": STRING})

NOTIFICATION = object_of(
    {
        "id": UUID,
        "reference": STRING_OR_NULL,
        "email_address": STRING_OR_NULL,
        "phone_number": STRING_OR_NULL,
        **{f"line_{i}": STRING_OR_NULL for i in range(1, 7)},
        "postcode": STRING_OR_NULL,
        "type": TYPE,
        "status": STRING,
        "template": TEMPLATE_REFERENCE,
        "body": STRING,
        "subject": STRING_OR_NULL,
        "created_at": TIME,
        "created_by_name": STRING_OR_NULL,
        "sent_at": TIME_OR_NULL,
        "completed_at": TIME_OR_NULL,
        "scheduled_for": {"type": "null"},
        "postage": STRING_OR_NULL,
        "one_click_unsubscribe_url": STRING_OR_NULL,
        "is_cost_data_ready": {"type": "boolean"},
        "cost_in_pounds": {"type": ["number", "null"]},
        "cost_details": {"type": "object"},
        "estimated_delivery": TIME,  # a letter's
    },
    optional=("estimated_delivery",),
)
NOTIFICATIONS = object_of({"notifications": {"type": "array", "items": NOTIFICATION}, "links": LINKS})

TEMPLATE = object_of(
    {
        "id": UUID,
        "name": STRING,
        "type": TYPE,
        "created_at": TIME,
        "updated_at": TIME_OR_NULL,
        "created_by": STRING_OR_NULL,
        "version": {"type": "integer", "minimum": 1},
        "body": STRING,
        "subject": STRING_OR_NULL,
        "personalisation": {"type": "object"},
        "postage": STRING_OR_NULL,
        "letter_contact_block": STRING_OR_NULL,
    }
)
TEMPLATES = object_of({"templates": {"type": "array", "items": TEMPLATE}})
PREVIEW = object_of(
    {
        "id": UUID,
        "type": TYPE,
        "version": {"type": "integer", "minimum": 1},
        "body": STRING,
        "html": STRING_OR_NULL,  # an email's
        "subject": STRING_OR_NULL,
        "postage": STRING_OR_NULL,
    }
)
RECEIVED_TEXTS = object_of(
    {
        "received_text_messages": {
            "type": "array",
            "items": object_of(
                {
                    "id": UUID,
                    "created_at": TIME,
                    "service_id": UUID,
                    "notify_number": STRING,
                    "user_number": STRING,
                    "content": STRING,
                }
            ),
        },
        "links": LINKS,
    }
)
