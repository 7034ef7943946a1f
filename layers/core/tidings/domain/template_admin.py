"""Creating and editing templates: a new version whenever the content or subject changes."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from tidings.domain.errors import ValidationFailed
from tidings.domain.models import Template
from tidings.domain.template_queries import get_template
from tidings.ports import Clock, TemplateStore

LETTER_ONLY = ("postage", "letter_contact_block")
DEFAULT_CREATED_BY = "Tidings admin"


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
    if problems:
        raise ValidationFailed(problems)
