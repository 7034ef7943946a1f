"""Every function has a sample event in events/, and invoking it answers in its dialect (never a 5xx)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.faults import spy
from tidings.adapters import aws
from tidings_local.http_events import to_response
from tidings_local.stack import REPO_ROOT, LocalStack

EVENTS = sorted((REPO_ROOT / "events").glob("*.json"))


def test_every_function_has_a_sample_event(stack: LocalStack) -> None:
    names = {path.stem.split("-")[0] for path in EVENTS}
    for function in stack.template.functions:
        assert function.code_dir.name in names, f"no events/{function.code_dir.name}.json"


@pytest.mark.parametrize("path", EVENTS, ids=lambda p: p.stem)
def test_sample_events_answer_in_their_envelope(stack: LocalStack, path: Path) -> None:
    event = json.loads(path.read_text())
    function = next(f for f in stack.template.functions if f.code_dir.name == path.stem.split("-")[0])
    with (
        spy(aws.events(), "PutEvents") as published,
        spy(aws.sqs(), "SendMessage") as sent,
        spy(aws.dynamodb(), "BatchGetItem") as read,
    ):
        result = stack.functions.invoke(function.logical_id, event)
    if "awslogs" in event:  # a receipt for a message no notification has (yet): kept for its reference
        assert result == {"batchItemFailures": []}
    elif "Records" in event and event["Records"][0].get("eventSource") == "aws:dynamodb":
        assert result == {"batchItemFailures": []}
        assert not [m for m in sent if "ChangeEventsDLQ" in m["QueueUrl"]]  # read, not set aside as unreadable
        if function.logical_id == "ReceiptsFunction":  # the kept receipt is applied to the notification named
            named = event["Records"][0]["dynamodb"]["NewImage"]["notification"]["M"]["id"]
            assert [named] == [
                k["notification_id"] for r in read for t in r["RequestItems"].values() for k in t["Keys"]
            ]
        names = [entry["DetailType"] for request in published for entry in request["Entries"]]
        # a status change calls back (the sample's service has no callback), a kept receipt applies (to no
        # notification the sample names), a sender's creation is announced
        assert names == ([] if event["Records"][0]["eventName"] == "MODIFY" else ["UserSmsSenderCreatedEvent"])
    elif "Records" in event:  # the sample's notification, service or number does not exist: dropped, not failed
        assert result == {"batchItemFailures": []}
    elif event.get("detail-type") == "Scheduled Event":
        assert set(result) == {"stuck", "requeued", "timed_out"}
    elif event["rawPath"].startswith("/d/"):  # a file's link, for people: the sample's file does not exist
        response = to_response(result)
        assert response.status == 404 and dict(response.headers)["Content-Type"].startswith("text/html")
        assert b"<h1>No file was found at this address</h1>" in response.body
    else:
        response = to_response(result)
        body = json.loads(response.body)
        assert response.status < 500
        if body.get("result") == "error":  # /v2's unknown URL: Flask's legacy shape, as Notify answers
            assert response.status == 404 and body["message"].startswith("The requested URL was not found")
        elif response.status >= 400:  # the samples' tokens are long expired or unknown: a documented refusal
            assert body["status_code"] == response.status if "status_code" in body else body["data"]["message"]
        else:
            assert body["code"] == "ok" if "code" in body else body["openapi"] == "3.1.0"


def test_a_long_emails_status_change_is_announced_from_lambdas_json_event(stack: LocalStack) -> None:
    """Lambda's stream events carry a binary attribute (a long email's compressed content) as base64 text, not
    the bytes boto3's stream reader gives: the change is still announced."""
    event = json.loads((REPO_ROOT / "events" / "change_events-status.json").read_text())
    for image in ("OldImage", "NewImage"):
        event["Records"][0]["dynamodb"][image] |= {"type": {"S": "email"}, "content_z": {"B": "eJzLSM3JyQcABiwCFQ=="}}
    with spy(aws.sqs(), "SendMessage") as sent:
        assert stack.functions.invoke("ChangeEventsFunction", event) == {"batchItemFailures": []}
    assert not [m for m in sent if "ChangeEventsDLQ" in m["QueueUrl"]]  # read, not set aside
