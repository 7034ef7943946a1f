"""Recovering notifications whose queue message never arrived: stored `created`, so enqueue again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tidings.domain.errors import QueueUnavailable
from tidings.domain.notifications import Notification
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


def time_out_sending(
    store: NotificationStore, announce: Callable[[Notification], None], now: datetime, after: timedelta
) -> int:
    """`sending` with no receipt for longer than `after` becomes temporary-failure (and calls back), as in Notify."""
    timed_out = 0
    for notification_id in store.sending_since(now - after):
        changes = {"status": "temporary-failure", "updated_at": now, "failure_reason": "No receipt in time"}
        moved = store.advance(notification_id, ["sending"], changes)
        if moved is not None:
            announce(moved)
            timed_out += 1
    return timed_out
