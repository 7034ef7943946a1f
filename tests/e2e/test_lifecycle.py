"""Delivery lifecycle over HTTP: received texts (check 45), status callbacks with retries, STOP and START."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from tests.e2e.conftest import RunningStack, eventually

pytestmark = pytest.mark.e2e
BEARER = "callback-bearer-token-0123"


@dataclass
class Receiver:
    """A service's callback endpoint on loopback; `script` maps a notification's reference (or id) to the
    statuses to answer. By reference, a script is in place before its send: the callback may come before the
    send's answer is read."""

    url: str = ""
    calls: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    script: dict[str, list[int]] = field(default_factory=dict)

    def received(self, notification_id: str) -> list[dict[str, Any]]:
        return [payload for payload, _ in self.calls if payload.get("id") == notification_id]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.calls.append((payload, self.headers.get("Authorization", "")))
            planned = state.script.get(payload.get("reference") or payload.get("id", ""), [])
            status = planned.pop(0) if planned else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/callback"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()


@dataclass(frozen=True)
class Lifecycle:
    service_id: str
    live: NotificationsAPIClient
    test: NotificationsAPIClient
    sms: str
    email: str
    number: str


@pytest.fixture(scope="module")
def lifecycle(local_stack: RunningStack, receiver: Receiver) -> Lifecycle:
    admin = local_stack.admin()
    service = admin.create_service(name="Lifecycle", restricted=False)["id"]
    number = "07700900" + str(uuid.uuid4().int % 900 + 100)
    admin.call("POST", f"/admin/services/{service}/inbound-numbers", {"number": number})
    for kind in ("delivery_status", "inbound_sms"):
        admin.call(
            "POST", f"/admin/services/{service}/callbacks", {"type": kind, "url": receiver.url, "bearer_token": BEARER}
        )
    keys = {kind: admin.create_api_key(service, kind, kind)["key"] for kind in ("normal", "test")}
    sms = admin.create_template(service, name="S", type="sms", content="Hi ((name))")["id"]
    email = admin.create_template(service, name="E", type="email", subject="S", content="Hi")["id"]
    return Lifecycle(
        service,
        NotificationsAPIClient(keys["normal"], base_url=local_stack.url),
        NotificationsAPIClient(keys["test"], base_url=local_stack.url),
        sms,
        email,
        number,
    )


def queues_idle(stack: RunningStack) -> bool:
    depths = requests.get(f"{stack.url}/_local/queues", timeout=10).json()["queues"]
    return all(depths[name] == 0 for name in ("DispatchQueue", "ReceiptsQueue", "CallbacksQueue", "InboundQueue"))


def text_in(stack: RunningStack, from_number: str, to_number: str, body: str) -> None:
    reply = requests.post(
        f"{stack.url}/_local/inbound-sms", json={"from": from_number, "to": to_number, "body": body}, timeout=10
    )
    assert reply.status_code == 202


def status_of(client: NotificationsAPIClient, notification_id: str) -> str:
    def settled() -> str | None:
        status = str(client.get_notification_by_id(notification_id)["status"])
        return status if status not in ("created", "sending") else None

    return str(eventually(settled, f"{notification_id} to settle"))


def test_45_received_texts(local_stack: RunningStack, lifecycle: Lifecycle) -> None:
    for i in range(3):
        text_in(local_stack, "07700900123", lifecycle.number, f"Hello {i}")
    texts = eventually(
        lambda: (
            len(lifecycle.live.get_received_texts()["received_text_messages"]) == 3
            and lifecycle.live.get_received_texts()
        ),
        "3 texts",
    )
    first = texts["received_text_messages"][0]
    assert {"id", "created_at", "service_id", "notify_number", "user_number", "content"} <= set(first)
    assert (first["content"], first["user_number"], first["notify_number"], first["service_id"]) == (
        "Hello 2",
        "447700900123",  # the sender's number as 44…, Notify's own in national form (spec §3.8)
        lifecycle.number,
        lifecycle.service_id,
    )
    assert texts["links"]["current"].endswith("/v2/received-text-messages")
    with pytest.raises(HTTPError) as bad:
        lifecycle.live.get_received_texts(older_than="x")
    assert (bad.value.status_code, bad.value.message) == (
        400,
        [{"error": "ValidationError", "message": "older_than is not a valid UUID"}],
    )
    walked = [t["id"] for t in lifecycle.live.get_received_texts_iterator()]
    assert len(walked) == len(set(walked)) == 3


def test_each_final_status_calls_back_exactly_once(
    local_stack: RunningStack, lifecycle: Lifecycle, receiver: Receiver
) -> None:
    delivered = lifecycle.test.send_sms_notification("07700900999", lifecycle.sms, {"name": "A"})["id"]
    failed = lifecycle.test.send_sms_notification("07700900002", lifecycle.sms, {"name": "B"})["id"]
    silent = lifecycle.live.send_email_notification("silent@simulator.tidings", lifecycle.email)["id"]
    assert (
        status_of(lifecycle.test, delivered) == "delivered" and status_of(lifecycle.test, failed) == "permanent-failure"
    )
    eventually(lambda: lifecycle.live.get_notification_by_id(silent)["status"] == "sending", "the silent send")
    later = (datetime.now(UTC) + timedelta(hours=73)).isoformat()  # the sweep as EventBridge would run it then
    requests.post(f"{local_stack.url}/_local/run/SweeperFunction", json={"time": later}, timeout=30)
    assert status_of(lifecycle.live, silent) == "temporary-failure"
    eventually(
        lambda: all(receiver.received(i) for i in (delivered, failed, silent)) and queues_idle(local_stack), "callbacks"
    )
    for notification_id, status in (
        (delivered, "delivered"),
        (failed, "permanent-failure"),
        (silent, "temporary-failure"),
    ):
        [payload] = receiver.received(notification_id)
        assert payload["status"] == status and payload["template_version"] == 1
        assert set(payload) == {
            "id",
            "reference",
            "to",
            "status",
            "created_at",
            "completed_at",
            "sent_at",
            "notification_type",
            "template_id",
            "template_version",
        }
    assert {auth for payload, auth in receiver.calls} == {f"Bearer {BEARER}"}


