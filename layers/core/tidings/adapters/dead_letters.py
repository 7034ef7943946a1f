"""A dead-letter queue a function writes to itself: a stream record it can never read is set aside whole, where
Lambda's own on-failure destination keeps only where a batch was (shard and sequence numbers)."""

from __future__ import annotations

import json
from typing import Any

from tidings.adapters.aws import sqs

# A record with both images of a large item could pass SQS's limit (256 KiB in older tools, 1 MiB now): one
# larger than this keeps its keys and sequence number only, marked so, to be read from the table instead.
WHOLE_LIMIT_BYTES = 256 * 1024


class SqsDeadLetters:
    def __init__(self, queue_url: str) -> None:
        self._url = queue_url

    def keep(self, record: dict[str, Any], leave_out: str | None = None) -> None:
        """Keep `record`, without the images' `leave_out` attribute (one the consumer never reads)."""
        stream = record["dynamodb"]
        images = {
            n: {a: v for a, v in image.items() if a != leave_out} for n, image in stream.items() if n.endswith("Image")
        }
        body = json.dumps({**record, "dynamodb": {**stream, **images}}, default=str)
        if len(body.encode()) > WHOLE_LIMIT_BYTES:
            keys_only = {name: value for name, value in stream.items() if not name.endswith("Image")}
            body = json.dumps({**record, "dynamodb": keys_only, "images_left_out": True}, default=str)
        sqs().send_message(QueueUrl=self._url, MessageBody=body)
