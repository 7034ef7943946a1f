"""Dispatch: one send per notification, simulated outcomes, retries, the last attempt, and whole batches."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import FixedClock, InMemoryNotificationStore, RecordingProviders, RecordingQueue
from tidings.domain.dispatch import (
    CLAIMABLE,
    OPTED_OUT,
    RESERVE_SECONDS,
    TAKEOVER_AFTER,
    DispatchContext,
    Job,
    Outcome,
    close_batch,
    dispatch_batch,
)
from tidings.domain.errors import ProviderError
from tidings.domain.notifications import Notification
from tidings.ports import Move
from tidings_local.sam_template import written

NOW = FixedClock().now()


def stored(store: InMemoryNotificationStore, **fields: Any) -> Notification:
    defaults = {
        "id": "n1", "service_id": "s", "key_type": "normal", "type": "sms", "template_id": "t", "template_version": 1,
        "to": "07700900123", "normalised_to": "447700900123", "body": "Hi", "sender": "GOVUK", "created_at": NOW,
        "expires_at": NOW + timedelta(days=7),
    }  # fmt: skip
    notification = Notification.model_validate({**defaults, **fields})
    store.put(notification)
    return notification


def context(store: InMemoryNotificationStore, providers: RecordingProviders) -> DispatchContext:
    return DispatchContext(store=store, sms=providers, email=providers, now=NOW)


def dispatch(notification_id: str, context: DispatchContext, last: bool = False) -> Outcome:
    """One message on its own (by id, as the sweeper queues it)."""
    return dispatch_batch([Job(notification_id, last_attempt=last)], context)[notification_id]


def test_a_live_sms_is_sent_once_and_keeps_sending_until_a_receipt() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    stored(store)
    assert dispatch("n1", context(store, providers)) == Outcome.SENT
    assert dispatch("n1", context(store, providers)) == Outcome.SKIPPED  # a duplicate message
    assert providers.sent == [{"to": "447700900123", "body": "Hi", "sender": "GOVUK", "notification_id": "n1"}]
    n = store.items["n1"]
    assert (n.status, n.sent_at, store.references["ref-1"].id) == ("sending", NOW, "n1")


def test_a_claim_left_sending_is_sent_by_its_own_message_delivered_again_and_no_other() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    stored(store)
    claim = {"status": "sending", "sent_at": NOW, "updated_at": NOW}
    store.advance_many([Move("n1", CLAIMABLE, claim, ("m1",))])  # claimed by m1, whose invocation then stopped
    running = replace(context(store, providers), now=NOW + TAKEOVER_AFTER)  # it might still be running
    assert dispatch_batch([Job("n1", message_id="m1")], running)["n1"] == Outcome.SKIPPED  # a copy SQS handed out
    again = replace(context(store, providers), now=NOW + timedelta(minutes=3))  # the visibility timeout later
    assert dispatch_batch([Job("n1", message_id="m2")], again)["n1"] == Outcome.SKIPPED  # a duplicate message
    assert providers.sent == []
    both = [Job("n1", message_id="m2"), Job("n1", message_id="m1")]  # m1 delivered again, with a duplicate
    assert dispatch_batch(both, again)["n1"] == Outcome.SENT
    later = replace(again, now=NOW + timedelta(minutes=6))
    assert dispatch_batch([Job("n1", message_id="m1")], later)["n1"] == Outcome.SKIPPED  # claimed by m2 now
    assert len(providers.sent) == 1 and store.items["n1"].status == "sending"


def test_a_claim_is_taken_over_only_once_its_invocation_has_stopped_and_before_its_message_comes_back() -> None:
    template = written(Path(__file__).resolve().parents[3] / "template.yaml")
    timeout = template["Globals"]["Function"]["Timeout"]
    dispatch = template["Resources"]["DispatchFunction"]["Properties"].get("Timeout", timeout)
    visibility = template["Resources"]["DispatchQueue"]["Properties"]["VisibilityTimeout"]
    assert dispatch < TAKEOVER_AFTER.total_seconds() < visibility


def test_international_sms_end_as_sent_until_a_receipt() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    stored(store, normalised_to="12025550123")
    dispatch("n1", context(store, providers))
    assert store.items["n1"].status == "sent"


def test_an_opted_out_recipient_is_never_sent_to() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    stored(store, opted_out=True)
    assert dispatch("n1", context(store, providers)) == Outcome.FAILED
    assert providers.sent == []
    assert (store.items["n1"].status, store.items["n1"].failure_reason) == ("permanent-failure", OPTED_OUT)
    assert store.items["n1"].sent_at is None  # it never reached a provider


def test_an_email_reaches_the_email_provider() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    stored(store, type="email", normalised_to="a@example.com", subject="S", reply_to="r@example.com")
    dispatch("n1", context(store, providers))
    assert providers.sent[0]["to"] == "a@example.com" and providers.sent[0]["reply_to"] == "r@example.com"
    assert providers.sent[0]["notification_id"] == "n1"  # the tag SES echoes in its events
    assert store.references == {}  # so no reference is written for its receipt


@pytest.mark.parametrize(
    ("kind", "recipient", "status"),
    [
        ("sms", "447700900003", "temporary-failure"),
        ("sms", "447700900002", "permanent-failure"),
        ("sms", "447700900999", "delivered"),
        ("email", "temp-fail@simulator.notify", "temporary-failure"),
        ("email", "perm-fail@simulator.notify", "permanent-failure"),
        ("email", "anyone@example.com", "delivered"),
    ],
)
def test_simulated_notifications_never_reach_a_provider(kind: str, recipient: str, status: str) -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    stored(store, type=kind, normalised_to=recipient, simulate=True)
    assert dispatch("n1", context(store, providers)) == Outcome.SIMULATED
    assert providers.sent == [] and store.items["n1"].status == status


def test_a_retryable_error_returns_the_notification_to_created_and_retries() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders(ProviderError("Throttling", retryable=True))
    stored(store)
    assert dispatch("n1", context(store, providers)) == Outcome.RETRY
    assert store.items["n1"].status == "created"
    assert dispatch("n1", context(store, providers)) == Outcome.SENT
    assert len(providers.sent) == 1


def test_the_last_attempt_ends_in_technical_failure_and_still_goes_to_the_dlq() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders(ProviderError("Throttling", retryable=True))
    stored(store)
    assert dispatch("n1", context(store, providers), last=True) == Outcome.RETRY  # the message goes on to the DLQ
    assert (store.items["n1"].status, store.items["n1"].failure_reason) == ("technical-failure", "Throttling")
    assert dispatch("n1", context(store, providers)) == Outcome.SKIPPED  # a redrive sends nothing


def test_an_unexpected_error_fails_only_its_own_notification_and_is_retried() -> None:
    """A bug or an outage in one notification's path (here the provider port raising a RuntimeError) must not
    fail the batch after the claim: the others claimed with it would stay `sending`, never sent."""
    store, providers = InMemoryNotificationStore(), RecordingProviders(RuntimeError("boom"))
    stored(store)
    stored(store, id="n2")
    outcomes = dispatch_batch([Job("n1"), Job("n2")], context(store, providers))
    assert outcomes == {"n1": Outcome.RETRY, "n2": Outcome.SENT}
    assert (store.items["n1"].status, store.items["n1"].sent_at) == ("created", None)  # never sent
    assert store.items["n2"].status == "sending"
    assert dispatch("n1", context(store, providers), last=True) == Outcome.SENT  # the retry claims it again


def test_an_unexpected_error_on_the_last_attempt_is_a_technical_failure() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders(RecursionError())
    stored(store)
    assert dispatch("n1", context(store, providers), last=True) == Outcome.RETRY  # on to the DLQ
    failed = store.items["n1"]
    assert (failed.status, failed.failure_reason, failed.sent_at) == (
        "technical-failure",
        "Unexpected RecursionError",
        None,
    )


def test_a_permanent_error_ends_the_notification_without_retry() -> None:
    error = ProviderError("InvalidParameter", retryable=False, final_status="permanent-failure")
    store, providers = InMemoryNotificationStore(), RecordingProviders(error)
    stored(store)
    assert dispatch("n1", context(store, providers)) == Outcome.FAILED
    assert store.items["n1"].status == "permanent-failure"


def test_an_unknown_id_is_skipped() -> None:
    assert dispatch("nope", context(InMemoryNotificationStore(), RecordingProviders())) == Outcome.SKIPPED


def test_expired_notifications_are_still_dispatched() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    stored(store, expires_at=NOW)  # sms_live_time 0: invisible at once, but still sent
    assert dispatch("n1", context(store, providers)) == Outcome.SENT


def test_a_batch_sends_each_once_and_records_the_references_for_the_receipts() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    carried = stored(store, id="n1")
    stored(store, id="n2", normalised_to="447700900456")
    jobs = [Job("n1", snapshot=carried), Job("n2"), Job("n1", snapshot=carried), Job("nope")]
    assert dispatch_batch(jobs, context(store, providers)) == {
        "n1": Outcome.SENT, "n2": Outcome.SENT, "nope": Outcome.SKIPPED
    }  # fmt: skip
    assert sorted(m["notification_id"] for m in providers.sent) == ["n1", "n2"]
    assert {ref: n.id for ref, n in store.references.items()} == {"ref-1": "n1", "ref-2": "n2"}
    assert store.references["ref-1"].status == "sending"


def test_a_snapshot_does_not_override_the_stored_status() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    carried = stored(store)
    store.advance("n1", ["created"], {"status": "sending"})  # another delivery got there first
    assert dispatch_batch([Job("n1", snapshot=carried)], context(store, providers)) == {"n1": Outcome.SKIPPED}
    assert providers.sent == []


def test_one_retryable_error_in_a_batch_retries_only_that_notification() -> None:
    store, providers = InMemoryNotificationStore(), RecordingProviders(ProviderError("Throttling", retryable=True))
    stored(store, id="n1")
    stored(store, id="n2")
    outcomes = dispatch_batch([Job("n1"), Job("n2")], context(store, providers))
    assert outcomes == {"n1": Outcome.RETRY, "n2": Outcome.SENT}
    assert (store.items["n1"].status, store.items["n2"].status) == ("created", "sending")


def test_what_the_invocation_has_no_time_left_for_goes_back_to_the_queue_unsent() -> None:
    """Long letters render for seconds each: a notification is started only with RESERVE_SECONDS to spare, and
    the rest of the batch is handed back (`created`, retried) instead of being stopped mid-way by Lambda."""
    store, providers = InMemoryNotificationStore(), RecordingProviders()
    for notification_id in ("n1", "n2", "n3"):
        stored(store, id=notification_id)
    left = iter([RESERVE_SECONDS + 5, RESERVE_SECONDS - 0.1, RESERVE_SECONDS - 0.2])
    batch = replace(context(store, providers), time_left=lambda: next(left))
    outcomes = dispatch_batch([Job("n1"), Job("n2"), Job("n3")], batch)
    assert outcomes == {"n1": Outcome.SENT, "n2": Outcome.RETRY, "n3": Outcome.RETRY}
    assert [store.items[i].status for i in ("n1", "n2", "n3")] == ["sending", "created", "created"]
    assert len(providers.sent) == 1


class RefusingStore(InMemoryNotificationStore):
    """Claims work; the closing writes after the sends fail while `down` (a store outage between them)."""

    down = True

    def record_references(self, references: Any) -> None:
        if self.down:
            raise OSError("the store is down")
        super().record_references(references)


def test_closing_writes_refused_after_the_sends_wait_on_the_queue_and_apply_later() -> None:
    store, providers = RefusingStore(), RecordingProviders(ProviderError("Throttling", retryable=True))
    stored(store, id="n1")
    stored(store, id="n2")
    queue = RecordingQueue()
    outcomes = dispatch_batch([Job("n1"), Job("n2")], replace(context(store, providers), queue=queue))
    # n1's way back to `created` waits with the writes: a redelivered message would find it `sending` and skip
    # it, so the queue does not retry it (the sweeper queues it again once it is `created`).
    assert outcomes == {"n1": Outcome.LATER, "n2": Outcome.SENT}
    [closing] = queue.closings
    assert {r: n.id for r, n in closing.references.items()} == {"ref-1": "n2"}
    assert store.items["n1"].status == "sending" and store.references == {}
    store.down = False
    close_batch(closing, store)
    assert store.items["n1"].status == "created" and store.references["ref-1"].id == "n2"


def test_closing_writes_with_nowhere_to_wait_fail_the_batch() -> None:
    store = RefusingStore()
    stored(store)
    with pytest.raises(OSError):
        dispatch("n1", context(store, RecordingProviders()))  # no queue given (POST /v1/sms?live_result=1)
