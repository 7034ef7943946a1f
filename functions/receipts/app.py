"""Provider receipts → statuses: SES events (SNS → SQS) and SNS SMS delivery-status logs (CloudWatch Logs)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.api.provider_events import from_ses_event, from_sms_log_events
from tidings.domain.receipts import Receipt, apply_receipt
from tidings.observability import logger
from tidings.wiring import deps

processor = BatchProcessor(event_type=EventType.SQS)


def apply(receipt: Receipt | None, source: str) -> None:
    if receipt is None:
        logger.warning("unrecognised provider event dropped", extra={"source": source})  # no payload: PII
        return
    d = deps()
    moved = apply_receipt(receipt, d.notifications, d.notifications.find_by_provider_reference, d.clock.now())
    if moved is not None:
        d.announcer.status_changed(moved)
    logger.info("receipt", extra={"source": source, "status": receipt.status, "applied": moved is not None})


def record_handler(record: SQSRecord) -> None:
    try:
        message = json.loads(record.body).get("Message", "")  # the SNS envelope around the SES event
    except (ValueError, AttributeError):
        message = ""
    apply(from_ses_event(message) if isinstance(message, str) else None, "ses")


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    if "awslogs" in event:
        for receipt in from_sms_log_events(event["awslogs"].get("data", "")):
            apply(receipt, "sms")
        return {"batchItemFailures": []}
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
