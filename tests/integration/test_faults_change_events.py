"""Faults on the tables' streams: a callback or an event that could not be sent, and a record that cannot be
read. The change events function answers with a partial batch response and the local stream poller applies it
as Lambda does (tidings_local/stream_pollers.py); every poll is driven by hand."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from tests.integration.conftest import (
    InProcessApi,
    SeededService,
    V1Account,
    announce_changes,
    empty_queue,
    send_email,
)
from tests.integration.faults import aws_error, spy
from tidings import wiring
from tidings.adapters import aws
from tidings.domain.callbacks import Announcer
from tidings.domain.notifications import Notification
from tidings_local.stack import LocalStack
from tidings_local.stream_pollers import StreamBatchFailed


@pytest.fixture
def called_back(api: InProcessApi, stack: LocalStack, service: SeededService) -> Any:
    """The service has a delivery-status callback from here on; its jobs are not the next test's."""
    announce_changes(stack)  # earlier tests' changes call back before this callback exists
    callback = {"type": "delivery_status", "url": "http://127.0.0.1:9/cb", "bearer_token": "0123456789abcdef"}
    assert api.admin("POST", f"/admin/services/{service.id}/callbacks", callback).status == 201
    yield
    empty_queue(stack, "CallbacksQueue")
    empty_queue(stack, "ChangeEventsDLQ")


def callback_ids(requests: list[dict[str, Any]]) -> list[str]:
    """The notification ids of the delivery-status jobs among SendMessage requests, in the order tried."""
    jobs = [json.loads(r["MessageBody"]) for r in requests if "Callbacks" in r["QueueUrl"]]
    return [job["payload"]["id"] for job in jobs if job["kind"] == "delivery_status"]


def poll_each(stack: LocalStack) -> set[str]:
    """Poll every stream mapping once, whatever the others do; the names of the mappings that failed."""
    failed = set()
    for poller in stack.stream_pollers:
        try:
            poller.poll_once()
        except StreamBatchFailed:
            failed.add(poller.name)
    return failed


def test_a_callback_that_could_not_be_queued_is_queued_again_and_those_before_it_are_not(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    templates: dict[str, str],
    deliver: Callable[[], None],
    called_back: None,
) -> None:
    """The partial batch response names the first change whose callback failed: the stream delivers again from
    it, so the callback queued before it is not queued twice (a failed batch used to be delivered whole)."""
    sent = [send_email(api, service, templates, "Jo")["id"] for _ in range(3)]
    deliver()  # three `delivered` changes on the stream, not read yet
    tries = 0

    def second_callback(body: dict[str, Any]) -> bool:
        nonlocal tries
        tries += "Callbacks" in str(body.get("QueueUrl"))
        return tries == 2

    with spy(aws.sqs(), "SendMessage") as requests:
        with (
            aws_error(aws.sqs(), "SendMessage", "InternalError", status=500, when=second_callback) as fault,
            pytest.raises(StreamBatchFailed),
        ):
            announce_changes(stack)
        assert len(fault.hits) == 1
        announce_changes(stack)
    tried = callback_ids(requests)
    refused = json.loads(fault.hits[0]["MessageBody"])["payload"]["id"]
    assert Counter(tried) == {i: 2 if i == refused else 1 for i in sent}
    assert tried.index(refused) == 1 and tried[2] == refused  # the retry began at the refused one


