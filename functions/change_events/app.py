"""DynamoDB streams of the notifications and senders tables → SmsCreated/Deleted and UserSmsSender* events, and
each stored status change → its delivery callback and /v1 webhook.

Callbacks come from the stream, not from the functions that change statuses, so a change that was written is
always announced: the answer is a partial batch response naming the first record whose event or callback could
not be sent (EventBridge or SQS down: an AWS error), and Lambda delivers the records again from it (at least
once). A record that fails any other way (it cannot be read, or a bug meets it) would fail every retry and hold
its shard for a day: it is set aside whole on the change events DLQ, logged, and the records after it go on.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import BotoCoreError, ClientError

from tidings.api.change_records import CONTENT_Z, Change, read_change
from tidings.api.notifea_v1.views import sender_json
from tidings.api.stream_batch import StreamBatch
from tidings.domain.change_events import Kind
from tidings.domain.models import Retention, SmsSender
from tidings.domain.notifications import Notification
from tidings.observability import logger
from tidings.wiring import deps

OUTAGES = (BotoCoreError, ClientError)  # worth delivering again; any other failure is the record's own


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[dict[str, str]]]:
    batch = StreamBatch(event.get("Records", []))
    changes = _read_all(batch)
    entries: list[tuple[int, tuple[str, dict[str, Any]]]] = []
    for change in changes:
        if change.name is None or not batch.open(change.position):
            continue
        try:  # a sender's detail may read its service (DynamoDB)
            detail = change.detail if change.sender is None else _sender_detail(change.sender)
        except OUTAGES:
            logger.exception("a sender event could not be rendered", extra={"position": change.position})
            batch.fail(change.position)
            break
        except Exception as error:
            _set_aside(batch, change.position, error)
            continue
        entries.append((change.position, (change.name, detail or {})))
    refused = deps().change_events.publish_all([entry for _, entry in entries])
    if refused is not None:
        logger.warning("an event was not accepted; the stream delivers it again")
        batch.fail(entries[refused][0])
    _call_back(batch, [(change.position, change.changed) for change in changes if change.changed is not None])
    logger.info("announced", extra={"records": len(batch.records), "failed_at": batch.failed_at})
    return batch.response()


def _read_all(batch: StreamBatch) -> list[Change]:
    """Each record's change, in order; an unreadable one goes to the DLQ."""
    tables = _tables()
    changes = []
    for position, record in enumerate(batch.records):
        try:
            change = read_change(position, record, tables)
        except Exception as error:
            if not _set_aside(batch, position, error):
                break
            continue
        if change is not None:
            changes.append(change)
    return changes


def _call_back(batch: StreamBatch, changed: list[tuple[int, Notification]]) -> None:
    for position, notification in changed:
        if not batch.open(position):
            return
        try:
            deps().announcer.status_changed(notification)
        except OUTAGES:
            logger.exception("a callback could not be queued; the stream delivers it again")
            batch.fail(position)
            return
        except Exception as error:
            if not _set_aside(batch, position, error):
                return


def _set_aside(batch: StreamBatch, position: int, error: Exception) -> bool:
    """Put a record no retry would mend on the DLQ (its error's type logged, never its content); False when
    the DLQ refused it too, and the batch fails there so that the stream delivers it again."""
    record = batch.records[position]
    logger.error(
        "a stream record that cannot be announced was set aside on the change events DLQ",
        extra={"event_id": record.get("eventID"), "error": type(error).__name__},
    )
    try:
        deps().change_dead_letters.keep(record, leave_out=CONTENT_Z)
    except Exception:
        logger.exception("the change events DLQ refused a record; the stream delivers it again")
        batch.fail(position)
        return False
    return True


def _tables() -> dict[str, Kind]:
    settings = deps().settings
    return {settings.notifications_table: "sms", settings.senders_table: "sender"}


def _sender_detail(sender: SmsSender) -> dict[str, Any]:
    return sender_json(sender, _retention(sender))


def _retention(sender: SmsSender) -> Retention:
    """Read only for a sender without its own `sms_live_time` (one made through /admin); a service already gone
    counts as Notify's default."""
    if sender.sms_live_time is not None:
        return Retention()
    bundle = deps().bundles.get(sender.service_id)
    return bundle.service.retention_days if bundle else Retention()
