"""DynamoDB stream event source mappings: read each table's stream and call its consumer with the records,
as Lambda does: one shard at a time, in batches of the mapping's BatchSize, only the records its filters let
through; a failed batch again (from the first record a partial batch response names, halved after a function
error when the mapping bisects) until it succeeds or its retries are spent, when the batch's place in the stream
goes to the on-failure destination. Records are never too old here: MaximumRecordAgeInSeconds is not applied."""

from __future__ import annotations

import base64
import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3
from moto.events.models import EventPattern

from tidings_local.lambda_runtime import Functions, reported_failures
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


class StreamBatchFailed(Exception):
    """The consumer failed a batch (an error, or a partial batch response): the stream delivers it again."""


@dataclass
class _Shard:
    iterator: str
    pending: list[dict[str, Any]] = field(default_factory=list)  # read, passed the filters, not yet done
    failures: int = 0  # of the batch at the head of `pending`
    # While bisecting, the sizes of the halves still to deliver, in order (Lambda delivers each on its own).
    halves: list[int] = field(default_factory=list)


class StreamPoller:
    def __init__(
        self,
        functions: Functions,
        spec: FunctionSpec,
        trigger: StreamTrigger,
        stream_arn: str,
        on_failure_arn: str | None = None,
    ) -> None:
        self._functions = functions
        self._spec = spec
        self._trigger = trigger
        self._arn = stream_arn
        self._on_failure = on_failure_arn
        self._patterns = [EventPattern(None, pattern) for pattern in trigger.patterns]
        self._region = stream_arn.split(":")[3]
        self._streams = boto3.client("dynamodbstreams", region_name=self._region)
        self._shards: dict[str, _Shard] = {}

    @property
    def name(self) -> str:
        """The function and its mapping, as the template names them: ChangeEventsFunction.Notifications."""
        return f"{self._spec.logical_id}.{self._trigger.name}"

    def poll_once(self) -> int:
        """Read every shard's new records and deliver one batch of each; how many records moved on (read and
        filtered out, or delivered). Raise StreamBatchFailed when a batch failed: it is delivered again."""
        moved, failed = 0, False
        for shard_id in self._shard_ids():
            shard = self._shards[shard_id]
            page = self._streams.get_records(ShardIterator=shard.iterator)
            shard.iterator = page["NextShardIterator"]
            records = [as_lambda_sends(record, self._arn) for record in page["Records"]]
            passed = [record for record in records if self._passes(record)]
            moved += len(records) - len(passed)
            shard.pending += passed
            if shard.pending:
                done, ok = self._deliver(shard_id, shard)
                moved, failed = moved + done, failed or not ok
        if failed:
            raise StreamBatchFailed(self.name)
        return moved

    def _shard_ids(self) -> list[str]:
        for shard in self._streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"]:
            if shard["ShardId"] not in self._shards:
                iterator = self._streams.get_shard_iterator(
                    StreamArn=self._arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
                self._shards[shard["ShardId"]] = _Shard(iterator)
        return list(self._shards)

    def _deliver(self, shard_id: str, shard: _Shard) -> tuple[int, bool]:
        """One batch from the head of the shard: how many records are done, and whether the batch succeeded."""
        batch = shard.pending[: self._size(shard)]
        try:
            result = self._functions.invoke(self._spec.logical_id, {"Records": batch})
        except Exception:
            done = 0
            if self._trigger.bisect and len(batch) > 1:  # in two, each delivered alone; no retry spent
                shard.halves[:1] = [len(batch) // 2, len(batch) - len(batch) // 2]
                return 0, False
        else:
            done = self._done(batch, result)
        self._advance(shard, done)
        if done == len(batch):
            shard.failures = 0
            return done, True
        shard.failures = 0 if done else shard.failures + 1
        if 0 <= self._trigger.max_retries < shard.failures:
            self._discard(shard_id, shard)
            return done, True
        return done, False

    def _size(self, shard: _Shard) -> int:
        return shard.halves[0] if shard.halves else self._trigger.batch_size

    def _advance(self, shard: _Shard, done: int) -> None:
        """`done` records at the head are finished: drop them, and the half they finished."""
        del shard.pending[:done]
        if shard.halves and done:
            shard.halves[0] -= done
            if shard.halves[0] <= 0:
                shard.halves.pop(0)

    def _done(self, batch: list[dict[str, Any]], result: Any) -> int:
        """How many records at the head of the batch succeeded: all, or those before the first one reported."""
        reported = reported_failures(result, self._trigger.report_failures)
        sequences = [str(record["dynamodb"]["SequenceNumber"]) for record in batch]
        return next((i for i, sequence in enumerate(sequences) if sequence in reported), len(batch))

    def _discard(self, shard_id: str, shard: _Shard) -> None:
        """Past its retries, the batch is dropped and its place in the stream recorded, as Lambda does."""
        batch = shard.pending[: self._size(shard)]
        self._advance(shard, len(batch))
        shard.failures = 0
        log.warning("%s: a stream batch failed past its retries and is dropped", self.name)
        if self._on_failure is None:
            return
        info = {
            "shardId": shard_id,
            "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
            "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
            "batchSize": len(batch),
            "streamArn": self._arn,
        }
        sqs = boto3.client("sqs", region_name=self._region)
        url = sqs.get_queue_url(QueueName=self._on_failure.rsplit(":", 1)[-1])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"DDBStreamBatchInfo": info}))

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
