"""DynamoDB streams of the notifications and senders tables → SmsCreated/Deleted and UserSmsSender* events, and
each stored status change → its delivery callback and /v1 webhook.

Callbacks come from the stream, not from the functions that change statuses, so a change that was written is
always announced: a failed enqueue fails the batch, and Lambda delivers the same records again (at least once).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.adapters.dynamo_items import from_item
from tidings.adapters.eventbridge import EventBridgePublisher
from tidings.api.notifea_v1.views import sender_json, sms_json
from tidings.domain.change_events import Kind, event_name, status_changed
from tidings.domain.models import Retention, SmsSender
from tidings.domain.notifications import Notification
from tidings.observability import logger
from tidings.wiring import deps

TTL_PRINCIPAL = "dynamodb.amazonaws.com"
CONTENT_Z = "content_z"  # where the notifications table keeps a long email's compressed body and subject


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    settings = deps().settings
    tables: dict[str, Kind] = {settings.notifications_table: "sms", settings.senders_table: "sender"}
    entries, changed = [], []
    for record in event.get("Records", []):
        kind = tables.get(record["eventSourceARN"].split(":table/", 1)[-1].split("/", 1)[0])
        image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage") or {}
        if kind is None or not image:
            continue
        if kind == "sms" and record["eventName"] == "MODIFY":
            if status_changed(_status(record["dynamodb"].get("OldImage")), _status(image)):
                changed.append(_notification(image))
            continue
        by_ttl = record.get("userIdentity", {}).get("principalId") == TTL_PRINCIPAL
        is_v1 = image.get("dialect", {}).get("S") == "v1"
        name = event_name(kind, record["eventName"], is_v1, by_ttl)
        if name is not None:
            entries.append((name, _detail(kind, image)))
    EventBridgePublisher(settings.event_bus_name).publish_all(entries)
    for notification in changed:
        deps().announcer.status_changed(notification)
    logger.info("announced", extra={"events": len(entries), "status_changes": len(changed)})
    return {"published": len(entries), "status_changes": len(changed)}


def _notification(image: dict[str, Any]) -> Notification:
    """The notification a record shows. A long email's compressed content is left out: no callback or event
    shows it, and Lambda's stream events carry binary attributes as base64 text, which boto3's reader refuses."""
    return from_item(Notification, {name: value for name, value in image.items() if name != CONTENT_Z})


def _status(image: dict[str, Any] | None) -> str | None:
    status = (image or {}).get("status", {}).get("S")
    return str(status) if status is not None else None


def _detail(kind: Kind, image: dict[str, Any]) -> dict[str, Any]:
    if kind == "sms":
        return sms_json(_notification(image))
    sender = from_item(SmsSender, image)
    return sender_json(sender, _retention(sender))


def _retention(sender: SmsSender) -> Retention:
    """Read only for a sender without its own `sms_live_time` (one made through /admin); a service already gone
    counts as Notify's default."""
    if sender.sms_live_time is not None:
        return Retention()
    bundle = deps().bundles.get(sender.service_id)
    return bundle.service.retention_days if bundle else Retention()
