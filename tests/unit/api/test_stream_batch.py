"""A stream batch's answer names the first record not done; when that is the first record, the invocation fails
instead, so Lambda's Errors metric shows an outage that stops all progress."""

from __future__ import annotations

import pytest

from tidings.api.stream_batch import NothingDone, StreamBatch


def batch(size: int) -> StreamBatch:
    return StreamBatch([{"dynamodb": {"SequenceNumber": str(100 + i)}} for i in range(size)])


def test_the_answer_names_the_first_record_that_failed() -> None:
    subject = batch(4)
    subject.fail(3)
    subject.fail(1)
    subject.fail(2)
    assert subject.response() == {"batchItemFailures": [{"itemIdentifier": "101"}]}
    assert [subject.open(i) for i in range(4)] == [True, False, False, False]


def test_a_batch_that_did_all_names_nothing() -> None:
    assert batch(2).response() == {"batchItemFailures": []}


def test_a_batch_that_did_nothing_fails_the_invocation() -> None:
    subject = batch(3)
    subject.fail(0)
    with pytest.raises(NothingDone):
        subject.response()
