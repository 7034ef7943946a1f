"""Provider receipts: what SES and SMS delivery events mean for a batch of notifications' statuses.

A batch costs one read (the provider references → the notifications as they were sent) and one
conditional write; the status changes are announced from what was recorded at sending, without a re-read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tidings.domain.notifications import Notification
from tidings.domain.statuses import statuses_before
from tidings.ports import Move, NotificationStore


@dataclass(frozen=True)
class Receipt:
    status: str  # delivered, permanent-failure, temporary-failure or technical-failure
    provider_reference: str
    reason: str | None = None


def apply_receipts(
    receipts: Sequence[Receipt],
    store: NotificationStore,
    announce: Callable[[Notification], None],
    now: datetime,
) -> list[Notification]:
    """The notifications moved on; receipts for unknown references, or for notifications already further
    on (late, duplicate), change nothing."""
    owners = store.owners({r.provider_reference for r in receipts}) if receipts else {}
    changes: dict[str, dict[str, object]] = {}
    for receipt in receipts:
        owner = owners.get(receipt.provider_reference)
        if owner is not None:
            change: dict[str, object] = {"status": receipt.status, "updated_at": now}
            if receipt.reason:
                change["failure_reason"] = receipt.reason
            changes[owner.id] = change  # the last receipt for a notification wins
    by_id = {owner.id: owner for owner in owners.values()}
    moves = [Move(i, statuses_before(str(change["status"])), change) for i, change in changes.items()]
    moved = store.advance_many(moves) if moves else set()
    announced = [by_id[i].model_copy(update=changes[i]) for i in sorted(moved)]
    for notification in announced:
        announce(notification)
    return announced
