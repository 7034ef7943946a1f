"""Notification routes' request schemas and response shapes (spec §3.1, §3.2, §3.5, §3.6)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tidings.api.answer_size import how_many_fit
from tidings.api.notify_v2.template_views import TEMPLATE_TYPES, UUID_FIELD
from tidings.api.validation import Schema
from tidings.domain.letters.postage import estimated_delivery
from tidings.domain.notifications import STATUSES, Notification, cost
from tidings.domain.send import Accepted
from tidings.domain.timefmt import iso_z
from tidings.ports import ListedPage

SCHEDULED_FOR = {"type": ["string", "null"]}
COMMON = {
    "template_id": UUID_FIELD,
    "personalisation": {"type": "object"},
    "reference": {"type": "string", "maxLength": 1000},
    "scheduled_for": SCHEDULED_FOR,
}
SMS_REQUEST = Schema(
    {
        "type": "object",
        "properties": {
            "phone_number": {"type": "string", "format": "phone_number"},
            "sms_sender_id": UUID_FIELD,
            **COMMON,
        },
        "required": ["phone_number", "template_id"],
        "additionalProperties": False,
    }
)
EMAIL_REQUEST = Schema(
    {
        "type": "object",
        "properties": {
            "email_address": {"type": "string", "format": "email_address"},
            "email_reply_to_id": UUID_FIELD,
            "one_click_unsubscribe_url": {
                "type": "string",
                "format": "https_url",
                "validationMessage": "is not a valid https url",
            },
            "sanitise_content_for": {"type": ["array", "null"], "items": {"type": "string"}},
            **COMMON,
        },
        "required": ["email_address", "template_id"],
        "additionalProperties": False,
    }
)
LETTER_REQUEST = Schema(
    {
        "type": "object",
        "properties": {k: v for k, v in COMMON.items() if k != "scheduled_for"},
        "required": ["template_id", "personalisation"],
        "additionalProperties": False,
    }
)
PRECOMPILED_REQUEST = Schema(
    {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "content": {"type": "string"},
            "postage": {"type": "string", "format": "postage"},
        },
        "required": ["reference", "content"],
        "additionalProperties": False,
    }
)
LIST_QUERY = Schema(
    {
        "type": "object",
        "properties": {
            "template_type": {"type": "array", "items": {"enum": TEMPLATE_TYPES}},
            "status": {"type": "array", "items": {"enum": [*STATUSES, "accepted", "received"]}},
            "reference": {"type": "string"},
            "older_than": UUID_FIELD,
            "include_jobs": {"enum": ["true", "True"]},
        },
        "additionalProperties": False,
    }
)
REPEATABLE = ("template_type", "status")
ISO_FORMAT_HELP = "It must be a valid ISO8601 date time format, https://en.wikipedia.org/wiki/ISO_8601"


def scheduled_for_problems(value: object, now: datetime) -> list[str]:
    """Notify accepts `scheduled_for` up to 24 hours ahead and then ignores it; so do we. Its schema's format
    checks it, so the message comes with the other schema errors (one not a string is the schema's)."""
    if not isinstance(value, str):
        return []
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return [f"scheduled_for datetime format is invalid. {ISO_FORMAT_HELP}"]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    if moment < now:
        return ["scheduled_for datetime can not be in the past"]
    if moment > now + timedelta(hours=24):
        return ["scheduled_for datetime can only be 24 hours in the future"]
    return []


def list_query(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Query pairs as the list schema sees them: repeatable keys as lists, others their first value."""
    query: dict[str, Any] = {}
    for name, value in pairs:
        if name in REPEATABLE:
            query.setdefault(name, []).append(value)
        else:
            query.setdefault(name, value)
    return query


def accepted_json(accepted: Accepted, root: str) -> dict[str, Any]:
    n = accepted.notification
    content: dict[str, Any] = {"body": n.body}
    if n.type == "sms":
        content["from_number"] = n.sender
    elif n.type == "letter":
        content["subject"] = n.subject
    else:
        content |= {
            "from_email": n.sender,
            "subject": n.subject,
            "one_click_unsubscribe_url": n.one_click_unsubscribe_url,
        }
    body: dict[str, Any] = {
        "id": n.id,
        "reference": n.reference,
        "content": content,
        "uri": f"{root}v2/notifications/{n.id}",
        "template": {
            "id": n.template_id,
            "version": n.template_version,
            "uri": f"{root}services/{n.service_id}/templates/{n.template_id}",
        },
        "scheduled_for": None,
    }
    if n.type == "email":
        body["sanitised_content"] = accepted.sanitised_content
    return body


def notification_json(n: Notification, root: str) -> dict[str, Any]:
    ready, pounds, details = cost(n)
    letter = {"estimated_delivery": iso_z(estimated_delivery(n))} if n.type == "letter" else {}
    return letter | {
        "id": n.id,
        "reference": n.reference,
        "email_address": n.to if n.type == "email" else None,
        "phone_number": n.to if n.type == "sms" else None,
        **_address_lines(n),
        "type": n.type,
        "status": n.api_status,
        "template": {
            "id": n.template_id,
            "version": n.template_version,
            "uri": f"{root}v2/template/{n.template_id}/version/{n.template_version}",
        },
        "body": n.body,
        "subject": n.subject,
        "created_at": iso_z(n.created_at),
        "created_by_name": None,
        # a claim's time, before the file was checked: Notify sets it once it sends the letter on to print
        "sent_at": None if n.api_status == "pending-virus-check" else iso_z(n.sent_at),
        "completed_at": iso_z(n.completed_at),
        "scheduled_for": None,
        "postage": n.postage if n.type == "letter" else None,
        "one_click_unsubscribe_url": n.one_click_unsubscribe_url if n.type == "email" else None,
        "is_cost_data_ready": ready,
        "cost_in_pounds": pounds,
        "cost_details": details,
    }


def precompiled_json(n: Notification) -> dict[str, Any]:
    return {"id": n.id, "reference": n.reference, "postage": n.postage}


def _address_lines(n: Notification) -> dict[str, Any]:
    slots = [*n.address, *[None] * 7][:7] if n.type == "letter" else [None] * 7
    return {**{f"line_{i}": slots[i - 1] for i in range(1, 7)}, "postcode": slots[6]}


def list_json(page: ListedPage, query: dict[str, Any], root: str) -> dict[str, Any]:
    """A page of at most 250, and fewer when they would not fit one Lambda answer (long emails) or when the page
    read its budget of the list first (a filter that matches little): `next` goes on from the last one shown, or
    from the last one read, and the clients' iterators follow it until a page is empty."""
    shown = [notification_json(n, root) for n in page.notifications]
    shown = shown[: how_many_fit(shown)]
    resume_after = page.resume_after if len(shown) == len(page.notifications) else None
    if resume_after is None and shown:
        resume_after = page.notifications[len(shown) - 1].id
    base = f"{root}v2/notifications"
    links = {"current": _with_query(base, query)}
    if resume_after is not None:
        rest = {k: v for k, v in query.items() if k != "older_than"}
        # older_than first: the Notify clients page with the first UUID in this link, and a reference may be one
        links["next"] = _with_query(base, {"older_than": resume_after, **rest})
    return {"notifications": shown, "links": links}


def _with_query(base: str, query: dict[str, Any]) -> str:
    return f"{base}?{urlencode(query, doseq=True)}" if query else base
