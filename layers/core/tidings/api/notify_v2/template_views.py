"""Template routes' request schemas and response shapes (spec §3.9)."""

from __future__ import annotations

from typing import Any

from tidings.api.answer_size import sent_bytes, takes_gzip
from tidings.api.validation import Schema
from tidings.domain.answer_limit import BODY_BYTES
from tidings.domain.errors import BadRequest
from tidings.domain.models import Template
from tidings.domain.templates.render import Rendered, placeholders_of
from tidings.domain.timefmt import iso_z

TEMPLATE_TYPES = ["sms", "email", "letter"]
UUID_FIELD = {"type": "string", "format": "uuid", "validationMessage": "is not a valid UUID"}

LIST_QUERY = Schema(
    {
        "type": "object",
        "properties": {"type": {"enum": TEMPLATE_TYPES}},
        "additionalProperties": False,
    }
)
PREVIEW_REQUEST = Schema(
    {
        "type": "object",
        "properties": {"id": UUID_FIELD, "personalisation": {"type": "object"}},
        "required": ["id"],
    }
)


def check_listable(listing: dict[str, Any], accept_encoding: str) -> None:
    """A 400 for a list of templates no answer can carry, for this caller (Notify does not page it; API Gateway
    would answer 500): what to ask for instead."""
    sent = sent_bytes(listing, accept_encoding)
    if sent > BODY_BYTES:
        instead = "Ask for one type at a time (?type=sms, email or letter)"
        if not takes_gzip(accept_encoding):
            instead += ", or accept a gzipped answer (Accept-Encoding: gzip)"
        raise BadRequest(
            f"Your templates are too long to list in one answer. It must be {BODY_BYTES} bytes or fewer. "
            f"It is {sent} bytes. {instead}."
        )


def template_json(template: Template) -> dict[str, Any]:
    return {
        "id": template.id,
        "name": template.name,
        "type": template.type,
        "created_at": iso_z(template.created_at),
        "updated_at": iso_z(template.updated_at),
        "created_by": template.created_by,
        "version": template.version,
        "body": template.content,
        "subject": template.subject if template.type != "sms" else None,
        "personalisation": {p.name: {"required": True} for p in placeholders_of(template)},
        "postage": template.postage,
        "letter_contact_block": template.letter_contact_block,
    }


def preview_json(template: Template, rendered: Rendered) -> dict[str, Any]:
    html = None
    if template.type == "email":
        from tidings.domain.templates.email_html import email_html  # noqa: PLC0415 (only previews need markdown)

        html = email_html(rendered.body)
    return {
        "id": template.id,
        "type": template.type,
        "version": template.version,
        "body": rendered.body,
        "html": html,
        "subject": rendered.subject,
        "postage": template.postage,
    }
