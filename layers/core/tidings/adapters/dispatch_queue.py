"""The SQS dispatch queue: messages carry the notification id and, when it fits, the notification itself
(so a batch's dispatch reads nothing: its one claim is conditional on the stored status).

It also keeps a batch's closing writes (`{"closing": …}`) when the store refused them after the sends; dispatch
applies them when they come back, and the queue's retries and DLQ keep them until then."""

# No `from __future__ import annotations`: pydantic resolves the message model's fields at class creation.
import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from tidings.adapters.aws import sqs
from tidings.domain.errors import QueueUnavailable
from tidings.domain.notifications import Notification
from tidings.observability import logger
from tidings.ports import Closing, Move

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

    def defer_closing(self, closing: Closing) -> None:
        bodies = [_closing_body(closing)]
        if len(bodies[0].encode()) > SNAPSHOT_LIMIT_BYTES:  # letters are the long ones: one message each
            bodies = [_closing_body(part) for part in _by_notification(closing)]
        if any(len(body.encode()) > SNAPSHOT_LIMIT_BYTES for body in bodies):
            raise QueueUnavailable("closing writes too large for a queue message")
        try:
            for body in bodies:
                sqs().send_message(QueueUrl=self._url, MessageBody=body)
        except (BotoCoreError, ClientError) as error:
            raise QueueUnavailable(str(error)) from error
        logger.warning(
            "closing writes deferred to the queue",
            extra={"references": len(closing.references), "moves": len(closing.moves)},
        )


class ClosingMove(BaseModel):
    notification_id: str
    from_statuses: list[str]
    changes: dict[str, Any]


class DeferredClosing(BaseModel):
    """A dispatch queue message holding a batch's closing writes."""

    references: dict[str, Notification]
    moves: list[ClosingMove]

    def closing(self) -> Closing:
        moves = [Move(m.notification_id, m.from_statuses, m.changes) for m in self.moves]
        return Closing(dict(self.references), moves)


def _closing_body(closing: Closing) -> str:
    references = {r: n.model_dump(mode="json") for r, n in closing.references.items()}
    moves = [
        {"notification_id": m.notification_id, "from_statuses": list(m.from_statuses), "changes": m.changes}
        for m in closing.moves
    ]
    # Changes go as the store writes them (to_jsonable_python), so applying them later writes the same values.
    return json.dumps({"closing": {"references": references, "moves": to_jsonable_python(moves)}})


def _by_notification(closing: Closing) -> list[Closing]:
    ids = {n.id for n in closing.references.values()} | {m.notification_id for m in closing.moves}
    return [
        Closing(
            {r: n for r, n in closing.references.items() if n.id == i},
            [m for m in closing.moves if m.notification_id == i],
        )
        for i in sorted(ids)
    ]
