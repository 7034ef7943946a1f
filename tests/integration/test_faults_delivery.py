"""Faults on the delivery path (issue #9): provider throttling, a permanent provider error, a provider outage,
and a poison message. Faults are SES and SNS error responses injected on the adapters' own clients; the
dispatch queue's visibility timeout is 0 for these tests so a retried message comes back at the next poll,
and every poll is driven by hand (no clock, no waiting).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError

from tests.fakes import FixedClock
from tests.integration.conftest import InProcessApi, SeededService, announce_changes, empty_queue, in_outbox, send_sms
from tests.integration.faults import InvocationStopped, aws_error, raised_at, spy
from tidings import wiring
from tidings.adapters import aws
from tidings_local.queue_pollers import QueuePoller
from tidings_local.stack import REPO_ROOT, LocalStack

MAX_RECEIVES = 5  # the dispatch queue's maxReceiveCount in template.yaml


@pytest.fixture
def retry_at_once(queues: dict[str, str], drain: Callable[[], None]) -> Iterator[None]:
    drain()  # what earlier tests left on the queue is delivered first: each poll here sees this test's messages
    sqs = boto3.client("sqs")
    sqs.set_queue_attributes(QueueUrl=queues["DispatchQueue"], Attributes={"VisibilityTimeout": "0"})
    yield
    sqs.set_queue_attributes(QueueUrl=queues["DispatchQueue"], Attributes={"VisibilityTimeout": "180"})


@contextmanager
def clock_moved(minutes: float) -> Iterator[None]:
    """Every function's clock that much later than now, inside the block (a /v2 JWT signed now is too old there)."""
    at = datetime.now(UTC) + timedelta(minutes=minutes)
    wiring.override(dataclasses.replace(wiring.deps(), clock=FixedClock(at)))
    try:
        yield
    finally:
        wiring.override(None)


def send_email(api: InProcessApi, service: SeededService, templates: dict[str, str]) -> str:
    body = {"email_address": "team@example.gov.uk", "template_id": templates["email"], "personalisation": {"name": "J"}}
    reply = api.v2("POST", "/v2/notifications/email", service.keys["normal"], body)
    assert reply.status == 201, reply.body
    return str(reply.json()["id"])


def status(api: InProcessApi, service: SeededService, notification_id: str) -> str:
    return str(api.v2("GET", f"/v2/notifications/{notification_id}", service.keys["normal"]).json()["status"])


def polls(dispatcher: QueuePoller, times: int) -> int:
    """Poll the dispatch queue `times` times; how many messages the function was given in all."""
    return sum(dispatcher.poll_once() for _ in range(times))


def dead_letters(queues: dict[str, str]) -> list[str]:
    messages = boto3.client("sqs").receive_message(QueueUrl=queues["DispatchDLQ"], MaxNumberOfMessages=10)
    return [m["Body"] for m in messages.get("Messages", [])]


def test_a_throttled_provider_is_retried_and_delivers_once(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    drain: Callable[[], None],
    queues: dict[str, str],
    retry_at_once: None,
) -> None:
    notification_id = send_email(api, service, templates)
    with aws_error(aws.sesv2(), "SendEmail", "TooManyRequestsException", status=429) as fault:
        assert polls(dispatcher, 1) == 1
    # tried three times (a throttle sends nothing), then back to `created`, for the queue's retry
    assert len(fault.hits) == 3 and status(api, service, notification_id) == "created"
    drain()
    assert len(in_outbox(notification_id)) == 1
    assert status(api, service, notification_id) == "delivered"
    assert dead_letters(queues) == []


def test_a_permanent_provider_error_fails_the_notification_without_a_retry(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    queues: dict[str, str],
    retry_at_once: None,
) -> None:
    sent = send_sms(api, service, templates)
    refusal = "Invalid parameter: PhoneNumber Reason: +447700900123 is not valid to publish to"  # SNS's words
    with aws_error(aws.sns(), "Publish", "InvalidParameter", message=refusal) as fault:
        polls(dispatcher, 3)
    assert len(fault.hits) == 1  # never tried again
    assert status(api, service, sent["id"]) == "permanent-failure"
    assert in_outbox(sent["id"]) == [] and dead_letters(queues) == []


@pytest.fixture
def callbacks_emptied_after(stack: LocalStack) -> Iterator[None]:
    yield
    empty_queue(stack, "CallbacksQueue")  # this test's callback job is not the next test's


