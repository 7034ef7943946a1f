"""Send, dispatch and read notifications through the handlers, the real queue and moto's SES and SNS."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.fakes import FixedClock
from tests.integration.conftest import InProcessApi, SeededService, in_outbox, send_email, send_sms
from tidings import wiring
from tidings.adapters import aws
from tidings.adapters.sns_sms import SnsSmsProvider
from tidings.api.notify_v2.notification_views import ISO_FORMAT_HELP
from tidings.domain.errors import ProviderError
from tidings_local.lambda_runtime import RESPONSE_PAYLOAD_BYTES
from tidings_local.queue_pollers import QueuePoller
from tidings_local.stack import LocalStack


def test_a_live_sms_is_sent_once_and_delivered(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    drain: Callable[[], None],
    queues: dict[str, str],
) -> None:
    sent = send_sms(api, service, templates)
    assert api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).json()["status"] == "created"
    drain()
    shown = api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).json()
    assert (shown["status"], shown["is_cost_data_ready"], shown["cost_in_pounds"]) == ("delivered", True, 0.0227)
    [message] = in_outbox(sent["id"])
    assert (message["recipient"], message["body"]) == ("+447700900123", "Hello Jo")
    stored = wiring.deps().notifications.find(sent["id"], datetime.now(UTC))
    assert stored is not None and stored.provider_reference == message["provider_reference"]  # SNS's message id


def test_a_duplicated_queue_message_sends_nothing_twice(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    drain: Callable[[], None],
    queues: dict[str, str],
) -> None:
    sent = send_sms(api, service, templates)
    boto3.client("sqs").send_message(
        QueueUrl=queues["DispatchQueue"], MessageBody=json.dumps({"notification_id": sent["id"]})
    )
    drain()
    assert len(in_outbox(sent["id"])) == 1


def test_an_email_goes_through_ses_with_its_tag(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    drain: Callable[[], None],
    queues: dict[str, str],
) -> None:
    reply = api.v2(
        "POST",
        "/v2/notifications/email",
        service.keys["normal"],
        {
            "email_address": "team@example.gov.uk",
            "template_id": templates["email"],
            "personalisation": {"name": "Amala"},
        },
    )
    assert reply.status == 201 and reply.json()["content"]["subject"] == "Hi Amala"
    drain()
    [message] = in_outbox(reply.json()["id"])
    assert (message["recipient"], message["subject"]) == (["team@example.gov.uk"], "Hi Amala")
    stored = wiring.deps().notifications.find(reply.json()["id"], datetime.now(UTC))
    assert stored is not None and (stored.status, stored.provider_reference) == (
        "delivered",
        message["provider_reference"],
    )  # SES's message id, from the receipt: an email's is recorded nowhere else


def test_test_keys_never_reach_a_provider(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    drain: Callable[[], None],
    queues: dict[str, str],
) -> None:
    ok, temp = (
        send_sms(api, service, templates, "test", "07700900999"),
        send_sms(api, service, templates, "test", "07700900003"),
    )
    drain()
    for sent, status in ((ok, "delivered"), (temp, "temporary-failure")):
        assert api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).json()["status"] == status
        assert in_outbox(sent["id"]) == []


def test_a_failing_provider_is_retried_then_dead_lettered(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    dispatcher: QueuePoller,
    queues: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sqs = boto3.client("sqs")
    for queue in ("DispatchQueue", "DispatchDLQ"):  # what earlier tests left undelivered is not this test's
        sqs.purge_queue(QueueUrl=queues[queue])
    sqs.set_queue_attributes(QueueUrl=queues["DispatchQueue"], Attributes={"VisibilityTimeout": "0"})  # retry at once
    attempts: list[str] = []

    def throttled(self: SnsSmsProvider, **message: Any) -> str:
        attempts.append(message["notification_id"])
        raise ProviderError("Throttling", retryable=True)

    monkeypatch.setattr(SnsSmsProvider, "send_sms", throttled)
    try:
        sent = send_sms(api, service, templates)
        for _ in range(10):
            dispatcher.poll_once()
    finally:
        sqs.set_queue_attributes(QueueUrl=queues["DispatchQueue"], Attributes={"VisibilityTimeout": "180"})
    assert attempts == [sent["id"]] * 5  # maxReceiveCount
    shown = api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).json()
    assert shown["status"] == "technical-failure"
    dead = sqs.receive_message(QueueUrl=queues["DispatchDLQ"], MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["notification_id"] for m in dead] == [sent["id"]]


def test_a_lost_enqueue_is_delivered_once_the_sweeper_runs(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    templates: dict[str, str],
    drain: Callable[[], None],
    queues: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unavailable(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "down"}}, "SendMessage")

    with monkeypatch.context() as patch:
        patch.setattr(aws.sqs(), "send_message", unavailable)
        sent = send_sms(api, service, templates)  # still 201: it is stored
    drain()
    assert api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).json()["status"] == "created"
    later = (datetime.now(UTC) + timedelta(minutes=6)).isoformat()  # the sweep as scheduled 6 minutes on
    assert stack.invoke_scheduled("SweeperFunction", at=later)["requeued"] >= 1
    drain()
    assert api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).json()["status"] == "delivered"
    assert len(in_outbox(sent["id"])) == 1


def test_accepting_costs_at_most_three_aws_calls_when_warm(
    api: InProcessApi, service: SeededService, templates: dict[str, str], queues: dict[str, str]
) -> None:
    send_sms(api, service, templates)  # fills the service, template and sender caches
    calls: list[str] = []
    for client in (aws.dynamodb(), aws.sqs()):
        client.meta.events.register("before-call", lambda model, **_: calls.append(model.name), unique_id="count-calls")
    try:
        send_sms(api, service, templates)
    finally:
        for client in (aws.dynamodb(), aws.sqs()):
            client.meta.events.unregister("before-call", unique_id="count-calls")
    assert calls == ["UpdateItem", "PutItem", "SendMessage"]  # limits, record, queue: the budget is 3


def test_expired_notifications_are_invisible_before_ttl_deletes_them(
    api: InProcessApi, service: SeededService, templates: dict[str, str], queues: dict[str, str]
) -> None:
    sent = send_sms(api, service, templates)
    item = boto3.client("dynamodb").get_item(
        TableName="NotificationsTable", Key={"notification_id": {"S": sent["id"]}}
    )["Item"]
    expires = int(item["expires_at"]["N"])
    read: list[str] = []

    def reading(params: dict[str, Any], **_: Any) -> None:
        read.extend(key["notification_id"]["S"] for key in params["RequestItems"]["NotificationsTable"]["Keys"])

    wiring.override(dataclasses.replace(wiring.deps(), clock=FixedClock(datetime.fromtimestamp(expires, UTC))))
    aws.dynamodb().meta.events.register("provide-client-params.dynamodb.BatchGetItem", reading)
    try:
        assert api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"], iat=expires).status == 404
        listed = api.v2("GET", "/v2/notifications", service.keys["normal"], iat=expires).json()["notifications"]
        assert sent["id"] not in [n["id"] for n in listed]
        assert sent["id"] not in read  # the list index knew it had expired: the notification was never read
    finally:
        aws.dynamodb().meta.events.unregister("provide-client-params.dynamodb.BatchGetItem", reading)
        wiring.override(None)
    assert "Item" in boto3.client("dynamodb").get_item(
        TableName="NotificationsTable", Key={"notification_id": {"S": sent["id"]}}
    )


def test_lists_show_the_callers_key_type_only(
    api: InProcessApi, service: SeededService, templates: dict[str, str], queues: dict[str, str]
) -> None:
    live, test = send_sms(api, service, templates), send_sms(api, service, templates, "test")
    live_ids = [n["id"] for n in api.v2("GET", "/v2/notifications", service.keys["normal"]).json()["notifications"]]
    assert live["id"] in live_ids and test["id"] not in live_ids
    assert api.v2("GET", f"/v2/notifications/{test['id']}", service.keys["normal"]).status == 200
    other = api.admin("POST", "/admin/services", {"name": "Nosy"}).json()["data"]["id"]
    nosy = api.admin("POST", f"/admin/services/{other}/api-keys", {"name": "k", "key_type": "normal"}).json()["data"][
        "key"
    ]
    assert api.v2("GET", f"/v2/notifications/{live['id']}", nosy).status == 404
    assert api.v2("GET", f"/v2/notifications?older_than={live['id']}", nosy).json() == {
        "notifications": [],
        "links": {"current": f"http://api.test/v2/notifications?older_than={live['id']}"},
    }


@pytest.mark.parametrize("phrase", ["All work and no play. ", "Gŵyl “Ŷd” – €5 "])
def test_a_long_email_body_is_stored_compressed_and_sent_whole(
    api: InProcessApi, service: SeededService, templates: dict[str, str], drain: Callable[[], None], phrase: str
) -> None:
    long_body = phrase * (1_700_000 // len(phrase.encode()))  # over DynamoDB's 400 KB item, under Notify's 2 MB
    sent = send_email(api, service, templates, long_body, template="email_long")
    shown = api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).json()
    assert shown["body"] == f"Dear {long_body}".rstrip()  # rendering trims the end
    drain()
    assert long_body.rstrip() in str(in_outbox(sent["id"])[0]["body"])


def test_an_email_of_2_mb_that_hardly_compresses_is_kept_in_parts_and_sent_whole(
    api: InProcessApi, service: SeededService, templates: dict[str, str], drain: Callable[[], None]
) -> None:
    """Spec §8: an email body may be 2,000,000 bytes. Random base64 compresses to 1.5 MB, past the 400 KB an item
    holds: it is kept in parts, and read, shown and sent whole; with a part missing it was never accepted."""
    noise = base64.b64encode(os.urandom(1_499_990)).decode()  # "Dear " and this: 1,999,993 bytes
    sent = send_email(api, service, templates, noise, template="email_long")
    contents = boto3.client("dynamodb")
    keys = [sent["id"]] + [f"{sent['id']}#{n}" for n in range(1, 6)]
    parts = [contents.get_item(TableName="NotificationContentsTable", Key={"notification_id": {"S": k}}) for k in keys]
    assert ["Item" in part for part in parts] == [True] * 5 + [False]  # 1.5 MB in parts of 350 KB
    assert parts[0]["Item"]["parts"] == {"N": "5"}
    shown = api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).json()
    assert shown["body"] == f"Dear {noise}"
    drain()
    assert noise in str(in_outbox(sent["id"])[0]["body"])
    boto3.client("dynamodb").delete_item(
        TableName="NotificationContentsTable", Key={"notification_id": {"S": f"{sent['id']}#3"}}
    )
    assert api.v2("GET", f"/v2/notifications/{sent['id']}", service.keys["normal"]).status == 404


def test_a_page_of_long_emails_holds_what_one_lambda_answer_can(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    """Six emails of 1.4 MB each: 8.4 MB of JSON, over Lambda's 6 MB answer (tidings
    local refuses it as Lambda does, with API Gateway's 500). Pages hold four, then two, and `next` goes on from
    the last one shown, so the clients' iterators list every one."""
    long_name = "All work and no play. " * (1_400_000 // 22)
    sent = [send_email(api, service, templates, long_name, template="email_long")["id"] for _ in range(6)]
    pages, path = [], "/v2/notifications"
    while True:
        reply = api.v2("GET", path, service.keys["normal"])
        assert reply.status == 200 and len(reply.body) < RESPONSE_PAYLOAD_BYTES
        page = reply.json()
        if not page["notifications"]:
            break
        pages.append([n["id"] for n in page["notifications"]])
        assert page["links"]["next"].endswith(f"older_than={pages[-1][-1]}")
        path = page["links"]["next"].removeprefix("http://api.test")
    assert [len(p) for p in pages] == [4, 2]
    assert [i for p in pages for i in p] == sent[::-1]  # newest first, each once


def test_a_page_of_long_emails_reads_the_content_of_no_more_than_it_can_show(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    """A page reads content newest first until it passes what one answer holds: eight emails of 1.4 MB read
    five (the fifth passes 6 MB), where every one of them (up to 250, 375 MB) was read and then cut to four."""
    long_name = "All work and no play. " * (1_400_000 // 22)
    for _ in range(8):
        send_email(api, service, templates, long_name, template="email_long")
    read: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        read.extend(
            k["notification_id"]["S"]
            for k in params["RequestItems"].get("NotificationContentsTable", {}).get("Keys", [])
        )

    client = aws.dynamodb()
    client.meta.events.register("before-parameter-build.dynamodb.BatchGetItem", record, unique_id="page-reads")
    try:
        page = api.v2("GET", "/v2/notifications", service.keys["normal"]).json()["notifications"]
    finally:
        client.meta.events.unregister("before-parameter-build.dynamodb.BatchGetItem", unique_id="page-reads")
    assert len(page) == 4 and len(read) == 5 and {n["id"] for n in page} < set(read)


def test_scheduled_for_is_told_with_the_other_schema_errors(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    """Notify's schema checks it by a format (spec §5.5 step 2: all schema errors together)."""
    body = {"phone_number": "123", "template_id": templates["sms"], "scheduled_for": "2020-01-01T00:00:00"}
    reply = api.v2("POST", "/v2/notifications/sms", service.keys["test"], body)
    assert (reply.status, [e["message"] for e in reply.json()["errors"]]) == (
        400,
        ["phone_number Not enough digits", "scheduled_for datetime can not be in the past"],
    )


@pytest.mark.parametrize(
    ("offset", "given", "message"),
    [
        (timedelta(hours=1), None, None),  # accepted, and ignored as Notify does
        (timedelta(hours=23, minutes=59), None, None),
        (-timedelta(minutes=1), None, "scheduled_for datetime can not be in the past"),
        (timedelta(hours=24, minutes=1), None, "scheduled_for datetime can only be 24 hours in the future"),
        (None, "tomorrow at noon", "scheduled_for datetime format is invalid. " + ISO_FORMAT_HELP),
    ],
    ids=["an-hour-ahead", "just-within-a-day", "in-the-past", "over-a-day-ahead", "not-a-date"],
)
def test_scheduled_for_is_checked_then_ignored(
    api: InProcessApi,
    service: SeededService,
    templates: dict[str, str],
    offset: timedelta | None,
    given: str | None,
    message: str | None,
) -> None:
    when = given if offset is None else (datetime.now(UTC) + offset).isoformat()
    body = {"phone_number": "07700900123", "template_id": templates["sms"], "personalisation": {"name": "Jo"}}
    reply = api.v2("POST", "/v2/notifications/sms", service.keys["test"], body | {"scheduled_for": when})
    if message is None:
        assert (reply.status, reply.json()["scheduled_for"]) == (201, None)
    else:
        assert (reply.status, reply.json()["errors"]) == (400, [{"error": "ValidationError", "message": message}])
