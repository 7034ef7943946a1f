"""Inbound SMS in DynamoDB, listed per service newest first; `expires_at` is their TTL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import from_item, key, query_all, to_item
from tidings.domain.models import InboundSms
from tidings.domain.timefmt import iso_z

BY_SERVICE = "by_service"


class DynamoInboundStore:
    def __init__(self, table: str) -> None:
        self._table = table

    def put(self, message: InboundSms) -> None:
        item = to_item(
            message,
            inbound_id=message.id,
            created_key=_created_key(message),
            expires_at=int(message.expires_at.timestamp()),
        )
        dynamodb().put_item(TableName=self._table, Item=item)

    def find(self, inbound_id: str, now: datetime) -> InboundSms | None:
        item = dynamodb().get_item(TableName=self._table, Key=key(inbound_id=inbound_id))
        found = from_item(InboundSms, item["Item"]) if "Item" in item else None
        return found if found and found.expires_at > now else None

    def page(self, service_id: str, now: datetime, older_than: InboundSms | None, limit: int = 250) -> list[InboundSms]:
        values: dict[str, Any] = {":id": service_id, ":now": int(now.timestamp())}
        condition = "service_id = :id"
        if older_than is not None:
            condition += " AND created_key < :anchor"
            values[":anchor"] = _created_key(older_than)
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": BY_SERVICE,
            "KeyConditionExpression": condition,
            "FilterExpression": "#exp > :now",
            "ExpressionAttributeNames": {"#exp": "expires_at"},
            "ExpressionAttributeValues": key(**values),
            "ScanIndexForward": False,
        }
        return [from_item(InboundSms, item) for item in query_all(limit, **request)]


def _created_key(message: InboundSms) -> str:
    return f"{iso_z(message.created_at)}#{message.id}"
