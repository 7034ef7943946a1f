"""Recovering notifications whose queue message never arrived: stored `created`, so enqueue again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tidings.ports import DispatchQueue, NotificationStore


@dataclass(frozen=True)
class Swept:
    stuck: int
    requeued: int
    timed_out: int = 0


def requeue_stuck(store: NotificationStore, queue: DispatchQueue, now: datetime, after: timedelta) -> Swept:
    """A duplicate message is harmless: dispatch claims `created → sending` once. Ten to a request, so a queue
    outage's backlog takes a tenth of the requests (what the queue fails, the next run tries again)."""
    stuck = store.awaiting_dispatch(now - after)
    return Swept(stuck=len(stuck), requeued=queue.enqueue_ids(stuck) if stuck else 0)


NO_RECEIPT = {"status": "temporary-failure", "failure_reason": "No receipt in time"}
# A letter has no temporary-failure in Notify; one never recorded as printed may or may not have reached the printer.
NOT_PRINTED = {"status": "technical-failure", "failure_reason": "No record of it reaching the printer"}


def time_out_sending(store: NotificationStore, now: datetime, after: timedelta) -> int:
    """`sending` with no receipt for longer than `after` becomes temporary-failure, as in Notify (and calls back,
    from the table's stream); a letter never recorded as printed, technical-failure."""
    timed_out = 0
    for notification in store.sending_since(now - after):
        changes = {**(NOT_PRINTED if notification.type == "letter" else NO_RECEIPT), "updated_at": now}
        if store.advance(notification.id, ["sending"], changes) is not None:
            timed_out += 1
    return timed_out
