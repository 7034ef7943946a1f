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
