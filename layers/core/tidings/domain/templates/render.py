"""Rendering a template with personalisation, per channel (spec §8)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tidings.domain.errors import BadRequest
from tidings.domain.models import Template
from tidings.domain.templates.placeholders import Personalisation, Placeholder, placeholders_in, substitute
from tidings.domain.templates.sms_encoding import sanitise
from tidings.domain.templates.typography import nice_subject, tidy_sms


@dataclass(frozen=True)
class Rendered:
    body: str
    subject: str | None


def placeholders_of(template: Template) -> list[Placeholder]:
    """Every placeholder a caller must supply, in the order the v2 `personalisation` lists them: the subject's,
    then the body's; a letter's contact block comes before both, as in Notify's letter template."""
    if template.type == "sms":
        return placeholders_in(template.content)
    if template.type == "email":
        return placeholders_in(template.subject, template.content)
    return placeholders_in(template.letter_contact_block, template.subject, template.content)


def render(template: Template, values: Mapping[str, Any]) -> Rendered:
    personalisation = Personalisation(values)
    missing = personalisation.missing(placeholders_of(template))
    if missing:
        raise BadRequest(f"Missing personalisation: {', '.join(missing)}")
    if template.type == "sms":
        text = substitute(template.content, personalisation, _inline_value)
        return Rendered(body=sanitise(tidy_sms(text)), subject=None)
    body = substitute(template.content, personalisation, _markdown_value).strip()
    subject = substitute(template.subject or "", personalisation, _inline_value)
    return Rendered(body=body, subject=nice_subject(subject))


def body_as_given(template: Template, values: Mapping[str, Any]) -> str:
    """A letter or email body with the personalisation given, any placeholder still missing as it is written:
    for the checks Notify makes before it looks for missing personalisation (a letter's QR codes)."""
    return substitute(template.content, Personalisation(values), _markdown_value, keep_missing=True).strip()


def _list_items(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [str(item) for item in value if item is not None and str(item).strip()]


def _inline_value(value: Any) -> str:
    items = _list_items(value)
    if items is None:
        return str(value)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _markdown_value(value: Any) -> str:
    items = _list_items(value)
    if items is None:
        return str(value)
    return "\n\n" + "\n".join(f"* {item}" for item in items) if items else ""
