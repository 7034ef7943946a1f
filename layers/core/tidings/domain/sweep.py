"""Recovering notifications whose queue message never arrived: stored `created`, so enqueue again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tidings.domain.errors import QueueUnavailable
from tidings.ports import DispatchQueue, NotificationStore


@dataclass(frozen=True)
class Swept:
    stuck: int
    requeued: int
    timed_out: int = 0


def requeue_stuck(store: NotificationStore, queue: DispatchQueue, now: datetime, after: timedelta) -> Swept:
    """A duplicate message is harmless: dispatch claims `created → sending` once."""
    stuck = store.awaiting_dispatch(now - after)
    requeued = 0
    for notification_id in stuck:
        try:
            queue.enqueue(notification_id)
        except QueueUnavailable:
            break  # the queue is down: the next run tries again
        requeued += 1
    return Swept(stuck=len(stuck), requeued=requeued)


def time_out_sending(store: NotificationStore, now: datetime, after: timedelta) -> int:
    """`sending` with no receipt for longer than `after` becomes temporary-failure, as in Notify (and calls back,
    from the table's stream)."""
    timed_out = 0
    for notification_id in store.sending_since(now - after):
        changes = {"status": "temporary-failure", "updated_at": now, "failure_reason": "No receipt in time"}
        if store.advance(notification_id, ["sending"], changes) is not None:
            timed_out += 1
    return timed_out