def test_a_provider_outage_retries_then_ends_in_technical_failure_the_dlq_and_a_callback(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    queues: dict[str, str],
    retry_at_once: None,
    callbacks_emptied_after: None,
    stack: LocalStack,
) -> None:
    announce_changes(stack)  # earlier tests' changes call back before this callback exists
    callback = {"type": "delivery_status", "url": "http://127.0.0.1:9/cb", "bearer_token": "0123456789abcdef"}
    assert api.admin("POST", f"/admin/services/{service.id}/callbacks", callback).status == 201
    notification_id = send_email(api, service, templates)
    with (
        aws_error(aws.sesv2(), "SendEmail", "ServiceUnavailable", status=503) as fault,
        spy(aws.sqs(), "SendMessage") as enqueued,
    ):
        polls(dispatcher, MAX_RECEIVES + 2)
        announce_changes(stack)
    assert len(fault.hits) == MAX_RECEIVES  # one try per receive, then the queue gives up
    assert status(api, service, notification_id) == "technical-failure"
    assert [json.loads(body)["notification_id"] for body in dead_letters(queues)] == [notification_id]
    jobs = [json.loads(m["MessageBody"]) for m in enqueued if "Callbacks" in m["QueueUrl"]]
    assert [(job["kind"], job["payload"]["id"], job["payload"]["status"]) for job in jobs] == [
        ("delivery_status", notification_id, "technical-failure")
    ]
    assert "0123456789abcdef" not in json.dumps(jobs)  # the bearer token is added at sending, never queued


@pytest.mark.parametrize(
    "body", ["not json", "{}", '{"notification_id": 7}', '{"notification_id": "x", "notification": 1}']
)
def test_a_poison_message_goes_to_the_dlq_and_never_blocks_its_batch(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    queues: dict[str, str],
    retry_at_once: None,
    body: str,
) -> None:
    boto3.client("sqs").send_message(QueueUrl=queues["DispatchQueue"], MessageBody=body)
    sent = send_sms(api, service, templates)  # in the same batch as the poison
    given = polls(dispatcher, MAX_RECEIVES + 2)
    assert given == 1 + MAX_RECEIVES  # the good one once, the poison until the queue gives up: no loop
    assert dead_letters(queues) == [body]
    assert len(in_outbox(sent["id"])) == 1 and status(api, service, sent["id"]) == "sending"
    assert stack.queue_depths()["DispatchQueue"] == 0


def test_unknown_ids_are_dropped_not_retried(
    dispatcher: QueuePoller, queues: dict[str, str], retry_at_once: None, stack: LocalStack
) -> None:
    message: dict[str, Any] = {"notification_id": "00000000-0000-4000-8000-000000000000"}
    boto3.client("sqs").send_message(QueueUrl=queues["DispatchQueue"], MessageBody=json.dumps(message))
    assert polls(dispatcher, 3) == 1  # a deleted (or never stored) notification: nothing to send, done
    assert dead_letters(queues) == [] and stack.queue_depths()["DispatchQueue"] == 0


def test_closing_writes_the_store_refused_after_the_sends_wait_on_the_queue_and_apply_later(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    deliver: Callable[[], None],
    queues: dict[str, str],
    retry_at_once: None,
) -> None:
    uk, abroad = send_sms(api, service, templates), send_sms(api, service, templates, to="+33612345678")
    with aws_error(aws.dynamodb(), "BatchWriteItem", "InternalServerError", status=500) as fault:
        assert polls(dispatcher, 1) == 2  # both sent; the provider references could not be recorded
    assert len(fault.hits) == 1
    assert status(api, service, uk["id"]) == "sending" and status(api, service, abroad["id"]) == "sending"
    deliver()  # the deferred writes apply, so the UK text's receipt finds its notification
    assert status(api, service, uk["id"]) == "delivered"
    assert status(api, service, abroad["id"]) == "delivered"  # its `sent` was deferred too, then its receipt came
    assert len(in_outbox(uk["id"])) == 1 and len(in_outbox(abroad["id"])) == 1  # never sent again
    assert dead_letters(queues) == []


