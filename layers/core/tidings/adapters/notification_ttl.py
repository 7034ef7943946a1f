"""When TTL deletes what is kept of a notification: its item, and the provider reference that leads to it."""

from __future__ import annotations

from datetime import datetime, timedelta

from tidings.domain.notifications import Notification

TTL_ATTRIBUTE = "delete_after"  # the notifications table's TimeToLiveSpecification (template.yaml)
REFERENCE_KEPT_AT_LEAST = timedelta(days=4)  # receipts may come until the 72-hour sending timeout
ANCHOR_KEPT = timedelta(days=1)


def kept_until(notification: Notification) -> datetime:
    """A day after it is no longer shown (a list page that stopped at its budget may name it as where the next
    goes on), and not before its receipt could still come (a /v1 SMS shown for no time must still be sent)."""
    return max(notification.expires_at + ANCHOR_KEPT, notification.created_at + REFERENCE_KEPT_AT_LEAST)
