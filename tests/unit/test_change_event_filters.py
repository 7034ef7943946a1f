"""The streams' filters (template.yaml) let through exactly what their functions act on: for ChangeEventsFunction,
/v1 SMS created or deleted by a caller, an email or SMS reaching a final status (its delivery callback), and any
status change of a /v1 SMS (its webhook); for ReceiptsFunction, a kept receipt replaced by its reference. Lambda
drops whatever they refuse, so a filter too narrow loses callbacks or receipts; tidings local applies the same
filters with moto's pattern matcher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from moto.events.models import EventPattern

from tidings.domain.change_events import status_changed
from tidings.domain.notifications import FINAL
from tidings_local.sam_template import written

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
TTL = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def patterns(*mappings: str) -> list[dict[str, Any]]:
    """The filters of the notifications stream's mappings (by default both)."""
    events = written(TEMPLATE)["Resources"]["ChangeEventsFunction"]["Properties"]["Events"]
    return [
        json.loads(f["Pattern"])
        for mapping in mappings or ("Notifications", "Events")
        for f in events[mapping]["Properties"]["FilterCriteria"]["Filters"]
    ]


def record(event: str, status: str, kind: str = "sms", dialect: str = "v2", **extra: Any) -> dict[str, Any]:
    image = {"status": {"S": status}, "type": {"S": kind}, "dialect": {"S": dialect}}
    images = {"OldImage": image} if event == "REMOVE" else {"NewImage": image, "OldImage": image}
    return {"eventName": event, "dynamodb": images, **extra}


def passes(stream_record: dict[str, Any]) -> bool:
    return any(EventPattern(None, p).matches_event(stream_record) for p in patterns())  # type: ignore[arg-type]


def test_the_final_statuses_in_the_filter_are_the_domains() -> None:
    [final] = [p for p in patterns() if "status" in p["dynamodb"].get("NewImage", {})]
    assert sorted(final["dynamodb"]["NewImage"]["status"]["S"]) == sorted(FINAL)


@pytest.mark.parametrize(
    ("stream_record", "delivered"),
    [
        (record("MODIFY", "delivered"), True),  # a /v2 SMS's receipt: its callback
        (record("MODIFY", "permanent-failure", kind="email"), True),
        (record("MODIFY", "technical-failure"), True),
        (record("MODIFY", "sending"), False),  # a /v2 claim: no callback
        (record("MODIFY", "delivered", kind="letter"), False),  # letters have no delivery callbacks
        (record("MODIFY", "sending", dialect="v1"), True),  # a /v1 SMS's every change: its webhook
        (record("INSERT", "created", dialect="v1"), True),  # SmsCreatedEvent
        (record("INSERT", "created"), False),
        (record("REMOVE", "delivered", dialect="v1"), True),  # SmsDeletedEvent
        (record("REMOVE", "delivered", dialect="v1", userIdentity=TTL), False),  # expiry announces nothing
    ],
)
def test_the_stream_delivers_what_the_function_acts_on(stream_record: dict[str, Any], delivered: bool) -> None:
    assert passes(stream_record) is delivered


def test_a_status_change_is_a_move_of_the_status_only() -> None:
    assert status_changed("sending", "delivered") and status_changed(None, "created")
    assert not status_changed("delivered", "delivered")  # another field changed (a letter's sheets, say)
    assert not status_changed("sending", None)


def test_callbacks_and_events_read_the_stream_apart() -> None:
    """One mapping takes the status changes (callbacks, through SQS), the other the /v1 creations and deletions
    (events, through EventBridge), so an outage of one does not hold the other."""
    assert {p["eventName"][0] for p in patterns("Notifications")} == {"MODIFY"}
    assert {p["eventName"][0] for p in patterns("Events")} == {"INSERT", "REMOVE"}


def test_the_references_stream_brings_the_receipts_only_kept_receipts_replaced_by_their_reference() -> None:
    events = written(TEMPLATE)["Resources"]["ReceiptsFunction"]["Properties"]["Events"]
    filters = [json.loads(f["Pattern"]) for f in events["KeptReceipts"]["Properties"]["FilterCriteria"]["Filters"]]
    kept = {"provider_reference": {"S": "m1"}, "receipt_status": {"S": "delivered"}}
    recorded = {"provider_reference": {"S": "m1"}, "notification": {"M": {"id": {"S": "n1"}}}}

    def brought(event: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
        images = {name: image for name, image in (("OldImage", old), ("NewImage", new)) if image is not None}
        stream_record = {"eventName": event, "dynamodb": images}
        return any(EventPattern(None, p).matches_event(stream_record) for p in filters)  # type: ignore[arg-type]

    assert brought("MODIFY", kept, recorded)
    assert not brought("INSERT", None, recorded)  # every send's reference: no receipt waits for it
    assert not brought("MODIFY", kept, kept)  # a later receipt kept over an earlier one
    assert not brought("REMOVE", kept, None)  # TTL
    assert not brought("INSERT", None, kept)
