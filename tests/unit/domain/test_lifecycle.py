"""Receipts, forward-only statuses, callbacks, inbound keywords and timeouts."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes import FixedClock, InMemoryNotificationStore
from tidings.api.provider_events import (
    from_recorded_reference,
    from_sms_log_events,
    from_sns_envelope,
    from_topic_message,
)
from tidings.domain.callbacks import Announcer, CallbackJob, callback_type, delivery_receipt, retryable_response
from tidings.domain.complaints import Complaint
from tidings.domain.inbound import IncomingText, build_inbound, opt_out_change
from tidings.domain.models import Callback, OptOut, Service, ServiceBundle
from tidings.domain.notifications import Notification
from tidings.domain.receipts import Receipt, apply_receipts
from tidings.domain.statuses import RANK, may_move
from tidings.domain.sweep import time_out_sending

NOW = FixedClock().now()
RECEIPT_STATUSES = ["delivered", "permanent-failure", "temporary-failure", "technical-failure"]


def notification(**fields: Any) -> Notification:
    defaults = {
        "id": "n1", "service_id": "svc", "key_type": "normal", "type": "sms", "template_id": "t", "template_version": 2,
        "to": "07700900123", "normalised_to": "447700900123", "body": "Hi", "sender": "S", "created_at": NOW,
        "expires_at": NOW + timedelta(days=7), "status": "sending",
    }  # fmt: skip
    return Notification.model_validate({**defaults, **fields})


def test_finals_are_never_left_and_nothing_moves_back() -> None:
    assert may_move("created", "sending") and may_move("sending", "delivered") and may_move("sent", "delivered")
    assert not may_move("delivered", "sending") and not may_move("delivered", "permanent-failure")
    assert not may_move("sending", "created")


@given(st.lists(st.sampled_from(["sending", "pending", "sent", *RECEIPT_STATUSES]), max_size=12))
def test_receipts_in_any_order_never_move_a_status_backwards(arrivals: list[str]) -> None:
    store = InMemoryNotificationStore()
    store.put(notification(status="created"))
    store.references["m1"] = notification()
    history = ["created"]
    for status in arrivals:
        apply_receipts([Receipt(status=status, provider_reference="m1", channel="sms")], store, NOW)
        history.append(store.items["n1"].status)
    ranks = [RANK[s] for s in history]
    assert ranks == sorted(ranks)  # never backwards
    finals = [s for s in history if RANK[s] == 4]
    assert len(set(finals)) <= 1  # the first final status is the last


def test_a_batch_of_receipts_moves_each_known_notification() -> None:
    store = InMemoryNotificationStore()
    for n in (notification(id="n1"), notification(id="n2"), notification(id="n3", status="delivered")):
        store.put(n)
        store.references[f"ref-{n.id}"] = notification(id=n.id)
    receipts = [
        Receipt(status="delivered", provider_reference="ref-n1", channel="sms"),
        Receipt(status="permanent-failure", provider_reference="ref-n2", reason="Bounce", channel="sms"),
        Receipt(
            status="temporary-failure", provider_reference="ref-n3", channel="sms"
        ),  # already final: nothing changes
        Receipt(status="delivered", provider_reference="unknown", channel="sms"),
    ]
    moved = apply_receipts(receipts, store, NOW)
    assert [(n.id, n.status, n.updated_at) for n in moved] == [
        ("n1", "delivered", NOW),
        ("n2", "permanent-failure", NOW),
    ]
    assert (store.items["n2"].status, store.items["n2"].failure_reason) == ("permanent-failure", "Bounce")
    assert store.items["n3"].status == "delivered"


def test_receipts_that_name_their_notification_need_no_reference() -> None:
    store = InMemoryNotificationStore()
    store.put(notification(id="n1", type="email", body="Hello"))
    receipts = [
        Receipt(status="delivered", provider_reference="ses-1", channel="email", notification_id="n1"),
        Receipt(
            status="delivered", provider_reference="ses-2", channel="email", notification_id="gone"
        ),  # expired meanwhile
    ]
    moved = apply_receipts(receipts, store, NOW)
    assert [(n.id, n.status) for n in moved] == [("n1", "delivered")]
    assert store.items["n1"].status == "delivered"


def test_a_receipt_for_a_reference_not_recorded_is_kept_and_the_last_one_wins() -> None:
    store = InMemoryNotificationStore()
    store.put(notification(id="n1"))
    store.references["ref-n1"] = notification(id="n1")
    receipts = [
        Receipt(status="delivered", provider_reference="ref-n1", channel="sms"),
        Receipt(
            status="temporary-failure", provider_reference="later", reason="Carrier could not deliver", channel="sms"
        ),
        Receipt(status="delivered", provider_reference="later", channel="sms"),
        Receipt(
            status="delivered", provider_reference="ses-1", channel="email", notification_id="gone"
        ),  # names its own: not kept
    ]
    assert [n.id for n in apply_receipts(receipts, store, NOW)] == ["n1"]
    assert store.unmatched == {"later": Receipt(status="delivered", provider_reference="later", channel="sms")}


class RecordedMeanwhile(InMemoryNotificationStore):
    """The reference is recorded between the receipts' read and keeping the receipt (the condition refuses)."""

    def owners(self, references: Collection[str]) -> dict[str, Notification]:
        self.reads = getattr(self, "reads", 0) + 1
        return {} if self.reads == 1 else super().owners(references)


