"""DynamoDB stream event source mappings: read each table's stream and call its consumer with the records."""

from __future__ import annotations

import threading
from typing import Any

import boto3

from tidings_local.lambda_runtime import Functions
from tidings_local.sam_template import FunctionSpec

POLL_INTERVAL_SECONDS = 0.2


class StreamPoller:
    def __init__(self, functions: Functions, spec: FunctionSpec, stream_arn: str) -> None:
        self._functions = functions
        self._spec = spec
        self._arn = stream_arn
        self._streams = boto3.client("dynamodbstreams")
        self._iterators: dict[str, str] = {}

    def poll_once(self) -> int:
        """Deliver every new record of every shard in one invocation; return how many there were."""
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        records: list[dict[str, Any]] = []
        for shard in shards:
            shard_id = shard["ShardId"]
            iterator = (
                self._iterators.get(shard_id)
                or self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            )
            page = self._streams.get_records(ShardIterator=iterator)
            records += [{**record, "eventSourceARN": self._arn} for record in page["Records"]]
            self._iterators[shard_id] = page["NextShardIterator"]
        if records:
            # Lambda retries a failed stream batch; locally a failure is logged by the function and dropped.
            self._functions.invoke(self._spec.logical_id, {"Records": records})
        return len(records)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if not self.poll_once():
                    stop.wait(POLL_INTERVAL_SECONDS)
            except Exception:
                stop.wait(POLL_INTERVAL_SECONDS)
