"""A DynamoDB stream batch answered with a partial batch response (ReportBatchItemFailures).

Lambda checkpoints the records before the first one reported and delivers the batch again from it, so only the
first failure matters: records after it are retried whatever became of them. A handler marks each failure and
stops working on records past the first (their work would be repeated on the retry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StreamBatch:
    records: list[dict[str, Any]]
    _first_failed: int | None = field(default=None, init=False)

    def fail(self, position: int) -> None:
        if self._first_failed is None or position < self._first_failed:
            self._first_failed = position

    def open(self, position: int) -> bool:
        """Whether the record at `position` is still to be worked on (no earlier record failed)."""
        return self._first_failed is None or position < self._first_failed

    def response(self) -> dict[str, list[dict[str, str]]]:
        if self._first_failed is None:
            return {"batchItemFailures": []}
        sequence = self.records[self._first_failed]["dynamodb"]["SequenceNumber"]
        return {"batchItemFailures": [{"itemIdentifier": str(sequence)}]}
