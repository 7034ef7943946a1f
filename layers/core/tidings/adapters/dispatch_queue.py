"""The SQS dispatch queue: messages carry the notification id and nothing else."""

from __future__ import annotations

import json

from botocore.exceptions import BotoCoreError, ClientError

from tidings.adapters.aws import sqs
from tidings.domain.errors import QueueUnavailable
from tidings.observability import logger


class SqsDispatchQueue:
    def __init__(self, queue_url: str) -> None:
        self._url = queue_url

    def enqueue(self, notification_id: str) -> None:
        try:
            sqs().send_message(QueueUrl=self._url, MessageBody=json.dumps({"notification_id": notification_id}))
        except (BotoCoreError, ClientError) as error:
            logger.warning("enqueue failed; the sweeper will retry", extra={"notification_id": notification_id})
            raise QueueUnavailable(str(error)) from error
