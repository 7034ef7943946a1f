"""What one DynamoDB stream record of the notifications or senders table calls for: a /v1 change event, or a
status change to announce (its delivery callback and /v1 webhook). Pure: anything raised here is the record's
fault, not an outage's."""

from __future__ import annotations

from typing import Any, NamedTuple

from tidings.adapters.dynamo_items import from_item
from tidings.api.notifea_v1.views import sms_json
from tidings.domain.change_events import Kind, event_name, status_changed
from tidings.domain.models import SmsSender
from tidings.domain.notifications import Notification

TTL_PRINCIPAL = "dynamodb.amazonaws.com"
CONTENT_Z = "content_z"  # where the notifications table keeps a long email's compressed body and subject


class Change(NamedTuple):
    """What one record calls for: an event (a /v1 SMS's detail, or a sender still to render), or a callback."""

    position: int
    name: str | None = None
    detail: dict[str, Any] | None = None
    sender: SmsSender | None = None
    changed: Notification | None = None


def read_change(position: int, record: dict[str, Any], tables: dict[str, Kind]) -> Change | None:
    """What the record calls for, or None; `tables` names the kind of each table the stream may come from."""
    kind = tables.get(record["eventSourceARN"].split(":table/", 1)[-1].split("/", 1)[0])
    image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage") or {}
    if kind is None or not image:
        return None
    if kind == "sms" and record["eventName"] == "MODIFY":
        if status_changed(_status(record["dynamodb"].get("OldImage")), _status(image)):
            return Change(position, changed=_notification(image))
        return None
    by_ttl = record.get("userIdentity", {}).get("principalId") == TTL_PRINCIPAL
    is_v1 = image.get("dialect", {}).get("S") == "v1"
    name = event_name(kind, record["eventName"], is_v1, by_ttl)
    if name is None:
        return None
    if kind == "sms":
        return Change(position, name=name, detail=sms_json(_notification(image)))
    return Change(position, name=name, sender=from_item(SmsSender, image))


def _notification(image: dict[str, Any]) -> Notification:
    """The notification a record shows. A long email's compressed content is left out: no callback or event
    shows it, and Lambda's stream events carry binary attributes as base64 text, which boto3's reader refuses."""
    return from_item(Notification, {name: value for name, value in image.items() if name != CONTENT_Z})


def _status(image: dict[str, Any] | None) -> str | None:
    status = (image or {}).get("status", {}).get("S")
    return str(status) if status is not None else None
