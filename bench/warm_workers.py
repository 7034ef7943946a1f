"""Warm time of the dispatch and receipts functions, per SMS or email delivered, with every AWS port an in-memory
fake (as bench/warm_handler.py does for the accept path), so the figure is our code: parsing the queue's
messages, claiming, rendering the provider's request, applying the receipts. The cost model adds the wait on each
of their AWS calls. Also the bytes each function logs per notification, which CloudWatch Logs bills, and for SMS
the bytes of SNS's delivery-status line, which it bills too."""

from __future__ import annotations

import base64
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

from bench.aws_calls import TYPICAL_EMAIL, TYPICAL_PERSONALISATION
from bench.cost import DISPATCH_BATCH, RECEIPTS_BATCH
from bench.warm_handler import NOW, SERVICE, fake_deps, load_handler, send_event
from tests.fakes import InMemoryNotificationStore, RecordingQueue
from tidings import wiring
from tidings.adapters import ses_email, sns_sms
from tidings.adapters.ses_email import SesEmailProvider
from tidings.adapters.sns_sms import SnsSmsProvider
from tidings.domain.models import Template
from tidings_local.lambda_runtime import LocalContext

WARM_UP_BATCHES = 20  # first uses: models' validators, lazily loaded modules
SHORT_EMAIL = {"name": "E", "type": "email", "subject": "S", "content": "Hi ((n))"}  # as bench/aws_calls.py sends
SMS_TEMPLATE = "33333333-3333-4333-8333-333333333333"  # bench/warm_handler.py's: "Hello ((name))"
SES_TOPIC = "arn:aws:sns:eu-west-2:123456789012:ProviderEventsTopic"  # the SNS envelope names it


class FakeSes:
    """SES v2's client, answering each send with a message id: our email adapter (its HTML rendering and
    request) runs in full, the call itself does not."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send_email(self, **request: Any) -> dict[str, str]:
        self.sent.append(request)
        return {"MessageId": f"ses-{len(self.sent)}"}


class FakeSns:
    """SNS's client, answering each publish with a message id: our SMS adapter runs in full, the call does not."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def publish(self, **request: Any) -> dict[str, str]:
        self.sent.append(request)
        return {"MessageId": f"sns-{len(self.sent)}"}


class FakeProviders:
    """The provider ports dispatch reaches through `deps().providers`: SES's and SNS's adapters (no letters)."""

    def __init__(self) -> None:
        self.email, self.sms = SesEmailProvider("bench"), SnsSmsProvider()
        self.letters = self.scanner = self.printer = None


def sms_delivery_line(message_id: str, to: str) -> str:
    """The line SNS writes to the delivery-status log group for an SMS delivered, in its format (whose fields
    the receipts function reads only three of): its length is what CloudWatch Logs bills per SMS."""
    delivery = {
        "mnc": 10, "numberOfMessageParts": 1, "destination": to, "priceInUSD": 0.04, "smsType": "Transactional",
        "mcc": 234, "providerResponse": "Message has been accepted by phone", "dwellTimeMs": 250,
        "dwellTimeMsUntilDeviceAck": 1200,
    }  # fmt: skip
    notification = {"messageId": message_id, "timestamp": "2026-12-01 12:00:00.000"}
    return json.dumps({"notification": notification, "delivery": delivery, "status": "SUCCESS"})


def log_subscription_event(lines: list[str]) -> dict[str, Any]:
    """What a CloudWatch Logs subscription hands the receipts function: the lines, gzipped and base64."""
    events = [{"id": str(index), "timestamp": 1764590400000, "message": line} for index, line in enumerate(lines)]
    data = {"messageType": "DATA_MESSAGE", "logGroup": "sns/eu-west-2/123456789012/DirectPublishToPhoneNumber"}
    encoded = gzip.compress(json.dumps(data | {"logEvents": events}).encode())
    return {"awslogs": {"data": base64.b64encode(encoded).decode()}}


@contextmanager
def logged_bytes(sizes: list[int]) -> Iterator[None]:
    """Appends what the block wrote to stdout (a file: `run` points it at one), in bytes."""
    sys.stdout.flush()
    start = os.lseek(sys.stdout.fileno(), 0, os.SEEK_CUR)
    yield
    sys.stdout.flush()
    sizes.append(os.lseek(sys.stdout.fileno(), 0, os.SEEK_CUR) - start)


def sqs_batches(bodies: list[str], size: int) -> list[dict[str, Any]]:
    """The messages in batches of `size`, as Lambda's SQS poller hands them to a function."""
    return [sqs_event(bodies[start : start + size]) for start in range(0, len(bodies), size)]


def sqs_event(bodies: list[str]) -> dict[str, Any]:
    """The event Lambda's SQS poller hands a function: one record per message, each on its first receive."""
    return {
        "Records": [
            {
                "messageId": f"m{index}",
                "receiptHandle": f"h{index}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-2:123456789012:bench",
                "awsRegion": "eu-west-2",
            }
            for index, body in enumerate(bodies)
        ]
    }


def timed_batches(handler: Callable[..., Any], events: list[dict[str, Any]], name: str) -> tuple[list[float], int]:
    """Each event's handler time in ms (warm-up batches left out) and the bytes those batches logged."""
    context, samples = LocalContext(name, 30), []
    sizes: list[int] = []
    for index, event in enumerate(events):
        with logged_bytes(sizes):
            start = time.perf_counter_ns()
            result = handler(event, context)
            elapsed = (time.perf_counter_ns() - start) / 1e6
        assert result == {"batchItemFailures": []}, result
        if index >= WARM_UP_BATCHES:
            samples.append(elapsed)
    return samples, sum(sizes[WARM_UP_BATCHES:])