def test_a_batch_stopped_after_its_claim_is_sent_when_its_messages_come_back(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    deliver: Callable[[], None],
    queues: dict[str, str],
    retry_at_once: None,
) -> None:
    first, second = send_sms(api, service, templates), send_sms(api, service, templates)
    with raised_at(aws.sns(), "Publish", InvocationStopped()) as stop, pytest.raises(InvocationStopped):
        dispatcher.poll_once()  # Lambda's timeout during the batch's first send: both claimed, neither sent
    assert len(stop.hits) == 1
    assert status(api, service, first["id"]) == "sending" == status(api, service, second["id"])
    with clock_moved(minutes=3):  # the visibility timeout: the same messages again, each taking over its claim
        deliver()
    for sms in (first, second):
        assert status(api, service, sms["id"]) == "delivered" and len(in_outbox(sms["id"])) == 1
    assert dead_letters(queues) == []


def test_a_claim_applied_whose_answer_was_lost_is_sent_when_its_message_comes_back(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    deliver: Callable[[], None],
    queues: dict[str, str],
    retry_at_once: None,
) -> None:
    sms = send_sms(api, service, templates)
    lost = ReadTimeoutError(endpoint_url="https://dynamodb")  # what botocore raises once its retries time out too
    with raised_at(aws.dynamodb(), "TransactWriteItems", lost, applied=True) as fault:
        assert polls(dispatcher, 1) == 1  # the invocation fails: its batch goes back to the queue
    assert len(fault.hits) == 1 and status(api, service, sms["id"]) == "sending" and in_outbox(sms["id"]) == []
    with clock_moved(minutes=3):
        deliver()
    assert status(api, service, sms["id"]) == "delivered" and len(in_outbox(sms["id"])) == 1
    assert dead_letters(queues) == []


def test_a_receipt_that_comes_before_its_reference_applies_once_the_reference_is_recorded(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    queues: dict[str, str],
    retry_at_once: None,
) -> None:
    """The carrier answers while the reference waits on the queue with the closing writes: the receipt is kept in
    the reference's place, and the reference's write (the references table's stream) applies it."""
    sent = send_sms(api, service, templates)
    with aws_error(aws.dynamodb(), "BatchWriteItem", "InternalServerError", status=500):
        assert polls(dispatcher, 1) == 1  # sent; its reference could not be recorded
    assert stack.providers.run_once(before_recorded=True) == 1  # the delivery log, for a reference not known
    announce_changes(stack)
    assert status(api, service, sent["id"]) == "sending"
    assert polls(dispatcher, 1) == 1  # the closing writes: the reference replaces the kept receipt
    announce_changes(stack)
    assert status(api, service, sent["id"]) == "delivered"
    assert len(in_outbox(sent["id"])) == 1 and dead_letters(queues) == []


def test_a_receipt_no_reference_ever_matches_waits_apart_until_its_ttl(stack: LocalStack) -> None:
    """SNS writes every SMS of the account to the delivery logs, other applications' too: their receipts are kept
    like any other (cheaply, for the TTL), and a kept receipt never reads as a notification's reference."""
    event = json.loads((REPO_ROOT / "events" / "receipts-sms-logs.json").read_text())  # a message of no one's
    for _ in range(2):  # kept, then read back (not a reference) and kept again over itself
        assert stack.functions.invoke("ReceiptsFunction", event) == {"batchItemFailures": []}
    table = stack.resolve({"Ref": "ProviderReferencesTable"})
    key = {"provider_reference": {"S": "b0a2ff5e-7b4e-5e23-9c4b-6a5f0d2d9a11"}}
    kept = boto3.client("dynamodb").get_item(TableName=table, Key=key)["Item"]
    assert kept["receipt_status"] == {"S": "delivered"} and "notification" not in kept
    assert 3 * 86400 < int(kept["expires_at"]["N"]) - time.time() <= 4 * 86400


def test_closing_writes_that_keep_failing_end_in_the_dlq_with_what_they_would_write(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    queues: dict[str, str],
    retry_at_once: None,
) -> None:
    sent = send_sms(api, service, templates)
    with (
        aws_error(aws.dynamodb(), "BatchWriteItem", "InternalServerError", status=500),
        spy(aws.sns(), "Publish") as published,
    ):
        polls(dispatcher, MAX_RECEIVES + 2)
    assert len(published) == 1  # sent once; every later receive was the closing writes'
    [kept] = [json.loads(body) for body in dead_letters(queues)]  # for a redrive once the store is back
    assert [n["id"] for n in kept["closing"]["references"].values()] == [sent["id"]]
    [copy] = kept["closing"]["references"].values()  # kept 14 days: no content, no recipient
    assert (copy["body"], copy["to"], copy["normalised_to"]) == ("", "", "")
    assert "Hello Jo" not in json.dumps(kept) and "7700900123" not in json.dumps(kept)
