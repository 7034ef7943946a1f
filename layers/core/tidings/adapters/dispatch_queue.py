"""The SQS dispatch queue: messages carry the notification id and, when it fits, the notification itself
(so a batch's dispatch reads nothing: its one claim is conditional on the stored status).

It also keeps a batch's closing writes (`{"closing": …}`) when the store refused them after the sends; dispatch
applies them when they come back, and the queue's retries and DLQ keep them until then."""

# No `from __future__ import annotations`: pydantic resolves the message model's fields at class creation.
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, TypeAdapter

from tidings.adapters.aws import sqs
from tidings.domain.errors import QueueUnavailable
from tidings.domain.notifications import Notification
from tidings.observability import logger
from tidings.ports import Closing, Move

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

SQS_BATCH = 10  # messages per SendMessageBatch
SNAPSHOT_LIMIT_BYTES = 200_000  # SQS takes 256 KiB; a larger notification travels by id and is read


class SqsDispatchQueue:
    def __init__(self, queue_url: str) -> None:
        self._url = queue_url

    def enqueue(self, notification_id: str, snapshot: Notification | None = None) -> None:
        body = DispatchMessage.body_for(notification_id)
        if snapshot is not None:
            with_snapshot = DispatchMessage.body_for(notification_id, snapshot)
            body = with_snapshot if _fits(with_snapshot) else body
        try:
            sqs().send_message(QueueUrl=self._url, MessageBody=body)
        except (BotoCoreError, ClientError) as error:
            logger.warning("enqueue failed; the sweeper will retry", extra={"notification_id": notification_id})
            raise QueueUnavailable(str(error)) from error

    def enqueue_ids(self, notification_ids: Sequence[str]) -> int:
        queued = 0
        for start in range(0, len(notification_ids), SQS_BATCH):
            entries: list[SendMessageBatchRequestEntryTypeDef] = [
                {"Id": str(i), "MessageBody": DispatchMessage.body_for(notification_id)}
                for i, notification_id in enumerate(notification_ids[start : start + SQS_BATCH])
            ]
            try:
                answer = sqs().send_message_batch(QueueUrl=self._url, Entries=entries)
            except (BotoCoreError, ClientError):
                logger.warning("enqueue failed; the sweeper will retry", extra={"queued": queued})
                break
            queued += len(answer.get("Successful", []))  # an entry refused alone is tried again at the next sweep
        return queued

    def defer_closing(self, closing: Closing) -> None:
        body = ClosingMessage.body_for(closing)  # letters are the long ones: too long, one message per notification
        bodies = [body] if _fits(body) else [ClosingMessage.body_for(part) for part in _by_notification(closing)]
        if not all(_fits(part) for part in bodies):
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


class DispatchMessage(BaseModel):
    """A dispatch queue message for one notification: written here, read by dispatch."""

    model_config = ConfigDict(defer_build=True)  # built on first use: every function imports this module

    notification_id: str
    notification: Notification | None = None  # absent when it was too large, or the sweeper re-queued it

    @classmethod
    def body_for(cls, notification_id: str, snapshot: Notification | None = None) -> str:
        message = cls.model_construct(notification_id=notification_id, notification=snapshot)
        return message.model_dump_json(exclude_none=True)


def read_message(body: str) -> "DispatchMessage | ClosingMessage":
    """A dispatch queue message, of either kind; pydantic's ValidationError for one that is neither."""
    return _messages().validate_json(body)


@cache
def _messages() -> "TypeAdapter[DispatchMessage | ClosingMessage]":
    return TypeAdapter(DispatchMessage | ClosingMessage)


class ClosingMove(BaseModel):
    notification_id: str
    from_statuses: list[str]
    changes: dict[str, Any]


class DeferredClosing(BaseModel):
    references: dict[str, Notification]
    # Changes are serialised as the store writes them (pydantic's JSON), so applying them later writes the same.
    moves: list[ClosingMove]


class ClosingMessage(BaseModel):
    """A dispatch queue message holding a batch's closing writes: written here, read by dispatch."""

    closing: DeferredClosing

    @classmethod
    def body_for(cls, closing: Closing) -> str:
        moves = [
            ClosingMove(notification_id=m.notification_id, from_statuses=list(m.from_statuses), changes=m.changes)
            for m in closing.moves
        ]
        return cls(closing=DeferredClosing(references=closing.references, moves=moves)).model_dump_json()

    def to_closing(self) -> Closing:
        moves = [Move(m.notification_id, m.from_statuses, m.changes) for m in self.closing.moves]
        return Closing(dict(self.closing.references), moves)


def _fits(body: str) -> bool:
    return len(body.encode()) <= SNAPSHOT_LIMIT_BYTES


def _by_notification(closing: Closing) -> list[Closing]:
    ids = {n.id for n in closing.references.values()} | {m.notification_id for m in closing.moves}
    return [
        Closing(
            {r: n for r, n in closing.references.items() if n.id == i},
            [m for m in closing.moves if m.notification_id == i],
        )
        for i in sorted(ids)
    ]
