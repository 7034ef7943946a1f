"""tidings local hands moto's Query only the partition it names (serialise.query_only_the_partition_it_names):
the answers must be those DynamoDB gives, whatever else the table holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tidings_local.serialise import query_only_the_partition_it_names

PARTITIONS = ("b", "a", "c")  # not written in key order


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    query_only_the_partition_it_names()
    with mock_aws():
        client = boto3.client("dynamodb", region_name="eu-west-2")
        client.create_table(
            TableName="ranged",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        client.create_table(
            TableName="flat",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for pk in PARTITIONS:
            client.put_item(TableName="flat", Item={"pk": {"S": pk}})
            for sk in (5, 1, 10, 3):  # not in order either
                item = {"pk": {"S": pk}, "sk": {"N": str(sk)}, "odd": {"BOOL": sk % 2 == 1}}
                client.put_item(TableName="ranged", Item=item)
        yield client


def keys(reply: dict[str, Any]) -> list[tuple[str, int]]:
    return [(i["pk"]["S"], int(i["sk"]["N"])) for i in reply["Items"]]


def query(client: Any, pk: str, **extra: Any) -> dict[str, Any]:
    values = {":pk": {"S": pk}, **extra.pop("values", {})}
    condition = extra.pop("condition", "pk = :pk")
    reply: dict[str, Any] = client.query(
        TableName="ranged", KeyConditionExpression=condition, ExpressionAttributeValues=values, **extra
    )
    return reply


def test_a_partition_comes_whole_and_in_range_key_order(dynamodb: Any) -> None:
    assert keys(query(dynamodb, "a")) == [("a", 1), ("a", 3), ("a", 5), ("a", 10)]
    assert keys(query(dynamodb, "c", ScanIndexForward=False)) == [("c", 10), ("c", 5), ("c", 3), ("c", 1)]


def test_range_conditions_filters_and_pages_hold(dynamodb: Any) -> None:
    ranged = query(dynamodb, "b", condition="pk = :pk AND sk > :low", values={":low": {"N": "2"}})
    assert keys(ranged) == [("b", 3), ("b", 5), ("b", 10)]
    filtered = query(dynamodb, "b", FilterExpression="odd = :yes", values={":yes": {"BOOL": True}})
    assert keys(filtered) == [("b", 1), ("b", 3), ("b", 5)]
    assert filtered["ScannedCount"] == 4
    first = query(dynamodb, "a", Limit=3)
    assert keys(first) == [("a", 1), ("a", 3), ("a", 5)]
    rest = query(dynamodb, "a", Limit=3, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert keys(rest) == [("a", 10)]


def test_an_empty_partition_and_a_table_without_range_key(dynamodb: Any) -> None:
    assert query(dynamodb, "zz")["Items"] == []
    flat = dynamodb.query(
        TableName="flat", KeyConditionExpression="pk = :pk", ExpressionAttributeValues={":pk": {"S": "c"}}
    )
    assert flat["Items"] == [{"pk": {"S": "c"}}]


def test_scans_still_see_every_partition(dynamodb: Any) -> None:
    query(dynamodb, "a")  # the partition is handed over for that call only
    assert len(dynamodb.scan(TableName="ranged")["Items"]) == 12
