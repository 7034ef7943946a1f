"""DynamoDB stream event source mappings: read each table's stream and call its consumer with the records,
as Lambda does: only the records the mapping's filters let through, and a failed batch again until it
succeeds or its retries are spent."""

from __future__ import annotations

import base64
import logging
import threading
from datetime import datetime
from typing import Any

import boto3
from moto.events.models import EventPattern

from tidings_local.lambda_runtime import Functions
from tidings_local.sam_template import FunctionSpec, StreamTrigger

POLL_INTERVAL_SECONDS = 0.2
log = logging.getLogger(__name__)


def as_lambda_sends(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record as Lambda's JSON event has it: its source named, its time in epoch seconds and binary attributes
    as base64 text (boto3's stream reader gives a datetime and bytes), so a handler meets here what it meets
    deployed, and the filters match plain JSON."""
    stream = record["dynamodb"]
    as_json: dict[str, Any] = {n: _json_attributes(image) for n, image in stream.items() if n.endswith("Image")}
    if isinstance(created := stream.get("ApproximateCreationDateTime"), datetime):
        as_json["ApproximateCreationDateTime"] = int(created.timestamp())
    return {**record, "dynamodb": {**stream, **as_json}, "eventSourceARN": stream_arn}


def _json_attributes(image: dict[str, Any]) -> dict[str, Any]:
    return {name: _json_value(value) for name, value in image.items()}


def _json_value(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(item).decode() for item in inner]}
    if kind == "M":
        return {"M": _json_attributes(inner)}
    if kind == "L":
        return {"L": [_json_value(item) for item in inner]}
    return value


class StreamPoller:
    def __init__(self, functions: Functions, spec: FunctionSpec, trigger: StreamTrigger, stream_arn: str) -> None:
        self._functions = functions
        self._spec = spec
        self._arn = stream_arn
        self._patterns = [EventPattern(None, pattern) for pattern in trigger.patterns]
        self._max_retries = trigger.max_retries
        self._failures = 0
        self._streams = boto3.client("dynamodbstreams")
        self._iterators: dict[str, str] = {}

    def poll_once(self) -> int:
        """Deliver every new record of every shard in one invocation; return how many there were. A failed
        invocation leaves the shards where they were, so the next poll delivers the same records again."""
        shards = self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]
        records: list[dict[str, Any]] = []
        after: dict[str, str] = {}
        for shard in shards:
            shard_id = shard["ShardId"]
            iterator = (
                self._iterators.get(shard_id)
                or self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            )
            page = self._streams.get_records(ShardIterator=iterator)
            records += [as_lambda_sends(record, self._arn) for record in page["Records"]]
            after[shard_id] = page["NextShardIterator"]
            self._iterators.setdefault(shard_id, iterator)
        delivered = [record for record in records if self._passes(record)]
        if delivered:
            try:
                self._functions.invoke(self._spec.logical_id, {"Records": delivered})
            except Exception:
                self._failures += 1
                if self._max_retries < 0 or self._failures <= self._max_retries:
                    raise
                log.warning("%s: a stream batch failed past its retries and is dropped", self._spec.logical_id)
        self._failures = 0
        self._iterators.update(after)
        return len(records)

    def _passes(self, record: dict[str, Any]) -> bool:
        # moto's matcher, which EventBridge rules use locally, reads Lambda's filter patterns the same way
        # (its type names EventBridge's event shape; it matches any JSON object)
        return not self._patterns or any(pattern.matches_event(record) for pattern in self._patterns)  # type: ignore[arg-type]

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if not self.poll_once():
                    stop.wait(POLL_INTERVAL_SECONDS)
            except Exception:
                stop.wait(POLL_INTERVAL_SECONDS)
