"""Notifications in DynamoDB: one item each, listed per service and key type newest first (GSI).

`expires_at` (epoch seconds) is when a notification stops being shown: reads here that show notifications
filter expired ones out, so no caller can forget. TTL deletes the item at `delete_after`: a day after it
expires (a list page may go on from an expired key), and never before REFERENCE_KEPT_AT_LEAST has passed: a
/v1 sender's `sms_live_time` of 0 hides its SMS at once, and the SMS must still be claimed, sent and given its
receipt (an item TTL deleted first would be lost, never sent).

Until a notification is final it also carries `awaiting`, a sparse, sharded GSI key the sweeper reads to find
notifications whose queue message was lost (`created`), whose receipt never came (`sending`) or whose check
never ran (`pending-virus-check`). Both indexes hold keys (the list index also the expiry, reference and type),
none of which changes before the final status: a claim or a receipt writes the item and no index copy (write
units are most of what a notification costs).

An email's body and subject are kept apart, in a table of their own (compressed; in parts when longer than one
item holds), when they would make its item bill more than one write unit: a claim and a receipt are billed on
the whole item (twice, in a transaction), so a 1 KB body would otherwise cost four more units each time its
status moves. Its item says `content_apart`;
reads that show or send the body fetch it (strongly consistent: both are written before the 201), once the
status item has passed their filters; receipts, the sweeper and reads of what is never apart do not. Only
emails: theirs is the body that can be long (2 MB in Notify), and the price SES charges per email is the one
the platform's cost is measured against (an SMS is at most 918 characters, and its provider's price dwarfs
any write). The two items go in one batch write: no reader can ask for one
before both are there, since the id is first known from the 201 that follows it. Should an accept stop between
that batch's retries (it answers an error), its notification reads as unknown and is never sent; the sweeper
re-enqueues it each run until its TTL (one message each time: a cost, not a loss).

Delivery works in batches: one transaction claims a batch, one batch write records the provider references
its sends got (in a small table of their own, with the notification as sent), and one transaction applies
a batch of receipts. Transactions cost two write units per item instead of one, but they are the only
batched conditional write moto can stand in for. PartiQL's BatchExecuteStatement would bill one unit, but moto
5.2 reports no statement whose condition failed (a lost claim looks won), and its parser takes neither `IN`,
`OR` nor SET with REMOVE, which a move from several statuses to a final one needs.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError
from pydantic_core import to_jsonable_python

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import (
    WRITE_UNIT_BYTES,
    batch_get,
    batch_put,
    from_item,
    item_size,
    key,
    query_all,
    query_answers,
    query_pages,
    to_item,
)
from tidings.adapters.notification_contents import DynamoNotificationContents, content_parts
from tidings.adapters.notification_ttl import TTL_ATTRIBUTE, kept_until
from tidings.adapters.provider_references import DynamoProviderReferences
from tidings.domain.notifications import (
    Notification,
    content_bytes,
    packed_content,
    unpacked_content,
    within_content_bytes,
)
from tidings.domain.receipts import Receipt
from tidings.domain.timefmt import iso_z
from tidings.observability import logger
from tidings.ports import ListedPage, Move, NotificationQuery

BY_SERVICE_KEY, BY_AWAITING = "by_service_expiry", "by_awaiting"
# The sweeper re-enqueues the unclaimed (a precompiled letter waits for its checks as `pending-virus-check`)
# and times out `sending`.
UNCLAIMED = frozenset({"created", "pending-virus-check"})
AWAITED = UNCLAIMED | {"sending"}
AWAITING_SHARDS = 8
MOVES_PER_TRANSACTION = 100  # the most a transaction takes
READ_TOGETHER = 100  # the most one BatchGetItem reads
INDEX_KEYS_PER_QUERY = 5_000  # list-index keys one filtered Query looks at: about 600 KB of its 1 MB
CONTENT_APART = "content_apart"
CONTENT_SIZE = "content_bytes"  # on the status item of content kept apart: its UTF-8 bytes, body and subject
NO_CONTENT = {"body": {"S": ""}, "subject": {"NULL": True}}  # as an item holds a body and subject kept elsewhere
# What the claim and the receipt add to an item: two timestamps, a longer status, the claim's queue message id (36
# characters), perhaps a failure reason, and the provider's reference (SES's message id is 60 characters): 161
# bytes for an email timed out. tests/integration/test_email_content_apart.py checks that an email just under the
# threshold still fits one unit once delivered.
STATUS_CHANGE_ROOM_BYTES = 176
TRANSACTION_ATTEMPTS = 4  # conflicts with another writer are retried; a refused condition drops that move
CONTENT_INLINE_BYTES = 64_000  # longer content is stored compressed (domain/send.py refuses what cannot fit)


class DynamoNotificationStore:
    def __init__(self, table: str, references_table: str, contents_table: str) -> None:
        self._table = table
        self._references = DynamoProviderReferences(references_table)
        self._contents = DynamoNotificationContents(contents_table)

    def put(self, notification: Notification) -> None:
        keys: dict[str, Any] = {
            "notification_id": notification.id,
            "service_key": _service_key(notification),
            "created_key": _created_key(notification),
            "expires_at": int(notification.expires_at.timestamp()),
            TTL_ATTRIBUTE: int(kept_until(notification).timestamp()),
        }
        if notification.status in AWAITED:
            keys["awaiting"] = _awaiting(notification.id)
        item = _item(notification, **keys)
        if notification.type == "email" and item_size(item) + STATUS_CHANGE_ROOM_BYTES > WRITE_UNIT_BYTES:
            # What `_item` compressed (a long body) moves as it is; the item keeps an empty body and subject.
            packed = item.pop("content_z", None) or {"B": packed_content(notification.body, notification.subject)}
            size = content_bytes(notification.body, notification.subject)  # lists budget their reads by it
            status = item | NO_CONTENT | {CONTENT_APART: {"BOOL": True}, CONTENT_SIZE: {"N": str(size)}}
            contents = content_parts(notification.id, item[TTL_ATTRIBUTE], packed["B"])
            batch_put({self._contents.table: contents, self._table: [status]})  # all in one call (7 items at most)
            return
        dynamodb().put_item(TableName=self._table, Item=item)

    def delete(self, notification_id: str) -> bool:
        # Only /v1 SMS are deleted, and their content is never apart (an email's would go with its TTL).
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

    def find(self, notification_id: str, now: datetime, content: bool = True) -> Notification | None:
        return self._one(notification_id, content, lambda n: n.visible_at(now))

    def load_for_dispatch(self, notification_id: str, content: bool = True) -> Notification | None:
        return self._one(notification_id, content, lambda _: True)

    def _one(self, notification_id: str, content: bool, keep: Callable[[Notification], bool]) -> Notification | None:
        # Strongly consistent: a client reads its notification back right after the 201 (an eventually consistent
        # read may not find it yet, a 404), and a status just moved shows as moved.
        answer = dynamodb().get_item(
            TableName=self._table, Key=key(notification_id=notification_id), ConsistentRead=True
        )
        item = answer.get("Item")
        return self._whole([item] if item else [], keep, content).get(notification_id)

    def transition(self, notification_id: str, from_statuses: Collection[str], changes: dict[str, Any]) -> bool:
        return self.advance(notification_id, from_statuses, changes) is not None

    def advance(
        self, notification_id: str, from_statuses: Collection[str], changes: dict[str, Any]
    ) -> Notification | None:
        try:
            result = dynamodb().update_item(
                **_update(self._table, Move(notification_id, from_statuses, changes)),
                ReturnValues="ALL_NEW",  # the updated notification, so callers need no read first
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return None  # not there, or not in a status it may move on from
            raise
        return _notification(result["Attributes"])

    def load_many(self, notification_ids: Collection[str], content: bool = True) -> dict[str, Notification]:
        return self._load(notification_ids, consistent=True, content=content)

    def advance_many(self, moves: Sequence[Move]) -> set[str]:
        unique = list({move.notification_id: move for move in moves}.values())  # one action per item
        applied: set[str] = set()
        for start in range(0, len(unique), MOVES_PER_TRANSACTION):
            applied |= self._transact(unique[start : start + MOVES_PER_TRANSACTION])
        return applied

    def record_references(self, references: Mapping[str, Notification]) -> None:
        self._references.record(references)

    def owners(self, references: Collection[str]) -> dict[str, Notification]:
        return self._references.owners(references)

    def keep_unmatched(self, receipts: Sequence[Receipt], now: datetime) -> set[str]:
        return self._references.keep_unmatched(receipts, now)

    def _transact(self, moves: list[Move]) -> set[str]:
        for _ in range(TRANSACTION_ATTEMPTS):
            if not moves:
                return set()
            try:
                actions: list[Any] = [{"Update": _update(self._table, move)} for move in moves]
                # The token makes botocore's own retry of a call that timed out succeed instead of finding
                # its conditions already spent (which would leave those notifications claimed but unsent).
                dynamodb().transact_write_items(TransactItems=actions, ClientRequestToken=str(uuid.uuid4()))
                return {move.notification_id for move in moves}
            except ClientError as error:
                if error.response["Error"]["Code"] != "TransactionCanceledException":
                    raise
                reasons = error.response.get("CancellationReasons", [])
                refused = {i for i, reason in enumerate(reasons) if reason.get("Code") == "ConditionalCheckFailed"}
                moves = [move for i, move in enumerate(moves) if i not in refused]  # the rest: conflicts, retried
        raise StoreConflict("the same notifications kept changing under a batch; the queue retries it")

    def page(self, query: NotificationQuery) -> ListedPage:
        # The list index holds keys, the expiry, the reference and the type, none of which a status change
        # rewrites: read a page of the unexpired keys that match those, then their notifications, and filter the
        # status here, until the page is full or the list ends.
        condition, values = "", {}
        if query.older_than is not None:
            condition, values = " AND created_key < :anchor", {":anchor": {"S": _created_key(query.older_than)}}
        request = self._listing(query.service_id, query.key_type, query.now, condition, values)
        if _filtered_in_index(request, query):  # what it leaves out costs a look at its key, not a read
            request["Limit"] = min(INDEX_KEYS_PER_QUERY, query.index_keys_budget or INDEX_KEYS_PER_QUERY)
        else:  # each key is a notification to read: no more than one full page of them, nor the page's budget
            request["Limit"] = min(query.limit, query.keys_budget or query.limit)
        found: list[Notification] = []
        apart: dict[str, int] = {}
        looked_at, read, resume_after = 0, 0, None
        for answer in query_answers(**request):
            ids = [item["notification_id"]["S"] for item in answer["Items"]]
            looked_at += answer.get("ScannedCount", len(ids))  # expired keys the index filter dropped count too
            for start in range(0, len(ids), READ_TOGETHER):  # no more than the page still needs, a batch at a time
                batch = ids[start : start + READ_TOGETHER]
                loaded, batch_apart = self._read(batch, False, lambda n: _listed(n, query))
                found += [n for i in batch if (n := loaded.get(i)) is not None]
                apart |= batch_apart
                read += len(batch)
                if len(found) >= query.limit:
                    break
            if len(found) >= query.limit:
                break
            if "LastEvaluatedKey" in answer and _over_budget(query, read, looked_at):
                resume_after = answer["LastEvaluatedKey"]["notification_id"]["S"]  # the last key looked at
                break

        def size(n: Notification) -> int:  # what its content comes to, apart or not
            return apart.get(n.id) or content_bytes(n.body, n.subject)

        shown = within_content_bytes(found[: query.limit], query.content_bytes, size)
        whole = self._filled({n.id: n for n in shown}, [n.id for n in shown if n.id in apart])
        listed = [whole[n.id] for n in shown if n.id in whole]
        # Cut short by content, the next page goes on from the last one listed; else from the last key read.
        return ListedPage(listed, resume_after if len(shown) == len(found) else None)

    def offset_page(
        self, service_id: str, key_type: str, now: datetime, offset: int, limit: int
    ) -> tuple[list[Notification], int]:
        # The index's copies carry the expiry: count and skip in it (keys, ~100 bytes each), and read only the
        # notifications on the page. Before, /v1 read every SMS of the account (up to 100,000) for each page.
        request = self._listing(service_id, key_type, now, "", {})
        ids: list[str] = []
        total = 0
        for page in query_pages(**request):
            for item in page:
                if offset <= total < offset + limit:
                    ids.append(item["notification_id"]["S"])
                total += 1
        loaded = self._load(ids, consistent=False, keep=lambda n: n.visible_at(now))
        return [n for i in ids if (n := loaded.get(i)) is not None], total

    def _listing(
        self, service_id: str, key_type: str, now: datetime, condition: str, values: dict[str, Any]
    ) -> dict[str, Any]:
        """A newest-first Query of one service and key type's list index, with the caller's own key condition
        (after the list's) and values. Keys expired at `now` that TTL has not removed yet are left out in the
        index, so their notifications are never read."""
        return {
            "TableName": self._table,
            "IndexName": BY_SERVICE_KEY,
            "KeyConditionExpression": "service_key = :sk" + condition,
            "FilterExpression": "expires_at > :now",
            "ExpressionAttributeValues": {
                ":sk": {"S": f"{service_id}#{key_type}"},
                ":now": {"N": str(now.timestamp())},
                **values,
            },
            "ScanIndexForward": False,
        }

    def awaiting_dispatch(self, created_before: datetime) -> list[str]:
        return [n.id for n in self._awaiting(created_before) if n.status in UNCLAIMED]

    def sending_since(self, created_before: datetime) -> list[Notification]:
        return [n for n in self._awaiting(created_before) if n.status == "sending" and n.times_out]

    def _awaiting(self, created_before: datetime) -> list[Notification]:
        before = str(iso_z(created_before))
        ids = [
            item["notification_id"]["S"]
            for shard in range(AWAITING_SHARDS)
            for item in query_all(
                TableName=self._table,
                IndexName=BY_AWAITING,
                KeyConditionExpression="awaiting = :shard AND created_key < :before",
                ExpressionAttributeValues=key(**{":shard": f"awaiting#{shard}", ":before": before}),
            )
        ]
        loaded = self._load(ids, consistent=True, content=False)
        return [loaded[i] for i in ids if i in loaded]

    def _load(
        self,
        notification_ids: Collection[str],
        consistent: bool,
        content: bool = True,
        keep: Callable[[Notification], bool] = lambda _: True,
    ) -> dict[str, Notification]:
        found, apart = self._read(notification_ids, consistent, keep)
        return self._filled(found, list(apart)) if content else found

    def _read(
        self, notification_ids: Collection[str], consistent: bool, keep: Callable[[Notification], bool]
    ) -> tuple[dict[str, Notification], dict[str, int]]:
        """The notifications `keep` accepts among these ids, content apart not read yet (see `_parsed`)."""
        keys = [key(notification_id=i) for i in sorted(set(notification_ids))]
        return _parsed(batch_get(self._table, keys, consistent=consistent), keep)

    def _whole(
        self, items: list[dict[str, Any]], keep: Callable[[Notification], bool], content: bool
    ) -> dict[str, Notification]:
        """The items `keep` accepts as notifications, with their content read apart (one call per hundred)
        where it is and `content` asks for it: after the filter, so nothing is read for what is left out."""
        found, apart = _parsed(items, keep)
        return self._filled(found, list(apart)) if content else found

    def _filled(self, found: dict[str, Notification], apart: list[str]) -> dict[str, Notification]:
        """`found` with the content of those `apart` read back; one whose content is missing left out."""
        if not apart:
            return found
        unpacked = {i: unpacked_content(packed) for i, packed in self._contents.packed(apart).items()}
        for notification_id in apart:
            if notification_id in unpacked:
                found[notification_id] = found[notification_id].model_copy(update=unpacked[notification_id])
            else:  # its accept stopped between the batch's retries and answered an error: it was never accepted
                logger.warning("notification without its content", extra={"notification_id": notification_id})
                del found[notification_id]
        return found


def _item(notification: Notification, **keys: Any) -> dict[str, Any]:
    """The stored item; long content is kept compressed (an item holds at most 400 KB, a Notify email 2 MB)."""
    if content_bytes(notification.body, notification.subject) <= CONTENT_INLINE_BYTES:
        return to_item(notification, **keys)
    plain = notification.model_copy(update={"body": "", "subject": None})
    return to_item(plain, **keys) | {"content_z": {"B": packed_content(notification.body, notification.subject)}}


def _parsed(
    items: list[dict[str, Any]], keep: Callable[[Notification], bool]
) -> tuple[dict[str, Notification], dict[str, int]]:
    """The items `keep` accepts as notifications, and which of them keep their content apart (with its size)."""
    found = {n.id: n for n in map(_notification, items) if keep(n)}
    apart = {
        i["notification_id"]["S"]: int(i.get(CONTENT_SIZE, {"N": "0"})["N"])
        for i in items
        if CONTENT_APART in i and i["notification_id"]["S"] in found
    }
    return found, apart


def _notification(item: dict[str, Any]) -> Notification:
    if "content_z" not in item:
        return from_item(Notification, item)
    content = unpacked_content(item["content_z"]["B"])
    return from_item(Notification, {k: v for k, v in item.items() if k != "content_z"}).model_copy(update=content)


class StoreConflict(Exception):
    """Concurrent writers kept cancelling a batch's transaction."""


def _update(table: str, move: Move) -> dict[str, Any]:
    """The conditional UpdateItem request for one move (also one action of a transaction)."""
    changes = move.changes
    names = {f"#{name}": name for name in changes} | {"#status": "status"}
    values = {f":{name}": to_jsonable_python(value) for name, value in changes.items()}
    values |= {f":from{i}": status for i, status in enumerate(move.from_statuses)}
    update = "SET " + ", ".join(f"#{name} = :{name}" for name in changes)
    condition = f"#status IN ({_placeholders('from', len(move.from_statuses))})"
    if move.claims:  # the first recorded; taken over by any of them while still `sending` under its claim
        names["#claim"], values[":claimed"] = "claim", "sending"
        values |= {f":claim{i}": claim for i, claim in enumerate(move.claims)}
        update += ", #claim = :claim0"
        taken_over = f"#status = :claimed AND #claim IN ({_placeholders('claim', len(move.claims))})"
        if move.claimed_before is not None:  # ISO timestamps: string order is time order (past the same second)
            names["#sent_at"], values[":stale"] = "sent_at", to_jsonable_python(move.claimed_before)
            taken_over += " AND #sent_at < :stale"
        condition += f" OR ({taken_over})"
    if "status" in changes and changes["status"] not in AWAITED:
        update += " REMOVE awaiting"  # final: out of the sweeper's index (its key never changes before that)
    return {
        "TableName": table,
        "Key": key(notification_id=move.notification_id),
        "UpdateExpression": update,
        "ConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": key(**values),
    }


def _placeholders(prefix: str, count: int) -> str:
    return ", ".join(f":{prefix}{i}" for i in range(count))


def _service_key(notification: Notification) -> str:
    """The list a notification belongs to: its service's key type for /v2, its service's /v1 SMS for /v1."""
    return f"{notification.service_id}#{'v1' if notification.dialect == 'v1' else notification.key_type}"


def _created_key(notification: Notification) -> str:
    # Fixed-width timestamps keep the sort key's string order the same as time order.
    return f"{iso_z(notification.created_at)}#{notification.id}"


def _awaiting(notification_id: str) -> str:
    # One key for `created` and `sending` alike, so a claim does not move the item within the index.
    return f"awaiting#{zlib.crc32(notification_id.encode()) % AWAITING_SHARDS}"


def _filtered_in_index(request: dict[str, Any], query: NotificationQuery) -> bool:
    """Add the query's reference and type filters to a list-index Query `request`; whether it has any."""
    names: dict[str, str] = {}
    values: dict[str, Any] = request["ExpressionAttributeValues"]
    if query.reference is not None:
        names["#ref"], values[":ref"] = "reference", {"S": query.reference}
        request["FilterExpression"] += " AND #ref = :ref"
    if query.types is not None:
        types = sorted(query.types)
        names["#type"] = "type"
        values |= {f":type{i}": {"S": t} for i, t in enumerate(types)}
        request["FilterExpression"] += f" AND #type IN ({', '.join(f':type{i}' for i in range(len(types)))})"
    if names:
        request["ExpressionAttributeNames"] = names
    return bool(names)


def _over_budget(query: NotificationQuery, read: int, looked_at: int) -> bool:
    over_reads = query.keys_budget is not None and read >= query.keys_budget
    return over_reads or (query.index_keys_budget is not None and looked_at >= query.index_keys_budget)


def _listed(notification: Notification, query: NotificationQuery) -> bool:
    return (
        notification.visible_at(query.now)
        and (query.statuses is None or notification.listed_status in query.statuses)
        and (query.types is None or notification.type in query.types)
        and (query.reference is None or notification.reference == query.reference)
    )
