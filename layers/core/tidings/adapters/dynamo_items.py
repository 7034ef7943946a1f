"""Pydantic records to DynamoDB attribute maps and back; batched reads and writes; what an item weighs."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

from tidings.adapters.aws import dynamodb

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

M = TypeVar("M", bound=BaseModel)
BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25
UNPROCESSED_FIRST_PAUSE_SECONDS, UNPROCESSED_MAX_PAUSE_SECONDS = 0.05, 1.0
WRITE_UNIT_BYTES = 1024  # on-demand writes bill one unit per started KB of the item (the larger of before/after)
_serialise = TypeSerializer().serialize
_deserialise = TypeDeserializer().deserialize


def to_item(record: BaseModel, **keys: Any) -> dict[str, Any]:
    data = {**record.model_dump(mode="json"), **keys}
    return {name: _serialise(value) for name, value in data.items()}


def from_item(model: type[M], item: dict[str, AttributeValueTypeDef]) -> M:
    return model.model_validate({name: _deserialise(value) for name, value in item.items()})


def key(**values: str | int) -> dict[str, Any]:
    return {name: _serialise(value) for name, value in values.items()}


def query_pages(**request: Any) -> Iterator[list[dict[str, Any]]]:
    """The items a Query matches, a page at a time, following LastEvaluatedKey until the caller stops."""
    for answer in query_answers(**request):
        yield answer["Items"]


def query_answers(**request: Any) -> Iterator[dict[str, Any]]:
    """Each Query answer whole (Items, ScannedCount, LastEvaluatedKey), following LastEvaluatedKey."""
    while True:
        answer: dict[str, Any] = dict(dynamodb().query(**request))
        yield answer
        if "LastEvaluatedKey" not in answer:
            return
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def query_all(limit: int | None = None, **request: Any) -> list[dict[str, Any]]:
    """The items a Query matches; with `limit`, stop once that many are found."""
    items: list[dict[str, Any]] = []
    for page in query_pages(**request):
        items.extend(page)
        if limit is not None and len(items) >= limit:
            break
    return items if limit is None else items[:limit]


def batch_get(table: str, keys: list[dict[str, Any]], consistent: bool = False) -> list[dict[str, Any]]:
    """The items these keys name (up to 100 per call), following UnprocessedKeys; missing ones are absent."""
    items: list[dict[str, Any]] = []
    for start in range(0, len(keys), BATCH_GET_LIMIT):
        request: dict[str, Any] = {table: {"Keys": keys[start : start + BATCH_GET_LIMIT], "ConsistentRead": consistent}}
        while request:
            page = dynamodb().batch_get_item(RequestItems=request)
            items.extend(page["Responses"].get(table, []))
            request = page.get("UnprocessedKeys") or {}
    return items


def batch_put(items: dict[str, list[dict[str, Any]]], pause: Callable[[float], None] = time.sleep) -> None:
    """Put these items (by table, any number) with BatchWriteItem, 25 a call, until none is left unprocessed.
    Unconditional, so one write unit per KB each, where a transaction bills two. What DynamoDB leaves
    unprocessed (it is throttling) is sent again after a pause that doubles each time, as AWS advises."""
    puts = [(table, {"PutRequest": {"Item": item}}) for table, table_items in items.items() for item in table_items]
    for start in range(0, len(puts), BATCH_WRITE_LIMIT):
        request: dict[str, Any] = {}
        for table, put in puts[start : start + BATCH_WRITE_LIMIT]:
            request.setdefault(table, []).append(put)
        for attempt in itertools.count():
            request = dynamodb().batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
            if not request:
                break
            pause(min(UNPROCESSED_FIRST_PAUSE_SECONDS * 2**attempt, UNPROCESSED_MAX_PAUSE_SECONDS))


def item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB bills it: each attribute's name plus its value."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


def _value_size(value: dict[str, Any]) -> int:
    kind, content = next(iter(value.items()))
    if kind in ("S", "B"):
        return len(content.encode() if isinstance(content, str) else content)
    if kind == "N":
        return len(content.lstrip("-").replace(".", "")) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(name.encode()) + _value_size(v) + 1 for name, v in content.items())
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in content)
    return sum(len(str(v)) for v in content)  # sets
