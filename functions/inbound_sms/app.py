"""Two-way SMS (SNS topic → SQS): store the message, honour STOP/START, call the inbound callback."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from tidings.domain.inbound import IncomingText, build_inbound, normalised, opt_out_change
from tidings.domain.models import OptOut
from tidings.observability import logger
from tidings.wiring import deps

processor = BatchProcessor(event_type=EventType.SQS)


class TwoWayMessage(BaseModel):
    """End User Messaging's two-way SMS payload."""

    originationNumber: str  # noqa: N815
    destinationNumber: str  # noqa: N815
    messageBody: str  # noqa: N815
    inboundMessageId: str | None = None  # noqa: N815


def record_handler(record: SQSRecord) -> None:
    envelope = json.loads(record.body)
    try:
        message = TwoWayMessage.model_validate_json(envelope.get("Message", "{}"))
    except ValidationError:
        logger.warning("malformed inbound message dropped")
        return
    d = deps()
    sent_at = envelope.get("Timestamp")
    received = datetime.fromisoformat(sent_at.replace("Z", "+00:00")) if sent_at else d.clock.now()
    # The provider's id for the text, else SNS's for the notification that carried it: stable across retries
    message_id = message.inboundMessageId or envelope.get("MessageId") or record.message_id
    text = IncomingText(message.originationNumber, message.destinationNumber, message.messageBody, received, message_id)
    service_id = d.services.owner_of_number(normalised(text.to_number))
    bundle = d.bundles.get(service_id) if service_id else None
    if bundle is None:
        logger.warning("inbound message to a number no service owns dropped")
        return
    inbound = build_inbound(bundle, text)
    d.inbound.put(inbound)
    change = opt_out_change(text)
    if isinstance(change, OptOut):
        d.services.put_opt_out(bundle.service.id, change)
    elif change is True:
        d.services.remove_opt_out(bundle.service.id, inbound.user_number)
    if change is not None:
        d.bundles.invalidate(bundle.service.id)  # this container sees the change at once
    d.announcer.inbound(bundle, inbound)
    logger.info("inbound", extra={"inbound_id": inbound.id, "opt_out_change": change is not None})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
