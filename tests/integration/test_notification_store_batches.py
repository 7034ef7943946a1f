"""The notification store's batch operations against moto: claims and receipts as one transaction each,
provider references as one batch write."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.integration.faults import spy
from tidings import wiring
from tidings.adapters import aws
from tidings.domain.notifications import Notification
from tidings.ports import Move, NotificationQuery
from tidings_local.stack import LocalStack

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def notification(**fields: Any) -> Notification:
    defaults = {
        "id": str(uuid.uuid4()), "service_id": "svc", "key_type": "normal", "type": "sms", "template_id": "t",
        "template_version": 1, "to": "07700900123", "normalised_to": "447700900123", "body": "Hi", "sender": "S",
        "created_at": NOW, "expires_at": NOW + timedelta(days=7),
    }  # fmt: skip
    return Notification.model_validate({**defaults, **fields})


@pytest.fixture
def stored(stack: LocalStack) -> Iterator[list[Notification]]:
    """Notifications put straight into the store, and deleted afterwards (the sweeper tests would find them)."""
    notifications = [notification(), notification(status="sending"), notification()]
    for n in notifications:
        wiring.deps().notifications.put(n)
    yield notifications
    for n in notifications:
        wiring.deps().notifications.delete(n.id)


def test_a_batch_moves_every_notification_its_status_allows_and_no_other(stored: list[Notification]) -> None:
    store = wiring.deps().notifications
    ready, taken, other = stored
    claim = {"status": "sending", "updated_at": NOW}
    moves = [Move(ready.id, ["created"], claim), Move(taken.id, ["created"], claim), Move(ready.id, ["created"], claim)]
    assert store.advance_many(moves) == {ready.id}  # the duplicate is one action, the claimed one refused
    found = store.load_many([ready.id, taken.id, other.id, "missing"])
    assert {i: n.status for i, n in found.items()} == {ready.id: "sending", taken.id: "sending", other.id: "created"}
    assert store.advance_many([Move(ready.id, ["created"], claim)]) == set()  # a second claim finds it taken


def test_a_claim_is_taken_over_by_its_own_message_alone_and_only_while_sending(stored: list[Notification]) -> None:
    store = wiring.deps().notifications
    ready = stored[0]
    claim = {"status": "sending", "sent_at": NOW, "updated_at": NOW}
    assert store.advance_many([Move(ready.id, ["created"], claim, ("message-1",))]) == {ready.id}
    assert store.advance_many([Move(ready.id, ["created"], claim, ("message-2",))]) == set()  # another message's
    running = Move(ready.id, ["created"], claim, ("message-1",), claimed_before=NOW)  # made at NOW: not before
    assert store.advance_many([running]) == set()
    stopped = Move(ready.id, ["created"], claim, ("message-1",), claimed_before=NOW + timedelta(seconds=1))
    assert store.advance_many([stopped]) == {ready.id}
    assert store.advance_many([Move(ready.id, ["created"], claim)]) == set()
    assert store.advance_many([Move(ready.id, ["created"], claim, ("message-1",))]) == {ready.id}  # delivered again
    assert store.advance(ready.id, ["sending"], {"status": "delivered"}) is not None
    assert store.advance_many([Move(ready.id, ["created"], claim, ("message-1",))]) == set()  # final: never again


def test_references_resolve_to_the_notification_as_sent_without_its_content_or_recipient(stack: LocalStack) -> None:
    """A receipt moves the notification by id; the copy outlives a /v1 SMS its sender deletes."""
    store = wiring.deps().notifications
    sms, email = notification(body="Your code is 1234"), notification(type="email", body="Dear Jo", subject="Hi")
    store.record_references({"sns-1": sms, "ses-1": email})
    owners = store.owners(["sns-1", "ses-1", "unknown"])
    assert {ref: n.id for ref, n in owners.items()} == {"sns-1": sms.id, "ses-1": email.id}
    assert owners["sns-1"] == sms.model_copy(update={"body": "", "to": "", "normalised_to": ""})
    assert (owners["ses-1"].body, owners["ses-1"].subject, owners["ses-1"].to) == ("", None, "")


def test_the_sweeper_finds_the_unclaimed_and_times_out_only_what_awaits_a_receipt(stack: LocalStack) -> None:
    store = wiring.deps().notifications
    old = NOW - timedelta(days=4)
    waiting = {
        "created": notification(created_at=old),
        "precompiled": notification(type="letter", status="pending-virus-check", created_at=old),
        "sms sending": notification(status="sending", created_at=old),
        "letter printing": notification(type="letter", status="sending", billable_sheets=2, created_at=old),
        "letter never recorded": notification(type="letter", status="sending", created_at=old),
        "delivered": notification(status="delivered", created_at=old),
        "recent": notification(created_at=NOW),
    }
    for n in waiting.values():
        store.put(n)
    try:
        unclaimed, overdue = (
            store.awaiting_dispatch(NOW - timedelta(hours=1)),
            store.sending_since(NOW - timedelta(hours=72)),
        )
        assert set(unclaimed) & {n.id for n in waiting.values()} == {waiting["created"].id, waiting["precompiled"].id}
        overdue_ids = {n.id for n in overdue} & {n.id for n in waiting.values()}
        assert overdue_ids == {waiting["sms sending"].id, waiting["letter never recorded"].id}
    finally:
        for n in waiting.values():
            store.delete(n.id)


def test_a_notification_is_read_back_strongly_consistent(stored: list[Notification]) -> None:
    """GET by id follows its 201 at once: an eventually consistent read may not find the item yet (a 404), or
    show a status from before its last move. moto is always consistent, so the test looks at the request."""
    asked: list[dict[str, Any]] = []
    client = aws.dynamodb()

    def record(params: dict[str, Any], **_: Any) -> None:
        asked.append(params)

    client.meta.events.register("provide-client-params.dynamodb.GetItem", record)
    try:
        store = wiring.deps().notifications
        assert store.find(stored[0].id, NOW) is not None
        assert store.load_for_dispatch(stored[1].id) is not None
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.GetItem", record)
    reads = [p for p in asked if p["TableName"].endswith("NotificationsTable")]
    assert len(reads) == 2 and all(p.get("ConsistentRead") is True for p in reads)


def test_an_sms_shown_for_no_time_is_kept_until_it_could_be_sent_and_receipted(stack: LocalStack) -> None:
    """A /v1 sender's sms_live_time of 0: hidden at once, yet TTL must not delete it before its claim, its send and
    its receipt (the 72-hour timeout), or it is never sent."""
    store = wiring.deps().notifications
    hidden = notification(dialect="v1", expires_at=NOW)
    store.put(hidden)
    try:
        table = stack.resolve({"Ref": "NotificationsTable"})
        ttl = aws.dynamodb().describe_time_to_live(TableName=table)["TimeToLiveDescription"]
        item = aws.dynamodb().get_item(TableName=table, Key={"notification_id": {"S": hidden.id}})["Item"]
        assert ttl["AttributeName"] == "delete_after"
        assert int(item["delete_after"]["N"]) >= int((NOW + timedelta(hours=72)).timestamp())
        assert int(item["expires_at"]["N"]) == int(NOW.timestamp())  # still shown for no time at all
        assert store.find(hidden.id, NOW) is None
        assert store.load_for_dispatch(hidden.id) is not None  # what the claim reads
        kept = notification(expires_at=NOW + timedelta(days=7))  # a service's retention: a day's margin after it
        store.put(kept)
        item = aws.dynamodb().get_item(TableName=table, Key={"notification_id": {"S": kept.id}})["Item"]
        assert int(item["delete_after"]["N"]) == int((NOW + timedelta(days=8)).timestamp())
        store.delete(kept.id)
    finally:
        store.delete(hidden.id)


@pytest.fixture
def long_list(stack: LocalStack) -> Iterator[list[Notification]]:
    """25 of one service, newest first; only the oldest has a reference and is delivered. Five in the middle are
    past their retention, not yet deleted by TTL: the index still holds them, and a page looks at them too."""
    store, service = wiring.deps().notifications, str(uuid.uuid4())
    made = [notification(service_id=service, created_at=NOW - timedelta(minutes=i)) for i in range(25)]
    made[-1] = made[-1].model_copy(update={"reference": "order-123", "status": "delivered"})
    for i in range(3, 8):
        made[i] = made[i].model_copy(update={"expires_at": NOW - timedelta(seconds=1)})
    for n in made:
        store.put(n)
    yield made
    for n in made:
        store.delete(n.id)


def pages_of(**filters: Any) -> list[tuple[list[str], str | None]]:
    """Each page's notifications and where it stopped at its budget, following on as list_notifications does."""
    store, pages, anchor = wiring.deps().notifications, [], None
    while True:
        page = store.page(NotificationQuery(key_type="normal", now=NOW, older_than=anchor, **filters))
        pages.append(([n.id for n in page.notifications], page.resume_after))
        if page.resume_after is None:
            return pages
        anchor = store.load_for_dispatch(page.resume_after)


