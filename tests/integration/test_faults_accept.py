"""Faults on the accept path (issue #9): DynamoDB throttling, a lost enqueue, a callback receiver that hangs.

Faults are injected on the adapters' own boto3 clients with botocore's `before-call` hook: the hook answers
in AWS's place with the error response AWS would give, so botocore raises the exception it raises in
production (after its own retries; the hook stands for the last of them) and the real adapters, handlers
and error tables run. Delivery is driven by hand: the scheduled sweeper with a chosen time, and one queue
poll at a time, so nothing here waits on a clock.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from tests.integration.conftest import InProcessApi, Reply, SeededService
from tests.integration.faults import aws_error, on_table, raised_at, spy
from tests.integration.receivers import Receiver
from tidings import wiring
from tidings.adapters import aws, webhook_client
from tidings.domain.callbacks import CallbackJob
from tidings.domain.limits import day_key
from tidings.domain.models import Callback, SmsSender
from tidings_local.lambda_runtime import LocalContext
from tidings_local.outbox import outbox
from tidings_local.queue_pollers import QueuePoller
from tidings_local.stack import LocalStack

PHONE, EMAIL = "07700900123", "team@example.gov.uk"


def queued_ids(bodies: list[dict[str, Any]]) -> list[str]:
    """The ids SendMessage or SendMessageBatch (the sweeper's, ten to a request) requests queued."""
    messages = [entry for body in bodies for entry in body.get("Entries", [body])]
    return [json.loads(message["MessageBody"])["notification_id"] for message in messages]


# ---------------------------------------------------------------- the three accept routes


@dataclass(frozen=True)
class Route:
    name: str
    ok_status: int
    channel: str  # the day counter it takes


ROUTES = [Route("v2-sms", 201, "sms"), Route("v2-email", 201, "email"), Route("v1-sms", 200, "sms")]


@pytest.fixture
def send(api: InProcessApi, service: SeededService) -> Callable[[Route], Reply]:
    """Returns a sender for a route, on a fresh service with an SMS and an email template and a /v1 token."""
    base = f"/admin/services/{service.id}"
    sms = api.admin("POST", f"{base}/templates", {"name": "S", "type": "sms", "content": "Hello ((name))"})
    email = api.admin(
        "POST", f"{base}/templates", {"name": "E", "type": "email", "subject": "Hi", "content": "Dear ((name))"}
    )
    sender = api.admin("POST", f"{base}/sms-senders", {"sms_sender": "Shop"}).json()["data"]["id"]
    token = api.admin("POST", f"{base}/access-tokens", {"name": "t"}).json()["data"]["token"]
    template = {"sms": sms.json()["data"]["id"], "email": email.json()["data"]["id"]}

    def run(route: Route) -> Reply:
        personalisation = {"name": "Jo"}
        if route.name == "v2-sms":
            body = {"phone_number": PHONE, "template_id": template["sms"], "personalisation": personalisation}
            return api.v2("POST", "/v2/notifications/sms", service.keys["normal"], body)
        if route.name == "v2-email":
            body = {"email_address": EMAIL, "template_id": template["email"], "personalisation": personalisation}
            return api.v2("POST", "/v2/notifications/email", service.keys["normal"], body)
        body = {"sms_sender_id": sender, "content": "Hello Jo", "recipient": "+447700900123"}
        return api.request("POST", "/v1/sms", body, {"Authorization": f"Bearer {token}"})

    return run


def accepted_id(route: Route, reply: Reply) -> str:
    assert reply.status == route.ok_status, reply.body
    body = reply.json()
    return str(body["data"]["uuid"] if route.name == "v1-sms" else body["id"])


def stored_for(service_id: str) -> list[dict[str, Any]]:
    """Every notification item of the service, read straight from the table (expired or not)."""
    table = boto3.resource("dynamodb").Table(wiring.deps().settings.notifications_table)
    return list(table.scan(FilterExpression=Attr("service_id").eq(service_id))["Items"])


def counts(service_id: str) -> dict[str, int]:
    return wiring.deps().counters.read(day_key(service_id, datetime.now(UTC)))


def status_of(notification_id: str) -> str | None:
    found = wiring.deps().notifications.load_for_dispatch(notification_id)
    return found.status if found else None


def assert_unavailable_envelope(route: Route, reply: Reply) -> None:
    """A 503 the caller's retry will fix, in the dialect's own envelope, with a Retry-After in whole seconds."""
    assert reply.status == 503, reply.body
    assert int(reply.headers["retry-after"]) >= 1
    if route.name == "v1-sms":
        assert reply.json() == {
            "data": {"message": "Service temporarily unavailable. Please try again.", "metadata": []},
            "code": "service.unavailable",
        }
    else:
        assert reply.json() == {
            "status_code": 503,
            "errors": [
                {"error": "ServiceUnavailableError", "message": "Service temporarily unavailable, please try again"}
            ],
        }


# ---------------------------------------------------------------- 1. DynamoDB throttling on accept


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_throttled_limit_counter_is_a_503_and_writes_nothing(
    service: SeededService, send: Callable[[Route], Reply], route: Route
) -> None:
    settings = wiring.deps().settings
    with (
        spy(aws.sqs(), "SendMessage") as queued,
        aws_error(
            aws.dynamodb(),
            "UpdateItem",
            "ProvisionedThroughputExceededException",
            when=on_table(settings.counters_table),
        ) as fault,
    ):
        reply = send(route)
    assert len(fault.hits) == 1  # the counter write is where it failed
    assert_unavailable_envelope(route, reply)
    assert (stored_for(service.id), queued, counts(service.id)) == ([], [], {})  # nothing counted, stored or queued

    retried = accepted_id(route, send(route))  # the client's retry goes through, once
    assert [item["notification_id"] for item in stored_for(service.id)] == [retried]
    assert counts(service.id)[f"day_{route.channel}"] == 1


def test_a_refusal_the_throttled_counter_cannot_count_is_still_the_refusal(
    api: InProcessApi, service: SeededService
) -> None:
    """A refused request spends a rate-limit token with a write of its own; if that write meets throttling the
    caller still gets the refusal (what they must fix), not a 503."""
    settings = wiring.deps().settings
    with aws_error(
        aws.dynamodb(), "UpdateItem", "ProvisionedThroughputExceededException", when=on_table(settings.counters_table)
    ) as fault:
        v2 = api.v2("POST", "/v2/notifications/sms", service.keys["normal"], {"phone_number": "123"})
    assert len(fault.hits) == 1
    assert (v2.status, v2.json()["errors"][0]["error"]) == (400, "ValidationError")


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_throttled_notification_put_is_a_503_and_queues_nothing(
    service: SeededService, send: Callable[[Route], Reply], route: Route
) -> None:
    settings = wiring.deps().settings
    with (
        spy(aws.sqs(), "SendMessage") as queued,
        aws_error(
            aws.dynamodb(), "PutItem", "ThrottlingException", when=on_table(settings.notifications_table)
        ) as fault,
    ):
        reply = send(route)
    assert len(fault.hits) == 1 and fault.hits[0]["Item"]["service_id"] == {"S": service.id}
    assert_unavailable_envelope(route, reply)
    assert (stored_for(service.id), queued) == ([], [])
    # The limits were taken before the put failed, and they stay taken (no compensating write): giving them
    # back is one more write to a table that is throttling right now, which can fail as well, and keeping them
    # errs on the safe side of a limit (a retry is counted twice; nothing ever gets past a limit).
    taken = counts(service.id)
    assert (taken["minute_normal"], taken[f"day_{route.channel}"]) == (1, 1)

    retried = accepted_id(route, send(route))
    assert [item["notification_id"] for item in stored_for(service.id)] == [retried]
    assert counts(service.id)[f"day_{route.channel}"] == 2  # the failed attempt and the retry


def test_reads_meeting_a_throttled_failing_or_unreachable_aws_are_503s_too(
    api: InProcessApi, service: SeededService
) -> None:
    """Not only writes: any AWS call behind a route that is throttled, failing or unreachable is worth a retry."""
    wiring.deps().bundles.invalidate(service.id)  # the key check must read the service
    with aws_error(aws.dynamodb(), "Query", "ProvisionedThroughputExceededException") as throttled:
        reply = api.v2("GET", "/v2/notifications", service.keys["normal"])
    with aws_error(aws.dynamodb(), "GetItem", "InternalServerError", status=500) as failing:
        failed = api.v2("GET", "/v2/template/00000000-0000-0000-0000-000000000000", service.keys["normal"])
    unreachable: list[str] = []

    def no_route_to_aws(model: Any, **_: Any) -> None:
        unreachable.append(model.name)
        raise EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-2.amazonaws.com")

    aws.dynamodb().meta.events.register("before-call.dynamodb", no_route_to_aws, unique_id="unreachable")
    try:
        cut_off = api.v2("GET", "/v2/notifications", service.keys["normal"])
    finally:
        aws.dynamodb().meta.events.unregister("before-call.dynamodb", unique_id="unreachable")
    assert throttled.hits and failing.hits and unreachable  # every fault was met
    for answer in (reply, failed, cut_off):
        assert (answer.status, answer.json()["errors"][0]["error"]) == (503, "ServiceUnavailableError"), answer.body
        assert answer.headers["retry-after"] == "1"


def test_a_bug_is_still_a_500_without_retry_after(api: InProcessApi, service: SeededService) -> None:
    """A permanent AWS error (a request AWS will never accept) must not tell the caller to retry."""
    with aws_error(aws.dynamodb(), "Query", "ValidationException") as fault:
        reply = api.v2("GET", "/v2/notifications", service.keys["normal"])
    assert fault.hits
    assert reply.status == 500 and "retry-after" not in reply.headers
    assert reply.json()["errors"] == [{"error": "Exception", "message": "Internal server error"}]


# ---------------------------------------------------------------- 2. SQS unavailable after the put


@pytest.fixture
def dispatcher(stack: LocalStack) -> QueuePoller:
    return next(p for p in stack.pollers if p._spec.logical_id == "DispatchFunction")


def drain(poller: QueuePoller) -> None:
    while poller.poll_once():
        pass


def sweep(stack: LocalStack, minutes_from_now: float) -> dict[str, int]:
    """The sweeper as EventBridge would invoke it at that time."""
    at = (datetime.now(UTC) + timedelta(minutes=minutes_from_now)).isoformat()
    swept: dict[str, int] = stack.invoke_scheduled("SweeperFunction", at=at)
    return swept


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_lost_enqueue_is_accepted_then_swept_and_sent_exactly_once(
    stack: LocalStack, send: Callable[[Route], Reply], dispatcher: QueuePoller, route: Route
) -> None:
    drain(dispatcher)  # whatever earlier tests queued is not ours to count
    with (
        aws_error(aws.sqs(), "SendMessage", "ServiceUnavailable", status=503) as outage,
        aws_error(aws.sqs(), "SendMessageBatch", "ServiceUnavailable", status=503) as swept_in_outage,
    ):
        # Stored as `created`, so the notification is not lost: the spec's clients treat any 5xx as "retry",
        # and a retry here would send the message twice. So the answer is a success.
        notification_id = accepted_id(route, send(route))
        assert queued_ids(outage.hits) == [notification_id]  # the enqueue was tried, and failed
        assert sweep(stack, minutes_from_now=6)["requeued"] == 0  # SQS still down: the sweep gives up for now
        assert notification_id in queued_ids(swept_in_outage.hits)
    drain(dispatcher)
    assert status_of(notification_id) == "created"
    assert [m for m in outbox() if m["notification_id"] == notification_id] == []

    with spy(aws.sqs(), "SendMessageBatch") as queued:
        # Too recent to be called lost. Only ours is asked about: earlier tests' leftovers may be old enough by now.
        sweep(stack, minutes_from_now=2)
        assert notification_id not in queued_ids(queued)
        assert sweep(stack, minutes_from_now=6)["requeued"] >= 1
        assert queued_ids(queued).count(notification_id) == 1
        drain(dispatcher)
        sweep(stack, minutes_from_now=6)
        assert queued_ids(queued).count(notification_id) == 1  # no longer `created`: never swept again
    drain(dispatcher)
    assert status_of(notification_id) != "created"
    assert len([m for m in outbox() if m["notification_id"] == notification_id]) == 1


def test_a_backlog_is_requeued_ten_to_a_request_and_what_the_queue_failed_is_left_for_the_next_sweep(
    stack: LocalStack, dispatcher: QueuePoller
) -> None:
    drain(dispatcher)
    queue, ids = wiring.deps().queue, [str(uuid.uuid4()) for _ in range(25)]
    with spy(aws.sqs(), "SendMessageBatch") as requests:
        assert queue.enqueue_ids(ids) == 25
    assert [len(r["Entries"]) for r in requests] == [10, 10, 5] and queued_ids(requests) == ids
    drain(dispatcher)  # unknown ids: dropped

    second = {"n": 0}

    def from_the_second(_: dict[str, Any]) -> bool:
        second["n"] += 1
        return second["n"] >= 2

    with aws_error(aws.sqs(), "SendMessageBatch", "ServiceUnavailable", status=503, when=from_the_second) as outage:
        assert queue.enqueue_ids(ids) == 10  # the first request went; the sweep stopped at the failed one
    assert len(outage.hits) == 1
    drain(dispatcher)


def test_an_enqueue_that_timed_out_after_sqs_took_it_still_sends_once(
    stack: LocalStack, send: Callable[[Route], Reply], dispatcher: QueuePoller
) -> None:
    """The ambiguous failure: SQS stored the message but the answer never came. The sweeper's copy is a
    duplicate, and dispatch's conditional claim sends it once."""
    drain(dispatcher)
    client = aws.sqs()
    lost = ReadTimeoutError(endpoint_url="https://sqs.eu-west-2.amazonaws.com/")
    with raised_at(client, "SendMessage", lost, applied=True):
        notification_id = accepted_id(ROUTES[0], send(ROUTES[0]))
    assert status_of(notification_id) == "created"
    with spy(client, "SendMessageBatch") as queued:
        sweep(stack, minutes_from_now=6)
    assert notification_id in queued_ids(queued)  # now on the queue twice
    drain(dispatcher)
    assert len([m for m in outbox() if m["notification_id"] == notification_id]) == 1


# ---------------------------------------------------------------- 3. a callback receiver that hangs


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def callbacks(stack: LocalStack) -> Iterator[QueuePoller]:
    poller = next(p for p in stack.pollers if p._spec.logical_id == "CallbacksFunction")
    while poller.poll_once():  # earlier tests' callbacks are not ours
        pass
    yield poller
    while poller.poll_once():
        pass


@pytest.fixture
def invocations(stack: LocalStack, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What each CallbacksFunction invocation answered (its partial batch response)."""
    answers: list[Any] = []
    invoke = stack.functions.invoke

    def recording(logical_id: str, event: dict[str, Any]) -> Any:
        answer = invoke(logical_id, event)
        if logical_id == "CallbacksFunction":
            answers.append(answer)
        return answer

    monkeypatch.setattr(stack.functions, "invoke", recording)
    return answers


def callbacks_depth(stack: LocalStack) -> int:
    return stack.queue_depths()["CallbacksQueue"]


def test_a_hanging_receiver_times_out_and_the_callback_is_retried_until_delivered(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    receiver: Receiver,
    callbacks: QueuePoller,
    invocations: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = "receiver-token-0123456789"
    registered = api.admin(
        "POST",
        f"/admin/services/{service.id}/callbacks",
        {"type": "delivery_status", "url": receiver.url, "bearer_token": token},
    )
    assert registered.status == 201, registered.body
    monkeypatch.setattr(webhook_client, "TIMEOUT_SECONDS", 0.2)  # the configured limit, short for the test
    settings = wiring.deps().settings
    wiring.override(replace(wiring.deps(), settings=replace(settings, callback_retry_seconds=0)))
    try:
        payload = {"id": "5a1c1b1e-0000-4000-8000-000000000001", "status": "delivered"}
        wiring.deps().callbacks.enqueue(CallbackJob("delivery_status", service.id, receiver.url, payload))

        with spy(aws.sqs(), "ChangeMessageVisibility") as spaced:
            assert callbacks.poll_once() == 1
        [hung] = invocations
        assert len(hung["batchItemFailures"]) == 1  # reported failed: SQS keeps it for another try
        assert [call["VisibilityTimeout"] for call in spaced] == [0]  # the configured spacing (0 here)
        assert [h["body"] for h in receiver.heard] == [payload] and receiver.answered == []
        assert callbacks_depth(stack) == 1

        assert callbacks.poll_once() == 1  # still hanging: a second attempt, and again back to the queue
        assert len(invocations[1]["batchItemFailures"]) == 1 and callbacks_depth(stack) == 1

        receiver.hanging = False
        assert callbacks.poll_once() == 1
        assert invocations[2] == {"batchItemFailures": []}
        assert receiver.answered == [{"authorization": f"Bearer {token}", "body": payload}]
        assert callbacks_depth(stack) == 0
        assert callbacks.poll_once() == 0  # delivered once, never again
        assert len(receiver.answered) == 1 and len(receiver.heard) == 3
    finally:
        wiring.override(None)


def test_hanging_receivers_never_outlast_the_invocation(
    api: InProcessApi, stack: LocalStack, service: SeededService, receiver: Receiver, callbacks: QueuePoller
) -> None:
    """Each POST gets at most the invocation's remaining time (less a reserve), whatever the configured limit:
    a batch of hanging receivers ends with a partial batch response instead of a Lambda timeout, which would
    return the whole batch to the queue, callbacks already made included."""
    api.admin(
        "POST",
        f"/admin/services/{service.id}/callbacks",
        {"type": "delivery_status", "url": receiver.url, "bearer_token": "receiver-token-0123456789"},
    )
    for n in range(3):
        wiring.deps().callbacks.enqueue(CallbackJob("delivery_status", service.id, receiver.url, {"n": n}))
    sqs, url = aws.sqs(), wiring.deps().settings.callbacks_queue_url
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert len(messages) == 3
    context = LocalContext("CallbacksFunction", timeout_seconds=30)
    context._deadline = time.monotonic() + 1.3  # 0.3 s to spend once the reserve is kept back
    try:
        answer = stack.functions._handlers["CallbacksFunction"](
            {"Records": [callbacks._record(m) for m in messages]}, context
        )
        assert context.get_remaining_time_in_millis() > 0  # it answered before Lambda would have stopped it
        failed = sorted(f["itemIdentifier"] for f in answer["batchItemFailures"])
        assert failed == sorted(m["MessageId"] for m in messages)  # all three go back to the queue
    finally:
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    first = json.loads(messages[0]["Body"])["payload"]
    assert [h["body"] for h in receiver.heard] == [first]  # no time was left to try the others


def test_a_callback_queued_before_its_url_changed_goes_to_the_new_url_with_the_new_token(
    api: InProcessApi, service: SeededService, callbacks: QueuePoller
) -> None:
    """The job was queued for the old URL; the token is read when it is sent, so it follows the URL it goes with."""
    old, new = Receiver(), Receiver()
    servers = [threading.Thread(target=r.serve_forever, daemon=True) for r in (old, new)]
    for thread in servers:
        thread.start()
    old.hanging = new.hanging = False
    try:
        base = f"/admin/services/{service.id}/callbacks"
        api.admin("POST", base, {"type": "delivery_status", "url": old.url, "bearer_token": "TOKEN-OLD-0000"})
        payload = {"id": "5a1c1b1e-0000-4000-8000-000000000002", "status": "delivered"}
        wiring.deps().callbacks.enqueue(CallbackJob("delivery_status", service.id, old.url, payload))
        api.admin("POST", base, {"type": "delivery_status", "url": new.url, "bearer_token": "TOKEN-NEW-1111"})
        assert callbacks.poll_once() == 1
        assert (old.heard, new.answered) == ([], [{"authorization": "Bearer TOKEN-NEW-1111", "body": payload}])
    finally:
        for receiver in (old, new):
            receiver.release.set()
            receiver.shutdown()
            receiver.server_close()


def test_a_v1_webhook_goes_where_its_sender_points_when_sent(service: SeededService, callbacks: QueuePoller) -> None:
    """A sender's webhook changed after the job was queued (say, a compromised one replaced) gets no more jobs; one
    removed gets none at all."""
    old, new = Receiver(), Receiver()
    for receiver in (old, new):
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
    old.hanging = new.hanging = False
    d = wiring.deps()
    sender = SmsSender(
        id=str(uuid.uuid4()),
        service_id=service.id,
        sms_sender="Hooked",
        webhook_url=old.url,
        created_at=datetime.now(UTC),
    )
    try:
        d.senders.put(sender)
        d.callbacks.enqueue(CallbackJob("v1_webhook", service.id, old.url, {"n": 1}, sender.id))
        d.service_senders.get(service.id)  # cached in this container as it was: the callback must not use it
        d.senders.put(sender.model_copy(update={"webhook_url": new.url}))
        assert callbacks.poll_once() == 1
        assert (old.heard, [h["body"] for h in new.heard]) == ([], [{"n": 1}])
        d.callbacks.enqueue(CallbackJob("v1_webhook", service.id, new.url, {"n": 2}, sender.id))
        d.senders.put(sender.model_copy(update={"webhook_url": None}))
        assert callbacks.poll_once() == 1
        assert [h["body"] for h in new.heard] == [{"n": 1}]  # removed: dropped, not sent
    finally:
        d.senders.delete(sender.id)
        d.service_senders.invalidate(service.id)
        for receiver in (old, new):
            receiver.release.set()
            receiver.shutdown()
            receiver.server_close()


def test_a_queued_callback_to_a_url_the_rules_refuse_is_dropped_not_called(
    stack: LocalStack, service: SeededService, callbacks: QueuePoller, invocations: list[Any]
) -> None:
    """A URL stored before the rules refused internal hosts (or edited in the table) is checked again at sending."""
    job = CallbackJob("v1_webhook", service.id, "https://169.254.169.254/latest/meta-data/", {"n": 1})
    wiring.deps().callbacks.enqueue(job)
    assert callbacks.poll_once() == 1
    assert invocations == [{"batchItemFailures": []}] and callbacks_depth(stack) == 0  # handled: never retried


def test_a_stored_token_no_header_can_carry_is_dropped_and_never_printed(
    stack: LocalStack,
    service: SeededService,
    receiver: Receiver,
    callbacks: QueuePoller,
    invocations: list[Any],
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A token stored before tokens were checked (or edited in the table) is checked again at sending: http.client
    would refuse it with the whole token in its message, which the POST's thread printed to the function's log,
    on every retry."""
    d = wiring.deps()
    token = "SECRET-0123456789\nX-Injected: 1"
    d.services.put_callback(
        service.id,
        Callback(id="c", type="delivery_status", url=receiver.url, bearer_token=token, created_at=datetime.now(UTC)),
    )
    d.bundles.invalidate(service.id)
    d.callbacks.enqueue(CallbackJob("delivery_status", service.id, receiver.url, {"n": 1}))
    assert callbacks.poll_once() == 1
    assert invocations == [{"batchItemFailures": []}] and callbacks_depth(stack) == 0  # handled: never retried
    assert receiver.heard == []
    printed = capfd.readouterr()
    assert "SECRET-0123456789" not in printed.out + printed.err


def test_a_callback_whose_name_resolves_to_a_private_address_is_dropped_not_called(
    stack: LocalStack,
    service: SeededService,
    callbacks: QueuePoller,
    invocations: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The URL passes the rules (https, a public-looking name); the address the name gives at sending does not."""
    real, connected = socket.getaddrinfo, list[object]()

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "hooks.example.com":
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(webhook_client.socket, "create_connection", lambda *a, **k: connected.append(a))
    wiring.deps().callbacks.enqueue(CallbackJob("v1_webhook", service.id, "https://hooks.example.com/cb", {"n": 1}))
    assert callbacks.poll_once() == 1
    assert invocations == [{"batchItemFailures": []}] and callbacks_depth(stack) == 0  # handled: never retried
    assert connected == []


def test_a_callback_is_retried_five_times_then_goes_to_the_dlq(
    api: InProcessApi, stack: LocalStack, service: SeededService, callbacks: QueuePoller, invocations: list[Any]
) -> None:
    """Spec §9 (Notify's max_retries=5): the first attempt and five retries, then the dead-letter queue."""
    url = "http://127.0.0.1:9/cb"  # nothing listens: every attempt fails to connect
    callback = {"type": "delivery_status", "url": url, "bearer_token": "0123456789abcdef"}
    assert api.admin("POST", f"/admin/services/{service.id}/callbacks", callback).status == 201
    settings = wiring.deps().settings
    wiring.override(replace(wiring.deps(), settings=replace(settings, callback_retry_seconds=0)))
    try:
        payload = {"id": "5a1c1b1e-0000-4000-8000-000000000002", "status": "delivered"}
        wiring.deps().callbacks.enqueue(CallbackJob("delivery_status", service.id, url, payload))
        while callbacks.poll_once():
            pass
        assert len(invocations) == 6
        dlq = stack.resolve({"Ref": "CallbacksDLQ"})
        [dead] = boto3.client("sqs").receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
        assert json.loads(dead["Body"])["payload"] == payload
        boto3.client("sqs").delete_message(QueueUrl=dlq, ReceiptHandle=dead["ReceiptHandle"])
    finally:
        wiring.override(None)
