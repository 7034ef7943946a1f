"""A notification, its statuses, and the rules that depend only on it (simulation, cost, visibility)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from tidings.domain.letters.postage import letter_price
from tidings.domain.models import KeyType, Postage, Record, TemplateType

# The server's enum order: it is also the order of the "is not one of" message.
STATUSES = [
    "cancelled", "created", "sending", "sent", "delivered", "pending", "failed", "technical-failure",
    "temporary-failure", "permanent-failure", "pending-virus-check", "validation-failed", "virus-scan-failed",
    "returned-letter",
]  # fmt: skip
FILTER_ALIASES = {
    "failed": [
        "technical-failure", "temporary-failure", "permanent-failure", "validation-failed", "virus-scan-failed",
        "returned-letter",
    ],
    "accepted": ["created", "sending"],
    "received": ["delivered"],
}  # fmt: skip
COMPLETED = frozenset(
    {
        "sent", "delivered", "failed", "technical-failure", "temporary-failure", "permanent-failure",
        "returned-letter", "cancelled", "validation-failed",
    }
)  # fmt: skip
FINAL = COMPLETED - {"sent"} | {"virus-scan-failed"}
Status = Literal[
    "cancelled", "created", "sending", "sent", "delivered", "pending", "failed", "technical-failure",
    "temporary-failure", "permanent-failure", "pending-virus-check", "validation-failed", "virus-scan-failed",
    "returned-letter",
]  # fmt: skip

LETTER_STATUS_NAMES = {
    "created": "accepted",
    "sending": "accepted",
    "delivered": "received",
    "returned-letter": "received",
}
LETTER_NEVER_SENT = frozenset({"cancelled", "technical-failure", "validation-failed", "virus-scan-failed"})

SIMULATED_PHONE_NUMBERS = frozenset({"447700900000", "447700900111", "447700900222"})
SIMULATED_EMAILS = frozenset(f"simulate-delivered{suffix}@notifications.service.gov.uk" for suffix in ("", "-2", "-3"))
TEST_SMS_OUTCOMES = {"7700900003": "temporary-failure", "7700900002": "permanent-failure"}
TEST_EMAIL_OUTCOMES = {
    "temp-fail@simulator.notify": "temporary-failure",
    "perm-fail@simulator.notify": "permanent-failure",
}


class Notification(Record):
    id: str
    service_id: str
    key_type: KeyType
    type: TemplateType
    template_id: str
    template_version: int
    to: str  # as submitted (trimmed): what GET shows
    normalised_to: str  # E.164 digits or the lowercased address: what providers get
    reference: str | None = None
    status: Status = "created"
    body: str
    subject: str | None = None
    sender: str  # SMS sender ID / number, or the From address
    reply_to: str | None = None
    one_click_unsubscribe_url: str | None = None
    billable_units: int = 0  # SMS fragments
    rate_multiplier: int = 1
    sms_rate: Decimal = Decimal(0)
    simulate: bool = False  # test keys and test-mode senders never reach a provider
    dialect: Literal["v2", "v1"] = "v2"  # /v1 SMS are listed apart from /v2 notifications
    opted_out: bool = False  # the recipient sent STOP: it ends as permanent-failure, never sent
    created_at: datetime
    updated_at: datetime | None = None
    sent_at: datetime | None = None
    provider_reference: str | None = None
    failure_reason: str | None = None
    expires_at: datetime
    extra: dict[str, Any] = Field(default_factory=dict)
    # Letters only: the 7 address values as given (GET's line_1…line_6, postcode), postage, the rendered
    # contact block, sheets of paper once the PDF exists, and whether the client sent the PDF itself.
    address: list[str | None] = Field(default_factory=list)
    postage: Postage | None = None
    letter_contact_block: str | None = None
    billable_sheets: int = 0
    precompiled: bool = False

    def visible_at(self, now: datetime) -> bool:
        """Expired notifications are invisible whether or not DynamoDB's TTL has deleted them yet."""
        return self.expires_at > now

    @property
    def completed_at(self) -> datetime | None:
        return self.updated_at if self.status in COMPLETED else None

    @property
    def times_out(self) -> bool:
        """Whether `sending` ends after the receipt window: for SMS and email, and for a letter only when its
        sheets were never recorded (a printed one waits for the printer's word however long it takes)."""
        return self.type != "letter" or not self.billable_sheets

    @property
    def api_status(self) -> str:
        """The status the API shows: letters read `accepted` until printed and `received` after (spec §4)."""
        if self.type != "letter":
            return self.status
        if self.precompiled and self.status in ("created", "sending") and not self.billable_sheets:
            return "pending-virus-check"  # claimed by a dispatch, or back for a retry: not checked yet
        return LETTER_STATUS_NAMES.get(self.status, self.status)

    @property
    def listed_status(self) -> str:
        """The status a list's `status` filter matches (stored names, which its aliases expand to), except that a
        precompiled letter not yet checked is `pending-virus-check`, as it shows."""
        shown = self.api_status
        return shown if shown == "pending-virus-check" else self.status


