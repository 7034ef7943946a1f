"""An email complaint, as SES's complaint simulator makes one: the email ends `delivered`, and the service's
delivery-status callback gets a complaint payload of its own (spec §9), told once per complaint."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator

import pytest

from tests.integration.conftest import InProcessApi, SeededService, announce_changes, empty_queue
from tests.integration.faults import spy
from tests.integration.receivers import Receiver
from tidings.adapters import aws
from tidings_local.provider_simulator import COMPLAINT
from tidings_local.stack import LocalStack

TOKEN = "complaints-token-0123456789"


@pytest.fixture
def receiver(api: InProcessApi, stack: LocalStack, service: SeededService) -> Iterator[Receiver]:
    """The service's delivery-status callback, answering 200."""
    announce_changes(stack)  # earlier tests' changes call back before this callback exists
    server = Receiver()
    server.hanging = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    callback = {"type": "delivery_status", "url": server.url, "bearer_token": TOKEN}
    assert api.admin("POST", f"/admin/services/{service.id}/callbacks", callback).status == 201
    yield server
    empty_queue(stack, "CallbacksQueue")
    server.shutdown()
    server.server_close()


def test_a_complaint_is_called_back_to_the_delivery_status_url_with_its_own_payload(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    templates: dict[str, str],
    drain: Callable[[], None],
    receiver: Receiver,
) -> None:
    body = {"email_address": COMPLAINT, "template_id": templates["email"], "personalisation": {"name": "Jo"}}
    sent = api.v2("POST", "/v2/notifications/email", service.keys["normal"], {**body, "reference": "ref-c"})
    assert sent.status == 201, sent.body
    notification_id = sent.json()["id"]
    with spy(aws.sqs(), "SendMessage") as enqueued:
        drain()
    jobs = [json.loads(m["MessageBody"]) for m in enqueued if "Callbacks" in m["QueueUrl"]]
    [complaint] = [job for job in jobs if job["kind"] == "complaint"]
    assert [job["payload"]["status"] for job in jobs if job["kind"] == "delivery_status"] == ["delivered"]
    assert complaint["url"] == receiver.url and TOKEN not in json.dumps(jobs)  # the token is added when sent
    payload = complaint["payload"]
    assert (payload["notification_id"], payload["reference"], payload["to"]) == (notification_id, "ref-c", COMPLAINT)
    assert uuid.UUID(payload["complaint_id"]) and payload["complaint_date"].endswith("Z")
    callbacks = next(p for p in stack.pollers if p._spec.logical_id == "CallbacksFunction")
    while callbacks.poll_once():
        pass
    assert {"authorization": f"Bearer {TOKEN}", "body": payload} in receiver.answered
    shown = api.v2("GET", f"/v2/notifications/{notification_id}", service.keys["normal"]).json()
    assert shown["status"] == "delivered"