def test_a_reference_is_looked_up_in_the_list_index_reading_only_what_matches(long_list: list[Notification]) -> None:
    """The index holds each reference: a lookup passes over the rest without reading them."""
    with spy(aws.dynamodb(), "BatchGetItem") as reads:
        pages = pages_of(service_id=long_list[0].service_id, reference="order-123", keys_budget=10)
    assert pages == [([long_list[24].id], None)]
    read = [k["notification_id"]["S"] for r in reads for t in r["RequestItems"].values() for k in t["Keys"]]
    assert read == [long_list[24].id]
    by_type = pages_of(service_id=long_list[0].service_id, types=frozenset({"email"}), keys_budget=10)
    assert by_type == [([], None)]  # no email among them: nothing read, nothing shown


def test_a_page_looks_at_no_more_of_the_index_than_its_budget(long_list: list[Notification]) -> None:
    """A lookup in a long retention answers in time, and says where it stopped (the next page goes on there)."""
    pages = pages_of(service_id=long_list[0].service_id, reference="order-123", index_keys_budget=10)
    assert pages == [([], long_list[9].id), ([], long_list[19].id), ([long_list[24].id], None)]


def test_a_status_filter_reads_the_list_a_budget_of_notifications_at_a_time(long_list: list[Notification]) -> None:
    """Nothing indexes a status, which changes: the notifications are read, at most the budget a page (the five
    expired are left out in the index, unread)."""
    pages = pages_of(service_id=long_list[0].service_id, statuses=frozenset({"delivered"}), keys_budget=10)
    assert pages == [([], long_list[19].id), ([long_list[24].id], None)]
