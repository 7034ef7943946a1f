"""Notifications in DynamoDB: one item each, listed per service and key type newest first (GSI).

`expires_at` is the TTL attribute (epoch seconds). TTL deletion is lazy, so every read here filters
expired items out: no caller can forget. While a notification is `created` it also carries `awaiting`,
a sparse, sharded GSI key the sweeper reads to find notifications whose queue message was lost (and, while
`sending`, those whose receipt never came).
"""

from __future__ import annotations

import zlib
from collections.abc import Collection
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pydantic_core import to_jsonable_python

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import from_item, key, query_all, to_item
from tidings.domain.notifications import Notification
from tidings.domain.timefmt import iso_z
from tidings.ports import NotificationQuery

BY_SERVICE_KEY, BY_AWAITING, BY_PROVIDER_KEY = "by_service_key", "by_awaiting", "by_provider_key"
AWAITED = frozenset({"created", "sending"})  # the sweeper re-enqueues the first and times out the second
AWAITING_SHARDS = 8


class DynamoNotificationStore:
    def __init__(self, table: str) -> None:
        self._table = table

    def put(self, notification: Notification) -> None:
        keys: dict[str, Any] = {
            "notification_id": notification.id,
            "service_key": _service_key(notification),
            "created_key": _created_key(notification),
            "expires_at": int(notification.expires_at.timestamp()),
        }
        if notification.status in AWAITED:
            keys["awaiting"] = _awaiting(notification.id, notification.status)
        dynamodb().put_item(TableName=self._table, Item=to_item(notification, **keys))

    def delete(self, notification_id: str) -> bool:
        try:
            dynamodb().delete_item(
                TableName=self._table,
                Key=key(notification_id=notification_id),
                ConditionExpression="attribute_exists(notification_id)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def find(self, notification_id: str, now: datetime) -> Notification | None:
        notification = self.load_for_dispatch(notification_id)
        return notification if notification and notification.visible_at(now) else None

    def load_for_dispatch(self, notification_id: str) -> Notification | None:
        item = dynamodb().get_item(TableName=self._table, Key=key(notification_id=notification_id))
        return from_item(Notification, item["Item"]) if "Item" in item else None

    def transition(self, notification_id: str, from_statuses: Collection[str], changes: dict[str, Any]) -> bool:
        return self.advance(notification_id, from_statuses, changes) is not None

    def advance(
        self, notification_id: str, from_statuses: Collection[str], changes: dict[str, Any]
    ) -> Notification | None:
        names = {f"#{name}": name for name in changes} | {"#status": "status"}
        values = {f":{name}": to_jsonable_python(value) for name, value in changes.items()}
        values |= {f":from{i}": status for i, status in enumerate(from_statuses)}
        update = "SET " + ", ".join(f"#{name} = :{name}" for name in changes)
        if changes.get("provider_reference"):
            update += ", provider_key = :provider_reference"  # the receipts' index: set only once sent
        if changes.get("status") in AWAITED:
            update += ", awaiting = :awaiting"
            values[":awaiting"] = _awaiting(notification_id, str(changes["status"]))
        elif "status" in changes:
            update += " REMOVE awaiting"
        condition = f"#status IN ({', '.join(f':from{i}' for i in range(len(from_statuses)))})"
        try:
            result = dynamodb().update_item(
                TableName=self._table,
                Key=key(notification_id=notification_id),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=key(**values),
                ReturnValues="ALL_NEW",  # the updated notification, so callers need no read first
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None  # not there, or not in a status it may move on from
            raise
        return from_item(Notification, result["Attributes"])

    def page(self, query: NotificationQuery) -> list[Notification]:
        names, values = {"#exp": "expires_at"}, {":sk": f"{query.service_id}#{query.key_type}"}
        values[":now"] = int(query.now.timestamp())  # type: ignore[assignment]
        condition, filters = "service_key = :sk", ["#exp > :now"]
        if query.older_than is not None:
            condition += " AND created_key < :anchor"
            values[":anchor"] = _created_key(query.older_than)
        for field, wanted in (("status", query.statuses), ("type", query.types)):
            if wanted:
                names[f"#{field}"] = field
                placeholders = [f":{field}{i}" for i in range(len(wanted))]
                values |= dict(zip(placeholders, sorted(wanted), strict=True))
                filters.append(f"#{field} IN ({', '.join(placeholders)})")
        if query.reference is not None:
            names["#ref"], values[":ref"] = "reference", query.reference
            filters.append("#ref = :ref")
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": BY_SERVICE_KEY,
            "KeyConditionExpression": condition,
            "FilterExpression": " AND ".join(filters),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": key(**values),
            "ScanIndexForward": False,
        }
        return [from_item(Notification, item) for item in query_all(query.limit, **request)]

    def awaiting_dispatch(self, created_before: datetime) -> list[str]:
        return self._awaiting("created", created_before)

    def sending_since(self, created_before: datetime) -> list[str]:
        return self._awaiting("sending", created_before)

    def find_by_provider_reference(self, reference: str) -> str | None:
        items = query_all(
            TableName=self._table,
            IndexName=BY_PROVIDER_KEY,
            KeyConditionExpression="provider_key = :ref",
            ExpressionAttributeValues=key(**{":ref": reference}),
        )
        return str(items[0]["notification_id"]["S"]) if items else None

    def _awaiting(self, status: str, created_before: datetime) -> list[str]:
        before = str(iso_z(created_before))
        items = [
            item
            for shard in range(AWAITING_SHARDS)
            for item in query_all(
                TableName=self._table,
                IndexName=BY_AWAITING,
                KeyConditionExpression="awaiting = :shard AND created_key < :before",
                ExpressionAttributeValues=key(**{":shard": f"{status}#{shard}", ":before": before}),
                ProjectionExpression="notification_id",
            )
        ]
        return [item["notification_id"]["S"] for item in items]


def _service_key(notification: Notification) -> str:
    """The list a notification belongs to: its service's key type for /v2, its service's /v1 SMS for /v1."""
    return f"{notification.service_id}#{'v1' if notification.dialect == 'v1' else notification.key_type}"


def _created_key(notification: Notification) -> str:
    # Fixed-width timestamps keep the sort key's string order the same as time order.
    return f"{iso_z(notification.created_at)}#{notification.id}"


def _awaiting(notification_id: str, status: str) -> str:
    return f"{status}#{zlib.crc32(notification_id.encode()) % AWAITING_SHARDS}"
