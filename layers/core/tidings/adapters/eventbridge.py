"""Domain events onto the stack's EventBridge bus, ten to a PutEvents call."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tidings.adapters.aws import events

SOURCE = "tidings"
BATCH = 10


class EventBridgePublisher:
    def __init__(self, bus_name: str) -> None:
        self._bus = bus_name

    def publish_all(self, entries: list[tuple[str, dict[str, Any]]]) -> int | None:
        """Publish in order; the position of the first entry not accepted, or None. Once a call fails, the
        entries after it are not tried: the caller delivers them again from that position (at-least-once)."""
        for start in range(0, len(entries), BATCH):
            batch = [
                {"Source": SOURCE, "DetailType": name, "Detail": json.dumps(detail), "EventBusName": self._bus}
                for name, detail in entries[start : start + BATCH]
            ]
            try:
                results = events().put_events(Entries=batch)["Entries"]  # type: ignore[arg-type]
            except (BotoCoreError, ClientError):
                return start
            refused = [offset for offset, result in enumerate(results) if result.get("ErrorCode")]
            if refused:
                return start + refused[0]
        return None
