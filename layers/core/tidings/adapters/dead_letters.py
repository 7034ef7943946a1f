"""A dead-letter queue a function writes to itself: a stream record it can never read is set aside whole, where
Lambda's own on-failure destination keeps only where a batch was (shard and sequence numbers)."""

from __future__ import annotations

import json
from typing import Any

from tidings.adapters.aws import sqs

# SQS's message limit is 1 MiB; a record with both images of a large item could pass 256 KiB, the older limit
# some tools still assume, so a record larger than this keeps its keys and sequence number only.
WHOLE_LIMIT_BYTES = 256 * 1024


class SqsDeadLetters:
    def __init__(self, queue_url: str) -> None:
        self._url = queue_url

    def keep(self, record: dict[str, Any]) -> None:
        body = json.dumps(record, default=str)
        if len(body.encode()) > WHOLE_LIMIT_BYTES:
            stream = {name: value for name, value in record["dynamodb"].items() if not name.endswith("Image")}
            body = json.dumps({**record, "dynamodb": stream}, default=str)
        sqs().send_message(QueueUrl=self._url, MessageBody=body)
