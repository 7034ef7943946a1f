"""Provider references in DynamoDB: each SMS's and letter's provider message id, with the notification as sent
(its content and recipient left out), so a batch of receipts (which name only the reference) finds its
notifications in one read. A receipt that comes before its reference is recorded waits in the reference's place."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import batch_get, batch_put, from_item, key, to_item
from tidings.adapters.notification_ttl import kept_until
from tidings.domain.notifications import Notification, without_content
from tidings.domain.receipts import Receipt

UNMATCHED_KEPT = timedelta(days=4)  # a closing write may wait on the queue (and its DLQ) until that timeout too


class DynamoProviderReferences:
    def __init__(self, table: str) -> None:
        self._table = table

    def record(self, references: Mapping[str, Notification]) -> None:
        # New items, written once: no condition needed, so a plain batch write (one unit each, not two).
        batch_put({self._table: [_item(r, n) for r, n in references.items()]})

    def owners(self, references: Collection[str]) -> dict[str, Notification]:
        keys = [key(provider_reference=r) for r in sorted(set(references))]
        items = batch_get(self._table, keys, consistent=True)  # a receipt may follow its send closely
        return {
            item["provider_reference"]["S"]: from_item(Notification, item["notification"]["M"])
            for item in items
            if "notification" in item  # not a receipt kept for a reference still to come
        }

    def keep_unmatched(self, receipts: Sequence[Receipt], now: datetime) -> set[str]:
        """Keep each receipt in its reference's place; the references recorded meanwhile (nothing kept)."""
        # Recording the reference later (a batch put) replaces this item; the table's stream shows the receipt
        # as the old image and the notification as the new one, and the receipts function applies it. Receipts
        # for other applications' SMS in the account (the delivery logs are the account's) wait here until TTL.
        expires_at = {"N": str(int((now + UNMATCHED_KEPT).timestamp()))}
        recorded = set()
        for reference, receipt in {r.provider_reference: r for r in receipts}.items():  # the last one wins
            item = {
                "provider_reference": {"S": reference},
                "receipt_status": {"S": receipt.status},
                "receipt_channel": {"S": str(receipt.channel)},
                "expires_at": expires_at,
            }
            if receipt.reason:
                item["receipt_reason"] = {"S": receipt.reason}
            try:
                dynamodb().put_item(
                    TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(notification)"
                )
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                recorded.add(reference)
        return recorded


def _item(reference: str, notification: Notification) -> dict[str, Any]:
    return {
        "provider_reference": {"S": reference},
        "notification": {"M": to_item(without_content(notification))},
        "expires_at": {"N": str(int(kept_until(notification).timestamp()))},
    }
