"""Which domain events a stored change announces: the AWS-native form of Notifea's socket events.

They come from the tables' streams, so the API's hot path makes no extra call, and an event is only ever
announced for a change that was really written.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["sms", "sender"]
Change = Literal["INSERT", "MODIFY", "REMOVE"]

NAMES: dict[tuple[Kind, Change], str] = {
    ("sms", "INSERT"): "SmsCreatedEvent",
    ("sms", "REMOVE"): "SmsDeletedEvent",
    ("sender", "INSERT"): "UserSmsSenderCreatedEvent",
    ("sender", "MODIFY"): "UserSmsSenderUpdatedEvent",
    ("sender", "REMOVE"): "UserSmsSenderDeletedEvent",
}


def event_name(kind: Kind, change: Change, is_v1: bool, by_ttl: bool) -> str | None:
    """The event to publish, or None: status updates, /v2 notifications and TTL expiry announce nothing."""
    if kind == "sms" and not is_v1:
        return None
    if by_ttl:
        return None
    return NAMES.get((kind, change))


def status_changed(before: str | None, after: str | None) -> bool:
    """Whether a modified notification's status moved (a claim, a send, a receipt, a timeout): each move is
    announced once written, whichever function wrote it. A change of anything else announces nothing."""
    return after is not None and before != after
