"""batch_put against a stubbed DynamoDB client: 25 puts a call, and what comes back unprocessed is sent again
after a pause that doubles (the pause is injected: no test waits)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tidings.adapters import dynamo_items


def _item(n: int) -> dict[str, Any]:
    return {"id": {"S": str(n)}}


def _put(n: int) -> dict[str, Any]:
    return {"PutRequest": {"Item": _item(n)}}


def test_unprocessed_items_are_sent_again_after_growing_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("dynamodb", region_name="eu-west-2", aws_access_key_id="x", aws_secret_access_key="x")
    monkeypatch.setattr(dynamo_items, "dynamodb", lambda: client)
    first = {"A": [_put(n) for n in range(24)], "B": [_put(24)]}
    with Stubber(client) as stub:
        stub.add_response("batch_write_item", {"UnprocessedItems": {"B": [_put(24)]}}, {"RequestItems": first})
        stub.add_response(
            "batch_write_item", {"UnprocessedItems": {"B": [_put(24)]}}, {"RequestItems": {"B": [_put(24)]}}
        )
        stub.add_response("batch_write_item", {}, {"RequestItems": {"B": [_put(24)]}})
        stub.add_response("batch_write_item", {}, {"RequestItems": {"B": [_put(25)]}})  # the second 25
        pauses: list[float] = []
        items = {"A": [_item(n) for n in range(24)], "B": [_item(24), _item(25)]}
        dynamo_items.batch_put(items, pause=pauses.append)
        stub.assert_no_pending_responses()
    assert pauses == [0.05, 0.1]
