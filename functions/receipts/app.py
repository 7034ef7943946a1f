"""Provider receipts → statuses, a batch at a time: SES events and the print provider's letter events (each on
its own topic, SNS → SQS), SNS SMS delivery-status logs (CloudWatch Logs subscription), and receipts that came
before their reference was recorded, once it is (the references table's stream)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.api.provider_events import from_recorded_reference, from_sms_log_events, from_sns_envelope
from tidings.domain.complaints import Complaint, announce_complaints
from tidings.domain.receipts import Receipt, apply_receipts
from tidings.observability import logger
from tidings.wiring import deps


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records") or [{}]
    d = deps()
    now = d.clock.now()
    found: list[Receipt | None]
    told: list[Complaint | None] = []
    if "awslogs" in event:
        source, found = "sms", from_sms_log_events(event["awslogs"].get("data", ""))
    elif records[0].get("eventSource") == "aws:dynamodb":
        source, found = "kept", [from_recorded_reference(record) for record in records]
    else:  # one queue: SES's topic and the print provider's
        print_topic = d.settings.print_events_topic_arn
        read = [from_sns_envelope(record.body, now, print_topic) for record in SQSEvent(event).records]
        source, found, told = "ses", [receipt for receipt, _ in read], [complaint for _, complaint in read]
    receipts = [receipt for receipt in found if receipt is not None]
    moved = apply_receipts(receipts, d.notifications, now)
    complaints = [complaint for complaint in told if complaint is not None]  # after the status: it is delivered
    complained = announce_complaints(complaints, d.notifications, d.announcer)
    # Counts only: the events carry addresses and numbers.
    logger.info(
        "receipts",
        extra={
            "source": source,
            "events": len(found),
            "unrecognised": len(found) - len(receipts),
            "applied": len(moved),
            "complaints": complained,
        },
    )
    return {"batchItemFailures": []}  # a receipt that cannot be applied now never can be: nothing to retry
