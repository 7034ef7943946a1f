"""Email content kept apart from its notification's item, in a table of its own: compressed, and in parts when
longer than one item holds (see notification_store.py for when and why)."""

from __future__ import annotations

from typing import Any

from tidings.adapters.dynamo_items import batch_get, key

CONTENT_PARTS = "parts"
# An item holds at most 400 KB: a long email's compressed content (2,000,000 bytes compress to little more) is
# kept in parts of this many bytes, 6 at most.
CONTENT_PART_BYTES = 350_000


class DynamoNotificationContents:
    def __init__(self, table: str) -> None:
        self.table = table  # written in one batch with the notification's own item (notification_store.put)

    def packed(self, notification_ids: list[str]) -> dict[str, bytes]:
        """Each notification's compressed content, from its first part and then (only for the long) the rest;
        one with a part missing is absent."""
        firsts = batch_get(self.table, [key(notification_id=i) for i in notification_ids], consistent=True)
        parts = {c["notification_id"]["S"]: int(c.get(CONTENT_PARTS, {"N": "1"})["N"]) for c in firsts}
        rest_keys = [key(notification_id=_part_id(i, n)) for i, count in parts.items() for n in range(1, count)]
        rest = batch_get(self.table, rest_keys, consistent=True) if rest_keys else []
        chunks = {c["notification_id"]["S"]: c["content_z"]["B"] for c in [*firsts, *rest]}
        return {
            i: b"".join(chunks[_part_id(i, n)] for n in range(count))
            for i, count in parts.items()
            if all(_part_id(i, n) in chunks for n in range(count))
        }


def content_parts(notification_id: str, expires_at: dict[str, Any], packed: bytes) -> list[dict[str, Any]]:
    """A long email's compressed content as items of the contents table: the first under the notification's id,
    saying how many there are, the rest under `{id}#{n}`; each expires with the notification."""
    chunks = [packed[start : start + CONTENT_PART_BYTES] for start in range(0, len(packed), CONTENT_PART_BYTES)]
    items = [
        {"notification_id": {"S": _part_id(notification_id, n)}, "expires_at": expires_at, "content_z": {"B": chunk}}
        for n, chunk in enumerate(chunks or [b""])
    ]
    if len(items) > 1:
        items[0][CONTENT_PARTS] = {"N": str(len(items))}
    return items


def _part_id(notification_id: str, n: int) -> str:
    return notification_id if n == 0 else f"{notification_id}#{n}"
