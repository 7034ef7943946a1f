"""The print provider's side of `tidings local`: letters dropped in the print bucket come back as printed.

It reads each manifest the print drop wrote and, `delay` after its `handed_over_at`, publishes the event a
print provider would (`LetterReceived` with the manifest's print reference) to the print events topic, so
the receipt travels SNS → SQS → the receipts function as deployed: `accepted` becomes `received`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import boto3

POLL_INTERVAL_SECONDS = 0.5


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PrinterSimulator:
    def __init__(
        self, bucket: str, events_topic_arn: str, delay: timedelta, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self._bucket = bucket
        self._topic = events_topic_arn
        self.delay = delay
        self._clock = clock
        self._printed: set[str] = set()

    def run_once(self, now: datetime | None = None) -> int:
        """Answer for every manifest handed over at least `delay` before `now`; the number answered."""
        moment = now or self._clock()
        s3 = boto3.client("s3")
        answered = 0
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self._bucket):
            for item in page.get("Contents", []):
                key = item["Key"]
                if not key.endswith(".json") or key in self._printed:
                    continue
                manifest = json.loads(s3.get_object(Bucket=self._bucket, Key=key)["Body"].read())
                handed_over = datetime.fromisoformat(str(manifest["handed_over_at"]).replace("Z", "+00:00"))
                if handed_over + self.delay > moment:
                    continue
                event = {"eventType": "LetterReceived", "printReference": manifest["print_reference"]}
                boto3.client("sns").publish(TopicArn=self._topic, Message=json.dumps(event))
                self._printed.add(key)
                answered += 1
        return answered

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            with suppress(Exception):  # a local helper: keep polling whatever one pass met
                self.run_once()
            stop.wait(POLL_INTERVAL_SECONDS)