def measure_email(template: dict[str, Any], personalisation: dict[str, str], batches: int) -> dict[str, float]:
    ses = FakeSes()
    with patch.object(ses_email, "sesv2", lambda: ses):  # the adapter's client
        return _measure_email(ses, template, personalisation, batches)


def _measure_email(
    ses: FakeSes, template: dict[str, Any], personalisation: dict[str, str], batches: int
) -> dict[str, float]:
    deps = fake_deps(FakeProviders())
    template_id = "44444444-4444-4444-8444-444444444444"
    deps.templates.save(
        Template(id=template_id, service_id=SERVICE, version=1, created_at=NOW, created_by="b", **template)
    )
    body = {"email_address": "a@example.com", "template_id": template_id, "personalisation": personalisation}

    def receipts(count: int) -> list[dict[str, Any]]:
        assert len(ses.sent) == count, "every email claimed and sent once"
        events = [  # SES's Delivery event for each (it echoes the tags), in the SNS envelope the receipts queue holds
            json.dumps({"TopicArn": SES_TOPIC, "Message": json.dumps({"eventType": "Delivery", "mail": {"messageId": f"ses-{n + 1}", "tags": {t["Name"]: [t["Value"]] for t in request["EmailTags"]}}})})
            for n, request in enumerate(ses.sent)
        ]  # fmt: skip
        return sqs_batches(events, RECEIPTS_BATCH)

    return _measure(deps, send_event("email", body), receipts, batches)


def measure_sms(batches: int) -> dict[str, float]:
    sns, lines = FakeSns(), list[str]()
    body = {"phone_number": "07700900123", "template_id": SMS_TEMPLATE, "personalisation": {"name": "x"}}

    def receipts(count: int) -> list[dict[str, Any]]:
        assert len(sns.sent) == count, "every SMS claimed and sent once"
        lines.extend(sms_delivery_line(f"sns-{n + 1}", request["PhoneNumber"]) for n, request in enumerate(sns.sent))
        return [log_subscription_event(lines[at : at + RECEIPTS_BATCH]) for at in range(0, count, RECEIPTS_BATCH)]

    with patch.object(sns_sms, "sns", lambda: sns):
        figures = _measure(fake_deps(FakeProviders()), send_event("sms", body), receipts, batches)
    return figures | {"delivery_log_bytes_per_notification": statistics.mean(len(line) for line in lines)}


def _measure(
    deps: wiring.Deps,
    request: dict[str, Any],
    receipts: Callable[[int], list[dict[str, Any]]],
    batches: int,
) -> dict[str, float]:
    """Accepts `request` enough times for `batches` timed batches of each function, dispatches them all, and
    applies the receipts `receipts` makes for the sends (it checks each was sent once)."""
    wiring.override(deps)
    send, dispatch, receipt = (load_handler(f) for f in ("v2_send_notification", "dispatch", "receipts"))
    count = (WARM_UP_BATCHES + batches) * max(DISPATCH_BATCH, RECEIPTS_BATCH)  # `batches` timed of each, at least
    for _ in range(count):
        assert send.lambda_handler(request, LocalContext("V2SendNotificationFunction", 10))["statusCode"] == 201
    store, queue = deps.notifications, deps.queue
    assert isinstance(store, InMemoryNotificationStore) and isinstance(queue, RecordingQueue)
    messages = [  # what the queue carries: the notification as accepted
        json.dumps({"notification_id": i, "notification": store.items[i].model_dump(mode="json")}) for i in queue.sent
    ]
    dispatched, dispatch_logs = timed_batches(
        dispatch.lambda_handler, sqs_batches(messages, DISPATCH_BATCH), "DispatchFunction"
    )
    received, receipt_logs = timed_batches(receipt.lambda_handler, receipts(count), "ReceiptsFunction")
    assert all(n.status == "delivered" for n in store.items.values()), "every receipt applied"
    wiring.override(None)
    return {
        "dispatch_batch_size": DISPATCH_BATCH,
        "receipts_batch_size": RECEIPTS_BATCH,
        "dispatch_ms_per_notification": statistics.median(dispatched) / DISPATCH_BATCH,
        "receipts_ms_per_notification": statistics.median(received) / RECEIPTS_BATCH,
        "dispatch_log_bytes_per_notification": dispatch_logs / (len(dispatched) * DISPATCH_BATCH),
        "receipts_log_bytes_per_notification": receipt_logs / (len(received) * RECEIPTS_BATCH),
    }


def measure(batches: int) -> dict[str, dict[str, float]]:
    return {
        "sms": measure_sms(batches),
        "email": measure_email(SHORT_EMAIL, {"n": "x"}, batches),
        "typical_email": measure_email(TYPICAL_EMAIL, TYPICAL_PERSONALISATION, batches),
    }


def run(batches: int = 300) -> dict[str, dict[str, float]]:
    """In a child process whose stdout (the functions' structured logs) goes to a file, as Lambda's does."""
    with tempfile.TemporaryDirectory() as folder:
        logs, result = Path(folder) / "logs", Path(folder) / "result.json"
        with logs.open("w") as sink:
            subprocess.run(
                [sys.executable, "-m", "bench.warm_workers", str(batches), str(result)], stdout=sink, check=True
            )
        figures: dict[str, dict[str, float]] = json.loads(result.read_text())
    return figures


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(json.dumps(measure(int(sys.argv[1]))))
