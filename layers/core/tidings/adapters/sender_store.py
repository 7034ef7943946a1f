"""SMS senders (shared by /v2 `sms_sender_id` and /v1 user-sms-senders), listed per service by a GSI, and found
by name by another (only the admin API asks, before a number becomes a service's inbound number)."""

from __future__ import annotations

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import from_item, key, query_all, to_item
from tidings.domain.models import SmsSender

BY_SERVICE, BY_NAME = "by_service", "by_name"


class DynamoSenderStore:
    def __init__(self, table: str) -> None:
        self._table = table

    def get(self, sender_id: str) -> SmsSender | None:
        # Strongly consistent: a webhook changed or removed a moment ago gets no more callbacks.
        item = dynamodb().get_item(TableName=self._table, Key=key(sender_id=sender_id), ConsistentRead=True)
        return from_item(SmsSender, item["Item"]) if "Item" in item else None

    def list_for_service(self, service_id: str) -> list[SmsSender]:
        items = query_all(
            TableName=self._table,
            IndexName=BY_SERVICE,
            KeyConditionExpression="service_id = :id",
            ExpressionAttributeValues=key(**{":id": service_id}),
            ScanIndexForward=False,
        )
        return [from_item(SmsSender, item) for item in items]

    def services_sending_as(self, sms_sender: str) -> set[str]:
        items = query_all(
            TableName=self._table,
            IndexName=BY_NAME,
            KeyConditionExpression="sms_sender = :name",
            ExpressionAttributeValues=key(**{":name": sms_sender}),
        )
        return {item["service_id"]["S"] for item in items}

    def delete(self, sender_id: str) -> None:
        dynamodb().delete_item(TableName=self._table, Key=key(sender_id=sender_id))

    def put(self, sender: SmsSender) -> None:
        dynamodb().put_item(TableName=self._table, Item=to_item(sender, sender_id=sender.id))
