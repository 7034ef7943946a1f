"""The SQS dispatch queue: messages carry the notification id and, when it fits, the notification itself
(so a batch's dispatch reads nothing: its one claim is conditional on the stored status)."""

from __future__ import annotations

import json

from botocore.exceptions import BotoCoreError, ClientError

from tidings.adapters.aws import sqs
from tidings.domain.errors import QueueUnavailable
from tidings.domain.notifications import Notification
from tidings.observability import logger

SNAPSHOT_LIMIT_BYTES = 200_000  # SQS takes 256 KiB; a larger notification travels by id and is read


class SqsDispatchQueue:
    def __init__(self, queue_url: str) -> None:
        self._url = queue_url

    def enqueue(self, notification_id: str, snapshot: Notification | None = None) -> None:
        body = json.dumps({"notification_id": notification_id})
        if snapshot is not None:
            with_snapshot = json.dumps(
                {"notification_id": notification_id, "notification": snapshot.model_dump(mode="json")}
            )
            body = with_snapshot if len(with_snapshot.encode()) <= SNAPSHOT_LIMIT_BYTES else body
        try:
            sqs().send_message(QueueUrl=self._url, MessageBody=body)
        except (BotoCoreError, ClientError) as error:
            logger.warning("enqueue failed; the sweeper will retry", extra={"notification_id": notification_id})
            raise QueueUnavailable(str(error)) from error