def test_a_reference_recorded_while_its_receipt_was_kept_applies_the_receipt_at_once() -> None:
    store = RecordedMeanwhile()
    store.put(notification(id="n1"))
    store.references["ref-n1"] = notification(id="n1")
    moved = apply_receipts([Receipt(status="delivered", provider_reference="ref-n1", channel="sms")], store, NOW)
    assert [(n.id, n.status) for n in moved] == [("n1", "delivered")] and store.unmatched == {}


def recorded_reference(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {"eventName": "MODIFY", "dynamodb": {"OldImage": old, "NewImage": new}}


def test_a_kept_receipt_is_read_back_when_its_reference_replaces_it() -> None:
    kept = {"provider_reference": {"S": "m1"}, "receipt_status": {"S": "permanent-failure"}}
    recorded = {"provider_reference": {"S": "m1"}, "notification": {"M": {"id": {"S": "n1"}, "type": {"S": "sms"}}}}
    told = {**kept, "receipt_reason": {"S": "Carrier refused"}, "receipt_channel": {"S": "letter"}}
    receipt = from_recorded_reference(recorded_reference(told, recorded))
    # the channel that told it, which apply_receipts holds to the notification's type
    assert receipt == Receipt("permanent-failure", "m1", "letter", "Carrier refused", notification_id="n1")
    older = from_recorded_reference(recorded_reference(kept, recorded))  # kept before receipts named a channel
    assert older == Receipt("permanent-failure", "m1", "sms", notification_id="n1")
    assert from_recorded_reference(recorded_reference(kept, {**kept, "receipt_status": {"S": "delivered"}})) is None
    assert from_recorded_reference(recorded_reference(recorded, recorded)) is None  # a reference written again


def ses(event_type: str, bounce: str | None = None, tags: dict[str, list[str]] | None = None) -> str:
    mail = {"messageId": "m1", "tags": tags if tags is not None else {"any": ["tag"]}}
    event: dict[str, Any] = {"eventType": event_type, "mail": mail}
    if bounce:
        event["bounce"] = {"bounceType": bounce}
    return json.dumps(event)


def from_ses_event(message: str) -> Receipt | None:
    return from_topic_message(message, NOW, from_printer=False)[0]


def complaint_from_ses_event(message: str, received_at: datetime) -> Complaint | None:
    receipt, complaint = from_topic_message(message, received_at, from_printer=False)
    assert complaint is None or receipt == Receipt(
        "delivered", "m1", "email", None, notification_id=complaint.notification_id
    )
    return complaint


def test_ses_events() -> None:
    assert from_ses_event(ses("Delivery")) == Receipt("delivered", "m1", "email", None)
    named = from_ses_event(ses("Delivery", tags={"notification_id": ["n1"], "other": ["x"]}))
    assert named == Receipt("delivered", "m1", "email", None, notification_id="n1")
    assert from_ses_event(ses("Bounce", "Permanent")).status == "permanent-failure"  # type: ignore[union-attr]
    assert from_ses_event(ses("Bounce", "Transient")).status == "temporary-failure"  # type: ignore[union-attr]
    assert from_ses_event(ses("Complaint")).status == "delivered"  # type: ignore[union-attr]
    assert from_ses_event(ses("Send")) is None
    assert from_ses_event("not json") is None


def test_the_print_topic_carries_the_print_providers_answers_and_only_those(caplog: pytest.LogCaptureFixture) -> None:
    printed = json.dumps({"eventType": "LetterReceived", "printReference": "p1"})
    assert from_topic_message(printed, NOW, from_printer=True) == (Receipt("delivered", "p1", "letter"), None)
    lost = json.dumps({"eventType": "LetterLost", "printReference": "p1"})
    assert from_topic_message(lost, NOW, from_printer=True) == (None, None)
    assert from_topic_message("", NOW, from_printer=True) == (None, None)
    assert from_topic_message(printed, NOW, from_printer=False) == (None, None)  # SES's topic: SES's events only
    assert "print event on SES's topic" in caplog.text  # said, so a printer publishing there is noticed
    bounced = ses("Bounce", "Permanent", tags={"notification_id": ["n1"]})
    assert from_topic_message(bounced, NOW, from_printer=True) == (None, None)  # the printer tells of no email


def test_the_envelope_says_which_topic_a_message_came_from() -> None:
    printed = json.dumps({"eventType": "LetterReceived", "printReference": "p1"})
    envelope = json.dumps({"Type": "Notification", "TopicArn": "arn:print", "Message": printed})
    assert from_sns_envelope(envelope, NOW, "arn:print") == (Receipt("delivered", "p1", "letter"), None)
    assert from_sns_envelope(envelope, NOW, "arn:other") == (None, None)
    for body in ("not json", "[]", json.dumps({"TopicArn": "arn:print"}), json.dumps({"Message": printed})):
        assert from_sns_envelope(body, NOW, "arn:print") == (None, None)


def test_a_receipt_moves_only_a_notification_of_its_own_channel() -> None:
    """The references table holds SMS and letters alike: a print reference naming an SMS's moves nothing."""
    store = InMemoryNotificationStore()
    store.put(notification(id="n1"))
    store.references["sns-1"] = notification(id="n1")
    store.put(notification(id="e1", type="email"))
    receipts = [
        Receipt(status="permanent-failure", provider_reference="sns-1", channel="letter"),
        Receipt(status="permanent-failure", provider_reference="ses-1", channel="letter", notification_id="e1"),
    ]
    assert apply_receipts(receipts, store, NOW) == []
    assert (store.items["n1"].status, store.items["e1"].status) == ("sending", "sending")
    moved = apply_receipts([Receipt(status="delivered", provider_reference="sns-1", channel="sms")], store, NOW)
    assert [(n.id, n.status) for n in moved] == [("n1", "delivered")]


def test_ses_complaints_name_their_notification_and_keep_one_id() -> None:
    """The complaint id comes from SES's feedback id, so a complaint SNS delivers twice is told with one id."""
    received = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    event = json.loads(ses("Complaint", tags={"notification_id": ["n1"]}))
    told = {**event, "complaint": {"feedbackId": "fb-1", "timestamp": "2026-12-04T11:58:30.000Z"}}
    first, again = (complaint_from_ses_event(json.dumps(told), received) for _ in range(2))
    assert first == again and first is not None
    assert (first.notification_id, first.complained_at) == ("n1", datetime(2026, 12, 4, 11, 58, 30, tzinfo=UTC))
    other = complaint_from_ses_event(json.dumps({**told, "complaint": {"feedbackId": "fb-2"}}), received)
    assert other is not None and other.complaint_id != first.complaint_id and other.complained_at == received
    assert complaint_from_ses_event(ses("Delivery", tags={"notification_id": ["n1"]}), received) is None
    assert complaint_from_ses_event(ses("Complaint"), received) is None  # no notification named
    assert complaint_from_ses_event("not json", received) is None


def test_sms_delivery_logs() -> None:
    entries = [
        {"notification": {"messageId": "a"}, "status": "SUCCESS"},
        {
            "notification": {"messageId": "b"},
            "delivery": {"providerResponse": "Invalid phone number"},
            "status": "FAILURE",
        },
        {
            "notification": {"messageId": "c"},
            "delivery": {"providerResponse": "Phone carrier has blocked this message"},
            "status": "FAILURE",
        },
        {
            "notification": {"messageId": "d"},
            "delivery": {"providerResponse": "Unknown error attempting to reach phone"},
            "status": "FAILURE",
        },
        {"nonsense": True},
    ]
    data = {"logEvents": [{"message": json.dumps(e)} for e in entries]}
    receipts = from_sms_log_events(base64.b64encode(gzip.compress(json.dumps(data).encode())).decode())
    assert [(r.provider_reference, r.status) if r else None for r in receipts] == [
        ("a", "delivered"), ("b", "permanent-failure"), ("c", "permanent-failure"), ("d", "temporary-failure"), None,
    ]  # fmt: skip
    assert from_sms_log_events("!!not base64!!") == [None]


class Jobs:
    def __init__(self) -> None:
        self.jobs: list[CallbackJob] = []

    def enqueue(self, job: CallbackJob) -> None:
        self.jobs.append(job)


def bundle_with_callbacks() -> ServiceBundle:
    callbacks = [
        Callback(id="c1", type="delivery_status", url="https://x/status", bearer_token="t" * 10, created_at=NOW),
        Callback(id="c2", type="inbound_sms", url="https://x/inbound", bearer_token="t" * 10, created_at=NOW),
    ]
    return ServiceBundle(service=Service(id="svc", name="S", email_from="s", created_at=NOW), callbacks=callbacks)


def test_delivery_callbacks_only_for_final_statuses() -> None:
    jobs = Jobs()
    announcer = Announcer(lambda _: bundle_with_callbacks(), jobs, lambda n: {"uuid": n.id})
    announcer.status_changed(notification(status="sending"))
    announcer.status_changed(notification(status="delivered", updated_at=NOW))
    [job] = jobs.jobs
    assert (job.kind, job.url) == ("delivery_status", "https://x/status")
    assert job.payload == delivery_receipt(notification(status="delivered", updated_at=NOW))
    assert job.payload["template_version"] == 2 and job.payload["completed_at"].endswith("Z")


def test_v1_webhooks_hear_every_change_and_notifys_delivery_callback_none() -> None:
    """A /v1 SMS has no template for Notify's receipt to name (and /v2 does not show it)."""
    jobs = Jobs()
    announcer = Announcer(lambda _: bundle_with_callbacks(), jobs, lambda n: {"uuid": n.id, "status": n.status})
    extra = {"sender": {"webhook_url": "https://shop/hook"}}
    for status in ("sending", "delivered"):
        announcer.status_changed(notification(status=status, dialect="v1", extra=extra))
    assert [(j.kind, j.payload["status"]) for j in jobs.jobs] == [
        ("v1_webhook", "sending"),
        ("v1_webhook", "delivered"),
    ]


def test_inbound_callbacks_and_keywords() -> None:
    jobs = Jobs()
    text = IncomingText("+447700900123", "07700900456", "stop please", NOW, "m-1")
    message = build_inbound(bundle_with_callbacks(), text)
    Announcer(lambda _: None, jobs, lambda n: {}).inbound(bundle_with_callbacks(), message)
    assert jobs.jobs[0].payload == {
        "id": message.id, "source_number": "447700900123", "destination_number": "07700900456",
        "message": "stop please", "date_received": "2026-11-22T12:00:00.000000Z",
    }  # fmt: skip
    assert isinstance(opt_out_change(text), OptOut)
    assert opt_out_change(IncomingText("a", "b", " Start ", NOW, "m-2")) is True
    assert opt_out_change(IncomingText("a", "b", "Unsubscribe", NOW, "m-3")) is not None
    assert opt_out_change(IncomingText("a", "b", "please stop", NOW, "m-4")) is None


def test_retry_rules() -> None:
    assert [retryable_response(s) for s in (None, 500, 503, 429, 400, 404, 200)] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_sending_for_too_long_times_out() -> None:
    store = InMemoryNotificationStore()
    store.put(notification(id="old", created_at=NOW - timedelta(hours=73)))
    store.put(notification(id="new", created_at=NOW - timedelta(hours=1)))
    store.put(notification(id="printed", type="letter", billable_sheets=1, created_at=NOW - timedelta(days=9)))
    store.put(notification(id="unrecorded", type="letter", created_at=NOW - timedelta(hours=73)))
    assert time_out_sending(store, NOW, timedelta(hours=72)) == 2
    assert (store.items["old"].status, store.items["new"].status) == ("temporary-failure", "sending")
    assert (store.items["printed"].status, store.items["unrecorded"].status) == ("sending", "technical-failure")


def test_an_inbound_texts_id_comes_from_the_providers() -> None:
    text = IncomingText("+447700900123", "07700900456", "Hi", NOW, "m-1")
    same = build_inbound(bundle_with_callbacks(), text).id
    assert build_inbound(bundle_with_callbacks(), text).id == same  # delivered again: the same message
    assert build_inbound(bundle_with_callbacks(), replace(text, message_id="m-2")).id != same


def test_a_complaint_goes_to_the_delivery_status_callback() -> None:
    assert [callback_type(kind) for kind in ("delivery_status", "complaint", "inbound_sms")] == [
        "delivery_status",
        "delivery_status",
        "inbound_sms",
    ]
