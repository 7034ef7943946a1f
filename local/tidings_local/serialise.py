"""Makes moto's in-memory AWS behave atomically like the real one under concurrent requests.

moto is not thread-safe: 16 threads racing a conditional counter limit of 300 got 318 through. DynamoDB
guarantees conditional writes are atomic, so the local stack lets one AWS call run at a time.
"""

from __future__ import annotations

import copy
import inspect
import threading
from typing import Any

from botocore.client import BaseClient

_lock = threading.RLock()
_original = getattr(BaseClient, "_make_api_call")  # noqa: B009 (a private botocore method)


def _serialised(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
    with _lock:
        return _original(self, operation_name, api_params)


def serialise_aws_calls() -> None:
    setattr(BaseClient, "_make_api_call", _serialised)  # noqa: B010
    snapshot_only_what_a_transaction_writes()
    query_only_the_partition_it_names()


def snapshot_only_what_a_transaction_writes() -> None:
    """moto's TransactWriteItems deep-copies every table it touches, once per item, so that it can roll a
    cancelled transaction back: O(table size) per item, and a local load slows to a crawl as the tables grow.
    Keep its rollback, but snapshot only the items the transaction names (and the stream records it adds).
    Safe because AWS calls run one at a time (above)."""
    from moto.dynamodb import models  # noqa: PLC0415 (moto internals: local only)
    from moto.dynamodb.models.dynamo_type import DynamoType  # noqa: PLC0415
    from moto.dynamodb.models.table import Table  # noqa: PLC0415

    class _TablesStayPut:  # moto's `copy` module, except that a Table "copy" is the table itself
        def __getattr__(self, name: str) -> Any:
            return getattr(copy, name)

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    original = models.DynamoDBBackend.transact_write_items
    if getattr(original, "_snapshots_items", False):
        return

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved: list[tuple[Table, DynamoType, DynamoType | None, Any]] = []
        streams: dict[int, tuple[Any, int]] = {}
        for entry in transact_items:
            op = next(iter(entry.values()), None)
            table = self.tables.get(op.get("TableName")) if isinstance(op, dict) else None
            key = (op.get("Key") or op.get("Item")) if isinstance(op, dict) else None
            if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
                continue  # moto itself refuses what is malformed, before writing anything
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            saved.append((table, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
            if table.stream_shard is not None:
                streams.setdefault(id(table), (table.stream_shard, len(table.stream_shard.items)))
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, before in reversed(saved):
                place = table.items[hash_key] if range_key is not None else table.items
                slot = range_key if range_key is not None else hash_key
                if before is None:
                    place.pop(slot, None)
                else:
                    place[slot] = before
            for shard, length in streams.values():
                del shard.items[length:]
            raise

    transact_write_items._snapshots_items = True  # type: ignore[attr-defined]
    setattr(models, "copy", _TablesStayPut())  # noqa: B010 (the module moto's backend calls deepcopy through)
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def query_only_the_partition_it_names() -> None:
    """moto's Query of a table (not of an index) sorts every item in the table, then keeps the partition it was
    asked for: O(n log n) comparisons a call. With a thousand services in the integration suite's table, each
    admin call took tens of milliseconds, and seconds whenever the sort's call depth sat on a CPython 3.11
    frame-stack chunk boundary (each call then maps and unmaps a chunk: python/cpython#142183, fixed only in
    3.13+). Hand moto's query only that partition's items; its own matching, sorting and paging still run, so
    the answer is the same. Safe because AWS calls run one at a time (above)."""
    from moto.dynamodb.models.table import Table  # noqa: PLC0415 (moto internals: local only)

    original = Table.query
    if getattr(original, "_one_partition", False):
        return
    parameters = inspect.signature(original)  # the backend passes index_name by position

    def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        if parameters.bind(self, hash_key, *args, **kwargs).arguments.get("index_name") or hash_key is None:
            return original(self, hash_key, *args, **kwargs)
        partition = self.items.get(hash_key)
        items: list[Any] = []
        if partition is not None:  # in any order: moto sorts the partition by range key itself
            items = list(partition.values()) if self.has_range_key else [partition]
        vars(self)["all_items"] = lambda: items  # shadows the method for this call only
        try:
            return original(self, hash_key, *args, **kwargs)
        finally:
            del vars(self)["all_items"]

    query._one_partition = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]
