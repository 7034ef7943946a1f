"""Domain events onto the stack's EventBridge bus, ten to a PutEvents call."""

from __future__ import annotations

import json
from typing import Any

from tidings.adapters.aws import events

SOURCE = "tidings"
BATCH = 10


class EventBridgePublisher:
    def __init__(self, bus_name: str) -> None:
        self._bus = bus_name

    def publish_all(self, entries: list[tuple[str, dict[str, Any]]]) -> None:
        """Raise if any entry failed, so the stream batch is retried (consumers see at-least-once events)."""
        for start in range(0, len(entries), BATCH):
            batch = [
                {"Source": SOURCE, "DetailType": name, "Detail": json.dumps(detail), "EventBusName": self._bus}
                for name, detail in entries[start : start + BATCH]
            ]
            failed = events().put_events(Entries=batch)["FailedEntryCount"]  # type: ignore[arg-type]
            if failed:
                raise RuntimeError(f"{failed} of {len(batch)} events were not accepted")
