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

    @property
    def failed_at(self) -> int | None:
        """The position of the first record not done, if any."""
        return self._first_failed

    def open(self, position: int) -> bool:
        """Whether the record at `position` is still to be worked on (no earlier record failed)."""
        return self._first_failed is None or position < self._first_failed

    def response(self) -> dict[str, list[dict[str, str]]]:
        """The partial batch response. When not even the first record was done, raise instead: Lambda delivers
        the batch again either way, and only an error counts in its Errors metric, where an outage that stops all
        progress must show (an answer naming a later record means progress, until the retry fails at once)."""
        if self._first_failed is None:
            return {"batchItemFailures": []}
        if self._first_failed == 0:
            raise NothingDone(f"none of {len(self.records)} records could be done; the stream delivers them again")
        sequence = self.records[self._first_failed]["dynamodb"]["SequenceNumber"]
        return {"batchItemFailures": [{"itemIdentifier": str(sequence)}]}


class NothingDone(Exception):
    """The batch's first record could not be done (an outage): the invocation fails, and is retried."""
