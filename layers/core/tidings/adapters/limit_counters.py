"""Limit counters on DynamoDB: one conditional UpdateItem adds one to every counter of a request, or to none.

A windowed counter stores the second its window opened beside its count. The common write assumes that window
is still open; once it has closed (at most once a window) a second write opens the next. Conditions make
concurrent requests exact: the limit N lets exactly N through in each window.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import key
from tidings.domain.limits import Counter, CounterFull, epoch_second, window_closed, window_cutoff, window_key

ATTEMPTS = 3


class DynamoLimitCounters:
    def __init__(self, table: str) -> None:
        self._table = table

    def take(self, item_key: str, counters: Sequence[Counter], now: datetime, expires_at: datetime) -> dict[str, int]:
        restart: set[str] = set()
        for _ in range(ATTEMPTS):
            try:
                return self._update(item_key, counters, restart, now, epoch_second(expires_at))
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                item: Any = error.response.get("Item", {})  # ALL_OLD: the item as the condition saw it
                old = _numbers(item)
            full = next((c for c in counters if _is_full(c, old, now)), None)
            if full is not None:
                raise CounterFull(full, old.get(window_key(full)))
            restart = {c.name for c in counters if window_closed(c, old, now)}
        raise RuntimeError("counter contention did not settle")  # three lost races in a row: surface it

    def read(self, item_key: str) -> dict[str, int]:
        item = dynamodb().get_item(TableName=self._table, Key=key(counter_key=item_key)).get("Item", {})
        return _numbers(item)

    def give_back(self, item_key: str, counter: Counter) -> None:
        """Undo one take of `counter`: a reservation that turned out not to count (never below zero)."""
        try:
            dynamodb().update_item(
                TableName=self._table,
                Key=key(counter_key=item_key),
                UpdateExpression="ADD #c :minus",
                ConditionExpression="#c > :zero",
                ExpressionAttributeNames={"#c": counter.name},
                ExpressionAttributeValues=key(**{":minus": -1, ":zero": 0}),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise

    def _update(
        self, item_key: str, counters: Sequence[Counter], restart: set[str], now: datetime, expires: int
    ) -> dict[str, int]:
        names: dict[str, str] = {"#exp": "expires_at"}
        values: dict[str, Any] = {":one": 1, ":exp": expires}
        sets, adds, conditions = ["#exp = if_not_exists(#exp, :exp)"], [], []
        for i, counter in enumerate(counters):
            names[f"#c{i}"] = counter.name
            if counter.window_seconds is not None:
                names[f"#w{i}"], values[f":cut{i}"] = window_key(counter), window_cutoff(counter, now)
            if counter.window_seconds is not None and counter.name in restart:  # closed: this request opens the next
                values[f":w{i}"] = epoch_second(now)
                sets += [f"#w{i} = :w{i}", f"#c{i} = :one"]
                conditions.append(f"attribute_not_exists(#w{i}) OR #w{i} <= :cut{i}")
                continue
            adds.append(f"#c{i} :one")
            values[f":l{i}"] = counter.limit
            if counter.window_seconds is not None:
                conditions.append(f"#w{i} > :cut{i} AND #c{i} < :l{i}")
            else:
                conditions.append(f"attribute_not_exists(#c{i}) OR #c{i} < :l{i}")
        update = "SET " + ", ".join(sets) + (" ADD " + ", ".join(adds) if adds else "")
        result = dynamodb().update_item(
            TableName=self._table,
            Key=key(counter_key=item_key),
            UpdateExpression=update,
            ConditionExpression=" AND ".join(f"({c})" for c in conditions),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=key(**values),
            ReturnValues="ALL_NEW",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        return _numbers(result.get("Attributes", {}))


def _is_full(counter: Counter, old: dict[str, int], now: datetime) -> bool:
    if window_closed(counter, old, now):
        return counter.limit < 1  # a new window: full only if the limit allows nothing
    return old.get(counter.name, 0) >= counter.limit


def _numbers(item: dict[str, Any]) -> dict[str, int]:
    return {name: int(value["N"]) for name, value in item.items() if "N" in value}
