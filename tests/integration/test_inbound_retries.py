"""An inbound text delivered again (the callback could not be queued the first time, or SNS delivered twice) is
kept once, under one id, and its callback still goes out."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from tests.integration.conftest import InProcessApi, empty_queue, seed_service
from tests.integration.faults import aws_error, spy
from tests.integration.test_tenant_isolation import claim_inbound_number
from tidings.adapters import aws
from tidings_local.stack import LocalStack


def delivery(number: str, body: str, message_id: str) -> dict[str, Any]:
    """One SQS record carrying SNS's notification of a text to `number` (as the two-way topic delivers it)."""
    text = {"originationNumber": "+447700900999", "destinationNumber": f"+44{number[1:]}", "messageBody": body}
    envelope = {"Type": "Notification", "MessageId": message_id, "Timestamp": "2026-12-03T07:00:00.000Z"}
    record = {
        "messageId": str(uuid.uuid4()),  # SQS's id: a new one when SNS delivers the same notification again
        "receiptHandle": "handle",
        "body": json.dumps({**envelope, "Message": json.dumps({**text, "inboundMessageId": message_id})}),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-2:123456789012:InboundQueue",
        "awsRegion": "eu-west-2",
    }
    return {"Records": [record]}


def test_a_text_delivered_twice_is_kept_once_and_called_back(api: InProcessApi, stack: LocalStack) -> None:
    service = seed_service(api, "Inbound retries", ("normal",))
    number = claim_inbound_number(api, service.id)
    callback = {"type": "inbound_sms", "url": "http://127.0.0.1:9/in", "bearer_token": "0123456789ab"}
    assert api.admin("POST", f"/admin/services/{service.id}/callbacks", callback).status == 201
    message_id = str(uuid.uuid4())
    with (
        aws_error(aws.sqs(), "SendMessage", "InternalError", status=500) as fault,
        pytest.raises(BatchProcessingError),  # its only record failed: SQS delivers it again
    ):
        stack.functions.invoke("InboundSmsFunction", delivery(number, "Hello there", message_id))
    assert fault.hits
    try:
        with spy(aws.sqs(), "SendMessage") as enqueued:
            again = stack.functions.invoke("InboundSmsFunction", delivery(number, "Hello there", message_id))
        assert again == {"batchItemFailures": []}
        listed = api.v2("GET", "/v2/received-text-messages", service.keys["normal"]).json()["received_text_messages"]
        assert [(m["content"], m["user_number"]) for m in listed] == [("Hello there", "447700900999")]
        [job] = [json.loads(m["MessageBody"]) for m in enqueued if "Callbacks" in m["QueueUrl"]]
        assert (job["kind"], job["payload"]["id"]) == ("inbound_sms", listed[0]["id"])
    finally:
        empty_queue(stack, "CallbacksQueue")


def test_two_texts_alike_are_two_messages(api: InProcessApi, stack: LocalStack) -> None:
    service = seed_service(api, "Inbound alike", ("normal",))
    number = claim_inbound_number(api, service.id)
    for _ in range(2):
        reply = stack.functions.invoke("InboundSmsFunction", delivery(number, "Yes", str(uuid.uuid4())))
        assert reply == {"batchItemFailures": []}
    listed = api.v2("GET", "/v2/received-text-messages", service.keys["normal"]).json()["received_text_messages"]
    assert [m["content"] for m in listed] == ["Yes", "Yes"] and len({m["id"] for m in listed}) == 2
