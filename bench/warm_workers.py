"""Warm time of the dispatch and receipts functions, per email delivered, with every AWS port an in-memory fake
(as bench/warm_handler.py does for the accept path), so the figure is our code: parsing the queue's messages,
claiming, rendering the provider's request, applying the receipts. The cost model adds the wait on each of their
AWS calls. Also the bytes each function logs per email, which CloudWatch Logs bills."""

from __future__ import annotations

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
from tidings.adapters import ses_email
from tidings.adapters.ses_email import SesEmailProvider
from tidings.domain.models import Template
from tidings_local.lambda_runtime import LocalContext

WARM_UP_BATCHES = 20  # first uses: models' validators, lazily loaded modules
SHORT_EMAIL = {"name": "E", "type": "email", "subject": "S", "content": "Hi ((n))"}  # as bench/aws_calls.py sends


class FakeSes:
    """SES v2's client, answering each send with a message id: our email adapter (its HTML rendering and
    request) runs in full, the call itself does not."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send_email(self, **request: Any) -> dict[str, str]:
        self.sent.append(request)
        return {"MessageId": f"ses-{len(self.sent)}"}


class FakeProviders:
    """The provider ports dispatch reaches through `deps().providers`: SES's adapter (no SMS or letters here)."""

    def __init__(self) -> None:
        self.email = SesEmailProvider("bench")
        self.sms = self.letters = self.scanner = self.printer = None


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
    wiring.override(deps)
    send, dispatch, receipts = (load_handler(f) for f in ("v2_send_notification", "dispatch", "receipts"))
    count = (WARM_UP_BATCHES + batches) * max(DISPATCH_BATCH, RECEIPTS_BATCH)  # `batches` timed of each, at least
    request = send_event(
        "email", {"email_address": "a@example.com", "template_id": template_id, "personalisation": personalisation}
    )
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
    assert len(ses.sent) == count, "every email claimed and sent once"
    events = [  # SES's Delivery event for each (it echoes the tags), in the SNS envelope the receipts queue holds
        json.dumps({"Message": json.dumps({"eventType": "Delivery", "mail": {"messageId": f"ses-{n + 1}", "tags": {t["Name"]: [t["Value"]] for t in request["EmailTags"]}}})})
        for n, request in enumerate(ses.sent)
    ]  # fmt: skip
    received, receipt_logs = timed_batches(
        receipts.lambda_handler,
        sqs_batches(events, RECEIPTS_BATCH),
        "ReceiptsFunction",
    )
    assert all(n.status == "delivered" for n in store.items.values()), "every receipt applied"
    wiring.override(None)
    return {
        "dispatch_batch_size": DISPATCH_BATCH,
        "receipts_batch_size": RECEIPTS_BATCH,
        "dispatch_ms_per_email": statistics.median(dispatched) / DISPATCH_BATCH,
        "receipts_ms_per_email": statistics.median(received) / RECEIPTS_BATCH,
        "dispatch_log_bytes_per_email": dispatch_logs / (len(dispatched) * DISPATCH_BATCH),
        "receipts_log_bytes_per_email": receipt_logs / (len(received) * RECEIPTS_BATCH),
    }


def measure(batches: int) -> dict[str, dict[str, float]]:
    return {
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
