"""Event source mappings: poll each queue and call its consumer with real SQS batch events."""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any

import boto3

from tidings_local.lambda_runtime import Functions, reported_failures
from tidings_local.sam_template import FunctionSpec, QueueTrigger

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

POLL_INTERVAL_SECONDS = 0.1
SQS_MAX_MESSAGES = 10  # per ReceiveMessage and per DeleteMessageBatch


class QueuePoller:
    def __init__(
        self, functions: Functions, spec: FunctionSpec, trigger: QueueTrigger, queue_arn: str, region: str
    ) -> None:
        self._functions = functions
        self._spec = spec
        self._trigger = trigger
        self._arn = queue_arn
        self._region = region
        self._sqs: SQSClient = boto3.client("sqs")
        self._url = self._sqs.get_queue_url(QueueName=queue_arn.rsplit(":", 1)[1])["QueueUrl"]

    def poll_once(self) -> int:
        """Receive one batch, invoke the consumer, delete what succeeded; return the batch size."""
        messages = self._receive_batch()
        if not messages:
            return 0
        event = {"Records": [self._record(m) for m in messages]}
        try:
            result = self._functions.invoke(self._spec.logical_id, event)
        except Exception:
            return len(messages)
        failed = reported_failures(result, self._trigger.report_failures)
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), SQS_MAX_MESSAGES):
            self._sqs.delete_message_batch(
                QueueUrl=self._url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(done[start : start + SQS_MAX_MESSAGES])
                ],
            )
        return len(messages)

    def _receive_batch(self) -> list[Any]:
        """Up to BatchSize messages: like Lambda's pollers, several receives make a batch larger than 10
        (locally without waiting for the batching window: whatever is there now)."""
        messages: list[Any] = []
        while len(messages) < self._trigger.batch_size:
            received = self._sqs.receive_message(
                QueueUrl=self._url,
                MaxNumberOfMessages=min(self._trigger.batch_size - len(messages), SQS_MAX_MESSAGES),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            messages.extend(received)
            if len(received) < SQS_MAX_MESSAGES:
                break
        return messages

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if not self.poll_once():
                stop.wait(POLL_INTERVAL_SECONDS)

    def _record(self, message: Any) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": hashlib.md5(message["Body"].encode()).hexdigest(),  # noqa: S324 (SQS's checksum)
            "eventSource": "aws:sqs",
            "eventSourceARN": self._arn,
            "awsRegion": self._region,
        }
