"""Creating and editing templates: a new version whenever the content or subject changes."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from tidings.domain.errors import ValidationFailed
from tidings.domain.models import Template
from tidings.domain.template_queries import get_template
from tidings.domain.templates.sms_encoding import SMS_MAX_CHARACTERS
from tidings.ports import Clock, TemplateStore

LETTER_ONLY = ("postage", "letter_contact_block")
DEFAULT_CREATED_BY = "Tidings admin"
TEXT_FIELDS = ("content", "subject", "letter_contact_block")
# A template's text, stored as it is in each of its two items (the head and the version), within DynamoDB's
# 400 KB an item; far beyond any real template.
MAX_TEMPLATE_TEXT_BYTES = 300_000


def create_template(store: TemplateStore, clock: Clock, service_id: str, fields: dict[str, Any]) -> Template:
    _check_fields(fields)
    if fields["type"] == "letter":
        fields = {"postage": "second", **{k: v for k, v in fields.items() if v is not None}}
    template = Template.model_validate(
        {
            "created_by": DEFAULT_CREATED_BY,
            **{k: v for k, v in fields.items() if v is not None},
            "id": str(uuid4()),
            "service_id": service_id,
            "version": 1,
            "created_at": clock.now(),
        }
    )
    store.save(template)
    return template


def update_template(
    store: TemplateStore, clock: Clock, service_id: str, template_id: str, changes: dict[str, Any]
) -> Template:
    current = get_template(store, service_id, template_id)
    changes = {k: v for k, v in changes.items() if v is not None}
    _check_fields({**current.model_dump(), **changes})
    new_content = any(changes.get(f, getattr(current, f)) != getattr(current, f) for f in ("content", "subject"))
    if new_content:
        changes |= {"version": current.version + 1, "updated_at": clock.now()}
    template = Template.model_validate({**current.model_dump(), **changes})
    store.save(template)
    return template


def _check_fields(fields: dict[str, Any]) -> None:
    problems = []
    kind = fields["type"]
    if not str(fields.get("content") or "").strip():
        problems.append("content Cannot be empty")
    if kind == "sms" and fields.get("subject") is not None:
        problems.append("subject Text message templates have no subject")
    if kind != "sms" and not str(fields.get("subject") or "").strip():
        problems.append(f"subject Required for {kind} templates")
    if kind != "letter":
        problems += [f"{f} Only letter templates have one" for f in LETTER_ONLY if fields.get(f) is not None]
    if kind == "sms" and len(str(fields.get("content") or "")) > SMS_MAX_CHARACTERS:  # Notify's rule, as is
        problems.append(f"content Content has a character count greater than the limit of {SMS_MAX_CHARACTERS}")
    size = sum(len(str(fields.get(f) or "").encode()) for f in TEXT_FIELDS)
    if size > MAX_TEMPLATE_TEXT_BYTES:
        problems.append(f"content Templates cannot be longer than {MAX_TEMPLATE_TEXT_BYTES} bytes; this is {size}")
    if problems:
        raise ValidationFailed(problems)
