"""Status filter expansion, cost fields and the sweeper's selection."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.fakes import FixedClock, InMemoryNotificationStore, RecordingQueue
from tidings.domain.notification_queries import expand_statuses
from tidings.domain.notifications import Notification, cost
from tidings.domain.sweep import requeue_stuck

NOW = FixedClock().now()


def notification(**fields: object) -> Notification:
    defaults = {
        "id": "n1", "service_id": "s", "key_type": "normal", "type": "sms", "template_id": "t", "template_version": 1,
        "to": "x", "normalised_to": "x", "body": "b", "sender": "S", "created_at": NOW, "expires_at": NOW + timedelta(days=1),
    }  # fmt: skip
    return Notification.model_validate({**defaults, **fields})


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (
            ["failed"],
            {
                "technical-failure",
                "temporary-failure",
                "permanent-failure",
                "validation-failed",
                "virus-scan-failed",
                "returned-letter",
            },
        ),
        (["accepted"], {"created", "sending"}),
        (["received"], {"delivered"}),
        (["delivered", "sending"], {"delivered", "sending"}),
        ([], None),
    ],
)
def test_status_aliases(requested: list[str], expected: set[str] | None) -> None:
    assert expand_statuses(requested) == (frozenset(expected) if expected is not None else None)


def test_asking_for_every_status_is_no_filter() -> None:
    everything = ["cancelled", "created", "sending", "sent", "delivered", "pending", "failed", "pending-virus-check"]
    assert expand_statuses(everything) is None


def test_cost_fields() -> None:
    assert cost(notification(type="email")) == (True, 0.0, {})
    assert cost(notification(status="created")) == (False, None, {})
    assert cost(notification(status="created", billable_units=2)) == (False, None, {})  # counted, not yet sent
    ready = cost(notification(status="sending", billable_units=2, rate_multiplier=3, sms_rate=Decimal("0.0227")))
    assert ready == (
        True,
        pytest.approx(0.1362),
        {"billable_sms_fragments": 2, "international_rate_multiplier": 3, "sms_rate": 0.0227},
    )


def test_the_sweeper_requeues_only_old_created_notifications() -> None:
    store, queue = InMemoryNotificationStore(), RecordingQueue()
    store.put(notification(id="old", created_at=NOW - timedelta(minutes=10)))
    store.put(notification(id="new", created_at=NOW - timedelta(minutes=1)))
    store.put(notification(id="sent", created_at=NOW - timedelta(minutes=10), status="sending"))
    swept = requeue_stuck(store, queue, NOW, timedelta(minutes=5))
    assert (swept.stuck, swept.requeued, queue.sent) == (1, 1, ["old"])


def test_the_sweeper_stops_when_the_queue_is_down() -> None:
    store = InMemoryNotificationStore()
    store.put(notification(id="old", created_at=NOW - timedelta(minutes=10)))
    assert requeue_stuck(store, RecordingQueue(fail=True), NOW, timedelta(minutes=5)).requeued == 0
