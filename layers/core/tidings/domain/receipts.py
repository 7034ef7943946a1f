"""Provider receipts: what SES and SMS delivery events mean for a batch of notifications' statuses.

A batch costs one read (two when it mixes the kinds below) and one conditional write. SES events name the
notification themselves (they echo the tag dispatch set), so emails are read by id; SMS and letter receipts
name only the provider's reference, which leads to the notification as recorded when it was sent. A receipt
that comes before its reference is recorded (a send's closing writes waiting on the queue) is kept in the
reference's place, and applied when the reference is written (the references table's stream). The status
changes are announced (callbacks, webhooks) from the notifications table's stream, once written.

The move also stores the provider's reference on the notification: an email's is known nowhere else (its
events name it by id, so dispatch records no reference for it), and the write is made anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tidings.domain.models import TemplateType
from tidings.domain.notifications import Notification
from tidings.domain.statuses import statuses_before
from tidings.ports import Move, NotificationStore


@dataclass(frozen=True)
class Receipt:
    status: str  # delivered, permanent-failure, temporary-failure or technical-failure
    provider_reference: str
    # Whose provider told (SES email, SNS SMS, the printer letters): it moves a notification of that type only,
    # so a provider can never move another channel's (the references table holds SMS and letters alike).
    channel: TemplateType
    reason: str | None = None
    notification_id: str | None = None  # when the event names it (SES): no reference to look up


def apply_receipts(
    receipts: Sequence[Receipt],
    store: NotificationStore,
    now: datetime,
) -> list[Notification]:
    """The notifications moved on. A receipt for a reference not recorded is kept for it (the store applies
    it when the reference comes); one for a notification already further on (late, duplicate) changes nothing."""
    named = {r.notification_id for r in receipts if r.notification_id is not None}
    referenced = {r.provider_reference for r in receipts if r.notification_id is None}
    by_reference = store.owners(referenced) if referenced else {}
    unmatched = [r for r in receipts if r.notification_id is None and r.provider_reference not in by_reference]
    if unmatched and (recorded_meanwhile := store.keep_unmatched(unmatched, now)):
        by_reference |= store.owners(recorded_meanwhile)
    by_name = store.load_many(named, content=False) if named else {}  # a receipt needs no body
    changes: dict[str, dict[str, object]] = {}
    for receipt in receipts:
        if receipt.notification_id is None:
            owner = by_reference.get(receipt.provider_reference)
        else:
            owner = by_name.get(receipt.notification_id)
        if owner is not None and owner.type == receipt.channel:
            change: dict[str, object] = {
                "status": receipt.status,
                "updated_at": now,
                "provider_reference": receipt.provider_reference,
            }
            if receipt.reason:
                change["failure_reason"] = receipt.reason
            changes[owner.id] = change  # the last receipt for a notification wins
    by_id = {owner.id: owner for owner in (*by_reference.values(), *by_name.values())}
    moves = [Move(i, statuses_before(str(change["status"])), change) for i, change in changes.items()]
    moved = store.advance_many(moves) if moves else set()
    return [by_id[i].model_copy(update=changes[i]) for i in sorted(moved)]
