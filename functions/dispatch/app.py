"""SQS consumer: deliver a batch of queued notifications together; failures are reported per message.

A message may instead hold an earlier batch's closing writes, which the store refused after its sends: they are
applied here, and retried by the queue until the store takes them (then the DLQ keeps them).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.adapters.dispatch_queue import ClosingMessage, read_message
from tidings.domain.dispatch import DispatchContext, Job, Outcome, close_batch, dispatch_batch
from tidings.observability import logger
from tidings.wiring import deps


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    d = deps()
    jobs: dict[str, Job] = {}  # by SQS message id
    failures: list[str] = []
    closings = 0
    for record in SQSEvent(event).records:
        try:
            message = read_message(record.body)
            if isinstance(message, ClosingMessage):
                close_batch(message.to_closing(), d.notifications)
                closings += 1
                continue
        except Exception:  # a poison message, or the store still down: retried, then on to the DLQ
            failures.append(record.message_id)
            continue
        attempt = int(record.attributes.approximate_receive_count or 1)
        last = attempt >= d.settings.dispatch_max_receives
        jobs[record.message_id] = Job(message.notification_id, message.notification, last, record.message_id)
    batch = DispatchContext(
        store=d.notifications,
        sms=d.providers.sms,
        email=d.providers.email,
        now=d.clock.now(),
        letters=d.providers.letters,
        scanner=d.providers.scanner,
        printer=d.providers.printer,
        time_left=lambda: context.get_remaining_time_in_millis() / 1000,
        queue=d.queue,
    )
    outcomes = dispatch_batch(list(jobs.values()), batch) if jobs else {}
    tally = {outcome.value: list(outcomes.values()).count(outcome) for outcome in Outcome}
    logger.info(
        "dispatched", extra={"messages": len(jobs), "closings": closings, "failed": len(failures), **tally}
    )  # ids only: no PII
    failures += [message_id for message_id, job in jobs.items() if outcomes[job.notification_id] is Outcome.RETRY]
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failures]}
