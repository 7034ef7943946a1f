"""A notification, its statuses, and the rules that depend only on it (simulation, cost, visibility)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from tidings.domain.models import KeyType, Record, TemplateType

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

    def visible_at(self, now: datetime) -> bool:
        """Expired notifications are invisible whether or not DynamoDB's TTL has deleted them yet."""
        return self.expires_at > now

    @property
    def completed_at(self) -> datetime | None:
        return self.updated_at if self.status in COMPLETED else None


def simulated_outcome(notification: Notification) -> Status:
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
    if notification.status == "created" and not notification.billable_units:
        return False, None, {}
    units, multiplier = notification.billable_units, notification.rate_multiplier
    details = {
        "billable_sms_fragments": units,
        "international_rate_multiplier": multiplier,
        "sms_rate": float(notification.sms_rate),
    }
    return True, float(notification.sms_rate * units * multiplier), details
