"""Limit counters on DynamoDB: one conditional UpdateItem adds one to every counter of a request, or to none.

A windowed counter stores the second its window opened beside its count. The common write assumes that window
is still open; once it has closed (at most once a window) a second write opens the next, or, in a day's first
minute while today's item has none, carries on the window yesterday's item still has open (a read more, until
a request is counted on today's). Conditions make concurrent requests exact: the limit N lets exactly N
through in each window (across midnight, less any requests still in flight to yesterday's item).

A write that opens a window also removes members of its family (other client IPs' /v1 counters) whose windows
closed long ago, as the failed write's old item shows them, so a day item holds only the IPs seen lately.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import key
from tidings.domain.limits import (
    Counter,
    CounterFull,
    Window,
    epoch_second,
    stale_members,
    window_closed,
    window_cutoff,
    window_key,
    window_to_open,
)

ATTEMPTS = 3


class DynamoLimitCounters:
    def __init__(self, table: str) -> None:
        self._table = table

    def take(
        self,
        item_key: str,
        counters: Sequence[Counter],
        now: datetime,
        expires_at: datetime,
        carry_from: str | None = None,
    ) -> dict[str, int]:
        opened: dict[str, Window] = {}  # windows this request opens (or carries on), by counter
        stale: list[Counter] = []  # other members of a family whose windows closed long ago, to remove
        for _ in range(ATTEMPTS):
            try:
                return self._update(item_key, counters, opened, stale=stale, now=now, expires=epoch_second(expires_at))
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                item: Any = error.response.get("Item", {})  # ALL_OLD: the item as the condition saw it
                old = _numbers(item)
            opened = self._windows_to_open(counters, old, now, carry_from)
            stale = stale_members(counters, old, now) if opened else []
            full = next((c for c in counters if _is_full(c, old, opened.get(c.name))), None)
            if full is not None:
                window = opened.get(full.name)
                raise CounterFull(full, window.opened if window else old.get(window_key(full)))
        raise RuntimeError("counter contention did not settle")  # three lost races in a row: surface it

    def _windows_to_open(
        self, counters: Sequence[Counter], old: dict[str, int], now: datetime, carry_from: str | None
    ) -> dict[str, Window]:
        """For each windowed counter whose window has closed (or never opened): the window this request opens.
        `carry_from` is read only when a window never opened on the item, as only then may one carry on."""
        closed = [c for c in counters if window_closed(c, old, now)]
        never_opened = any(window_key(c) not in old for c in closed)
        earlier = self.read(carry_from) if carry_from and never_opened else {}
        return {c.name: window_to_open(c, old, earlier, now) for c in closed}

    def read(self, item_key: str) -> dict[str, int]:
        # Strongly consistent: a window carried over midnight may have moved within the last second.
        answer = dynamodb().get_item(TableName=self._table, Key=key(counter_key=item_key), ConsistentRead=True)
        return _numbers(answer.get("Item", {}))

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
        self,
        item_key: str,
        counters: Sequence[Counter],
        opened: dict[str, Window],
        *,
        stale: Sequence[Counter],
        now: datetime,
        expires: int,
    ) -> dict[str, int]:
        names: dict[str, str] = {"#exp": "expires_at"}
        values: dict[str, Any] = {":exp": expires}
        sets, adds, conditions = ["#exp = if_not_exists(#exp, :exp)"], [], []
        for i, counter in enumerate(counters):
            names[f"#c{i}"] = counter.name
            if counter.window_seconds is not None:
                names[f"#w{i}"], values[f":cut{i}"] = window_key(counter), window_cutoff(counter, now)
            window = opened.get(counter.name)
            if counter.window_seconds is not None and window:  # closed: this request opens the next (or carries one)
                values[f":w{i}"], values[f":n{i}"] = window.opened, window.count + 1
                sets += [f"#w{i} = :w{i}", f"#c{i} = :n{i}"]
                conditions.append(f"attribute_not_exists(#w{i}) OR #w{i} <= :cut{i}")
                continue
            adds.append(f"#c{i} :one")
            values[f":l{i}"] = counter.limit
            if counter.window_seconds is not None:
                conditions.append(f"#w{i} > :cut{i} AND #c{i} < :l{i}")
            elif counter.limit > 0:  # never taken yet: room for one
                conditions.append(f"attribute_not_exists(#c{i}) OR #c{i} < :l{i}")
            else:  # a limit of 0 has no room, taken before or not (a missing count compares false)
                conditions.append(f"#c{i} < :l{i}")
        removes = []
        for j, member in enumerate(stale):  # unless its window reopened since the item was read
            names[f"#s{j}"], names[f"#sw{j}"] = member.name, window_key(member)
            values[f":scut{j}"] = window_cutoff(member, now)
            removes += [f"#s{j}", f"#sw{j}"]
            conditions.append(f"attribute_not_exists(#sw{j}) OR #sw{j} <= :scut{j}")
        if adds:
            values[":one"] = 1
        update = "SET " + ", ".join(sets) + (" ADD " + ", ".join(adds) if adds else "")
        if removes:
            update += " REMOVE " + ", ".join(removes)
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


def _is_full(counter: Counter, old: dict[str, int], opening: Window | None) -> bool:
    """`opening`: the window this request would open or carry on, when the item's own has closed."""
    return (opening.count if opening else old.get(counter.name, 0)) >= counter.limit


def _numbers(item: dict[str, Any]) -> dict[str, int]:
    return {name: int(value["N"]) for name, value in item.items() if "N" in value}
