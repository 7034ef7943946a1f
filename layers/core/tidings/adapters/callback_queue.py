"""The SQS callbacks queue: each message is one POST to make (URL and payload; never the bearer token)."""

from __future__ import annotations

import json
from dataclasses import asdict

from tidings.adapters.aws import sqs
from tidings.domain.callbacks import CallbackJob


class SqsCallbackQueue:
    def __init__(self, queue_url: str) -> None:
        self._url = queue_url

    def enqueue(self, job: CallbackJob) -> None:
        sqs().send_message(QueueUrl=self._url, MessageBody=json.dumps(asdict(job)))

    def retry_later(self, receipt_handle: str, seconds: int) -> None:
        """Hold a received job back for `seconds` before its next attempt (the queue counts its receives)."""
        sqs().change_message_visibility(QueueUrl=self._url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds)