def test_callbacks_retry_on_5xx_and_not_on_4xx(
    local_stack: RunningStack, lifecycle: Lifecycle, receiver: Receiver
) -> None:
    flaky_ref, refused_ref = f"flaky-{uuid.uuid4()}", f"refused-{uuid.uuid4()}"
    receiver.script[flaky_ref], receiver.script[refused_ref] = [500, 500, 200], [400]
    send = lifecycle.test.send_sms_notification
    flaky = send("07700900999", lifecycle.sms, {"name": "C"}, reference=flaky_ref)["id"]
    refused = send("07700900999", lifecycle.sms, {"name": "D"}, reference=refused_ref)["id"]
    eventually(
        lambda: len(receiver.received(flaky)) >= 3 and receiver.received(refused) and queues_idle(local_stack),
        "retries",
    )
    assert (len(receiver.received(flaky)), len(receiver.received(refused))) == (3, 1)


def test_stop_then_start(local_stack: RunningStack, lifecycle: Lifecycle) -> None:
    admin = local_stack.admin()
    opted_out = lambda: admin.call("GET", f"/admin/services/{lifecycle.service_id}/opt-outs")  # noqa: E731
    text_in(local_stack, "+447700900777", lifecycle.number, "STOP")
    eventually(lambda: [o for o in opted_out() if o["number"] == "447700900777"], "the opt-out")
    stopped = lifecycle.live.send_sms_notification("07700900777", lifecycle.sms, {"name": "E"})["id"]
    assert status_of(lifecycle.live, stopped) == "permanent-failure"
    shown = admin.call("GET", f"/admin/services/{lifecycle.service_id}/notifications/{stopped}")
    assert "opted out" in shown["failure_reason"]
    outbox = requests.get(f"{local_stack.url}/_local/outbox", timeout=10).json()["messages"]
    assert stopped not in {m["notification_id"] for m in outbox}
    text_in(local_stack, "07700900777", lifecycle.number, "start")
    eventually(lambda: not [o for o in opted_out() if o["number"] == "447700900777"], "the opt-in")
    started = lifecycle.live.send_sms_notification("07700900777", lifecycle.sms, {"name": "F"})["id"]
    assert status_of(lifecycle.live, started) == "delivered"


def test_live_sends_the_local_providers_fail_end_as_their_receipts_say(lifecycle: Lifecycle) -> None:
    """The simulator's failures come back through the real receipts path (SES bounces, SNS delivery logs)."""
    live = lifecycle.live
    bounced = live.send_email_notification("perm-fail@simulator.notify", lifecycle.email)["id"]
    deferred = live.send_email_notification("temp-fail@simulator.notify", lifecycle.email)["id"]
    invalid = live.send_sms_notification("07700900002", lifecycle.sms, {"name": "H"})["id"]
    unreachable = live.send_sms_notification("07700900003", lifecycle.sms, {"name": "I"})["id"]
    assert [status_of(live, i) for i in (bounced, deferred, invalid, unreachable)] == [
        "permanent-failure",
        "temporary-failure",
        "permanent-failure",
        "temporary-failure",
    ]


def test_an_admin_removes_an_opt_out_and_the_number_is_sent_to_again(
    local_stack: RunningStack, lifecycle: Lifecycle
) -> None:
    admin = local_stack.admin()
    base = f"/admin/services/{lifecycle.service_id}/opt-outs"
    opted_out = lambda: [o for o in admin.call("GET", base) if o["number"] == "447700900778"]  # noqa: E731
    text_in(local_stack, "+447700900778", lifecycle.number, "STOP")
    eventually(opted_out, "the opt-out")
    assert admin.call("DELETE", f"{base}/07700900778") == {"number": "447700900778", "removed": True}
    assert opted_out() == []
    sent = lifecycle.live.send_sms_notification("07700900778", lifecycle.sms, {"name": "G"})["id"]
    assert status_of(lifecycle.live, sent) == "delivered"


def test_v1_sender_webhooks_get_the_sms_on_each_change(
    local_stack: RunningStack, lifecycle: Lifecycle, receiver: Receiver
) -> None:
    admin = local_stack.admin()
    token = admin.call("POST", f"/admin/services/{lifecycle.service_id}/access-tokens", {"name": "hooks"})["token"]
    headers = {"Authorization": f"Bearer {token}"}
    sender = requests.post(
        f"{local_stack.url}/v1/user-sms-senders",
        json={"sender_name": "Hooked", "webhook_url": receiver.url},
        headers=headers,
        timeout=10,
    ).json()["data"]
    body = {"sms_sender_id": sender["uuid"], "content": "Hi", "recipient": "+447700900123"}
    sms = requests.post(f"{local_stack.url}/v1/sms", json=body, headers=headers, timeout=10).json()["data"]

    def hooks() -> list[dict[str, Any]]:
        return [payload for payload, _ in receiver.calls if payload.get("uuid") == sms["uuid"]]

    eventually(lambda: len(hooks()) >= 2 and queues_idle(local_stack), "both webhooks")
    assert [h["result"] for h in hooks()] == [1, 1] and all(h["content"] == "Hi" for h in hooks())
    assert {auth for payload, auth in receiver.calls if payload.get("uuid") == sms["uuid"]} == {""}
