"""Provider receipts: what SES and SMS delivery events mean for a notification's status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tidings.domain.notifications import Notification
from tidings.domain.statuses import statuses_before
from tidings.ports import NotificationStore


@dataclass(frozen=True)
class Receipt:
    status: str  # delivered, permanent-failure, temporary-failure or technical-failure
    notification_id: str | None = None  # from the provider's tag or context, when it echoes one
    provider_reference: str | None = None
    reason: str | None = None


def apply_receipt(
    receipt: Receipt,
    store: NotificationStore,
    find_by_reference: Callable[[str], str | None],
    now: datetime,
) -> Notification | None:
    """Move the notification forward; None when it is unknown or already further on (late, duplicate)."""
    notification_id = receipt.notification_id
    if notification_id is None and receipt.provider_reference:
        notification_id = find_by_reference(receipt.provider_reference)
    if notification_id is None:
        return None
    changes: dict[str, object] = {"status": receipt.status, "updated_at": now}
    if receipt.reason:
        changes["failure_reason"] = receipt.reason
    return store.advance(notification_id, statuses_before(receipt.status), changes)
