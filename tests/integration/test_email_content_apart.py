"""An email too big for one write unit keeps its body and subject in a table of their own, so each status
change bills one unit: sent, read and listed whole all the same; receipts never read it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tests.integration.conftest import InProcessApi, SeededService, in_outbox, send_email
from tidings import wiring
from tidings.adapters import aws
from tidings.adapters.dynamo_items import WRITE_UNIT_BYTES, item_size

PARAGRAPH = "Thank you for your application. We will review it within 10 working days and write to you. "
LONG_NAME = PARAGRAPH * 10  # about 0.9 KB, in body and subject: more than one write unit


def _send(api: InProcessApi, service: SeededService, templates: dict[str, str], name: str) -> str:
    notification_id: str = send_email(api, service, templates, name)["id"]
    return notification_id


def _stored(table: str, notification_id: str) -> dict[str, Any] | None:
    found = boto3.client("dynamodb").get_item(TableName=table, Key={"notification_id": {"S": notification_id}})
    return found.get("Item")


def test_a_long_email_is_stored_apart_yet_shown_listed_and_sent_whole(
    api: InProcessApi, service: SeededService, templates: dict[str, str], drain: Callable[[], None]
) -> None:
    notification_id = _send(api, service, templates, LONG_NAME)
    item = _stored("NotificationsTable", notification_id)
    assert item is not None and item["content_apart"] == {"BOOL": True}
    assert item["body"] == {"S": ""} and item_size(item) <= WRITE_UNIT_BYTES  # a status change bills one unit
    assert _stored("NotificationContentsTable", notification_id) is not None

    shown = api.v2("GET", f"/v2/notifications/{notification_id}", service.keys["normal"]).json()
    assert (shown["body"], shown["subject"]) == (f"Dear {LONG_NAME}".rstrip(), f"Hi {LONG_NAME}".rstrip())
    listed = api.v2("GET", "/v2/notifications", service.keys["normal"]).json()["notifications"]
    assert [n["body"] for n in listed if n["id"] == notification_id] == [shown["body"]]

    drain()
    [sent] = in_outbox(notification_id)
    assert LONG_NAME.rstrip() in str(sent["body"])
    after = api.v2("GET", f"/v2/notifications/{notification_id}", service.keys["normal"]).json()
    assert after["status"] == "delivered" and after["body"] == shown["body"]  # the receipt left the body alone
    delivered = _stored("NotificationsTable", notification_id)
    assert delivered is not None and item_size(delivered) <= WRITE_UNIT_BYTES  # claimed and delivered: still one


def test_a_short_email_stays_one_item(api: InProcessApi, service: SeededService, templates: dict[str, str]) -> None:
    notification_id = _send(api, service, templates, "Jo")
    item = _stored("NotificationsTable", notification_id)
    assert item is not None and item["body"] == {"S": "Dear Jo"} and "content_apart" not in item
    assert _stored("NotificationContentsTable", notification_id) is None


def test_readers_that_never_show_the_body_read_none_of_it(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    notification_id = _send(api, service, templates, LONG_NAME)
    store, now = wiring.deps().notifications, datetime.now(UTC)
    assert store.load_many([notification_id], content=False)[notification_id].body == ""  # receipts
    assert (found := store.find(notification_id, now, content=False)) is not None and found.body == ""
    assert LONG_NAME.rstrip() in store.load_many([notification_id])[notification_id].body
    assert (whole := store.find(notification_id, now)) is not None and LONG_NAME.rstrip() in whole.body


def test_a_list_reads_content_only_for_what_it_shows(
    api: InProcessApi, service: SeededService, templates: dict[str, str]
) -> None:
    _send(api, service, templates, LONG_NAME)
    read: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        read.extend(params["RequestItems"])

    client = aws.dynamodb()
    client.meta.events.register("before-parameter-build.dynamodb.BatchGetItem", record, unique_id="content-reads")
    try:
        only_sms = api.v2("GET", "/v2/notifications?template_type=sms", service.keys["normal"])
        everything = api.v2("GET", "/v2/notifications", service.keys["normal"])
    finally:
        client.meta.events.unregister("before-parameter-build.dynamodb.BatchGetItem", unique_id="content-reads")
    assert only_sms.json()["notifications"] == [] and len(everything.json()["notifications"]) == 1
    assert read.count("NotificationContentsTable") == 1  # for the second list only


@pytest.mark.parametrize("path", ["/v2/notifications/{id}", "/v2/notifications"])
def test_an_email_whose_accept_stopped_before_its_content_was_written_was_never_accepted(
    api: InProcessApi, service: SeededService, templates: dict[str, str], path: str
) -> None:
    notification_id = _send(api, service, templates, LONG_NAME)
    boto3.client("dynamodb").delete_item(
        TableName="NotificationContentsTable", Key={"notification_id": {"S": notification_id}}
    )
    reply = api.v2("GET", path.format(id=notification_id), service.keys["normal"])
    if "{id}" in path:
        assert reply.status == 404
    else:
        assert notification_id not in [n["id"] for n in reply.json()["notifications"]]


def test_every_email_item_still_bills_one_unit_once_delivered_on_either_side_of_the_threshold(
    api: InProcessApi, service: SeededService, templates: dict[str, str], drain: Callable[[], None]
) -> None:
    ids = [_send(api, service, templates, "x" * length) for length in range(0, 240, 8)]
    drain()
    items = [_stored("NotificationsTable", i) for i in ids]
    assert all(item is not None and item["status"] == {"S": "delivered"} for item in items)
    assert all(item and "S" in item["provider_reference"] for item in items)  # the receipt stored SES's id too
    assert all(item and "S" in item["claim"] for item in items)  # and the claim its queue message's
    assert max(item_size(item) for item in items if item) <= WRITE_UNIT_BYTES
    assert {"content_apart" in item for item in items if item} == {True, False}  # both sides were tried
