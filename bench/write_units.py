"""DynamoDB write units a request is billed, read off the request and the table's indexes.

A count of calls does not say what DynamoDB bills: a transaction bills each item twice, an item bills one
unit per started KB, and every index the item enters, leaves or changes in is written too (a KEYS_ONLY
index only when its key changes, an INCLUDE index also when an attribute it carries does; an ALL index
whenever the item does). Item sizes follow DynamoDB's rule
(attribute names plus values); an update is billed on the item as last seen (put or updated) by this
estimator. On-demand pricing is per unit, so this is the figure the cost model needs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tidings.adapters.dynamo_items import item_size
from tidings.adapters.dynamo_items import write_units as units


@dataclass(frozen=True)
class Index:
    keys: tuple[str, ...]
    projects_all: bool  # ALL (a copy of the item) rather than KEYS_ONLY or INCLUDE
    carries: tuple[str, ...] = ()  # an INCLUDE index's other attributes


@dataclass(frozen=True)
class Table:
    hash_key: str
    indexes: tuple[Index, ...]


def table_of(description: Mapping[str, Any]) -> Table:
    """A DescribeTable answer's Table: its hash key and global secondary indexes."""
    indexes = tuple(
        Index(
            keys=tuple(k["AttributeName"] for k in gsi["KeySchema"]),
            projects_all=gsi["Projection"]["ProjectionType"] == "ALL",
            carries=tuple(gsi["Projection"].get("NonKeyAttributes", [])),
        )
        for gsi in description.get("GlobalSecondaryIndexes", [])
    )
    hash_key = next(k["AttributeName"] for k in description["KeySchema"] if k["KeyType"] == "HASH")
    return Table(hash_key, indexes)


@dataclass
class WriteUnits:
    tables: dict[str, Table]  # by table name
    items: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # last seen, by table and key

    def of(self, operation: str, params: dict[str, Any]) -> float:
        if operation == "PutItem":
            return self._put(params["TableName"], params["Item"])
        if operation == "UpdateItem":
            return self._update(params)
        if operation == "TransactWriteItems":
            billed = 0.0
            for action in params["TransactItems"]:
                if "Update" in action:
                    billed += self._update(action["Update"], transactional=True)
                elif "Put" in action:
                    billed += self._put(action["Put"]["TableName"], action["Put"]["Item"], transactional=True)
                else:
                    billed += 2  # a condition check or delete of a small item
            return billed
        if operation == "BatchWriteItem":
            return sum(
                self._put(table, request["PutRequest"]["Item"]) if "PutRequest" in request else 1
                for table, requests in params["RequestItems"].items()
                for request in requests
            )
        return 1 if operation == "DeleteItem" else 0

    def _put(self, table: str, item: dict[str, Any], transactional: bool = False) -> float:
        size = units(item_size(item))
        billed = size * (2 if transactional else 1)
        billed += sum(size if i.projects_all else 1 for i in self._indexes(table) if _has(item, i.keys))
        self.items[self._key(table, item)] = dict(item)
        return billed

    def _update(self, params: dict[str, Any], transactional: bool = False) -> float:
        table = params["TableName"]
        before = self.items.get(self._key(table, params["Key"]), dict(params["Key"]))
        after = _apply(before, params)
        size = units(max(item_size(before), item_size(after)))
        billed = size * (2 if transactional else 1)
        for index in self._indexes(table):
            was, now = _has(before, index.keys), _has(after, index.keys)
            moved = was and now and any(before[k] != after[k] for k in index.keys)
            if moved:
                billed += 2 if not index.projects_all else 2 * size  # out of the old key, into the new
            elif was != now:
                billed += size if (now and index.projects_all) else 1
            elif was and index.projects_all and before != after:
                billed += size
            elif was and any(before.get(a) != after.get(a) for a in index.carries):
                billed += 1  # a small copy: its keys and what it carries
        self.items[self._key(table, params["Key"])] = after
        return billed

    def _indexes(self, table: str) -> tuple[Index, ...]:
        return self.tables[table].indexes if table in self.tables else ()

    def _key(self, table: str, item: dict[str, Any]) -> tuple[str, str]:
        hash_key = self.tables[table].hash_key if table in self.tables else ""
        return table, repr(item.get(hash_key))


def _has(item: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return all(k in item for k in keys)


def _apply(item: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The item after an UpdateExpression's SET (plain assignments and ADD-like arithmetic) and REMOVE."""
    names: dict[str, str] = params.get("ExpressionAttributeNames", {})
    values: dict[str, Any] = params.get("ExpressionAttributeValues", {})
    after = dict(item)
    expression = params["UpdateExpression"]
    set_part = re.search(r"SET (.*?)(?= REMOVE | ADD |$)", expression)
    remove_part = re.search(r"REMOVE (.*?)(?= SET | ADD |$)", expression)
    for assignment in _top_level(set_part.group(1)) if set_part else []:
        target, _, source = assignment.partition(" = ")
        name = names.get(target.strip(), target.strip())
        token = source.strip()
        after[name] = values.get(token, {"N": "1"}) if token.startswith(":") else {"N": "1"}
    for target in _top_level(remove_part.group(1)) if remove_part else []:
        after.pop(names.get(target.strip(), target.strip()), None)
    return after


def _top_level(clause: str) -> list[str]:
    """A clause's comma-separated parts, ignoring the commas inside function calls like if_not_exists(a, b)."""
    parts, depth, current = [], 0, ""
    for char in clause:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()] if current.strip() else parts