def test_an_unreadable_change_is_set_aside_and_the_changes_after_it_are_announced(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    templates: dict[str, str],
    deliver: Callable[[], None],
    called_back: None,
) -> None:
    """A record the function cannot read would fail every retry and hold its shard for a day; it goes whole to
    the change events DLQ, and the changes behind it still call back."""
    poisoned = send_email(api, service, templates, "Jo")["id"]
    table = stack.resolve({"Ref": "NotificationsTable"})
    boto3.client("dynamodb").update_item(  # a final status with a created_at no code can read
        TableName=table,
        Key={"notification_id": {"S": poisoned}},
        UpdateExpression="SET #s = :s, created_at = :c",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "delivered"}, ":c": {"S": "not a time"}},
    )
    fine = send_email(api, service, templates, "Jo")["id"]
    empty_queue(stack, "DispatchQueue")  # the poisoned one is not sent; the fine one is sent next
    boto3.client("sqs").send_message(
        QueueUrl=stack.resolve({"Ref": "DispatchQueue"}), MessageBody=json.dumps({"notification_id": fine})
    )
    deliver()
    try:
        with spy(aws.sqs(), "SendMessage") as requests:
            announce_changes(stack)  # raises nothing: no batch failed
        assert callback_ids(requests) == [fine]
        dlq = stack.resolve({"Ref": "ChangeEventsDLQ"})
        (parked,) = boto3.client("sqs").receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
        record = json.loads(parked["Body"])
        assert record["eventName"] == "MODIFY"
        assert record["dynamodb"]["NewImage"]["notification_id"] == {"S": poisoned}
        assert record["dynamodb"]["NewImage"]["created_at"] == {"S": "not a time"}
    finally:
        boto3.client("dynamodb").delete_item(TableName=table, Key={"notification_id": {"S": poisoned}})


def test_an_eventbridge_outage_does_not_hold_the_callbacks(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    account: V1Account,
    templates: dict[str, str],
    deliver: Callable[[], None],
    called_back: None,
) -> None:
    """Events and callbacks read the notifications stream through two mappings: while PutEvents fails, the /v1
    SmsCreatedEvent waits on its own, and the /v2 receipt written after it calls back."""
    body = {"sms_sender_id": account.sender, "content": "Hi", "recipient": "+447700900123"}
    reply = api.request("POST", "/v1/sms", body, {"Authorization": f"Bearer {account.token}"})
    assert reply.status == 200, reply.body  # Notifea answers 200 to a send
    email = send_email(api, service, templates, "Jo")["id"]
    deliver()
    with aws_error(aws.events(), "PutEvents", "InternalFailure", status=500) as outage:
        with spy(aws.sqs(), "SendMessage") as requests:
            failed = poll_each(stack)
        assert "ChangeEventsFunction.Events" in failed and outage.hits
        assert "ChangeEventsFunction.Notifications" not in failed
        assert callback_ids(requests) == [email]
    with spy(aws.events(), "PutEvents") as published:
        announce_changes(stack)
    names = [entry["DetailType"] for request in published for entry in request["Entries"]]
    assert "SmsCreatedEvent" in names


def test_a_change_a_bug_meets_is_set_aside_and_the_changes_after_it_are_announced(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    templates: dict[str, str],
    deliver: Callable[[], None],
    called_back: None,
) -> None:
    """Only AWS's errors are worth delivering again; any other failure would fail every retry and hold the shard,
    so the change goes to the DLQ as an unreadable one does."""
    sent = [send_email(api, service, templates, "Jo")["id"] for _ in range(2)]
    deliver()
    real = wiring.deps().announcer

    class Broken(Announcer):
        def __init__(self) -> None:  # the real announcer does the work, but for the first change
            pass

        def status_changed(self, n: Notification) -> None:
            if n.id == sent[0]:
                raise ValueError("a bug")
            real.status_changed(n)

    wiring.override(dataclasses.replace(wiring.deps(), announcer=Broken()))
    try:
        with spy(aws.sqs(), "SendMessage") as requests:
            announce_changes(stack)  # raises nothing: no batch failed
    finally:
        wiring.override(None)
    assert callback_ids(requests) == [sent[1]]
    parked = [json.loads(r["MessageBody"]) for r in requests if "ChangeEventsDLQ" in r["QueueUrl"]]
    assert [record["dynamodb"]["NewImage"]["id"]["S"] for record in parked] == [sent[0]]