# What a provider reference keeps of its notification (and a deferred closing carries on the queue): a receipt
# moves the notification by id, and callbacks are built from the stored one. The copy outlives a /v1 SMS its
# sender deletes (and may wait in a DLQ), so it keeps none of what was sent, to whom, or the sender's webhook.
CONTENT_LEFT_OUT: dict[str, object] = {
    "body": "",
    "subject": None,
    "to": "",
    "normalised_to": "",
    "address": [],
    "letter_contact_block": None,
    "reply_to": None,
    "one_click_unsubscribe_url": None,
    "extra": {},
}


def without_content(notification: Notification) -> Notification:
    return notification.model_copy(update=CONTENT_LEFT_OUT)


def content_bytes(body: str, subject: str | None) -> int:
    return len(body.encode()) + len((subject or "").encode())


def within_content_bytes(
    notifications: list[Notification], budget: int | None, size: Callable[[Notification], int] | None = None
) -> list[Notification]:
    """The first notifications whose content (`size`, by default their body and subject) comes to `budget`
    bytes, and the one that passes it: a page of long emails reads only what one answer could show."""
    if budget is None:
        return notifications
    used = 0
    for count, n in enumerate(notifications, start=1):
        used += size(n) if size else content_bytes(n.body, n.subject)
        if used > budget:
            return notifications[:count]
    return notifications


def packed_content(body: str, subject: str | None) -> bytes:
    """Body and subject compressed together: how a long notification is stored, so what must fit one record."""
    return zlib.compress(json.dumps({"body": body, "subject": subject}, ensure_ascii=False).encode())


def unpacked_content(packed: bytes) -> dict[str, Any]:
    """`packed_content` back as the fields it holds."""
    content: dict[str, Any] = json.loads(zlib.decompress(packed))
    return content


def simulated_outcome(notification: Notification) -> Status:
    if notification.type == "letter":
        return "delivered"  # test-key letters are received at once (spec §6)
    if notification.type == "sms":
        for ending, outcome in TEST_SMS_OUTCOMES.items():
            if notification.normalised_to.endswith(ending):
                return outcome  # type: ignore[return-value]
        return "delivered"
    return TEST_EMAIL_OUTCOMES.get(notification.normalised_to, "delivered")  # type: ignore[return-value]


def cost(notification: Notification) -> tuple[bool, float | None, dict[str, Any]]:
    """(is_cost_data_ready, cost_in_pounds, cost_details) as GET shows them."""
    if notification.type == "email":
        return True, 0.0, {}
    if notification.type == "letter":
        return _letter_cost(notification)
    if notification.status == "created":  # Notify counts the fragments when it sends: no cost until then
        return False, None, {}
    units, multiplier = notification.billable_units, notification.rate_multiplier
    details = {
        "billable_sms_fragments": units,
        "international_rate_multiplier": multiplier,
        "sms_rate": float(notification.sms_rate),
    }
    return True, float(notification.sms_rate * units * multiplier), details


def _letter_cost(notification: Notification) -> tuple[bool, float | None, dict[str, Any]]:
    postage = notification.postage or "second"
    if notification.status in LETTER_NEVER_SENT:
        return True, 0.0, {"billable_sheets_of_paper": 0, "postage": postage}
    if notification.status == "pending-virus-check" or not notification.billable_sheets:
        return False, None, {}
    sheets = notification.billable_sheets
    return True, float(letter_price(sheets, postage)), {"billable_sheets_of_paper": sheets, "postage": postage}
