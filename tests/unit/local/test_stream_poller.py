"""tidings local's stream mappings deliver as Lambda does: in batches of BatchSize, again from the first record a
partial batch response names, halved after an error when the mapping bisects, and, past the retries, dropped
with the batch's place in the stream recorded on the on-failure destination."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tidings_local.sam_template import FunctionSpec, StreamTrigger
from tidings_local.stream_pollers import StreamBatchFailed, StreamPoller

ITEMS = 6


class Consumer:
    """A stand-in for the function: each invocation's record keys; answers with `answers` in turn."""

    def __init__(self, *answers: Any) -> None:
        self.batches: list[list[str]] = []
        self._answers = list(answers)

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        self.batches.append([r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]])
        answer = self._answers.pop(0) if self._answers else None
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, int):  # a partial batch response naming the record at this position
            return {"batchItemFailures": [{"itemIdentifier": event["Records"][answer]["dynamodb"]["SequenceNumber"]}]}
        return {"batchItemFailures": []}


@pytest.fixture
def stream() -> Iterator[tuple[str, str]]:
    """A table's stream holding six inserts (keys 0-5, in order) and a queue for failed batches."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="eu-west-2")
        table = dynamodb.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )["TableDescription"]
        for pk in range(ITEMS):
            dynamodb.put_item(TableName="t", Item={"pk": {"S": str(pk)}})
        sqs = boto3.client("sqs", region_name="eu-west-2")
        url = sqs.create_queue(QueueName="failed")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        yield table["LatestStreamArn"], arn


def poller(consumer: Consumer, stream: tuple[str, str], **trigger: Any) -> StreamPoller:
    spec = FunctionSpec("F", Path("."), "app.handler", {})
    settings = {"max_retries": -1, "batch_size": 4, **trigger}
    return StreamPoller(consumer, spec, StreamTrigger("E", None, [], **settings), stream[0], stream[1])  # type: ignore[arg-type]


def poll(subject: StreamPoller, times: int) -> None:
    for _ in range(times):
        with contextlib.suppress(StreamBatchFailed):
            subject.poll_once()


def test_a_partial_batch_response_delivers_again_from_the_record_it_names(stream: tuple[str, str]) -> None:
    consumer = Consumer(2)
    poll(poller(consumer, stream, report_failures=True), 3)
    assert consumer.batches == [["0", "1", "2", "3"], ["2", "3", "4", "5"]]


def test_without_reporting_failures_the_answer_is_a_success(stream: tuple[str, str]) -> None:
    consumer = Consumer(2)
    poll(poller(consumer, stream), 3)
    assert consumer.batches == [["0", "1", "2", "3"], ["4", "5"]]


def test_an_error_halves_the_batch_when_the_mapping_bisects(stream: tuple[str, str]) -> None:
    """Each half is delivered on its own, and halved again if it fails; then whole batches again."""
    consumer = Consumer(RuntimeError(), RuntimeError())
    poll(poller(consumer, stream, bisect=True), 6)
    assert consumer.batches == [["0", "1", "2", "3"], ["0", "1"], ["0"], ["1"], ["2", "3"], ["4", "5"]]


def test_past_its_retries_a_batch_is_dropped_and_its_place_recorded(stream: tuple[str, str]) -> None:
    consumer = Consumer(RuntimeError(), RuntimeError())
    poll(poller(consumer, stream, max_retries=1), 3)
    assert consumer.batches == [["0", "1", "2", "3"], ["0", "1", "2", "3"], ["4", "5"]]
    sqs = boto3.client("sqs", region_name="eu-west-2")
    (message,) = sqs.receive_message(QueueUrl=sqs.get_queue_url(QueueName="failed")["QueueUrl"])["Messages"]
    info = json.loads(message["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 4 and info["streamArn"] == stream[0]
    assert int(info["startSequenceNumber"]) < int(info["endSequenceNumber"])
