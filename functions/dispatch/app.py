"""SQS consumer: deliver each queued notification; failures are reported per record (partial batch)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from tidings.domain.dispatch import DispatchContext, dispatch
from tidings.observability import logger
from tidings.wiring import deps

processor = BatchProcessor(event_type=EventType.SQS)


class DispatchMessage(BaseModel):
    notification_id: str


def record_handler(record: SQSRecord) -> None:
    message = DispatchMessage.model_validate_json(record.body)  # a poison message fails here, on to the DLQ
    d = deps()
    attempt = int(record.attributes.approximate_receive_count or 1)
    context = DispatchContext(
        store=d.notifications,
        sms=d.providers.sms,
        email=d.providers.email,
        now=d.clock.now(),
        last_attempt=attempt >= d.settings.dispatch_max_receives,
        announce=d.announcer.status_changed,
    )
    outcome = dispatch(message.notification_id, context)
    logger.info(
        "dispatched",
        extra={"notification_id": message.notification_id, "outcome": outcome, "attempt": attempt},
    )


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
