"""SQS consumer: POST each callback; retry connection errors, 5xx and 429 (spaced), never other 4xx."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.adapters.webhook_client import AddressNotAllowed, post_json
from tidings.domain.callbacks import CallbackJob, check_bearer_token, current_target, retryable_response
from tidings.domain.errors import ValidationFailed
from tidings.domain.urls import check_callback_url
from tidings.observability import logger
from tidings.wiring import deps

# Every record failing (one receiver down) is still a handled outcome: a partial batch response naming them
# all, not a function error (the Errors alarm is for crashes and timeouts).
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
# Kept back from each POST's time limit, so that however long receivers hang the invocation still reports its
# partial batch (a timed-out invocation would put the whole batch back, callbacks already made included).
RESERVE_SECONDS = 1.0


class ReceiverUnavailable(Exception):
    """The receiver failed in a way worth another try: the message comes back after the spacing."""


def record_handler(record: SQSRecord, lambda_context: LambdaContext | None = None) -> None:
    job = CallbackJob(**json.loads(record.body))
    d = deps()
    # The callback as it is now, URL and token together: a token changed since the job was queued never goes to
    # the URL it replaced, and a webhook changed or removed (say, a compromised one) gets nothing more.
    webhook = job.kind == "v1_webhook"
    bundle = None if webhook else d.bundles.get(job.service_id)
    sender = d.senders.get(job.sender_id) if webhook and job.sender_id else None  # read now, never cached
    target = current_target(job, bundle, sender)
    if target is None:
        logger.info("callback removed since queued; dropped", extra={"kind": job.kind})
        return
    url, token = target
    try:  # checked again at sending: a URL or token stored before today's rules, or edited in the table, is not used
        check_callback_url(url, d.settings.local_mode)
        check_bearer_token(token)
    except ValidationFailed:
        logger.warning("callback URL or token not allowed; dropped", extra={"kind": job.kind})
        return
    within = lambda_context.get_remaining_time_in_millis() / 1000 - RESERVE_SECONDS if lambda_context else None
    if within is not None and within <= 0:  # hanging receivers ate the invocation: the rest goes back to the queue
        raise ReceiverUnavailable("no time left in this invocation")
    try:
        status = post_json(url, job.payload, token, within=within, allow_loopback=d.settings.local_mode)
    except AddressNotAllowed:  # a public-looking name pointed at a private address: never sent, never retried
        logger.warning("callback host resolves to an address not allowed; dropped", extra={"kind": job.kind})
        return
    attempt = int(record.attributes.approximate_receive_count or 1)
    logger.info("callback", extra={"kind": job.kind, "status": status, "attempt": attempt})
    if retryable_response(status):
        d.callbacks.retry_later(record.receipt_handle, d.settings.callback_retry_seconds)
        raise ReceiverUnavailable(f"status {status}")  # after the queue's maxReceiveCount: the DLQ


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> Any:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
