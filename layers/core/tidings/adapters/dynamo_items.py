"""Pydantic records to DynamoDB attribute maps and back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

from tidings.adapters.aws import dynamodb

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

M = TypeVar("M", bound=BaseModel)
BATCH_GET_LIMIT = 100
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
    while True:
        page = dynamodb().query(**request)
        yield page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


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
